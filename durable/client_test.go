package durable

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A Client without the machine's code starts an execution on a worker of
// the version it names, describes and lists it, completes its callback
// and reads its history; a view of another version starts executions
// that the worker leaves alone.
func TestClientWithoutMachineCode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	store := sqliteStore(t)
	h := newHandlers()
	w := openWorker(t, store, h, Config{Version: "rev-1"})
	defer w.Close()
	c, err := OpenClient(ctx, ClientConfig{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	name := testmachine.New(nil).Name
	view := c.Machine(name, "rev-1")
	via := map[string]string{"stateMachineAliasArn": "arn:aws:states:us-east-1:123456789012:stateMachine:chaos:live"}
	start, err := view.StartExecutionWith(ctx, "by-client", testInput(3, 0), via)
	if err != nil {
		t.Fatal(err)
	}
	if want := w.arn("by-client"); start.ExecutionArn != want {
		t.Errorf("arn %s, want %s", start.ExecutionArn, want)
	}
	if m, ok := MachineOfExecution(start.ExecutionArn); !ok || m != name {
		t.Errorf("MachineOfExecution(%s) = %q, %v", start.ExecutionArn, m, ok)
	}
	var token string
	select {
	case token = <-h.tokens:
	case <-ctx.Done():
		t.Fatal("the worker did not run the execution the client started")
	}
	if pending, err := c.Pending("rev-1"); err != nil || !pending {
		t.Errorf("Pending(rev-1) = %v, %v while parked", pending, err)
	}
	if err := c.ForToken("garbage").SendTaskSuccess(ctx, "garbage", `{}`); apiCode(err) != "InvalidToken" {
		t.Errorf("garbage token: %v", err)
	}
	if err := c.ForToken(token).SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
		t.Fatal(err)
	}
	d, err := view.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("wait: %+v, %v", d, err)
	}
	if d.StateMachineArn != w.m.NewExecution(nil, sfnrt.Options{Name: "x"}).StateMachineID {
		t.Errorf("stateMachineArn %s", d.StateMachineArn)
	}
	if diff := cmp.Diff(via, d.Attributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	// AWS's idempotency holds while an execution runs: once it has ended,
	// its name is taken.
	if _, err := view.StartExecution(ctx, "by-client", testInput(3, 0)); apiCode(err) != "ExecutionAlreadyExists" {
		t.Errorf("start of an ended execution's name: %v", err)
	}
	list, err := c.Machine(name, "").ListExecutionsWith(ctx, sfnrt.StatusSucceeded, 0, "", via)
	if err != nil || len(list.Executions) != 1 || list.Executions[0].ExecutionArn != start.ExecutionArn {
		t.Errorf("list: %+v, %v", list, err)
	}
	if list, err := view.ListExecutionsWith(ctx, "", 0, "", map[string]string{"stateMachineAliasArn": "other"}); err != nil || len(list.Executions) != 0 {
		t.Errorf("list of another alias: %+v, %v", list, err)
	}
	hist, err := view.GetExecutionHistory(ctx, start.ExecutionArn, true, 1, "", false)
	if err != nil || len(hist.Events) != 1 || hist.NextToken == "" {
		t.Errorf("history page: %+v, %v", hist, err)
	}

	// Another revision's execution waits for a worker of its version.
	other, err := c.Machine(name, "rev-2").StartExecution(ctx, "other-revision", testInput(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // several polls of the worker's queue
	if d, err := view.DescribeExecution(ctx, other.ExecutionArn); err != nil || d.Status != StatusRunning {
		t.Errorf("rev-2 execution: %+v, %v", d, err)
	}
	if n := len(h.tokens); n != 0 {
		t.Errorf("the rev-1 worker ran a rev-2 execution")
	}
	if pending, err := c.Pending("rev-2"); err != nil || !pending {
		t.Errorf("Pending(rev-2) = %v, %v", pending, err)
	}
	if pending, err := c.Pending("rev-3"); err != nil || pending {
		t.Errorf("Pending(rev-3) = %v, %v", pending, err)
	}
}

func TestMachineOfExecution(t *testing.T) {
	for _, tc := range []struct {
		arn, want string
		ok        bool
	}{
		{"arn:aws:states:us-east-1:123456789012:execution:m:e", "m", true},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m", "", false},
		{"arn:aws:states:us-east-1:123456789012:execution::e", "", false},
		{"arn:aws:states:us-east-1:123456789012:execution:m:e:x", "", false},
		{"", "", false},
	} {
		if got, ok := MachineOfExecution(tc.arn); got != tc.want || ok != tc.ok {
			t.Errorf("MachineOfExecution(%q) = %q, %v, want %q, %v", tc.arn, got, ok, tc.want, tc.ok)
		}
	}
}
