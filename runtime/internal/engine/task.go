package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TaskFunc is the Go code bound to a Task state.
type TaskFunc func(ctx context.Context, input any) (any, error)

// BindingHelp names the ways to give a Task state something to run, for
// the error of one that has none.
const BindingHelp = "bind a Go handler (sfn-compile gen -handlers), answer it with a mock (--mock-config FILE --test-case NAME), or run it as an integration with an endpoint (--endpoint SERVICE=URL)"

// executionKey keys the Execution in the context of a TaskInvoker's call.
type executionKey struct{}

// ExecutionOf returns the execution whose Task a TaskInvoker runs, from
// the context InvokeTask is called with, or nil: integrations that name
// the execution (an EventBridge event's Resources, a nested execution's
// parent) read it there.
func ExecutionOf(ctx context.Context) *Execution {
	x, _ := ctx.Value(executionKey{}).(*Execution)
	return x
}

// Tasks returns the TaskInvoker of the execution's Task states, for an
// integration that starts a nested execution answered the same way.
func (x *Execution) Tasks() TaskInvoker { return x.tasks }

// RunTask runs one attempt of a Task state: it records the task events,
// applies TimeoutSeconds and HeartbeatSeconds (0: none), and calls fn, or
// the execution's TaskInvoker when fn is nil. When a timeout applies
// (the Task's own, or the execution's) fn runs on a goroutine of its own,
// so that a handler that ignores its context cannot hold the state past
// its time: its late result is discarded (see callTaskBounded). A panic
// in fn fails the task with States.TaskFailed.
func (f *Frame) RunTask(ctx context.Context, resource string, timeoutSeconds, heartbeatSeconds int64, input any, fn TaskFunc) (any, error) {
	// The fast path is for in-memory executions: a Distributed Map's
	// child keeps no history of its own but has its parent's Driver.
	if f.X.History == nil && f.X.driver == nil && timeoutSeconds <= 0 && heartbeatSeconds <= 0 && fn != nil && !f.X.endable && !IsCallbackResource(resource) {
		return f.runTaskFunc(ctx, input, fn)
	}
	call := f.newTaskCall(resource, fn)
	a, err := f.startTask(ctx, resource, timeoutSeconds, heartbeatSeconds, input, call)
	if err != nil {
		return nil, err
	}
	defer a.stop()
	out, err := f.attemptTask(&a, call, resource, input, fn, timeoutSeconds, heartbeatSeconds, true)
	return f.endTask(ctx, &a, resource, out, err)
}

// RunTaskUntimed is RunTask for a Task with no TimeoutSeconds or
// HeartbeatSeconds in a machine without TimeoutSeconds, as generated code
// calls it: fn always runs on the calling goroutine, so that it does not
// escape to the heap (RunTask's may, which cost the order workload eight
// allocations an execution: a handler's closure and what it captures).
// That is only when the execution cannot end while the handler runs
// (Start's context has no Done channel, and the execution no timeout):
// otherwise fn runs on a goroutine of its own, as RunTask's does, so
// that an abort or a timeout ends the state on time.
func (f *Frame) RunTaskUntimed(ctx context.Context, resource string, input any, fn TaskFunc) (any, error) {
	if f.X.History == nil && f.X.driver == nil && fn != nil && !f.X.endable && !IsCallbackResource(resource) {
		return f.runTaskFunc(ctx, input, fn)
	}
	return f.runTaskUntimed(ctx, resource, input, fn)
}

// runTaskUntimed is RunTaskUntimed but for runTaskFunc's case (apart, so
// that RunTaskUntimed is inlined).
func (f *Frame) runTaskUntimed(ctx context.Context, resource string, input any, fn TaskFunc) (any, error) {
	call := f.newTaskCall(resource, fn)
	a, err := f.startTask(ctx, resource, 0, 0, input, call)
	if err != nil {
		return nil, err
	}
	defer a.stop()
	out, err := f.attemptTask(&a, call, resource, input, fn, 0, 0, false)
	return f.endTask(ctx, &a, resource, out, err)
}

