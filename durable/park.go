package durable

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Parking: an execution that waits for a callback, or in a Wait longer
// than Config.ParkAfter, holds no goroutine or timer in any process.
// DBOS's open-source Recv and Sleep wait in memory (parking them in the
// database, WithRecvSuspend and WithSleepSuspend, is a Transact Enterprise
// feature), so the execution's workflow ends instead: its outcome says
// "parked", with the step to resume from and when to wake up. What wakes
// it is dbos.RewindWorkflow to that step, which re-enqueues the workflow:
// it replays its recorded steps (no Task runs again) to the park point
// and goes on from there. A callback wakes it at once; a deadline (the
// Wait's end, a callback's TimeoutSeconds or HeartbeatSeconds, the
// machine's TimeoutSeconds) through a waker: a small DBOS workflow
// enqueued with a delay, which is a row in the store (DBOS moves it to
// its queue when due) until it rewinds the execution. So 10,000 parked
// executions are 10,000 workflow rows and their wakers' rows.
//
// A callback's outcome is kept where a rewind does not undo it: the
// execution workflow's attributes (callback:SEQ for the success or
// failure, heartbeat:SEQ for the last heartbeat's time), read by a step
// of the woken execution.

// statusParked is the outcome status of a parked execution's workflow:
// the execution is RUNNING.
const statusParked = "PARKED"

// parkRecord is where a parked execution resumes and when it wakes up.
type parkRecord struct {
	Step   int    `json:"step"`             // the DBOS step to rewind to
	WakeAt int64  `json:"wakeAt,omitempty"` // Unix ms; 0: only a callback wakes it
	Waker  string `json:"waker,omitempty"`  // the waker's workflow ID
}

// errParked ends the run of an execution that parked.
var errParked = errors.New("the execution parked")

// park ends the execution's run: its workflow records p as its outcome
// (see Executor.run) and the execution resumes at step.
func (d *driver) park(ctx context.Context, step int, wake time.Time) error {
	if !d.deadline.IsZero() && !d.clock.Now().Before(d.deadline) {
		// Woken at (or after) the execution's deadline, the run has
		// replayed to where it parked: the runtime's timer, started as
		// the run went live, ends it now. Parking again would leave it
		// parked past its deadline, with a waker that already ran.
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(time.Minute): // a timer that never came: park as before
		}
	}
	d.parked = &parkRecord{Step: step}
	if !wake.IsZero() {
		d.parked.WakeAt = wake.UnixMilli()
	}
	d.stop(errParked)
	return context.Cause(ctx)
}

// wakeInput is a waker's input: the execution to rewind, if it is still
// parked as it was when the waker was enqueued.
type wakeInput struct {
	Arn  string     `json:"arn"`
	Park parkRecord `json:"park"`
}

// enqueueWaker enqueues the waker of a parked execution for its wake-up
// time (none without one). Its ID names the park, so that an execution
// recovered before its park was recorded enqueues the same waker again.
func (e *Executor) enqueueWaker(arn string, p *parkRecord) error {
	if p.WakeAt == 0 {
		return nil
	}
	p.Waker = arn + "#wake-" + strconv.Itoa(p.Step) + "-" + strconv.FormatInt(p.WakeAt, 10)
	_, err := dbos.Enqueue[string](e.ctx, e.queue, e.wakeWorkflow, wakeInput{Arn: arn, Park: *p},
		dbos.WithEnqueueWorkflowID(p.Waker), dbos.WithEnqueueApplicationVersion(e.cfg.Version),
		dbos.WithEnqueueDelay(max(0, time.Until(time.UnixMilli(p.WakeAt)))))
	if err != nil && e.parkOf(arn) == nil {
		err = nil // enqueued already
	}
	return err
}

// wake is the waker workflow: it rewinds the execution if it is still
// parked where the waker was enqueued for.
func (e *Executor) wake(ctx dbos.Context, in wakeInput) (string, error) {
	p, err := dbos.RunAsStep(ctx, func(context.Context) (*parkRecord, error) {
		ws, err := e.status(in.Arn)
		if err != nil || ws == nil {
			return nil, err
		}
		return parkedAt(ws), nil
	}, dbos.WithStepName("parked"))
	if err != nil || p == nil || p.Step != in.Park.Step || p.WakeAt != in.Park.WakeAt {
		return "", err // woken otherwise, or ended
	}
	if _, err := dbos.RewindWorkflow[execOutput](ctx, in.Arn, dbos.WithRewindStartStep(uint(p.Step)), dbos.WithRewindQueue(e.queue)); err != nil {
		return "", err
	}
	return "woken", nil
}

