package durable

import (
	"context"
	"strconv"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// driver is the sfnrt.Driver of one execution: every effect is a DBOS
// step of the execution's workflow, so that a recovered workflow, which
// DBOS runs again from its start, gets the recorded outcomes back instead
// of doing the work again. A step is identified by its place in the
// workflow's sequence of steps (DBOS numbers them as they are called),
// which is why Parallel branches and Map iterations run as child
// workflows of their own (children.go), or one after another.
type driver struct {
	e         *Executor
	arn       string
	wctx      dbos.Context // the workflow's context
	skipWaits bool
	parkAfter time.Duration // Config.ParkAfter
	// stop ends the execution's run (its context's cause); parked is set
	// when the execution parked (see park.go): from then on the run
	// unwinds, and its events and effects are not recorded.
	stop   context.CancelCauseFunc
	parked *parkRecord
	// live, until closed by goLive, holds the replay clock's timers
	// back while the run replays its first recorded steps.
	live     chan struct{}
	recorded int
	clock    sfnrt.Clock // the execution's clock (a fake one under skipWaits)
	// deadline is when the execution times out (executionTimeout from
	// its start or redrive; zero under skipWaits), which the runtime's
	// timer keeps while it runs and a waker while it is parked.
	deadline time.Time
	// pending holds the history events recorded since the last flush,
	// as JSON separated by commas (see Event); collected counts them,
	// with those a redriven run leaves out.
	pending   []byte
	collected int
	maps      mapRunRecorder // the execution's Map Runs (maprun.go)
	// redrive, when the execution was redriven, says which events the
	// stored history has already and how to number the others; prelude
	// is set once its first events have gone out.
	redrive *redriveRecord
	prelude bool
	// child: the driver of a branch or iteration's child workflow
	// (children.go), whose events go to its execution with its outcome.
	child bool
	// batchStep, when set, is the step the next history batch names
	// instead of its own: the first step of the Parallel or Map whose
	// items' events it holds, adopting of them still to come (see
	// Children).
	batchStep int
	adopting  int
	// mayReplay: the workflow may have recorded steps before this run
	// (it is not the execution's first run, or it is a child's); then
	// stepNames, read when first needed, are their names by step ID
	// (see Replaying).
	mayReplay bool
	stepNames map[int]string
}

// taskOutcome is what a Task step records: the handler's output as JSON,
// or its ASL error.
type taskOutcome struct {
	Output   string `json:"output,omitempty"`
	Failed   bool   `json:"failed,omitempty"`
	Error    string `json:"error,omitempty"`
	Cause    string `json:"cause,omitempty"`
	HasCause bool   `json:"hasCause,omitempty"`
}

func outcomeOf(out any, err error) taskOutcome {
	if err != nil {
		e := sfnrt.AsError(err)
		return taskOutcome{Failed: true, Error: e.Name, Cause: e.Cause, HasCause: e.HasCause}
	}
	return taskOutcome{Output: sfnrt.ToJSON(out)}
}

func (o taskOutcome) result() (any, error) {
	if o.Failed {
		return nil, &sfnrt.Error{Name: o.Error, Cause: o.Cause, HasCause: o.HasCause}
	}
	return sfnrt.ParseJSON([]byte(o.Output))
}

// in returns the workflow context with ctx's cancellation and values
// (ctx descends from the workflow context: the execution runs on it).
func (d *driver) in(ctx context.Context) dbos.Context { return dbos.From(d.wctx, ctx) }

// Task runs the invocation as a step. The step records the outcome, an
// ASL error included, as its result: a step error would make DBOS retry
// or fail the workflow, while Retry and Catch are the machine's business.
func (d *driver) Task(ctx context.Context, call *sfnrt.TaskCall, invoke func(context.Context) (any, error)) (any, error) {
	if d.parked != nil {
		return nil, context.Cause(ctx)
	}
	d.goLive()
	if call.Token != "" {
		d.flush(ctx) // before the token's event, a step of its own
		// The token is good from the moment the invocation may pass it
		// on: a callback that comes before the execution waits is kept
		// (DBOS keeps messages until they are received).
		if err := dbos.SetEvent(d.in(ctx), callbackTopic(d.callbackRun(call)), tokenWaiting); err != nil {
			return nil, d.stepError(ctx, err)
		}
	}
	o, err := stepWithHistory(d, d.in(ctx), "Task "+call.State, func() (taskOutcome, error) {
		return outcomeOf(invoke(ctx)), nil
	})
	if err != nil {
		return nil, d.stepError(ctx, err)
	}
	return o.result()
}

// stepError turns a failure of DBOS itself (the store, a cancelled
// workflow) into what ends the execution: the context's error when the
// execution was stopped, else States.Runtime.
func (d *driver) stepError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return sfnrt.NewError(sfnrt.ErrRuntime, "durable store: "+err.Error())
}

