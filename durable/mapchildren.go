package durable

import (
	"context"
	"sync"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A Distributed Map's child executions run as DBOS workflows (named
// sfn-map-child:MACHINE, their IDs the child executions' ARNs), children
// of the execution's workflow: started at once in the worker that runs
// the Map Run while it runs fewer than Config.Concurrency of them, the
// others enqueued on the queue sfn-map:MACHINE, which every worker of
// the machine serves (Config.Concurrency at once each): on PostgreSQL a
// Map Run of more children than one worker takes spreads over the
// workers. A child recovered after a crash goes to DBOS's internal
// queue, which every worker serves too. A child's input is a record from which any
// worker runs it (sfnrt.Machine.RunMapChild), and its Tasks are steps
// of its own workflow: a child recovered after a crash, on whichever
// worker, replays them. The Map Run itself stays in the execution's
// workflow (it reads the items, starts the children in item order, at
// most MaxConcurrency at once, and writes the results), and learns of
// each child's end from the process that ran it, when it is its own, or
// else by polling the store for its workflow's children that ended.

// mapQueuePrefix names the queue of a machine's Map Run children.
const mapQueuePrefix = "sfn-map:"

// mapChildInput is a Map Run child's workflow input.
type mapChildInput struct {
	Execution        string `json:"execution"` // the parent execution's ARN
	Program          string `json:"program"`
	Name             string `json:"name"`
	ID               string `json:"id"`
	StateMachineID   string `json:"stateMachineArn"`
	StateMachineName string `json:"stateMachineName"`
	Type             string `json:"type"`
	Input            string `json:"input"`     // JSON
	StartTime        int64  `json:"startTime"` // Unix ms
	Seed             int64  `json:"seed,omitempty"`
	Seeded           bool   `json:"seeded,omitempty"`
	Clock            int64  `json:"clock,omitempty"`    // see childInput
	Deadline         int64  `json:"deadline,omitempty"` // see childInput
}

func (in mapChildInput) child() (sfnrt.MapChild, error) {
	c := sfnrt.MapChild{Program: in.Program, Name: in.Name, ID: in.ID, StateMachineID: in.StateMachineID,
		StateMachineName: in.StateMachineName, Type: in.Type, StartTime: time.UnixMilli(in.StartTime).UTC(),
		Seed: in.Seed, Seeded: in.Seeded}
	v, err := sfnrt.ParseJSON([]byte(in.Input))
	c.Input = v
	return c, err
}

// StartMapChild enqueues child c (a step of the execution's workflow)
// and returns what waits for its end.
func (cd childrenDriver) StartMapChild(ctx context.Context, c sfnrt.MapChild) (func(context.Context) sfnrt.MapChildOutcome, error) {
	d := cd.driver
	e := d.e
	if e.mapQueue == nil {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "durable store: this process is no worker (Executor.Work)")
	}
	in := mapChildInput{Execution: d.arn, Program: c.Program, Name: c.Name, ID: c.ID, StateMachineID: c.StateMachineID,
		StateMachineName: c.StateMachineName, Type: c.Type, Input: sfnrt.ToJSON(c.Input), StartTime: c.StartTime.UnixMilli(),
		Seed: c.Seed, Seeded: c.Seeded, Clock: d.clock.Now().UnixMilli()}
	if !d.deadline.IsZero() {
		in.Deadline = d.deadline.UnixMilli()
	}
	parent, err := dbos.GetWorkflowID(d.wctx)
	if err != nil {
		return nil, d.stepError(ctx, err)
	}
	mw := d.mapWatch(parent)
	ch := mw.expect(c.ID)
	// Here at once while this worker runs fewer than Concurrency of its
	// Map Runs' children, else on the queue, for any worker: a queued
	// child waits for a poll of the queue (100 ms), which bounds a Map
	// Run of quick children to MaxConcurrency per poll.
	opts := []dbos.WorkflowOption{dbos.WithWorkflowID(c.ID)}
	here := e.mapChildrenHere.Add(1) <= int64(e.cfg.Concurrency)
	if !here {
		e.mapChildrenHere.Add(-1)
		opts = append(opts, dbos.WithQueue(e.mapQueue))
	}
	// From the workflow's context, not the state's, as a Parallel's
	// children (see Children): the waiter below cancels it when ctx ends.
	if _, err := dbos.RunWorkflow(d.wctx, e.runMapChild, in, opts...); err != nil {
		if here {
			e.mapChildrenHere.Add(-1)
		}
		mw.forget(c.ID)
		return nil, d.stepError(ctx, err)
	}
	return func(ctx context.Context) sfnrt.MapChildOutcome {
		defer mw.forget(c.ID)
		if here {
			defer e.mapChildrenHere.Add(-1)
		}
		var rec childRecord
		select {
		case rec = <-ch:
		case <-ctx.Done():
			// Not at shutdown (the workflow's context ended): the child
			// is left to the next worker, as a Parallel's are. Stopping
			// it here would end its run with a cancelled Task that its
			// workflow records as its outcome when the shutdown reaches
			// it later (a DBOS context propagates its end to a derived
			// one on a goroutine), failing the resumed Map Run.
			if d.wctx.Err() == nil {
				e.children.stop(c.ID)
				_ = dbos.CancelWorkflow(e.ctx, c.ID)
			}
			return sfnrt.MapChildOutcome{Err: ctx.Err()}
		}
		o := sfnrt.MapChildOutcome{Start: time.UnixMilli(rec.Start).UTC(), End: time.UnixMilli(rec.End).UTC()}
		if rec.End == 0 {
			o.End = time.Time{}
		}
		if rec.Failed {
			o.Err = &sfnrt.Error{Name: rec.Error, Cause: rec.Cause, HasCause: rec.HasCause}
			return o
		}
		o.Output, o.Err = sfnrt.ParseJSON([]byte(rec.Output))
		return o
	}, nil
}

