package durable

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/atamachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// historyOf returns the execution's history as decoded JSON events.
func historyOf(t *testing.T, e *Executor, arn string) []map[string]any {
	t.Helper()
	h, err := e.GetExecutionHistory(context.Background(), arn, false, 1000, "", true)
	if err != nil {
		t.Fatal(err)
	}
	var events []map[string]any
	for _, raw := range h.Events {
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	return events
}

// checkNumbering fails unless events are numbered 1, 2, ... with each
// previousEventId before its event.
func checkNumbering(t *testing.T, events []map[string]any) {
	t.Helper()
	for i, ev := range events {
		if id := ev["id"].(float64); id != float64(i+1) {
			t.Fatalf("event %d (%s) has id %v", i+1, ev["type"], id)
		}
		if prev := ev["previousEventId"].(float64); prev >= float64(i+1) || prev < 0 {
			t.Errorf("event %d (%s) has previousEventId %v", i+1, ev["type"], prev)
		}
	}
}

func typesOf(events []map[string]any) []string {
	var types []string
	for _, ev := range events {
		types = append(types, ev["type"].(string))
	}
	return types
}

func indexOf(types []string, typ string) int {
	for i, t := range types {
		if t == typ {
			return i
		}
	}
	return -1
}

// A redrive continues a FAILED execution from the state that failed: in
// a Map, from the iteration that failed; the Tasks that succeeded before
// are not invoked again, the replayed states see the values they saw,
// and the history goes on after ExecutionRedriven. A STOPPED one resumes
// at the state it was stopped in.
func TestRedrive(t *testing.T) {
	tests := []struct {
		name string
		// fail makes these invocations fail on the first attempt; stop
		// stops the execution at its callback instead.
		fail []string
		stop bool
		// wantStatus is the first attempt's; wantCalls the invocations
		// after the redrive's success.
		wantStatus string
		wantCalls  map[string]int
		resumedAt  string // the state entered after ExecutionRedriven
	}{
		{
			name: "Map iteration", fail: []string{"Square/%s/3"}, wantStatus: sfnrt.StatusFailed,
			wantCalls: map[string]int{"Prepare": 1, "Left": 1, "Right": 1, "Square/1": 1, "Square/2": 1, "Square/3": 2, "Square/4": 1, "Approve": 1},
			resumedAt: "Square",
		},
		{
			name: "Parallel branch", fail: []string{"Right/%s"}, wantStatus: sfnrt.StatusFailed,
			wantCalls: map[string]int{"Prepare": 1, "Left": 1, "Right": 2, "Square/1": 1, "Square/2": 1, "Square/3": 1, "Square/4": 1, "Approve": 1},
			resumedAt: "Right",
		},
		{
			name: "first state", fail: []string{"Prepare/%s"}, wantStatus: sfnrt.StatusFailed,
			wantCalls: map[string]int{"Prepare": 2, "Left": 1, "Right": 1, "Square/1": 1, "Square/2": 1, "Square/3": 1, "Square/4": 1, "Approve": 1},
			resumedAt: "Prepare",
		},
		{
			name: "stopped at its callback", stop: true, wantStatus: sfnrt.StatusAborted,
			wantCalls: map[string]int{"Prepare": 1, "Left": 1, "Right": 1, "Square/1": 1, "Square/2": 1, "Square/3": 1, "Square/4": 1, "Approve": 2},
			resumedAt: "Approve",
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Generous: a loaded machine runs these slowly.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			h := newHandlers()
			w := openWorker(t, sqliteStore(t), h, Config{SkipWaits: true})
			defer w.Close()
			name := fmt.Sprint("r", i)
			for _, f := range tc.fail {
				h.failing(strings.Replace(f, "%s", name, 1), true)
			}
			start, err := w.StartExecution(ctx, name, testInput(4, 0))
			if err != nil {
				t.Fatal(err)
			}
			arn := start.ExecutionArn
			if tc.stop {
				<-h.tokens
				if _, err := w.StopExecution(ctx, arn, "Halt", "by the test"); err != nil {
					t.Fatal(err)
				}
			}
			d, err := w.Wait(ctx, arn)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != tc.wantStatus || d.RedriveStatus != "REDRIVABLE" || d.RedriveCount != 0 {
				t.Fatalf("first attempt: %s, %s %q, count %d", d.Status, d.RedriveStatus, d.RedriveStatusReason, d.RedriveCount)
			}
			first := historyOf(t, w, arn)

			for _, f := range tc.fail {
				h.failing(strings.Replace(f, "%s", name, 1), false)
			}
			out, err := w.RedriveExecution(ctx, arn, "once")
			if err != nil {
				t.Fatal(err)
			}
			// The same client token: the same redrive, not another.
			if again, err := w.RedriveExecution(ctx, arn, "once"); err != nil || again.RedriveDate != out.RedriveDate {
				t.Errorf("redrive with the same client token: %+v, %v", again, err)
			}
			token := <-h.tokens
			if err := w.SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
				t.Fatal(err)
			}
			d, err = w.Wait(ctx, arn)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != sfnrt.StatusSucceeded || d.RedriveCount != 1 || d.RedriveDate != out.RedriveDate ||
				d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason != "Execution is SUCCEEDED and cannot be redriven" {
				t.Errorf("after the redrive: %s, count %d, date %s (want %s), %s %q", d.Status, d.RedriveCount, d.RedriveDate, out.RedriveDate, d.RedriveStatus, d.RedriveStatusReason)
			}
			calls := map[string]int{}
			for k, n := range h.counts() {
				calls[strings.Replace(k, "/"+name, "", 1)] = n
			}
			// Branches and iterations run concurrently: when one failed,
			// those still running were cancelled, and a redrive runs them
			// again, as AWS does; their events are not in the first
			// attempt's history. Those that succeeded are not run again.
			want := maps.Clone(tc.wantCalls)
			for k, n := range want {
				if n == 1 && calls[k] == 2 && !succeededIn(first, k) {
					want[k] = 2
				}
			}
			if diff := cmp.Diff(want, calls); diff != "" {
				t.Errorf("invocations (-want +got):\n%s", diff)
			}

			// The history: the first attempt's, ExecutionRedriven, then the
			// resumed state entered again, and so to the end.
			events := historyOf(t, w, arn)
			checkNumbering(t, events)
			if diff := cmp.Diff(first, events[:len(first)]); diff != "" {
				t.Errorf("the first attempt's events changed (-before +after):\n%s", diff)
			}
			types := typesOf(events)
			r := indexOf(types, "ExecutionRedriven")
			if r != len(first) {
				t.Fatalf("ExecutionRedriven at %d, want %d, after the first attempt: %v", r, len(first), types)
			}
			if got := events[r]["executionRedrivenEventDetails"]; !cmp.Equal(got, map[string]any{"redriveCount": float64(1)}) {
				t.Errorf("ExecutionRedriven details %v", got)
			}
			entered := events[r+1]
			// Or a branch cancelled by the failure (before or after its
			// Task was invoked), which runs again too and comes first in
			// item order.
			resumed, _ := entered["stateEnteredEventDetails"].(map[string]any)["name"].(string)
			if !strings.HasSuffix(types[r+1], "StateEntered") || resumed != tc.resumedAt && succeededIn(first, resumed) ||
				entered["previousEventId"] != float64(r+1) {
				t.Errorf("after ExecutionRedriven: %v (invocations %v; the first attempt: %v)", entered, calls, typesOf(first))
			}
			if last := types[len(types)-1]; last != "ExecutionSucceeded" {
				t.Errorf("last event %s", last)
			}
			// A replayed state saw what it saw: the UUID Stamp drew, when
			// it ran in the first attempt, is the output's.
			var output struct{ Stamp struct{ UUID string } }
			json.Unmarshal([]byte(*d.Output), &output)
			if indexOf(typesOf(first), "PassStateExited") >= 0 && !strings.Contains(fmt.Sprint(first), output.Stamp.UUID) || output.Stamp.UUID == "" {
				t.Errorf("the output's stamp %q is not the first attempt's", output.Stamp.UUID)
			}

			if _, err := w.RedriveExecution(ctx, arn, ""); apiCode(err) != "ExecutionNotRedrivable" {
				t.Errorf("redrive of a SUCCEEDED execution: %v", err)
			}
		})
	}
}