// Sleep is a durable sleep: its deadline is recorded, and a recovered
// execution sleeps only what remains. A sleep longer than parkAfter
// parks the execution until its end (see park.go). Under skipWaits the
// fake clock moves instead, at once.
func (d *driver) Sleep(ctx context.Context, dur time.Duration) error {
	if d.parked != nil {
		return context.Cause(ctx)
	}
	if d.skipWaits {
		return d.clock.Sleep(ctx, dur)
	}
	d.flush(ctx)
	d.goLive()
	if dur <= d.parkAfter {
		if _, err := dbos.Sleep(d.in(ctx), dur); err != nil {
			return d.stepError(ctx, err)
		}
		return nil
	}
	end := d.Now().Add(dur)
	// A wake-up resumes at the next step, which reads the time again.
	step, err := dbos.GetStepID(d.wctx)
	if err != nil {
		return d.stepError(ctx, err)
	}
	if now := d.Now(); now.Before(end) {
		return d.park(ctx, step+1, end)
	}
	return nil
}

// Now records the time it returns.
func (d *driver) Now() time.Time {
	if d.parked != nil {
		return d.clock.Now() // unwinding: nothing more is recorded
	}
	d.goLive()
	ms, err := stepWithHistory(d, d.wctx, "Now", func() (int64, error) {
		return d.clock.Now().UnixMilli(), nil
	})
	if err != nil {
		return d.clock.Now() // the execution ends at its next step anyway
	}
	return time.UnixMilli(ms).UTC()
}

// Event collects a history event; flush writes the events collected to
// the execution's history stream in one step before the execution's next
// effect (a Task, a sleep, a callback, the shown time) and at its end. So
// the history in the store is complete up to the state in progress, and
// a run of states without effects (Pass, Choice) costs no commit of its
// own. A recovered execution emits the same events again (the runtime
// numbers them the same way) and, its flushes being the same steps, DBOS
// skips those already written.
//
// A redriven run goes again through the states before the one it
// resumes from (their effects replayed from the records): their events
// are in the stored history already and are left out; the others are
// numbered on from the ExecutionRedriven event.
func (d *driver) Event(e sfnrt.Event) {
	if d.parked != nil || d.child {
		// The events of the run's unwinding: the woken run goes on
		// from the park point instead.
		return
	}
	d.collected++
	// A Map Run's record is written as its end event comes, replayed or
	// not: a step, numbered as in the first run.
	defer func() {
		if isMapRunEnd(e.Type) {
			d.writeEndedMapRuns()
		}
		if d.adopting > 0 {
			if d.adopting--; d.adopting == 0 {
				// The last of a group's items' events, replayed or
				// not: their batch, a step numbered as in the first run.
				d.flush(d.wctx)
			}
		}
	}()
	if r := d.redrive; r != nil {
		if e.ID < r.Cut {
			return
		}
		e.ID = r.stored(e.ID)
		if e.PreviousEventID >= r.Cut {
			e.PreviousEventID = r.stored(e.PreviousEventID)
		} else {
			e.PreviousEventID = r.Base
		}
	}
	if len(d.pending) > 0 {
		d.pending = append(d.pending, ',')
	}
	d.pending = sfnrt.AppendJSON(d.pending, e.JSON())
}

