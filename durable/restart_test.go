package durable

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A worker stopped gracefully (SIGTERM, as a deployment stops it) leaves
// its executions for the next worker, which ends a Wait at its original
// deadline: a long Wait survives restarts, and the stop is no abort.
func TestWaitAcrossGracefulRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	store := sqliteStore(t)
	logPath := t.TempDir() + "/invocations.log"
	w := startWorker(t, store, "graceful", logPath)
	client, err := Open(ctx, testmachine.New(nil), Config{Store: store, ExecutorID: "client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	const pause = 3
	start, err := client.StartExecution(ctx, "long-wait", testInput(2, pause))
	if err != nil {
		t.Fatal(err)
	}
	// Stop the worker while the execution sleeps in its Wait.
	waitFor(t, func() bool {
		h, _ := client.History(start.ExecutionArn)
		return len(h) > 0 && h[len(h)-1].Len() > 0 && lastType(h) == "WaitStateEntered"
	})
	w.cmd.Process.Signal(syscall.SIGTERM)
	w.cmd.Wait()
	if d, _ := client.DescribeExecution(ctx, start.ExecutionArn); d.Status != StatusRunning {
		t.Fatalf("after a graceful stop: %s, want RUNNING", d.Status)
	}
	// Down for 2 of the Wait's 3 seconds: a Wait that started over
	// would end 5 s after it was entered, one kept at its deadline at 3 s
	// (or as soon as the new worker is up).
	time.Sleep(2 * time.Second)
	w = startWorker(t, store, "graceful", logPath)
	defer w.kill()
	token := waitForToken(t, logPath)
	if err := client.SendTaskSuccess(ctx, token, `{"approved":"long-wait"}`); err != nil {
		t.Fatal(err)
	}
	d, err := client.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	h, err := client.History(start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	var entered, exited time.Time
	for _, ev := range h {
		ts, _ := ev.Get("timestamp")
		at, _ := time.Parse(time.RFC3339Nano, ts.(string))
		switch typ, _ := ev.Get("type"); typ {
		case "WaitStateEntered":
			entered = at
		case "WaitStateExited":
			exited = at
		}
	}
	if took := exited.Sub(entered); took < pause*time.Second || took > 4500*time.Millisecond {
		t.Errorf("the Wait of %d s took %v across the restart: it should end at its original deadline", pause, took)
	}
	checkLikeUninterrupted(t, client, d)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met after a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func lastType(h []*sfnrt.Object) string {
	v, _ := h[len(h)-1].Get("type")
	s, _ := v.(string)
	return s
}

func waitForToken(t *testing.T, logPath string) string {
	var token string
	waitFor(t, func() bool {
		for _, line := range readLines(logPath) {
			if f := strings.Fields(line); f[0] == "token" {
				token = f[2]
			}
		}
		return token != ""
	})
	return token
}
