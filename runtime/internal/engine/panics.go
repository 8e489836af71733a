package engine

import (
	"context"
	"fmt"
	"runtime/debug"
)

// A panic must not end the process that runs an execution: a Task
// handler's panic fails its task with States.TaskFailed, as a Lambda
// function that crashes does (callTask), and one anywhere else in
// generated or runtime code fails the execution with States.Runtime.
// Recovery happens once per goroutine that runs an execution's code, not
// once per state or item (a deferred recover costs some 60 instructions):
// the execution's own (runTop, runFrom), a Map's or Parallel's calling
// goroutine and helpers (pool.run, pool.helperDone, runInline), and a
// handler's when it runs on its own (callTaskBounded).
// Options.PanicStacks receives the stacks.

// panicText renders a recovered panic value.
func panicText(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(v)
}

// logPanic writes the stack of the panic being recovered to the
// execution's PanicStacks writer, if any.
func (x *Execution) logPanic(where string, v any) {
	if x.panicLog == nil {
		return
	}
	x.panicMu.Lock()
	defer x.panicMu.Unlock()
	fmt.Fprintf(x.panicLog, "panic in %s: %s\n\n%s\n", where, panicText(v), debug.Stack())
}

// taskPanicked is the error of a Task whose handler panicked with v.
func (f *Frame) taskPanicked(v any) error {
	f.X.logPanic("the handler of Task state '"+f.State+"'", v)
	return NewError(ErrTaskFailed, "panic: "+panicText(v))
}

// runtimePanicked is the error of an execution whose generated or runtime
// code panicked with v while running state.
func (f *Frame) runtimePanicked(v any) error {
	f.X.logPanic("state '"+f.State+"'", v)
	return f.Fail(ErrRuntime, "The state panicked: "+panicText(v)+
		" (a bug in sfn-compile or its runtime: --panic-stacks prints the stack)")
}

// callTask calls a Task's handler; a panic fails the task.
func (f *Frame) callTask(ctx context.Context, input any, fn TaskFunc) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, f.taskPanicked(v)
		}
	}()
	return fn(ctx, input)
}

// callTaskBounded is callTask for a Task that ctx can end before its
// handler returns (TimeoutSeconds, HeartbeatSeconds, the execution's
// TimeoutSeconds, an abort): the handler runs on a goroutine of its own, and the
// state stops waiting for it when ctx ends, so that a handler that
// ignores its context cannot delay the timeout. Its late result is
// discarded; its goroutine ends when it returns.
func (f *Frame) callTaskBounded(ctx context.Context, input any, fn TaskFunc) (any, error) {
	type result struct {
		out any
		err error
	}
	done := make(chan result, 1) // the handler never blocks on it
	// The goroutine gets a frame of its own: f is reused by the states
	// that follow once this one has stopped waiting.
	hf := &Frame{X: f.X, State: f.State}
	go func() {
		out, err := hf.callTask(ctx, input, fn)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-ctx.Done():
		// The ASL error of the end: a timeout's, or an abort's.
		return nil, contextError(ctx)
	}
}

// runTop is runOn for the top level of an execution, recovering a panic.
func (f *Frame) runTop(ctx context.Context, sf *Frame, p *Program, state int, input any) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, sf.runtimePanicked(v)
		}
	}()
	return f.runOn(ctx, sf, p, state, input)
}