// newTaskCall describes the attempt of the current Task state whose
// resource is resource, for TaskCallFrom and a Driver; nil for an
// in-memory execution's Task that is no callback, which runs as it did
// before there were Drivers and callbacks, at no cost.
func (f *Frame) newTaskCall(resource string, fn TaskFunc) *taskCall {
	x := f.X
	activity := x.isActivityTask(resource, fn)
	if x.driver == nil && !IsCallbackResource(resource) && !activity {
		return nil
	}
	c := &taskCall{TaskCall: TaskCall{ExecutionArn: x.ID(), State: f.State, Resource: resource, Seq: f.enteredEventID, Attempt: f.retryCount}}
	if activity {
		// A worker answers with the token, as a callback does.
		c.Token, c.waits, c.activity = f.taskToken(), true, true
	} else if IsCallbackResource(resource) {
		c.Token = f.taskToken()
		// A mocked response stands for the callback, as in Step
		// Functions Local: the execution does not wait for the token.
		c.waits = fn != nil || !invokerCompletesCallbacks(x.tasks)
	}
	return c
}

// A taskCall is a TaskCall and whether the attempt waits for its token
// after the invocation.
type taskCall struct {
	TaskCall
	waits    bool
	activity bool // an Activity Task state's (see activity.go)
}

// durableWait reports whether a Driver keeps the callback's deadlines (in
// its store) rather than the attempt's timers.
func (c *taskCall) durableWait(x *Execution) bool { return c != nil && c.waits && x.driver != nil }

// attemptTask invokes the Task (fn, or the TaskInvoker) through the
// execution's Driver when it has one, and then, for a callback Task,
// waits for SendTaskSuccess or SendTaskFailure: the integration's own
// response is not the Task's result, the callback's output is. bounded
// is invokeTask's.
func (f *Frame) attemptTask(a *taskAttempt, call *taskCall, resource string, input any, fn TaskFunc, timeoutSeconds, heartbeatSeconds int64, bounded bool) (any, error) {
	x := f.X
	if call == nil {
		switch {
		case fn == nil:
			return f.invokeTask(a.ctx, resource, input, x.nextAttempt(f.State), bounded)
		case a.bounded:
			return f.callTaskBounded(a.ctx, input, fn)
		}
		return f.callTask(a.ctx, input, fn)
	}
	a.ctx = context.WithValue(a.ctx, taskCallKey{}, &call.TaskCall)
	var waiter *callbackWaiter
	if call.waits && x.driver == nil {
		// Registered before the invocation, which may complete the token
		// before it returns.
		waiter = awaitCallback(call.Token, a.hb)
		defer waiter.release(call.Token)
	}
	attempt := 0
	if fn == nil && x.tasks != nil {
		// Counted here, not in invoke: a Driver that replays a recorded
		// invocation does not call invoke, and the next one must still be
		// numbered as before (mocked responses go by the number).
		attempt = x.nextAttempt(f.State)
	}
	var activity *ActivityTask
	invoke := func(ctx context.Context) (any, error) {
		switch {
		case call.activity:
			t, err := f.dispatchActivity(ctx, a, call, input, timeoutSeconds, heartbeatSeconds)
			activity = t
			return nil, err
		case fn == nil:
			return f.invokeTask(ctx, resource, input, attempt, bounded)
		case a.bounded:
			return f.callTaskBounded(ctx, input, fn)
		}
		return f.callTask(ctx, input, fn)
	}
	var out any
	var err error
	if x.driver != nil {
		out, err = x.driver.Task(a.ctx, &call.TaskCall, invoke)
	} else {
		out, err = invoke(a.ctx)
	}
	if err != nil || !call.waits {
		return out, err
	}
	if call.activity {
		if activity == nil {
			// A Driver replayed the recorded dispatch: the task is in its
			// store, and the driver tells of its start.
			activity = &ActivityTask{ActivityArn: resource, Token: call.Token, ExecutionArn: call.ExecutionArn, State: call.State, Seq: call.Seq}
			f.setActivityStarted(a, activity)
		}
		a.ctx = context.WithValue(a.ctx, activityKey{}, activity)
		if d := x.activityDispatcher(); d != nil {
			defer d.ActivityEnded(activity)
		}
	}
	if waiter != nil {
		return waiter.wait(a.ctx)
	}
	return x.driver.AwaitCallback(a.ctx, &call.TaskCall, time.Duration(timeoutSeconds)*time.Second, time.Duration(heartbeatSeconds)*time.Second)
}

// invokerCompletesCallbacks reports whether t answers callback Tasks
// itself (mocked responses do).
func invokerCompletesCallbacks(t TaskInvoker) bool {
	c, ok := t.(interface{ CompletesCallbacks() bool })
	return ok && c.CompletesCallbacks()
}