// parkedAt returns where the execution of ws is parked, nil if it is not.
func parkedAt(ws *dbos.WorkflowStatus) *parkRecord {
	if ws.Status != dbos.WorkflowStatusSuccess {
		return nil
	}
	var out execOutput
	recode(ws.Output, &out)
	if out.Status != statusParked {
		return nil
	}
	return out.Park
}

// parkOf returns where the execution arn is parked, nil if it is not.
func (e *Executor) parkOf(arn string) *parkRecord {
	ws, err := e.status(arn)
	if err != nil || ws == nil {
		return nil
	}
	return parkedAt(ws)
}

// callbacks answers the task tokens of the durable executions in a
// store, whatever their machine: an Executor's SendTask* for its own,
// Activities (the server's GetActivityTask and SendTask*) for every
// machine's. It needs only the store and its token key: it wakes a parked
// execution on its machine's queue, which a worker of that machine runs.
type callbacks struct {
	c   dbos.Client
	key []byte
}

func (e *Executor) callbacks() callbacks { return callbacks{c: e.ctx, key: e.key} }

// executionWorkflowPrefix begins the DBOS workflow name of every
// machine's executions, which is also the name of the queue they run on
// (see Open).
const executionWorkflowPrefix = "sfn:"

// execution returns the workflow of the execution arn, of any machine;
// nil when there is none.
func (cb callbacks) execution(arn string) (*dbos.WorkflowStatus, error) {
	ws, err := dbos.ListWorkflows(cb.c, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(true))
	if err != nil || len(ws) == 0 || !strings.HasPrefix(ws[0].Name, executionWorkflowPrefix) {
		return nil, err
	}
	return &ws[0], nil
}

// executionRunning reports whether the execution of ws is RUNNING (as
// Executor.describe says), parked or not.
func executionRunning(ws *dbos.WorkflowStatus) bool {
	switch ws.Status {
	case dbos.WorkflowStatusSuccess:
		return parkedAt(ws) != nil
	case dbos.WorkflowStatusCancelled, dbos.WorkflowStatusError, dbos.WorkflowStatusMaxRecoveryAttemptsExceeded:
		return false
	}
	return true
}

// send leaves msg for the execution waiting for token, after checking
// the token's signature and that its Task still waits: a success or
// failure (the first counts: a send retried, or racing another, finds it
// taken), a heartbeat's time, or an activity's start (see
// Activities.GetActivityTask). All but a heartbeat wake the execution if
// it is parked.
func (cb callbacks) send(ctx context.Context, token string, msg callbackMessage) error {
	if len(token) == 0 || len(token) > 2048 {
		return apiError("InvalidToken", "Invalid token")
	}
	t, ok := sfnrt.ParseTaskToken(cb.key, token)
	if !ok {
		return apiError("InvalidToken", "Invalid token")
	}
	run := callbackRunOf(t)
	ws, err := cb.execution(t.ExecutionArn)
	if err != nil {
		return err
	}
	if ws == nil || redriveOf(ws).countAt(t.Seq) != t.Redrive {
		// A token of an attempt a redrive has replaced: the state's run
		// in the redriven attempt has another.
		return apiError("TaskDoesNotExist", "Task does not exist anymore")
	}
	topic := callbackTopic(run)
	state, err := dbos.GetEvent[string](cb.c, t.ExecutionArn, topic, 0)
	if err != nil && !errors.Is(err, dbos.ErrTimeout) {
		return err
	}
	switch state {
	case tokenTimedOut:
		return apiError("TaskTimedOut", "Task Timed Out: '"+t.State+"'")
	case tokenWaiting:
	default:
		return apiError("TaskDoesNotExist", "Task does not exist anymore")
	}
	if !executionRunning(ws) {
		return apiError("TaskDoesNotExist", "Task does not exist anymore")
	}
	now := time.Now().UnixMilli()
	settled := func() bool {
		state, _ := dbos.GetEvent[string](cb.c, t.ExecutionArn, topic, 0)
		return state != tokenWaiting
	}
	switch msg.Kind {
	case "heartbeat":
		// Kept for the execution to read when it next looks (its next
		// deadline's wake-up): a heartbeat wakes nothing.
		return dbos.SetWorkflowAttributes(cb.c, t.ExecutionArn, map[string]any{heartbeatKey(run): now}, dbos.WithMergeAttributes())
	case "started":
		// Kept as a heartbeat is, but the execution is woken to write
		// its ActivityStarted event now; a running one parks when it
		// has looked, and is woken then (at worst once too often).
		b, _ := json.Marshal(activityStart{Worker: msg.Worker, At: now})
		if err := dbos.SetWorkflowAttributes(cb.c, t.ExecutionArn, map[string]any{startedKey(run): string(b)}, dbos.WithMergeAttributes()); err != nil {
			return err
		}
		return cb.unpark(ctx, t.ExecutionArn, settled)
	}
	// Kept where a rewind leaves it, then the execution woken if it is
	// parked.
	st, err := cb.state(t.ExecutionArn, run)
	if err != nil {
		return err
	}
	if st.Final == nil {
		b, _ := json.Marshal(msg)
		if err := dbos.SetWorkflowAttributes(cb.c, t.ExecutionArn, map[string]any{callbackKey(run): string(b)}, dbos.WithMergeAttributes()); err != nil {
			return err
		}
	}
	return cb.unpark(ctx, t.ExecutionArn, settled)
}

