package durable

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

const greetActivity = "arn:aws:states:us-east-1:123456789012:activity:greet"

// activityMachine is one Activity Task state on greetActivity.
func activityMachine(timeout, heartbeat int64) *sfnrt.Machine {
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Greet", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, greetActivity, timeout, heartbeat, in, nil)
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: "greeter", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Greet", Resource: greetActivity}}}
}

// historyTypes returns the types of an execution's events and the
// details of those of type typ.
func historyTypes(t *testing.T, e *Executor, arn, typ string) (types []string, details []string) {
	t.Helper()
	h, err := e.GetExecutionHistory(context.Background(), arn, false, 0, "", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range h.Events {
		var ev map[string]json.RawMessage
		json.Unmarshal(raw, &ev)
		var ty string
		json.Unmarshal(ev["type"], &ty)
		types = append(types, ty)
		if ty == typ {
			for k, v := range ev {
				if k != "id" && k != "previousEventId" && k != "timestamp" && k != "type" {
					details = append(details, string(v))
				}
			}
		}
	}
	return types, details
}

// TestActivityThroughStore: a worker that reaches the store from another
// client (OpenActivities, as the API server does) takes an execution's
// Activity Task, and its answer completes the execution; the history has
// AWS's activity events with the worker's name.
func TestActivityThroughStore(t *testing.T) { activityThroughStore(t, sqliteStore(t), OpenActivities) }

// TestActivityThroughPostgres: the same on PostgreSQL, where several
// workers and servers share a store.
func TestActivityThroughPostgres(t *testing.T) {
	activityThroughStore(t, testservers.Postgres(t), OpenActivities)
}

// TestActivityThroughClientPool: the same through a Client's Activities,
// on the Client's connection pool (as the API server does, with one pool
// for executions and activities), on SQLite and PostgreSQL.
func TestActivityThroughClientPool(t *testing.T) {
	viaClient := func(ctx context.Context, store string) (*Activities, error) {
		c, err := OpenClient(ctx, ClientConfig{Store: store})
		if err != nil {
			return nil, err
		}
		t.Cleanup(c.Close)
		return c.Activities(ctx)
	}
	t.Run("sqlite", func(t *testing.T) { activityThroughStore(t, sqliteStore(t), viaClient) })
	t.Run("postgres", func(t *testing.T) { activityThroughStore(t, testservers.Postgres(t), viaClient) })
}

func activityThroughStore(t *testing.T, store string, open func(context.Context, string) (*Activities, error)) {
	ctx := context.Background()
	e, err := Open(ctx, activityMachine(0, 0), Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	acts, err := open(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()

	// No task yet: the poll ends empty with its context.
	short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	got, err := acts.GetActivityTask(short, greetActivity, "early")
	cancel()
	if err != nil || got.TaskToken != nil {
		t.Fatalf("GetActivityTask before any execution = %+v, %v; want empty", got, err)
	}

	start, err := e.StartExecution(ctx, "one", `{"who":"you"}`)
	if err != nil {
		t.Fatal(err)
	}
	task, err := acts.GetActivityTask(ctx, greetActivity, "worker-7")
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask = %+v, %v", task, err)
	}
	if *task.Input != `{"who":"you"}` {
		t.Errorf("input = %s", *task.Input)
	}
	// Taken once: another worker gets nothing.
	short, cancel = context.WithTimeout(ctx, 150*time.Millisecond)
	other, _ := acts.GetActivityTask(short, greetActivity, "worker-8")
	cancel()
	if other.TaskToken != nil {
		t.Errorf("a second worker got the same task")
	}
	if err := acts.SendTaskHeartbeat(ctx, *task.TaskToken); err != nil {
		t.Errorf("heartbeat: %v", err)
	}
	if err := acts.SendTaskSuccess(ctx, *task.TaskToken, `{"greeting":"hello you"}`); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := e.Wait(wctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || *d.Output != `{"greeting":"hello you"}` {
		t.Fatalf("execution %s, output %v", d.Status, d.Output)
	}
	types, started := historyTypes(t, e, start.ExecutionArn, "ActivityStarted")
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`{"workerName":"worker-7"}`}, started); diff != "" {
		t.Errorf("ActivityStarted details (-want +got):\n%s", diff)
	}
	// The token's Task is done: answering again is refused as AWS does.
	if err := acts.SendTaskSuccess(ctx, *task.TaskToken, `{}`); apiCode(err) != "TaskDoesNotExist" {
		t.Errorf("second answer: %v, want TaskDoesNotExist", err)
	}
	if err := acts.SendTaskSuccess(ctx, "bm90IGEgdG9rZW4", `{}`); apiCode(err) != "InvalidToken" {
		t.Errorf("forged token: %v, want InvalidToken", err)
	}
}

// TestActivityTimesOutInStore: an activity no worker takes before its
// TimeoutSeconds times out, and its task is handed out no more.
func TestActivityTimesOutInStore(t *testing.T) {
	ctx := context.Background()
	store := sqliteStore(t)
	e, err := Open(ctx, activityMachine(1, 0), Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "late", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := e.Wait(wctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusFailed || *d.Error != sfnrt.ErrTimeout {
		t.Fatalf("execution %s %v, want FAILED States.Timeout", d.Status, d.Error)
	}
	types, _ := historyTypes(t, e, start.ExecutionArn, "")
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityTimedOut", "ExecutionFailed"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	acts, err := OpenActivities(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	defer cancel()
	if got, _ := acts.GetActivityTask(short, greetActivity, "w"); got.TaskToken != nil {
		t.Errorf("the timed-out task was handed out")
	}
}

// TestActivitySurvivesRestart: a worker that stops while its execution
// waits for an activity leaves the task in the store; the worker that
// recovers the execution waits for the same task, which a worker then
// takes and answers.
func TestActivitySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	store := sqliteStore(t)
	e1, err := Open(ctx, activityMachine(0, 0), Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e1.StartExecution(ctx, "restarted", `{"n":1}`)
	if err != nil {
		t.Fatal(err)
	}
	waiting := func() int {
		var n int
		e1.activities.db.queryRow(ctx, `SELECT count(*) FROM sfn_activity_tasks`).Scan(&n)
		return n
	}
	for deadline := time.Now().Add(20 * time.Second); waiting() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the activity task is not in the store after 20s")
		}
	}
	e1.Close()

	e2, err := Open(ctx, activityMachine(0, 0), Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if err := e2.Work(); err != nil {
		t.Fatal(err)
	}
	acts, err := OpenActivities(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	task, err := acts.GetActivityTask(ctx, greetActivity, "after-restart")
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask after the restart = %+v, %v", task, err)
	}
	if err := acts.SendTaskSuccess(ctx, *task.TaskToken, `"done"`); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := e2.Wait(wctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || *d.Output != `"done"` {
		t.Fatalf("execution %s, output %v", d.Status, d.Output)
	}
	types, _ := historyTypes(t, e2, start.ExecutionArn, "")
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

// TestActivityParkedHeartbeatFromStart: an execution waiting for an
// activity parks; GetActivityTask wakes it to write ActivityStarted, and
// HeartbeatSeconds count from when the worker took the task, not from
// the Task's start.
func TestActivityParkedHeartbeatFromStart(t *testing.T) {
	ctx := context.Background()
	store := sqliteStore(t)
	const heartbeat = 2 * time.Second
	e, err := Open(ctx, activityMachine(0, int64(heartbeat/time.Second)), Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	acts, err := OpenActivities(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	start, err := e.StartExecution(ctx, "silent-worker", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return e.parkOf(start.ExecutionArn) != nil })
	// Taken well into the heartbeat's time, then never answered.
	time.Sleep(heartbeat * 3 / 4)
	taking := time.Now()
	task, err := acts.GetActivityTask(ctx, greetActivity, "silent")
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask = %+v, %v", task, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := e.Wait(wctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusFailed || *d.Error != sfnrt.ErrHeartbeatTimeout {
		t.Fatalf("execution %s %v, want FAILED %s", d.Status, d.Error, sfnrt.ErrHeartbeatTimeout)
	}
	stop, err := time.Parse(time.RFC3339Nano, d.StopDate)
	if err != nil {
		t.Fatal(err)
	}
	if earliest := taking.Add(heartbeat).Truncate(time.Millisecond); stop.Before(earliest) {
		t.Errorf("timed out at %s, %s after the worker took the task; want HeartbeatSeconds (%s) after", d.StopDate, stop.Sub(taking), heartbeat)
	}
	types, started := historyTypes(t, e, start.ExecutionArn, "ActivityStarted")
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`{"workerName":"silent"}`}, started); diff != "" {
		t.Errorf("ActivityStarted details (-want +got):\n%s", diff)
	}
}