// batch returns the collected events as one value of the history
// stream, {"step":N,"events":[...]}: the events, and the DBOS step that
// writes them (where a redrive that resumes from one of them rewinds the
// workflow to; see redrive.go); "" when none were collected.
func (d *driver) batch(step int) string {
	if d.collected == 0 || d.parked != nil {
		return ""
	}
	events := d.pending
	if d.redrive != nil && !d.prelude && len(events) > 0 {
		// The first events of a redriven run: after the stored
		// ExecutionRedriven (and ExecutionAborted) events.
		events = append(append([]byte(d.redrive.Prelude), ','), events...)
		d.prelude = true
	}
	if d.batchStep > 0 {
		step, d.batchStep = d.batchStep, 0
	}
	b := make([]byte, 0, len(events)+32)
	b = append(b, `{"step":`...)
	b = strconv.AppendInt(b, int64(step), 10)
	b = append(b, `,"events":[`...)
	b = append(append(b, events...), "]}"...)
	d.pending, d.collected = d.pending[:0], 0
	return string(b)
}

// flush writes the collected events, a step of their own. It writes
// whenever events were collected, even if a redriven run left them all
// out, so that the run's steps are numbered as the first run's.
func (d *driver) flush(ctx context.Context) error {
	step, err := dbos.GetStepID(d.wctx)
	if err != nil {
		return d.stepError(ctx, err)
	}
	batch := d.batch(step + 1) // the WriteStream's
	if batch == "" {
		return nil
	}
	d.goLive()
	if err := dbos.WriteStream(d.in(ctx), historyStream, batch); err != nil {
		return d.stepError(ctx, err)
	}
	return nil
}

// stepWithHistory runs fn as a step that first writes the collected
// events: one commit of the stream's rather than a checkpointed step of
// its own. A step recorded is not run again, and its batch was written
// before it was recorded; a step run again after a crash between the two
// writes its batch again, which historyBatches reads once.
func stepWithHistory[R any](d *driver, ctx dbos.Context, name string, fn func() (R, error)) (R, error) {
	step, err := dbos.GetStepID(d.wctx)
	if err != nil {
		var zero R
		return zero, err
	}
	batch := d.batch(step + 1) // the step's
	return dbos.RunAsStep(ctx, func(sctx context.Context) (R, error) {
		if batch != "" {
			if err := dbos.WriteStream(sctx.(dbos.Context), historyStream, batch); err != nil {
				var zero R
				return zero, err
			}
		}
		return fn()
	}, dbos.WithStepName(name))
}

// historyStream is the DBOS stream of an execution's history events.
const historyStream = "history"

// A callbackRun names the run of a callback Task a token stands for: the
// id of the event that entered the state, and the redrive the run belongs
// to (a redrive runs the state again, with a token of its own).
type callbackRun struct {
	Seq, Redrive int64
}

// String is how the run's keys end: SEQ, or SEQ.rN in the N-th redrive.
func (r callbackRun) String() string {
	s := strconv.FormatInt(r.Seq, 10)
	if r.Redrive != 0 {
		s += ".r" + strconv.FormatInt(r.Redrive, 10)
	}
	return s
}

// callbackRunOf is the run a verified token names.
func callbackRunOf(t sfnrt.TaskToken) callbackRun { return callbackRun{t.Seq, t.Redrive} }

// callbackRun is the run of the callback Task call.
func (d *driver) callbackRun(call *sfnrt.TaskCall) callbackRun {
	return callbackRun{call.Seq, d.redrive.countAt(call.Seq)}
}

// callbackTopic is the DBOS event key of the state of the callback a
// token names (tokenWaiting, ...).
func callbackTopic(r callbackRun) string { return "task-token:" + r.String() }

