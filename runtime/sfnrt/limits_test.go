package sfnrt

import (
	"context"
	"testing"

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
