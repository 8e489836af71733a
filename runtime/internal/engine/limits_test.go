package engine

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// passLoop is a machine whose one Pass state runs n times (looping to
// itself) and ends: 2n+2 events with the execution's own.
func passLoop(n int) *Machine {
	return &Machine{Name: "m", Program: &Program{
		States: []StateInfo{{Name: "Loop", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			i, _ := Int(in)
			if int(i)+1 >= n {
				return End, int64(i + 1), nil
			}
			return 0, int64(i + 1), nil
		},
	}}
}

// taskLoop is a machine whose one Task state runs n times: five events
// each (entered, scheduled, started, succeeded, exited).
func taskLoop(n int) *Machine {
	return &Machine{Name: "m", Program: &Program{
		States: []StateInfo{{Name: "Loop", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, func(ctx context.Context, in any) (any, error) {
				i, _ := Int(in)
				return i + 1, nil
			})
			if i, _ := Int(out); err == nil && int(i) >= n {
				return End, out, nil
			}
			return 0, out, err
		},
	}}
}

// The execution whose history would pass 25,000 events fails with AWS's
// States.Runtime and cause, as event 25,000 after the last one that fit;
// the one that ends with event 25,000 succeeds. Without a history it ends
// alike.
func TestHistoryLimit(t *testing.T) {
	type end struct {
		Status, Error, Cause string
		Events               int
		Last                 Event
	}
	fullCause := "The execution reached the maximum number of history events (25000)."
	tests := []struct {
		name string
		m    *Machine
		typ  string
		want end
	}{
		{"pass fits", passLoop(12499), "", end{Status: StatusSucceeded, Events: 25000,
			Last: Event{ID: 25000, PreviousEventID: 24999, Type: EventExecutionSucceeded}}},
		{"pass one more", passLoop(12500), "", end{Status: StatusFailed, Error: ErrRuntime, Cause: fullCause, Events: 25000,
			Last: Event{ID: 25000, PreviousEventID: 24999, Type: EventExecutionFailed}}},
		{"pass for ever", passLoop(1 << 40), "", end{Status: StatusFailed, Error: ErrRuntime, Cause: fullCause, Events: 25000,
			Last: Event{ID: 25000, PreviousEventID: 24999, Type: EventExecutionFailed}}},
		// 1 + 5k + 1 events: 4999 tasks make 24997; the 5000th starts
		// as event 24999 and has no room to succeed.
		{"task fits", taskLoop(4999), "", end{Status: StatusSucceeded, Events: 24997,
			Last: Event{ID: 24997, PreviousEventID: 24996, Type: EventExecutionSucceeded}}},
		{"task one more", taskLoop(5000), "", end{Status: StatusFailed, Error: ErrRuntime, Cause: fullCause, Events: 25000,
			Last: Event{ID: 25000, PreviousEventID: 24999, Type: EventExecutionFailed}}},
		{"express has no history quota", passLoop(20000), "EXPRESS", end{Status: StatusSucceeded, Events: 40002,
			Last: Event{ID: 40002, PreviousEventID: 40001, Type: EventExecutionSucceeded}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, history := range []bool{true, false} {
				res := tt.m.Start(context.Background(), int64(0), Options{History: history, Type: tt.typ})
				got := end{Status: res.Status, Error: res.Error, Cause: res.Cause}
				want := tt.want
				if history {
					got.Events = len(res.History)
					last := res.History[len(res.History)-1]
					got.Last = Event{ID: last.ID, PreviousEventID: last.PreviousEventID, Type: last.Type}
				} else {
					want.Events, want.Last = 0, Event{}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("history %v (-want +got):\n%s", history, diff)
				}
			}
		})
	}
}

// What AWS's StartExecution refuses does not start, even when the first
// state would drop the input: the result carries the API's error.
func TestStartRefuses(t *testing.T) {
	ran := false
	m := &Machine{Name: "m", Program: &Program{
		States: []StateInfo{{Name: "Drop", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			ran = true
			return End, ObjectOf(), nil
		},
	}}
	big := ObjectOf(Member{"s", strings.Repeat("a", MaxPayloadBytes)})
	tooBig := "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144"
	type end struct{ Status, Error, Cause string }
	tests := []struct {
		name  string
		input any
		opts  Options
		want  end
		runs  bool
	}{
		{"input over 256 KiB", big, Options{}, end{StatusFailed, "ValidationException", tooBig}, false},
		{"input over 256 KiB with history", big, Options{History: true}, end{StatusFailed, "ValidationException", tooBig}, false},
		{"input over 256 KiB, its bound left by the decoder", MustParseJSON(`{"s":"` + strings.Repeat("a", MaxPayloadBytes) + `"}`), Options{},
			end{StatusFailed, "ValidationException", tooBig}, false},
		{"input under 256 KiB, its bound left by the decoder", MustParseJSON(`{"s":"` + strings.Repeat("a", 1000) + `"}`), Options{}, end{Status: StatusSucceeded}, true},
		{"no payload limit", big, Options{PayloadLimit: -1}, end{Status: StatusSucceeded}, true},
		{"input at 256 KiB", strings.Repeat("a", MaxPayloadBytes-2), Options{}, end{Status: StatusSucceeded}, true},
		{"execution name with slash", ObjectOf(), Options{Name: "a/b"}, end{StatusFailed, "InvalidName", "Invalid Name: 'a/b'"}, false},
		{"execution name with control character", ObjectOf(), Options{Name: "a\u0085b"}, end{StatusFailed, "InvalidName", "Invalid Name: 'a\u0085b'"}, false},
		{"execution name of 81", ObjectOf(), Options{Name: "x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789y"},
			end{StatusFailed, "ValidationException", "1 validation error detected: Value 'x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789y' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"}, false},
		{"execution name of 80, not ASCII", ObjectOf(), Options{Name: "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"}, end{Status: StatusSucceeded}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = false
			res := m.Start(context.Background(), tt.input, tt.opts)
			if diff := cmp.Diff(tt.want, end{res.Status, res.Error, res.Cause}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if ran != tt.runs || !tt.runs && len(res.History) > 0 {
				t.Errorf("ran %v, %d events", ran, len(res.History))
			}
		})
	}
}

// An EXPRESS execution times out after AWS's five minutes, or its own
// shorter TimeoutSeconds; a STANDARD one waits as long as it asks.
func TestExpressFiveMinutes(t *testing.T) {
	waits := func(timeoutSeconds int64) *Machine {
		return &Machine{Name: "m", TimeoutSeconds: timeoutSeconds, Program: &Program{
			States: []StateInfo{{Name: "Wait", Kind: "Wait"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				return End, in, f.Sleep(ctx, 400*time.Second)
			},
		}}
	}
	tests := []struct {
		name    string
		m       *Machine
		typ     string
		want    string
		stopped time.Duration
	}{
		{"express", waits(0), "EXPRESS", StatusTimedOut, 300 * time.Second},
		{"express with a longer timeout", waits(1000), "EXPRESS", StatusTimedOut, 300 * time.Second},
		{"express with a shorter timeout", waits(60), "EXPRESS", StatusTimedOut, 60 * time.Second},
		{"standard", waits(0), "STANDARD", StatusSucceeded, 400 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.m.Start(context.Background(), ObjectOf(), Options{Type: tt.typ, SkipWaits: true})
			if res.Status != tt.want || res.StopDate.Sub(res.StartDate).Truncate(time.Second) != tt.stopped {
				t.Errorf("%s after %v, want %s after %v", res.Status, res.StopDate.Sub(res.StartDate), tt.want, tt.stopped)
			}
		})
	}
}

// An inline Map runs at most 40 iterations at once, whatever its
// MaxConcurrency.
func TestInlineMapConcurrencyCap(t *testing.T) {
	var running, peak atomic.Int64
	proc := &Program{
		States: []StateInfo{{Name: "Work", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(2 * time.Millisecond)
			running.Add(-1)
			return End, in, nil
		},
	}
	x := &Execution{Clock: RealClock{}}
	f := &Frame{X: x, Vars: NewScope(nil), State: "Map"}
	if _, err := f.Map(context.Background(), items(400), MapConfig{MaxConcurrency: 1000}, nil, proc); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > MaxInlineMapConcurrency {
		t.Errorf("%d iterations at once, want at most %d", p, MaxInlineMapConcurrency)
	}
}
