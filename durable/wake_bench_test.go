package durable

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// loopThenAsk is a machine that runs a Task n times (a DBOS step each),
// then waits for a callback: its wake-up replays the n Tasks' records.
func loopThenAsk(name string, n int64, tokens chan<- string) *sfnrt.Machine {
	const work, ask = "arn:aws:states:::lambda:invoke", "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Work", Kind: "Task"}, {Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			if state == 0 {
				i, _ := sfnrt.Int(in)
				if i >= n {
					return 1, in, nil
				}
				out, err := f.RunTask(ctx, work, 0, 0, in, func(ctx context.Context, in any) (any, error) {
					i, _ := sfnrt.Int(in)
					return i + 1, nil
				})
				return 0, out, err
			}
			out, err := f.RunTask(ctx, ask, 0, 0, in, func(ctx context.Context, in any) (any, error) {
				call, _ := sfnrt.TaskCallFrom(ctx)
				tokens <- call.Token
				return nil, nil
			})
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: name, Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Work", Resource: work}, {State: "Ask", Resource: ask}}}
}

// TestBenchWake (make bench-durable) measures what waking a parked
// execution costs as its records grow: the time from send-task-success
// to the execution's end, after n Tasks before its callback. A wake-up
// replays the execution from its start (docs/durable.md).
func TestBenchWake(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skip("set " + benchEnv + "=1 (make bench-durable) to measure")
	}
	for _, n := range []int64{0, 100, 1000, 3000} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		tokens := make(chan string, 1)
		e, err := Open(ctx, loopThenAsk(fmt.Sprintf("wake%d", n), n, tokens), Config{Store: sqliteStore(t)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Work(); err != nil {
			t.Fatal(err)
		}
		var took []time.Duration
		steps := 0
		for i := range 3 {
			start, err := e.StartExecution(ctx, fmt.Sprintf("w%d", i), `0`)
			if err != nil {
				t.Fatal(err)
			}
			token := <-tokens
			waitFor(t, func() bool { return e.parkOf(start.ExecutionArn) != nil })
			steps, _ = e.recordedSteps(start.ExecutionArn)
			began := time.Now()
			if err := e.SendTaskSuccess(ctx, token, `{}`); err != nil {
				t.Fatal(err)
			}
			d, err := e.Wait(ctx, start.ExecutionArn)
			if err != nil || d.Status != sfnrt.StatusSucceeded {
				t.Fatalf("%+v %v", d, err)
			}
			took = append(took, time.Since(began).Round(time.Millisecond))
		}
		slices.Sort(took)
		t.Logf("%5d Tasks before the callback (%5d DBOS steps): woken and ended in %v (median of %v)", n, steps, took[1], took)
		e.Close()
		cancel()
	}
}