// unpark wakes the execution arn if it is parked: a callback came. An
// execution running meanwhile takes the callback when it looks for it
// (AwaitCallback reads it before it parks), but may have looked just
// before it came and be about to park: unpark watches it for a while
// (unparkWatch) until settled reports the callback taken, or it parks
// (and is woken), or ends.
func (cb callbacks) unpark(ctx context.Context, arn string, settled func() bool) error {
	deadline := time.Now().Add(unparkWatch)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		ws, err := cb.execution(arn)
		if err != nil || ws == nil {
			return err
		}
		if p := parkedAt(ws); p != nil {
			// On the machine's queue, for its workers (Open names the
			// queue as the workflow).
			_, err := dbos.RewindWorkflow[execOutput](cb.c, arn, dbos.WithRewindStartStep(uint(p.Step)), dbos.WithRewindQueue(ws.Name))
			if err != nil {
				if now, serr := cb.execution(arn); serr == nil && (now == nil || parkedAt(now) == nil) {
					err = nil // woken by another call
				}
			}
			return err
		}
		if !executionRunning(ws) || settled() || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
	}
}

// unparkWatch bounds how long unpark watches a running execution: far
// longer than the moment between its look and its park, and short enough
// for a caller whose worker is down (whose execution, run again, reads
// the callback before it parks).
const unparkWatch = 10 * time.Second

// callbackState is what the callback a token names has received, as a
// woken execution reads it.
type callbackState struct {
	Final     *callbackMessage `json:"final,omitempty"`     // success or failure
	Heartbeat int64            `json:"heartbeat,omitempty"` // Unix ms of the last heartbeat
	Started   *activityStart   `json:"started,omitempty"`   // an activity's worker took the task
}

// activityStart is which worker took an activity task (GetActivityTask),
// and when (Unix ms): the execution's ActivityStarted event, and where
// its HeartbeatSeconds count from.
type activityStart struct {
	Worker string `json:"worker"`
	At     int64  `json:"at"`
}

func callbackKey(r callbackRun) string  { return "callback:" + r.String() }
func heartbeatKey(r callbackRun) string { return "heartbeat:" + r.String() }
func startedKey(r callbackRun) string   { return "started:" + r.String() }

// callbackSeq returns the Seq of a callback:, heartbeat: or started:
// attribute key (SEQ or SEQ.rN).
func callbackSeq(key string) (int64, bool) {
	for _, prefix := range []string{"callback:", "heartbeat:", "started:"} {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			rest, _, _ = strings.Cut(rest, ".r")
			seq, err := strconv.ParseInt(rest, 10, 64)
			return seq, err == nil
		}
	}
	return 0, false
}

// state reads the callback run of the execution arn.
func (cb callbacks) state(arn string, run callbackRun) (callbackState, error) {
	var st callbackState
	ws, err := dbos.ListWorkflows(cb.c, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(ws) == 0 {
		return st, err
	}
	if s, ok := ws[0].Attributes[callbackKey(run)].(string); ok {
		var m callbackMessage
		if json.Unmarshal([]byte(s), &m) == nil {
			st.Final = &m
		}
	}
	if ms, ok := sfnrt.Int(ws[0].Attributes[heartbeatKey(run)]); ok {
		st.Heartbeat = ms
	}
	if s, ok := ws[0].Attributes[startedKey(run)].(string); ok {
		var a activityStart
		if json.Unmarshal([]byte(s), &a) == nil {
			st.Started = &a
		}
	}
	return st, nil
}