// A taskAttempt is a Task attempt between its start and its end.
type taskAttempt struct {
	ctx      context.Context // the task's: its timeout and heartbeat
	lambda   bool            // recorded with LambdaFunction* events
	activity bool            // recorded with Activity* events
	bounded  bool            // the handler may run past ctx's end
	cancel   context.CancelFunc
	hb       *heartbeat
	hbStop   context.CancelCauseFunc
}

// stop releases the attempt's timers.
func (a *taskAttempt) stop() {
	if a.hb != nil {
		a.hb.stopTimer()
		a.hbStop(context.Canceled)
	}
	if a.cancel != nil {
		a.cancel()
	}
}

// startTask records a Task attempt's scheduled and started events and
// sets up its timeout and heartbeat (but for a callback whose deadlines a
// Driver keeps).
func (f *Frame) startTask(ctx context.Context, resource string, timeoutSeconds, heartbeatSeconds int64, input any, call *taskCall) (taskAttempt, error) {
	x := f.X
	a := taskAttempt{ctx: ctx, lambda: x.History != nil && isLambdaFunction(resource), activity: call != nil && call.activity}
	switch {
	case a.activity:
		f.scheduleActivity(resource, input, timeoutSeconds, heartbeatSeconds)
	case a.lambda:
		// A Lambda function named by its ARN has events of its own.
		d := ObjectOf(Member{"resource", resource}, Member{"input", ToJSON(input)}, Member{"inputDetails", notTruncated()})
		if timeoutSeconds > 0 {
			d.Set("timeoutInSeconds", timeoutSeconds)
		}
		x.Event("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", d)
		x.Event("LambdaFunctionStarted", "", nil)
	case x.History != nil:
		d := ObjectOf(Member{"resourceType", resourceType(resource)}, Member{"resource", resourceName(resource)},
			Member{"region", "us-east-1"}, Member{"parameters", ToJSON(input)})
		if timeoutSeconds > 0 {
			d.Set("timeoutInSeconds", timeoutSeconds)
		}
		x.Event("TaskScheduled", "taskScheduledEventDetails", d)
		x.Event("TaskStarted", "taskStartedEventDetails", ObjectOf(Member{"resourceType", resourceType(resource)}, Member{"resource", resourceName(resource)}))
	default:
		x.events.next()
		x.events.next()
	}
	if x.overEventLimit(x.events.n.Load()) {
		// No room for the task's started event: it does not start.
		return a, historyFull()
	}
	if call.durableWait(x) {
		return a, nil
	}
	if timeoutSeconds > 0 {
		a.ctx, a.cancel = x.Clock.WithTimeout(a.ctx, time.Duration(timeoutSeconds)*time.Second, errTaskTimeout)
	}
	if heartbeatSeconds > 0 {
		a.ctx, a.hbStop = context.WithCancelCause(a.ctx)
		a.hb = &heartbeat{clock: x.Clock, d: time.Duration(heartbeatSeconds) * time.Second, cancel: a.hbStop}
		a.hb.beat()
		a.ctx = context.WithValue(a.ctx, heartbeatKey{}, a.hb)
	}
	a.bounded = timeoutSeconds > 0 || heartbeatSeconds > 0 || x.endable
	return a, nil
}

// invokeTask runs a Task attempt, the state's invocation number attempt,
// through the execution's TaskInvoker, on a goroutine of its own when
// bounded and a timeout applies.
func (f *Frame) invokeTask(ctx context.Context, resource string, input any, attempt int, bounded bool) (any, error) {
	x := f.X
	if x.tasks == nil {
		return nil, NewError(ErrRuntime, "No handler is bound to Task state '"+f.State+"' (resource "+resource+"): "+BindingHelp)
	}
	state := f.State
	invoke := func(ctx context.Context, input any) (any, error) {
		return x.tasks.InvokeTask(context.WithValue(ctx, executionKey{}, x), state, resource, input, attempt)
	}
	if _, deadline := ctx.Deadline(); bounded && (deadline || x.endable || ctx.Value(heartbeatKey{}) != nil) {
		return f.callTaskBounded(ctx, input, invoke)
	}
	return f.callTask(ctx, input, invoke)
}

