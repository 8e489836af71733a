package engine

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// taskState is a program of one Task state bound to fn, with the Retry
// and Catch of generated code reduced to a Catch of States.ALL that
// returns the error output (unless the execution has ended).
func taskState(fn TaskFunc, timeoutSeconds, heartbeatSeconds int64) *Program {
	return &Program{
		States: []StateInfo{{Name: "Work", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", timeoutSeconds, heartbeatSeconds, in, fn)
			if err != nil && ctx.Err() == nil && Matches([]string{ErrALL}, AsError(err).Name) {
				return End, AsError(err).ErrorOutput(), nil
			}
			return End, out, err
		},
	}
}

// overMap runs proc for every item of its input on a Map, on helper
// goroutines: the items are many and slow enough for helpers to join.
func overMap(proc *Program, sel MapSelector) *Program {
	return &Program{
		States: []StateInfo{{Name: "Each", Kind: "Map"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.Map(ctx, in.([]any), MapConfig{}, sel, proc)
			return End, out, err
		},
	}
}

// overParallel runs the branches of a Parallel, on goroutines of their
// own (Task branches are not Inline).
func overParallel(branches ...*Program) *Program {
	return &Program{
		States: []StateInfo{{Name: "Both", Kind: "Parallel"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.Parallel(ctx, in, branches)
			return End, out, err
		},
	}
}

func items(n int) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = int64(i)
	}
	return a
}

// A panic never ends the process: a handler's fails its task with
// States.TaskFailed (which Catch can handle), one in generated or runtime
// code fails the execution with States.Runtime, on whatever goroutine it
// happens; the stacks go to PanicStacks.
func TestPanicsAreErrors(t *testing.T) {
	var calls atomic.Int64
	slowPanic := func(ctx context.Context, in any) (any, error) {
		if calls.Add(1) == 150 {
			panic("boom")
		}
		time.Sleep(50 * time.Microsecond)
		return in, nil
	}
	caught := func(cause string) string {
		return `{"Error":"States.TaskFailed","Cause":"` + cause + `"}`
	}
	panicking := func(ctx context.Context, in any) (any, error) { panic(context.DeadlineExceeded) }
	stepPanics := &Program{
		States: []StateInfo{{Name: "Broken", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			var m map[string]int
			m["x"] = 1 // a nil map: the runtime panics
			return End, in, nil
		},
	}
	runtimeCause := func(state string, id int) string {
		return "An error occurred while executing the state '" + state + "' (entered at the event id #" + string(rune('0'+id)) + "). The state panicked: "
	}
	tests := []struct {
		name      string
		prog      *Program
		input     any
		wantOut   string // SUCCEEDED with this output, when set
		wantError string
		wantCause string // a part
	}{
		{name: "handler", prog: taskState(panicking, 0, 0), input: ObjectOf(),
			wantOut: caught("panic: context deadline exceeded")},
		{name: "handler with a timeout", prog: taskState(panicking, 5, 0), input: ObjectOf(),
			wantOut: caught("panic: context deadline exceeded")},
		{name: "handler untimed", prog: &Program{
			States: []StateInfo{{Name: "Work", Kind: "Task"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				out, err := f.RunTaskUntimed(ctx, "arn:aws:states:::lambda:invoke", in, panicking)
				return End, out, err
			}}, input: ObjectOf(), wantError: ErrTaskFailed, wantCause: "panic: context deadline exceeded"},
		{name: "handler in a Map on helpers", prog: overMap(&Program{
			States: []StateInfo{{Name: "Work", Kind: "Task"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, slowPanic)
				return End, out, err
			}}, nil), input: items(400),
			wantError: ErrTaskFailed, wantCause: "panic: boom"},
		{name: "handler in a Parallel branch", prog: overParallel(taskState(slowPanic, 0, 0), taskState(panicking, 0, 0)), input: ObjectOf(),
			wantOut: `[{},` + caught("panic: context deadline exceeded") + `]`},
		{name: "state", prog: stepPanics, input: ObjectOf(),
			wantError: ErrRuntime, wantCause: runtimeCause("Broken", 2) + "assignment to entry in nil map"},
		{name: "state in a Parallel branch", prog: overParallel(taskState(slowPanic, 0, 0), stepPanics), input: ObjectOf(),
			wantError: ErrRuntime, wantCause: "The state panicked: assignment to entry in nil map"},
		{name: "ItemSelector on helpers", prog: overMap(taskState(slowPanic, 0, 0), func(f *Frame, item any, index int) (any, error) {
			if index == 300 {
				panic(index)
			}
			return item, nil
		}), input: items(400), wantError: ErrRuntime, wantCause: runtimeCause("Each", 2) + "300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			var stacks bytes.Buffer
			m := &Machine{Name: "m", Program: tt.prog}
			res := m.Start(context.Background(), tt.input, Options{PanicStacks: &stacks})
			if tt.wantOut != "" {
				if res.Status != StatusSucceeded || ToJSON(res.Output) != tt.wantOut {
					t.Errorf("%s %s: %s, output %s; want output %s", res.Status, res.Error, res.Cause, ToJSON(res.Output), tt.wantOut)
				}
			} else if res.Status != StatusFailed || res.Error != tt.wantError || !strings.Contains(res.Cause, tt.wantCause) {
				t.Errorf("%s %s: %s; want %s: %s…", res.Status, res.Error, res.Cause, tt.wantError, tt.wantCause)
			}
			if !strings.Contains(stacks.String(), "panic in ") || !strings.Contains(stacks.String(), "goroutine ") {
				t.Errorf("no stack written:\n%s", stacks.String())
			}
		})
	}
}

// A handler that ignores its context does not delay its state's timeout:
// TimeoutSeconds, HeartbeatSeconds and the execution's TimeoutSeconds end
// the state on time and its late result is discarded.
func TestHandlerIgnoringContextTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	deaf := func(ctx context.Context, in any) (any, error) {
		<-release // long after every timeout
		return "late", nil
	}
	tests := []struct {
		name       string
		m          *Machine
		wantStatus string
		wantOut    string
	}{
		{"TimeoutSeconds", &Machine{Name: "m", Program: taskState(deaf, 1, 0)}, StatusSucceeded, `{"Error":"States.Timeout"}`},
		{"HeartbeatSeconds", &Machine{Name: "m", Program: taskState(deaf, 0, 1)}, StatusSucceeded, `{"Error":"States.HeartbeatTimeout"}`},
		{"execution TimeoutSeconds", &Machine{Name: "m", TimeoutSeconds: 1, Program: taskState(deaf, 0, 0)}, StatusTimedOut, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res := tt.m.Start(context.Background(), ObjectOf(), Options{})
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %v", took)
			}
			got := []string{res.Status, ToJSON(res.Output)}
			if diff := cmp.Diff([]string{tt.wantStatus, tt.wantOut}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Aborting an execution (cancelling Start's context) takes effect on time
// while a Task's handler ignores its context, even with no timeout on the
// Task or the machine: the execution is ABORTED and the handler's late
// result discarded. An EXPRESS execution's five minutes end it likewise.
func TestAbortWhileHandlerIgnoresContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{}, 4)
	deaf := func(ctx context.Context, in any) (any, error) {
		started <- struct{}{}
		<-release // long after the abort
		return "late", nil
	}
	untimed := &Program{
		States: []StateInfo{{Name: "Work", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.RunTaskUntimed(ctx, "arn:aws:states:::lambda:invoke", in, deaf)
			return End, out, err
		},
	}
	tests := []struct {
		name string
		p    *Program
		opts Options
	}{
		{"RunTask", taskState(deaf, 0, 0), Options{}},
		{"RunTaskUntimed", untimed, Options{}},
		{"RunTaskUntimed with history", untimed, Options{History: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-started // the handler runs: abort now
				cancel()
			}()
			done := make(chan *Result, 1)
			go func() { done <- (&Machine{Name: "m", Program: tt.p}).Start(ctx, ObjectOf(), tt.opts) }()
			select {
			case res := <-done:
				got := []string{res.Status, ToJSON(res.Output)}
				if diff := cmp.Diff([]string{StatusAborted, "null"}, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			case <-time.After(time.Minute):
				t.Fatal("the abort waited for the handler")
			}
		})
	}
}