// Replaying reports whether the next step of the workflow is a Map Run
// child's start that an earlier run recorded.
func (cd childrenDriver) Replaying() bool {
	d := cd.driver
	if !d.mayReplay {
		return false
	}
	step, err := dbos.GetStepID(d.wctx)
	if err != nil {
		return false
	}
	if d.stepNames == nil {
		id, err := dbos.GetWorkflowID(d.wctx)
		if err != nil {
			return false
		}
		steps, err := dbos.GetWorkflowSteps(d.e.ctx, id, dbos.WithStepsLoadOutput(false))
		if err != nil {
			return false
		}
		d.stepNames = map[int]string{}
		for _, s := range steps {
			d.stepNames[s.StepID] = s.StepName
		}
	}
	name, ok := d.stepNames[step+1]
	if !ok && step+1 > d.lastStepName() {
		d.mayReplay = false // live from here on
	}
	return ok && name == d.e.mapChildWorkflow
}

// lastStepName is the highest step ID among the recorded names.
func (d *driver) lastStepName() int {
	last := -1
	for id := range d.stepNames {
		last = max(last, id)
	}
	return last
}

// runMapChild is the workflow of a Map Run's child execution.
func (e *Executor) runMapChild(ctx dbos.Context, in mapChildInput) (childRecord, error) {
	id, err := dbos.GetWorkflowID(ctx)
	if err != nil {
		return childRecord{}, err
	}
	c, err := in.child()
	if err != nil {
		rec := childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cause: "durable store: " + err.Error(), HasCause: true}
		e.children.ended(id, rec)
		return rec, nil
	}
	var clock sfnrt.Clock = sfnrt.RealClock{}
	if e.cfg.SkipWaits {
		clock = sfnrt.NewFakeClock(time.UnixMilli(in.Clock))
	}
	d, rctx, done := e.childDriver(ctx, id, c.ID, clock, in.Deadline)
	defer done()
	// Its own branches and iterations find it here (children.go).
	xc := &execContext{name: c.Name, input: c.Input, start: c.StartTime, clock: clock}
	e.live.Store(c.ID, xc)
	defer e.live.CompareAndDelete(c.ID, xc)
	o := e.m.RunMapChild(rctx, c, sfnrt.Options{Clock: clock, Tasks: e.cfg.Tasks, Objects: e.cfg.Objects,
		Driver: childrenDriver{d}, TokenKey: e.key, PayloadLimit: e.cfg.PayloadLimit})
	if err := ctx.Err(); err != nil {
		// Its worker stops (or DBOS cancelled the workflow): what the
		// cut run gives is no outcome of the child's. An error of the
		// context leaves the workflow's status to DBOS (PENDING for
		// recovery, or CANCELLED), where a record would be written as
		// its success.
		return childRecord{}, err
	}
	rec := recordOf(sfnrt.ChildOutcome{Output: o.Output, Err: o.Err}, o.Err != nil && rctx.Err() != nil)
	rec.Start, rec.End = o.Start.UnixMilli(), o.End.UnixMilli()
	e.children.ended(id, rec)
	return rec, nil
}

