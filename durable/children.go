package durable

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Parallel branches and Map iterations run concurrently as DBOS child
// workflows, one per branch or iteration: each child's effects are steps
// of its own workflow, numbered in its own sequence, so a recovered
// execution finds each one's progress however their effects interleaved.
//
// The work of a child is the runtime's (one branch or iteration of a
// nested program, with the Parallel's or Map's input, variables and $$
// context), which only the run of the execution that reaches the
// Parallel or Map has: that run registers a job for every child ID in
// its process, and the child's workflow function runs it. A recovered
// execution's run reaches the same Parallel or Map with the same values
// (its recorded steps replayed) and registers the jobs again; DBOS
// recovers the unfinished children at the same time, and each picks up
// its job and replays its own recorded steps. A child that DBOS recovers
// in a process where its execution does not run (another worker took
// the execution) finds no job: it ends as an orphan, and the execution
// runs that branch again as a new child, from its start.

const (
	// orphanWait is how long a child recovered by DBOS waits for its
	// execution's run to reach it in this process.
	orphanWait = time.Minute
	// startedWithin is how long a join waits for a child that its
	// execution recorded but that does not run in this process before
	// running it again as a new child.
	startedWithin = 20 * time.Second
)

// childrenDriver is the driver of an execution whose branches and
// iterations run as child workflows (see concurrentChildren).
type childrenDriver struct{ *driver }

// concurrentChildren reports whether m's branches and iterations can run
// as child workflows: a child neither parks nor waits for a callback
// (a token names its execution's workflow), so a machine with a callback
// or Activity Task inside a Parallel or Map runs them one after another.
func concurrentChildren(m *sfnrt.Machine) bool {
	top := map[string]bool{}
	for _, s := range m.Program.States {
		top[s.Name] = true
	}
	for _, t := range m.Tasks {
		if !top[t.State] && (sfnrt.IsCallbackResource(t.Resource) || sfnrt.IsActivityResource(t.Resource)) {
			return false
		}
	}
	return true
}

// childInput is a child workflow's input: what names it to a reader of
// the store. The work is its job's (above).
type childInput struct {
	Execution string `json:"execution"`
	State     string `json:"state"`
	Index     int    `json:"index"`
}

// childRecord is a child workflow's output: how its branch or iteration
// ended and the history events it recorded, numbered on their own.
type childRecord struct {
	Output    string   `json:"output,omitempty"`
	Failed    bool     `json:"failed,omitempty"`
	Error     string   `json:"error,omitempty"`
	Cause     string   `json:"cause,omitempty"`
	HasCause  bool     `json:"hasCause,omitempty"`
	Cancelled bool     `json:"cancelled,omitempty"`
	Orphan    bool     `json:"orphan,omitempty"`
	Events    []string `json:"events,omitempty"`
}

func recordOf(o sfnrt.ChildOutcome, cancelled bool) childRecord {
	var r childRecord
	if o.Err != nil {
		e := sfnrt.AsError(o.Err)
		r = childRecord{Failed: true, Error: e.Name, Cause: e.Cause, HasCause: e.HasCause, Cancelled: cancelled}
	} else {
		r.Output = sfnrt.ToJSON(o.Output)
	}
	for i := range o.Events {
		r.Events = append(r.Events, string(sfnrt.AppendJSON(nil, o.Events[i].JSON())))
	}
	return r
}

func (r childRecord) outcome() (sfnrt.ChildOutcome, error) {
	o := sfnrt.ChildOutcome{Cancelled: r.Cancelled}
	if r.Failed {
		o.Err = &sfnrt.Error{Name: r.Error, Cause: r.Cause, HasCause: r.HasCause}
	} else {
		v, err := sfnrt.ParseJSON([]byte(r.Output))
		if err != nil {
			return o, err
		}
		o.Output = v
	}
	for _, raw := range r.Events {
		e, err := decodeEvent(raw)
		if err != nil {
			return o, err
		}
		o.Events = append(o.Events, e)
	}
	return o, nil
}

