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

// unpark wakes the execution arn if it is parked: a callback came. An
// execution running meanwhile takes the callback when it looks for it
// (AwaitCallback reads it before it parks), but may have looked just
// before it came and be about to park: unpark watches it for a while
// (unparkWatch) until settled reports the callback taken, or it parks
// (and is woken), or ends.
func (e *Executor) unpark(ctx context.Context, arn string, settled func() bool) error {
	deadline := time.Now().Add(unparkWatch)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		ws, err := e.status(arn)
		if err != nil || ws == nil {
			return err
		}
		if p := parkedAt(ws); p != nil {
			_, err := dbos.RewindWorkflow[execOutput](e.ctx, arn, dbos.WithRewindStartStep(uint(p.Step)), dbos.WithRewindQueue(e.queue))
			if err != nil && e.parkOf(arn) == nil {
				err = nil // woken by another call
			}
			return err
		}
		if e.describe(ws).Status != StatusRunning || settled() || time.Now().After(deadline) {
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
}

func callbackKey(seq int64) string  { return "callback:" + strconv.FormatInt(seq, 10) }
func heartbeatKey(seq int64) string { return "heartbeat:" + strconv.FormatInt(seq, 10) }

// callbackSeq returns the Seq of a callback:SEQ or heartbeat:SEQ
// attribute key.
func callbackSeq(key string) (int64, bool) {
	for _, prefix := range []string{"callback:", "heartbeat:"} {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			seq, err := strconv.ParseInt(rest, 10, 64)
			return seq, err == nil
		}
	}
	return 0, false
}

// callbackState reads the callback seq of the execution arn.
func (e *Executor) callbackState(arn string, seq int64) (callbackState, error) {
	var st callbackState
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(ws) == 0 {
		return st, err
	}
	if s, ok := ws[0].Attributes[callbackKey(seq)].(string); ok {
		var m callbackMessage
		if json.Unmarshal([]byte(s), &m) == nil {
			st.Final = &m
		}
	}
	if ms, ok := sfnrt.Int(ws[0].Attributes[heartbeatKey(seq)]); ok {
		st.Heartbeat = ms
	}
	return st, nil
}