// A mapWatch follows the Map Run children of one workflow until they
// end: told by this process's children at once, and by the store,
// polled for the workflow's children that ended, of the others.
type mapWatch struct {
	e      *Executor
	parent string
	mu     sync.Mutex
	// waiting are the children awaited, each with where its record goes;
	// fresh those awaited since the last poll, which asks about them by
	// ID (they may have ended long before: a resumed execution awaits
	// again the children its first run started).
	waiting map[string]chan childRecord
	fresh   []string
	polling bool
}

// mapWatch returns the driver's watch of its workflow's Map Run children.
func (d *driver) mapWatch(parent string) *mapWatch {
	if d.maps.watch == nil {
		d.maps.watch = &mapWatch{e: d.e, parent: parent, waiting: map[string]chan childRecord{}}
	}
	return d.maps.watch
}

// expect readies the record of child id, before it starts.
func (mw *mapWatch) expect(id string) <-chan childRecord {
	ch := make(chan childRecord, 1)
	mw.mu.Lock()
	mw.waiting[id] = ch
	mw.fresh = append(mw.fresh, id)
	start := !mw.polling
	mw.polling = true
	mw.mu.Unlock()
	mw.e.children.await(id, func(rec childRecord) { mw.deliver(id, rec) })
	if start {
		go mw.poll()
	}
	return ch
}

// forget stops awaiting child id.
func (mw *mapWatch) forget(id string) {
	mw.e.children.unawait(id)
	mw.mu.Lock()
	delete(mw.waiting, id)
	mw.mu.Unlock()
}

// deliver hands child id's record to its waiter, once.
func (mw *mapWatch) deliver(id string, rec childRecord) {
	mw.mu.Lock()
	ch := mw.waiting[id]
	delete(mw.waiting, id)
	mw.mu.Unlock()
	if ch != nil {
		ch <- rec
	}
}

// poll asks the store, every pollEvery while children are awaited,
// about the children awaited since its last look, by ID, and about the
// workflow's children that ended since then (less a margin for the
// clocks of the processes that ended them).
func (mw *mapWatch) poll() {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	ended := []dbos.ListWorkflowsOption{dbos.WithFilterLoadInput(false),
		dbos.WithFilterStatus(dbos.WorkflowStatusSuccess, dbos.WorkflowStatusError, dbos.WorkflowStatusCancelled, dbos.WorkflowStatusMaxRecoveryAttemptsExceeded)}
	var since time.Time
	for range tick.C {
		mw.mu.Lock()
		if len(mw.waiting) == 0 {
			mw.polling = false
			mw.fresh = nil
			mw.mu.Unlock()
			return
		}
		asked := mw.fresh
		mw.fresh = nil
		mw.mu.Unlock()
		fresh := asked
		now := time.Now()
		var ws []dbos.WorkflowStatus
		var err error
		for len(fresh) > 0 && err == nil {
			batch := fresh[:min(len(fresh), 500)]
			var found []dbos.WorkflowStatus
			found, err = dbos.ListWorkflows(mw.e.ctx, append([]dbos.ListWorkflowsOption{dbos.WithFilterWorkflowIDs(batch...)}, ended...)...)
			ws = append(ws, found...)
			if err == nil {
				fresh = fresh[len(batch):]
			}
		}
		if err == nil && !since.IsZero() {
			var found []dbos.WorkflowStatus
			found, err = dbos.ListWorkflows(mw.e.ctx, append([]dbos.ListWorkflowsOption{dbos.WithFilterParentWorkflowID(mw.parent),
				dbos.WithFilterName(mw.e.mapChildWorkflow), dbos.WithFilterCompletedAfter(since.Add(-5 * time.Second))}, ended...)...)
			ws = append(ws, found...)
		}
		if err != nil {
			// Asked again at the next look.
			mw.mu.Lock()
			mw.fresh = append(mw.fresh, asked...)
			mw.mu.Unlock()
			continue
		}
		since = now
		for _, s := range ws {
			mw.mu.Lock()
			_, awaited := mw.waiting[s.ID]
			mw.mu.Unlock()
			if awaited {
				mw.deliver(s.ID, recordOfStatus(s))
			}
		}
	}
}

// recordOfStatus is the record of a child workflow that ended, as the
// store lists it.
func recordOfStatus(s dbos.WorkflowStatus) childRecord {
	switch s.Status {
	case dbos.WorkflowStatusSuccess:
		var rec childRecord
		recode(s.Output, &rec)
		return rec
	case dbos.WorkflowStatusCancelled:
		return cancelledRecord
	}
	// DBOS's own failure (the workflows record the item's): the item
	// fails as a Task whose store failed does.
	cause := "durable store: the workflow " + s.ID + " ended with " + string(s.Status)
	if s.Error != nil {
		cause += ": " + s.Error.Error()
	}
	return childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cause: cause, HasCause: true}
}