// endTask settles a Task attempt that returned out and err: the task's
// own timeout or heartbeat wins over what the handler returned after it,
// the output's size is checked, and the attempt's last event recorded.
func (f *Frame) endTask(ctx context.Context, a *taskAttempt, resource string, out any, err error) (any, error) {
	x := f.X
	if a.ctx.Err() != nil && ctx.Err() == nil {
		// The task's own deadline or heartbeat ended it, whatever the
		// handler returned after that.
		err = errTaskTimeout
		if context.Cause(a.ctx) == errHeartbeatTimeout {
			err = errHeartbeatTimeout
		}
	} else if err != nil && errors.Is(err, context.DeadlineExceeded) {
		err = errTaskTimeout
	}
	if err == nil {
		err = f.checkOutput(out)
	}
	var ended int64 // the id of the task's last event
	if err != nil && ctx.Err() != nil && !a.activity {
		// Abandoned, not failed: the execution or the branch the Task ran
		// in has ended (a stop, the machine's timeout, a sibling branch's
		// failure), and the events of what ended it tell its end. A
		// TaskFailed here would carry that end's error with no cause.
	} else if a.activity {
		ended = x.activityEnded(out, err)
	} else if x.History != nil {
		prefix := "Task"
		if a.lambda {
			prefix = "LambdaFunction"
		}
		if err != nil {
			e := AsError(err)
			d := NewObject(4)
			if !a.lambda {
				d.Set("resourceType", resourceType(resource))
				d.Set("resource", resourceName(resource))
			}
			d.Set("error", e.Name)
			if e.HasCause {
				d.Set("cause", e.Cause)
			}
			typ := prefix + "Failed"
			if e.Name == ErrTimeout {
				typ = prefix + "TimedOut"
			}
			ended = x.Event(typ, lowerFirst(typ)+"EventDetails", d)
		} else if a.lambda {
			ended = x.Event("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", ObjectOf(Member{"output", ToJSON(out)}, Member{"outputDetails", notTruncated()}))
		} else {
			ended = x.Event("TaskSucceeded", "taskSucceededEventDetails", ObjectOf(Member{"resourceType", resourceType(resource)},
				Member{"resource", resourceName(resource)}, Member{"output", ToJSON(out)}))
		}
	} else {
		ended = x.events.next()
	}
	if x.overEventLimit(ended) {
		return nil, historyFull()
	}
	return out, err
}

// runTaskFunc is RunTask for the commonest case, a Go function with no
// timeout or heartbeat in an execution that keeps no history and has no
// deadline: only the three task events' ids are taken (scheduled,
// started, and succeeded or failed), and the task's context is the
// state's.
func (f *Frame) runTaskFunc(ctx context.Context, input any, fn TaskFunc) (out any, err error) {
	ended := f.X.events.n.Add(3) // scheduled, started, and this id
	if f.X.overEventLimit(ended - 1) {
		return nil, historyFull() // no room for the started event
	}
	// callTask's recover, in line: a call less on the commonest path.
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, f.taskPanicked(v)
		}
	}()
	out, err = fn(ctx, input)
	return f.taskFuncEnded(ended, out, err)
}

// taskFuncEnded settles what a Task's Go function returned on
// runTaskFunc's path (RunTaskInline's too): ended is the id of its last
// event.
func (f *Frame) taskFuncEnded(ended int64, out any, err error) (any, error) {
	if f.X.overEventLimit(ended) {
		return nil, historyFull()
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = errTaskTimeout
		}
		return out, err
	}
	return out, f.checkOutput(out)
}

// TasksInline reports whether a Task state with no TimeoutSeconds or
// HeartbeatSeconds, bound to a Go handler and no callback, runs its
// handler on the calling goroutine (RunTaskUntimed's commonest case): no
// history, no Driver, and an execution that cannot end while the
// handler runs. Generated code then calls a typed handler through
// RunTaskInline.
func (f *Frame) TasksInline() bool {
	return f.X.History == nil && f.X.driver == nil && !f.X.endable
}

