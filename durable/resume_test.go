package durable

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/atamachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// restartDuringWait starts an execution of the JSONata machine (a Pass
// of $uuid, $random, $now and $millis, then a Wait of wait seconds,
// within the machine's TimeoutSeconds of 3) on a worker, stops the
// worker while the execution waits, keeps it down for down, and finishes
// the execution on a new worker with the same executor ID.
func restartDuringWait(t *testing.T, wait int, down time.Duration) (*Executor, *Description) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := sqliteStore(t)
	open := func() *Executor {
		e, err := Open(ctx, atamachine.New(nil), Config{Store: store, ExecutorID: "resume"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Work(); err != nil {
			t.Fatal(err)
		}
		return e
	}
	w := open()
	start, err := w.StartExecution(ctx, "", `{"wait":`+itoa(wait)+`}`)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		h, _ := w.History(start.ExecutionArn)
		return len(h) > 0 && lastType(h) == "WaitStateEntered"
	})
	w.Close()
	time.Sleep(down)
	w = open()
	t.Cleanup(w.Close)
	d, err := w.Wait(ctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	return w, d
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// A resumed execution sees the values it saw: JSONata's $uuid(),
// $random(), $now() and $millis() in the states it runs again after a
// restart are the first run's (the output, made by the replayed Pass,
// equals what the history recorded before the restart).
func TestResumedExecutionSeesItsDraws(t *testing.T) {
	w, d := restartDuringWait(t, 1, 200*time.Millisecond)
	if d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%s %s %s", d.Status, deref(d.Error), deref(d.Cause))
	}
	h, err := w.History(d.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	var recorded string
	for _, ev := range h {
		if eventType(ev) == "PassStateExited" {
			det, _ := ev.Get("stateExitedEventDetails")
			out, _ := det.(*sfnrt.Object).Get("output")
			recorded = out.(string)
		}
	}
	var before, after map[string]any
	json.Unmarshal([]byte(recorded), &before)
	json.Unmarshal([]byte(*d.Output), &after)
	if before["uuid"] == nil || before["millis"] == nil {
		t.Fatalf("the Pass recorded %s", recorded)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("values drawn again after the restart (-first run +resumed):\n%s", diff)
	}
}

// The machine's TimeoutSeconds counts from the execution's start, not
// from the restart: down for 2 of its 3 seconds, an execution waiting 5
// seconds times out 3 seconds after its start (a count restarted by the
// restart would let the Wait end first).
func TestMachineTimeoutKeepsItsDeadline(t *testing.T) {
	began := time.Now()
	_, d := restartDuringWait(t, 5, 2*time.Second)
	if d.Status != sfnrt.StatusTimedOut {
		t.Fatalf("%s after %v, want TIMED_OUT", d.Status, time.Since(began))
	}
	if took := time.Since(began); took > 4500*time.Millisecond {
		t.Errorf("timed out after %v, want about 3 s", took)
	}
}