// decodeEvent reads back an event as Event.JSON writes it.
func decodeEvent(raw string) (sfnrt.Event, error) {
	v, err := sfnrt.ParseJSON([]byte(raw))
	if err != nil {
		return sfnrt.Event{}, err
	}
	o, _ := v.(*sfnrt.Object)
	if o == nil {
		return sfnrt.Event{}, &json.UnsupportedValueError{Str: raw}
	}
	var e sfnrt.Event
	for _, m := range o.Members() {
		switch m.Key {
		case "id":
			e.ID, _ = sfnrt.Int(m.Value)
		case "previousEventId":
			e.PreviousEventID, _ = sfnrt.Int(m.Value)
		case "timestamp":
			s, _ := m.Value.(string)
			e.Timestamp, _ = time.Parse("2006-01-02T15:04:05.000Z07:00", s)
		case "type":
			e.Type, _ = m.Value.(string)
		default:
			e.DetailsKey = m.Key
			e.Details, _ = m.Value.(*sfnrt.Object)
		}
	}
	return e, nil
}

// A childJob is the work of one child, registered by its execution's run
// under the child's workflow ID (Executor.jobs).
type childJob struct {
	parent *driver
	run    sfnrt.ChildFunc
	index  int
	group  context.Context // cancelled when the group fails or ends
	slots  chan struct{}   // MaxConcurrency; nil: no bound
	// taken is set by the child's workflow when it runs the job, or by
	// the join when it gives up on the child (it will be an orphan).
	taken atomic.Bool
	done  chan childRecord // the record, when the job ran here
}