// RunTaskInline runs one attempt of a Task state whose typed handler run
// takes in, where TasksInline holds, exactly as RunTaskUntimed runs a
// TaskFunc there (runTaskFunc). Generated code calls it with the method
// that runs the handler: neither run nor in escapes, where a TaskFunc
// closing over the handler's input struct took two allocations a Task
// (RunTaskUntimed's other path may hand its TaskFunc to a goroutine, so
// what it is given escapes).
//
// retries tells that the state has a Retry field ($$.State.RetryCount
// exists): generated code calls this directly the first time, with no
// closure or Retry on the way, and hands only an error to
// RetryTaskInline. (A wrapper that did both for it cost about 33
// instructions a Task, passing the struct on once more.)
//
// run, a method expression called with its receiver m (a method value
// m.run was called through a wrapper, about 22 instructions a Task),
// returns, with the output, a bound of its JSON size where the compiler
// knows one from the output's Go type (a struct of strings and numbers:
// so many bytes, and six a byte of its strings), else 0: the payload
// check then compares the bound, instead of walking the object just made
// from the struct.
func RunTaskInline[M, I any](ctx context.Context, f *Frame, retries bool, run func(M, context.Context, I) (any, int, error), m M, in I) (out any, err error) {
	if retries {
		f.retries = true
	}
	ended := f.X.events.n.Add(3) // scheduled, started, and this id
	if f.X.overEventLimit(ended - 1) {
		return nil, historyFull() // no room for the started event
	}
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, f.taskPanicked(v)
		}
	}()
	out, bound, err := run(m, ctx, in)
	if err == nil && bound > 0 {
		f.made, f.madeBound = out, bound // see checkOutput
		// What taskFuncEnded and checkOutput would find, in line: its
		// last event has room, and the bound is within the payload limit
		// (else checkOutput measures the output itself).
		if x := f.X; !x.overEventLimit(ended) && (bound <= x.payloadLimit || x.payloadLimit <= 0) {
			return out, nil
		}
	}
	return f.taskFuncEnded(ended, out, err)
}

// RetryTaskInline goes on from a failed first attempt of RunTaskInline
// (err its error) as the state's Retry field would: RetryAfter calls the
// handler again through RunTaskInline. A typed Task without
// ResultSelector, run inline, had a closure and Retry between the state
// and its handler on every run.
func RetryTaskInline[M, I any](ctx context.Context, f *Frame, retriers []Retrier, err error, run func(M, context.Context, I) (any, int, error), m M, in I) (any, error) {
	return f.RetryAfter(ctx, retriers, err, func(ctx context.Context) (any, error) {
		return RunTaskInline(ctx, f, true, run, m, in)
	})
}

var (
	errTaskTimeout      = &Error{Name: ErrTimeout}
	errHeartbeatTimeout = &Error{Name: ErrHeartbeatTimeout}
)

type heartbeatKey struct{}

// heartbeat fails a Task whose handler does not call Heartbeat at least
// every HeartbeatSeconds.
type heartbeat struct {
	clock  Clock
	d      time.Duration
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	stop   func() bool
}

func (h *heartbeat) beat() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop != nil {
		h.stop()
	}
	h.stop = h.clock.AfterFunc(h.d, func() { h.cancel(errHeartbeatTimeout) })
}

func (h *heartbeat) stopTimer() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop != nil {
		h.stop()
	}
}

// Heartbeat tells the execution that the Task handler running with ctx is
// alive, as SendTaskHeartbeat does for a Task with HeartbeatSeconds. It
// does nothing for Tasks without HeartbeatSeconds.
func Heartbeat(ctx context.Context) {
	if h, ok := ctx.Value(heartbeatKey{}).(*heartbeat); ok {
		h.beat()
	}
}

func (x *Execution) nextAttempt(state string) int {
	c, _ := x.attempts.LoadOrStore(state, new(atomic.Int64))
	return int(c.(*atomic.Int64).Add(1) - 1)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// isLambdaFunction reports whether a Task's resource is a Lambda function
// ARN (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]),
// which AWS records with LambdaFunction* events instead of Task* ones.
func isLambdaFunction(resource string) bool {
	rest, ok := strings.CutPrefix(resource, "arn:")
	for field := 1; ok && field <= 4; field++ { // partition, service, region, account
		var value string
		value, rest, ok = strings.Cut(rest, ":")
		if field == 2 && value != "lambda" {
			return false
		}
	}
	name, ok := strings.CutPrefix(rest, "function:")
	return ok && name != ""
}

// resourceType and resourceName split a Task resource ARN the way AWS's
// task events do: arn:aws:states:::lambda:invoke → "lambda", "invoke".
func resourceType(arn string) string {
	parts := splitN(arn, ':', 7)
	if len(parts) >= 6 && parts[2] == "states" && parts[3] == "" {
		return parts[5]
	}
	if len(parts) >= 3 {
		return parts[2]
	}
	return arn
}

func resourceName(arn string) string {
	parts := splitN(arn, ':', 7)
	if len(parts) >= 7 && parts[2] == "states" && parts[3] == "" {
		return parts[6]
	}
	return arn
}

func splitN(s string, sep byte, n int) []string {
	var out []string
	for len(out) < n-1 {
		i := -1
		for j := 0; j < len(s); j++ {
			if s[j] == sep {
				i = j
				break
			}
		}
		if i < 0 {
			break
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
	return append(out, s)
}
