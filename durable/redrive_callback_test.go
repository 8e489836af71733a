package durable

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// askedCall is what the callback Task of redriveCallback was invoked
// with: its token and the $$.Execution.RedriveCount its state saw, and
// the one the state before it saw.
type askedCall struct {
	Token         string
	Before, Count int64
}

// redriveCallback is a machine of two states: Before, whose output is
// its $$.Execution.RedriveCount, then Ask, a callback Task whose handler
// hands over its token and the counts.
func redriveCallback(name string, calls chan<- askedCall) *sfnrt.Machine {
	const resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
	count := func(f *sfnimpl.Frame) int64 {
		e, _ := f.Context().Get("Execution")
		n, _ := e.(*sfnrt.Object).Get("RedriveCount")
		c, _ := sfnrt.Int(n)
		return c
	}
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Before", Kind: "Pass"}, {Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			if state == 0 {
				return 1, count(f), nil
			}
			before, _ := sfnrt.Int(in)
			now := count(f)
			out, err := f.RunTask(ctx, resource, 0, 0, in, func(ctx context.Context, in any) (any, error) {
				call, _ := sfnrt.TaskCallFrom(ctx)
				calls <- askedCall{Token: call.Token, Before: before, Count: now}
				return nil, nil
			})
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: name, Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Ask", Resource: resource}}}
}

// An execution that failed at a callback Task, redriven, runs the Task
// again with a new task token, as AWS does: the earlier attempts' tokens
// answer TaskDoesNotExist. $$.Execution.RedriveCount is the redrive's
// count in the states it runs again, and stays what it was in the state
// before, whose result the redrive keeps.
func TestRedriveCallbackTask(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	calls := make(chan askedCall, 1)
	e, err := Open(ctx, redriveCallback("redrivecb", calls), Config{Store: sqliteStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "cb", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	arn := start.ExecutionArn
	var got []askedCall
	var tokensSeen []string
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			if _, err := e.RedriveExecution(ctx, arn, ""); err != nil {
				t.Fatalf("redrive %d: %v", attempt, err)
			}
		}
		call := <-calls
		got = append(got, askedCall{Before: call.Before, Count: call.Count})
		for i := range tokensSeen {
			if call.Token == tokensSeen[i] {
				t.Errorf("redrive %d: the token of attempt %d again", attempt, i)
			}
			if code := apiCode(e.SendTaskSuccess(ctx, tokensSeen[i], `{}`)); code != "TaskDoesNotExist" {
				t.Errorf("redrive %d: attempt %d's token: %s, want TaskDoesNotExist", attempt, i, code)
			}
		}
		tokensSeen = append(tokensSeen, call.Token)
		if attempt < 2 {
			if err := e.SendTaskFailure(ctx, call.Token, "Boom", "attempt failed"); err != nil {
				t.Fatal(err)
			}
			if d, err := e.Wait(ctx, arn); err != nil || d.Status != sfnrt.StatusFailed {
				t.Fatalf("attempt %d: %+v %v", attempt, d, err)
			}
			continue
		}
		if err := e.SendTaskSuccess(ctx, call.Token, `{"ok":true}`); err != nil {
			t.Fatal(err)
		}
	}
	d, err := e.Wait(ctx, arn)
	if err != nil || d.Status != sfnrt.StatusSucceeded || d.Output == nil || *d.Output != `{"ok":true}` {
		t.Fatalf("%+v %v", d, err)
	}
	want := []askedCall{{Before: 0, Count: 0}, {Before: 0, Count: 1}, {Before: 0, Count: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RedriveCount seen (-want +got):\n%s", diff)
	}
	if d.RedriveCount != 2 {
		t.Errorf("redriveCount %d, want 2", d.RedriveCount)
	}
}