// runChild is the workflow of one child: it runs its job, or ends as an
// orphan when none is registered in this process (see above).
func (e *Executor) runChild(ctx dbos.Context, in childInput) (childRecord, error) {
	id, err := dbos.GetWorkflowID(ctx)
	if err != nil {
		return childRecord{}, err
	}
	var job *childJob
	for wait := time.Now().Add(orphanWait); ; {
		if j, ok := e.jobs.Load(id); ok {
			job = j.(*childJob)
			break
		}
		if time.Now().After(wait) {
			return childRecord{Orphan: true}, nil
		}
		select {
		case <-ctx.Done():
			return childRecord{}, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if !job.taken.CompareAndSwap(false, true) {
		return childRecord{Orphan: true}, nil
	}
	rec := e.runJob(ctx, job)
	job.done <- rec
	return rec, nil
}

// runJob runs a child's branch or iteration on a driver of the child's
// workflow, once a slot of the group's MaxConcurrency is free.
func (e *Executor) runJob(wctx dbos.Context, job *childJob) childRecord {
	if job.slots != nil {
		select {
		case job.slots <- struct{}{}:
			defer func() { <-job.slots }()
		case <-job.group.Done():
			return childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cancelled: true}
		}
	}
	p := job.parent
	d := &driver{e: e, arn: p.arn, wctx: wctx, skipWaits: p.skipWaits, clock: p.clock, child: true,
		// A child does not park: its waits are in memory.
		parkAfter: math.MaxInt64}
	rctx, stop := context.WithCancelCause(wctx)
	defer stop(nil)
	d.stop = stop
	unhook := context.AfterFunc(job.group, func() { stop(context.Canceled) })
	defer unhook()
	var driver sfnrt.Driver = childrenDriver{d}
	o := job.run(rctx, job.index, driver)
	return recordOf(o, o.Err != nil && job.group.Err() != nil)
}

// joinRecord is what a join step records: the records of the children
// it waited for, the first that failed, and those to run again.
type joinRecord struct {
	Records map[int]childRecord `json:"records"`
	Failed  int                 `json:"failed"`
	Again   []int               `json:"again,omitempty"`
}

// Children starts a child workflow per item (a step each), waits for
// them in a step that records their outcomes, starts again those that
// ended as orphans, and returns the outcomes.
func (cd childrenDriver) Children(ctx context.Context, g sfnrt.ChildGroup, run sfnrt.ChildFunc) (sfnrt.ChildResults, error) {
	d := cd.driver
	if d.parked != nil {
		return sfnrt.ChildResults{}, context.Cause(ctx)
	}
	e := d.e
	if err := d.flush(ctx); err != nil {
		return sfnrt.ChildResults{}, err
	}
	d.goLive()
	step, err := dbos.GetStepID(d.wctx)
	if err != nil {
		return sfnrt.ChildResults{}, d.stepError(ctx, err)
	}
	parent, err := dbos.GetWorkflowID(d.wctx)
	if err != nil {
		return sfnrt.ChildResults{}, d.stepError(ctx, err)
	}
	group, cancel := context.WithCancel(ctx)
	defer cancel()
	var slots chan struct{}
	if g.Limit > 0 && g.Limit < g.N {
		slots = make(chan struct{}, g.Limit)
	}
	ids, carried, err := d.childIDs(parent, g)
	if err != nil {
		return sfnrt.ChildResults{}, d.stepError(ctx, err)
	}
	jobs := make([]*childJob, g.N)
	defer func() {
		for _, id := range ids {
			e.jobs.Delete(id)
		}
	}()
	start := func(i int) error {
		jobs[i] = &childJob{parent: d, run: run, index: i, group: group, slots: slots, done: make(chan childRecord, 1)}
		e.jobs.Store(ids[i], jobs[i])
		_, err := dbos.RunWorkflow(d.in(ctx), e.runChild, childInput{Execution: d.arn, State: g.State, Index: i}, dbos.WithWorkflowID(ids[i]))
		return err
	}
	open := make([]int, g.N)
	for i := range open {
		open[i] = i
		if err := start(i); err != nil {
			return sfnrt.ChildResults{}, d.stepError(ctx, err)
		}
	}
	records := make([]childRecord, g.N)
	failed := -1
	for round := 1; len(open) > 0; round++ {
		jr, err := dbos.RunAsStep(d.in(ctx), func(context.Context) (joinRecord, error) {
			return e.join(group, cancel, ids, jobs, open, failed)
		}, dbos.WithStepName("Join "+g.State))
		if err != nil {
			return sfnrt.ChildResults{}, d.stepError(ctx, err)
		}
		for i, r := range jr.Records {
			records[i] = r
		}
		if failed < 0 {
			failed = jr.Failed
		}
		open = jr.Again
		for _, i := range open {
			// Orphans: run again as new children, from their start.
			e.jobs.Delete(ids[i])
			ids[i] = ids[i] + "~" + strconv.Itoa(round)
			carried[i] = false
			if err := start(i); err != nil {
				return sfnrt.ChildResults{}, d.stepError(ctx, err)
			}
		}
	}
	if ctx.Err() != nil {
		return sfnrt.ChildResults{}, ctx.Err()
	}
	res := sfnrt.ChildResults{Outcomes: make([]sfnrt.ChildOutcome, g.N), Failed: failed}
	for i, r := range records {
		o, err := r.outcome()
		if err != nil {
			return sfnrt.ChildResults{}, d.stepError(ctx, err)
		}
		o.Carried = carried[i]
		res.Outcomes[i] = o
	}
	// The items' events, which the runtime records next, go into a
	// history batch of their own that names the group's first step: a
	// redrive that resumes in an item rewinds the workflow to there (see
	// redrive.go) and starts again the items that did not succeed.
	d.batchStep, d.adopting = step+1, 0
	for _, i := range sfnrt.AdoptionOrder(res) {
		d.adopting += len(res.Outcomes[i].Events)
	}
	if d.adopting == 0 {
		d.batchStep = 0
	}
	return res, nil
}

// childIDs returns the workflow IDs of a group's children: named by the
// execution's workflow, the state, the run of the state and the item. A
// redriven run keeps the children that succeeded before (carried) and
// runs the others as new ones (their IDs end in ~rN, N the redrive count).
func (d *driver) childIDs(parent string, g sfnrt.ChildGroup) ([]string, []bool, error) {
	ids := make([]string, g.N)
	carried := make([]bool, g.N)
	prefix := parent + "/" + g.State + "@" + strconv.FormatInt(g.Seq, 10) + "/"
	for i := range ids {
		ids[i] = prefix + strconv.Itoa(i)
	}
	r := d.redrive
	if r == nil || r.Count == 0 {
		return ids, carried, nil
	}
	// Every attempt of every child: the base ID, ~r1 ... ~rCount, and
	// those run again as orphans (~rK~N), which the prefix finds.
	ws, err := dbos.ListWorkflows(d.e.ctx, dbos.WithFilterWorkflowIDPrefix(prefix), dbos.WithFilterLoadInput(false))
	if err != nil {
		return nil, nil, err
	}
	succeeded := map[int]string{} // item → the ID of its last successful attempt
	for _, w := range ws {
		if w.Status != dbos.WorkflowStatusSuccess {
			continue
		}
		var rec childRecord
		recode(w.Output, &rec)
		if rec.Failed || rec.Orphan {
			continue
		}
		item, _, _ := strings.Cut(strings.TrimPrefix(w.ID, prefix), "~")
		i, err := strconv.Atoi(item)
		if err != nil {
			continue
		}
		if prev, ok := succeeded[i]; !ok || prev < w.ID {
			succeeded[i] = w.ID
		}
	}
	mine := "~r" + strconv.Itoa(r.Count)
	for i := range ids {
		if id, ok := succeeded[i]; ok {
			// Carried: an earlier attempt's, not this redrive's.
			ids[i], carried[i] = id, !strings.HasPrefix(id, ids[i]+mine)
			continue
		}
		ids[i] += mine
	}
	return ids, carried, nil
}

// join waits for the children open: their records (a job run here says
// at once; one recorded before, by the store), the first failure, after
// which it cancels the others, and the children to run again (orphans,
// or children that do not run in this process: see startedWithin).
func (e *Executor) join(group context.Context, cancel context.CancelFunc, ids []string, jobs []*childJob, open []int, failed int) (joinRecord, error) {
	type result struct {
		i     int
		rec   childRecord
		again bool
	}
	results := make(chan result, len(open))
	var wg sync.WaitGroup
	for _, i := range open {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job := jobs[i]
			giveUp := time.Now().Add(startedWithin)
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case rec := <-job.done:
					results <- result{i: i, rec: rec, again: rec.Orphan}
					return
				case <-tick.C:
				}
				if job.taken.Load() {
					continue // running here: its done channel says
				}
				ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDs(ids[i]), dbos.WithFilterLoadInput(false))
				if err == nil && len(ws) == 1 {
					switch ws[0].Status {
					case dbos.WorkflowStatusSuccess:
						var rec childRecord
						recode(ws[0].Output, &rec)
						results <- result{i: i, rec: rec, again: rec.Orphan}
						return
					case dbos.WorkflowStatusError, dbos.WorkflowStatusCancelled:
						results <- result{i: i, again: true}
						return
					}
				}
				if group.Err() != nil || time.Now().After(giveUp) {
					if job.taken.CompareAndSwap(false, true) {
						// Recorded, but running elsewhere or not at all:
						// its workflow ends as an orphan when it comes.
						results <- result{i: i, again: true}
						return
					}
				}
			}
		}()
	}
	jr := joinRecord{Records: map[int]childRecord{}, Failed: failed}
	for range open {
		r := <-results
		switch {
		case r.again && jr.Failed >= 0:
			jr.Records[r.i] = childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cancelled: true}
		case r.again:
			jr.Again = append(jr.Again, r.i)
		default:
			if r.rec.Failed && !r.rec.Cancelled && jr.Failed < 0 {
				jr.Failed = r.i
				cancel()
			}
			jr.Records[r.i] = r.rec
		}
	}
	wg.Wait()
	if jr.Failed >= 0 {
		// Those put aside to run again before the failure came.
		for _, i := range jr.Again {
			jr.Records[i] = childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cancelled: true}
		}
		jr.Again = nil
	}
	if group.Err() != nil && jr.Failed < 0 {
		return jr, group.Err()
	}
	return jr, nil
}