// succeededIn reports whether the history shows the invocation key
// (Left, Right, Square/N) done: its Task state exited, for Square/N in
// the iteration of index N-1.
func succeededIn(events []map[string]any, key string) bool {
	state, item, isItem := strings.Cut(key, "/")
	index := -1
	for _, ev := range events {
		switch ev["type"] {
		case "MapIterationStarted":
			index = int(ev["mapIterationStartedEventDetails"].(map[string]any)["index"].(float64))
		case "TaskStateExited":
			d := ev["stateExitedEventDetails"].(map[string]any)
			if d["name"] == state && (!isItem || fmt.Sprint(index+1) == item) {
				return true
			}
		}
	}
	return false
}

// RedriveExecution's errors.
func TestRedriveErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h := newHandlers()
	w := openWorker(t, sqliteStore(t), h, Config{SkipWaits: true})
	defer w.Close()
	start, err := w.StartExecution(ctx, "parked", testInput(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	<-h.tokens
	tests := []struct {
		name, arn, token, want string
	}{
		{"unknown", w.arn("nope"), "", "ExecutionDoesNotExist"},
		{"running", start.ExecutionArn, "", "ExecutionNotRedrivable"},
		{"long client token", start.ExecutionArn, strings.Repeat("t", 65), "ValidationException"},
		{"client token with a space", start.ExecutionArn, "a b", "ValidationException"},
	}
	for _, tc := range tests {
		if _, err := w.RedriveExecution(ctx, tc.arn, tc.token); apiCode(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	d := &Description{Status: sfnrt.StatusFailed, StartDate: "2026-01-01T00:00:00.000Z", StopDate: "2026-01-02T00:00:00.000Z"}
	for _, tc := range []struct {
		now  string
		want string
	}{
		{"2026-01-15T23:59:59Z", ""},
		{"2026-01-16T00:00:01Z", "Execution redrivable period exceeded"},
		{"2027-01-01T00:00:01Z", "Execution has exceeded the max execution time"},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := notRedrivable(d, now); got != tc.want {
			t.Errorf("at %s: %q, want %q", tc.now, got, tc.want)
		}
	}
}

// A TIMED_OUT execution is redriven at the state it was in, and the
// machine's TimeoutSeconds counts again from the redrive, as AWS resets
// it: the JSONata machine's 5 s Wait times out 3 s after the redrive, not
// at once.
func TestRedriveTimedOut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := Open(ctx, atamachine.New(nil), Config{Store: sqliteStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "late", `{"wait":5}`)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := e.Wait(ctx, start.ExecutionArn); err != nil || d.Status != sfnrt.StatusTimedOut {
		t.Fatalf("first attempt: %+v %v", d, err)
	}
	began := time.Now()
	if _, err := e.RedriveExecution(ctx, start.ExecutionArn, ""); err != nil {
		t.Fatal(err)
	}
	d, err := e.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusTimedOut || d.RedriveCount != 1 {
		t.Fatalf("redriven: %+v %v", d, err)
	}
	if took := time.Since(began); took < 2500*time.Millisecond || took > 4500*time.Millisecond {
		t.Errorf("the redriven execution timed out after %v, want about 3 s", took)
	}
	events := historyOf(t, e, start.ExecutionArn)
	checkNumbering(t, events)
	types := typesOf(events)
	r := indexOf(types, "ExecutionRedriven")
	if r < 0 || types[r-1] != "ExecutionTimedOut" || types[r+1] != "WaitStateEntered" || types[len(types)-1] != "ExecutionTimedOut" {
		t.Errorf("history %v", types)
	}
}