// callbackMessage is what send-task-success and send-task-failure
// leave for a waiting execution (see park.go).
type callbackMessage struct {
	Kind   string `json:"kind"` // success, failure; heartbeat and started name what a sender leaves
	Output string `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
	Cause  string `json:"cause,omitempty"`
	Worker string `json:"worker,omitempty"` // started: the worker that took the activity task
}

// Token states, the value of the callback's DBOS event: senders read it
// to answer TaskDoesNotExist or TaskTimedOut.
const (
	tokenWaiting  = "waiting"
	tokenDone     = "done"
	tokenTimedOut = "timed-out"
)

// AwaitCallback takes the callback's outcome if it has come, fails the
// Task if its TimeoutSeconds or HeartbeatSeconds (restarted by each
// heartbeat) has passed, and parks the execution otherwise, to be woken
// by the callback or its next deadline (see park.go). Its times are
// recorded: a replay tells a heartbeat's timeout from the Task's as the
// first run did, and the first time, the Task's start, stays.
func (d *driver) AwaitCallback(ctx context.Context, call *sfnrt.TaskCall, timeout, heartbeat time.Duration) (any, error) {
	if d.parked != nil {
		return nil, context.Cause(ctx)
	}
	run := d.callbackRun(call)
	topic := callbackTopic(run)
	wctx := d.in(ctx)
	d.flush(ctx)
	start := d.Now()
	started := false // whether the activity's ActivityStarted is written
	for {
		// A wake-up resumes at the next step, which reads the time again.
		step, err := dbos.GetStepID(d.wctx)
		if err != nil {
			return nil, d.stepError(ctx, err)
		}
		now := d.Now()
		st, err := dbos.RunAsStep(wctx, func(context.Context) (callbackState, error) {
			return d.e.callbacks().state(d.arn, run)
		}, dbos.WithStepName("Callback"))
		if err != nil {
			return nil, d.stepError(ctx, err)
		}
		if a := st.Started; a != nil && !started {
			// A worker took the activity task (GetActivityTask): its
			// ActivityStarted event, written at once for readers of the
			// history and before the outcome that may have come with it
			// (the next look takes that). A replay, reading the same
			// recorded state, writes it at the same step.
			started = true
			sfnrt.ActivityStarted(ctx, a.Worker)
			if err := d.flush(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if m := st.Final; m != nil {
			_ = dbos.SetEvent(wctx, topic, tokenDone)
			if m.Kind == "failure" {
				return nil, sfnrt.CallbackFailure(m.Error, m.Cause)
			}
			return sfnrt.ParseJSON([]byte(m.Output))
		}
		// Under skipWaits the fake clock moves only when the execution
		// sleeps, as in memory: a callback's deadlines never come.
		var wake time.Time
		byHeartbeat := false
		if timeout > 0 && !d.skipWaits {
			wake = start.Add(timeout)
		}
		if heartbeat > 0 && !d.skipWaits {
			// The last heartbeat, or the activity's start: a worker's
			// HeartbeatSeconds count from when it took the task.
			beat := start
			if st.Heartbeat > beat.UnixMilli() {
				beat = time.UnixMilli(st.Heartbeat)
			}
			if a := st.Started; a != nil && a.At > beat.UnixMilli() {
				beat = time.UnixMilli(a.At)
			}
			if end := beat.Add(heartbeat); wake.IsZero() || end.Before(wake) {
				wake, byHeartbeat = end, true
			}
		}
		if !wake.IsZero() && !now.Before(wake) {
			_ = dbos.SetEvent(wctx, topic, tokenTimedOut)
			if byHeartbeat {
				return nil, sfnrt.ErrCallbackHeartbeatTimedOut
			}
			return nil, sfnrt.ErrCallbackTimedOut
		}
		if again, err := d.e.callbacks().state(d.arn, run); err == nil && (again.Final != nil || again.Started != nil && !started) {
			continue // came while this looked: take it now rather than park
		}
		return nil, d.park(ctx, step+1, wake)
	}
}
