package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testActivity = "arn:aws:states:us-east-1:123456789012:activity:greet"

// activityMachine is one Activity Task state on testActivity.
func activityMachine(timeout, heartbeat int64) *Machine {
	p := &Program{
		States: []StateInfo{{Name: "Greet", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, testActivity, timeout, heartbeat, in, nil)
			return End, out, err
		},
	}
	return &Machine{Name: "act", Program: p, Tasks: []TaskInfo{{State: "Greet", Resource: testActivity}}}
}

func TestIsActivityResource(t *testing.T) {
	for resource, want := range map[string]bool{
		testActivity: true,
		"arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:a-b_c": true,
		"arn:aws:states:us-east-1:123456789012:activity:":                 false,
		"arn:aws:states:us-east-1:123456789012:stateMachine:greet":        false,
		"arn:aws:lambda:us-east-1:123456789012:activity:greet":            false,
		"arn:aws:states:::sqs:sendMessage.waitForTaskToken":               false,
		"activity:greet": false,
	} {
		if got := IsActivityResource(resource); got != want {
			t.Errorf("IsActivityResource(%q) = %v, want %v", resource, got, want)
		}
	}
}

// TestActivityTask runs an Activity Task state against a worker that
// polls an ActivityQueue and answers in each of the ways a worker can.
func TestActivityTask(t *testing.T) {
	type outcome struct {
		Status, Error, Output string
		Events                []string
	}
	tests := []struct {
		name               string
		timeout, heartbeat int64
		worker             func(t *testing.T, task *ActivityTask) // nil: no worker polls
		want               outcome
	}{
		{"success", 0, 0, func(t *testing.T, task *ActivityTask) {
			if err := SendTaskSuccess(task.Token, `{"hello":`+task.Input+`}`); err != nil {
				t.Error(err)
			}
		}, outcome{Status: StatusSucceeded, Output: `{"hello":{"who":"you"}}`,
			Events: []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}}},
		{"failure", 0, 0, func(t *testing.T, task *ActivityTask) {
			if err := SendTaskFailure(task.Token, "Grumpy", "no greeting today"); err != nil {
				t.Error(err)
			}
		}, outcome{Status: StatusFailed, Error: "Grumpy",
			Events: []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityFailed", "ExecutionFailed"}}},
		{"heartbeats keep it alive", 0, 1, func(t *testing.T, task *ActivityTask) {
			for range 4 {
				time.Sleep(400 * time.Millisecond)
				if err := SendTaskHeartbeat(task.Token); err != nil {
					t.Error(err)
				}
			}
			if err := SendTaskSuccess(task.Token, `1`); err != nil {
				t.Error(err)
			}
		}, outcome{Status: StatusSucceeded, Output: `1`,
			Events: []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}}},
		{"no heartbeat", 0, 1, func(t *testing.T, task *ActivityTask) {}, outcome{Status: StatusFailed, Error: ErrHeartbeatTimeout,
			Events: []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed"}}},
		{"no worker before the timeout", 1, 0, nil, outcome{Status: StatusFailed, Error: ErrTimeout,
			Events: []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityTimedOut", "ExecutionFailed"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := &ActivityQueue{}
			done := make(chan struct{})
			go func() {
				defer close(done)
				if tc.worker == nil {
					return
				}
				task, err := q.GetActivityTask(context.Background(), testActivity, "worker-1")
				if err != nil || task == nil {
					t.Errorf("GetActivityTask = %v, %v", task, err)
					return
				}
				tc.worker(t, task)
			}()
			res := activityMachine(tc.timeout, tc.heartbeat).Start(context.Background(), ObjectOf(Member{"who", "you"}), Options{Tasks: q, History: true})
			<-done
			got := outcome{Status: res.Status, Error: res.Error}
			if res.Status == StatusSucceeded {
				got.Output = ToJSON(res.Output)
			}
			for _, e := range res.History {
				got.Events = append(got.Events, e.Type)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The events carry AWS's activity details.
			for _, e := range res.History {
				switch e.Type {
				case "ActivityScheduled":
					want := `{"resource":"` + testActivity + `","input":"{\"who\":\"you\"}","inputDetails":{"truncated":false}`
					if tc.timeout > 0 {
						want += `,"timeoutInSeconds":1`
					}
					if tc.heartbeat > 0 {
						want += `,"heartbeatInSeconds":1`
					}
					if got := ToJSON(e.Details); got != want+"}" {
						t.Errorf("ActivityScheduled details = %s, want %s}", got, want)
					}
				case "ActivityStarted":
					if got := ToJSON(e.Details); got != `{"workerName":"worker-1"}` {
						t.Errorf("ActivityStarted details = %s", got)
					}
				}
			}
			// A task whose attempt ended is handed out no more.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if task, _ := q.GetActivityTask(ctx, testActivity, "late"); task != nil {
				t.Errorf("a task of an ended attempt was handed out: %+v", task)
			}
		})
	}
}

// TestActivityWithoutDispatcher: an Activity Task state nobody can reach
// fails at once, saying how to give it workers.
func TestActivityWithoutDispatcher(t *testing.T) {
	res := activityMachine(0, 0).Start(context.Background(), NewObject(0), Options{})
	if res.Status != StatusFailed || res.Error != ErrRuntime || !strings.Contains(res.Cause, "GetActivityTask") || !strings.Contains(res.Cause, "'Greet'") {
		t.Errorf("got %s %s: %s; want States.Runtime naming the state and the fix", res.Status, res.Error, res.Cause)
	}
}

// TestActivityTaskToken: $$.Task.Token exists in an Activity Task state,
// and it is the token the worker gets.
func TestActivityTaskToken(t *testing.T) {
	m := activityMachine(0, 0)
	var inState string
	m.Program.Step = func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
		inState, _ = f.callbackToken()
		out, err := f.RunTask(ctx, testActivity, 0, 0, in, nil)
		return End, out, err
	}
	q := &ActivityQueue{}
	go func() {
		task, _ := q.GetActivityTask(context.Background(), testActivity, "w")
		if task != nil {
			if task.Token != inState {
				t.Errorf("worker token %q, $$.Task.Token %q", task.Token, inState)
			}
			SendTaskSuccess(task.Token, "{}")
		}
	}()
	if res := m.Start(context.Background(), NewObject(0), Options{Tasks: q}); res.Status != StatusSucceeded {
		t.Errorf("status %s: %s %s", res.Status, res.Error, res.Cause)
	}
}
