package durable

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Parallel branches and Map iterations run concurrently as DBOS child
// workflows, one per branch or iteration: each child's effects are steps
// of its own workflow, numbered in its own sequence, so a recovered
// execution finds each one's progress however their effects interleaved.
//
// A child's input is a record from which any worker runs it
// (sfnrt.Machine.RunChild): the key of its program in the machine's
// Nested table, its input, the variables it reads, its place (event
// numbering and random seed), and the execution's ARN, whose workflow
// input holds the rest ($$.Execution's name, input and start). So a
// child that DBOS recovers anywhere, on the worker that started it or on
// one that took that worker's executions over, runs from its record and
// its own recorded steps: no Task it recorded runs again, and nothing
// of its execution's run in memory is needed. The execution's workflow
// starts the children as steps, in item order, waits for them in a join
// step that records their outcomes, and cancels them (dbos.CancelWorkflow,
// wherever they run) when one fails or the execution ends.

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

// childInput is a child workflow's input: the record of its item
// (sfnrt.ChildItem), values as JSON, and what its execution's clock and
// deadline were when the group started.
type childInput struct {
	Execution string `json:"execution"` // the execution's ARN
	State     string `json:"state"`
	Index     int    `json:"index"`
	Program   string `json:"program"` // the key in sfnrt.Machine.Nested
	Map       bool   `json:"map,omitempty"`
	Input     string `json:"input"`          // JSON
	Vars      string `json:"vars,omitempty"` // JSON object; "": none
	EventBase int64  `json:"eventBase"`
	Seed      int64  `json:"seed,omitempty"`
	Seeded    bool   `json:"seeded,omitempty"`
	// Clock is the execution's time when the group started (Unix ms):
	// where the fake clock of a child run apart starts under SkipWaits.
	Clock int64 `json:"clock,omitempty"`
	// Deadline is when the execution times out (Unix ms; 0: none, as
	// under SkipWaits): a child stops there, wherever it runs.
	Deadline int64 `json:"deadline,omitempty"`
	// The identity of an execution of another state machine than the
	// worker's (a branch of a Distributed Map's child execution).
	ExecutionID      string `json:"executionId,omitempty"`
	StateMachineID   string `json:"stateMachineArn,omitempty"`
	StateMachineName string `json:"stateMachineName,omitempty"`
	Type             string `json:"type,omitempty"`
}

// childInputOf is the record of item of the execution arn, of the
// machine named machine.
func childInputOf(arn, machine string, item sfnrt.ChildItem, clock, deadline int64) childInput {
	in := childInput{Execution: arn, State: item.State, Index: item.Index, Program: item.Program, Map: item.Map,
		Input: sfnrt.ToJSON(item.Input), EventBase: item.EventBase, Seed: item.Seed, Seeded: item.Seeded,
		Clock: clock, Deadline: deadline}
	if item.Vars != nil && item.Vars.Len() > 0 {
		in.Vars = sfnrt.ToJSON(item.Vars)
	}
	if item.StateMachineName != machine {
		// A Distributed Map's child execution's (MACHINE/LABEL), which
		// RunChild does not derive from the execution's name.
		in.ExecutionID, in.StateMachineID, in.StateMachineName, in.Type = item.ExecutionID, item.StateMachineID, item.StateMachineName, item.Type
	}
	return in
}

// item reads the record back.
func (in childInput) item() (sfnrt.ChildItem, error) {
	item := sfnrt.ChildItem{Program: in.Program, State: in.State, Map: in.Map, Index: in.Index,
		EventBase: in.EventBase, Seed: in.Seed, Seeded: in.Seeded, ExecutionID: in.ExecutionID,
		StateMachineID: in.StateMachineID, StateMachineName: in.StateMachineName, Type: in.Type}
	v, err := sfnrt.ParseJSON([]byte(in.Input))
	if err != nil {
		return item, err
	}
	item.Input = v
	if in.Vars != "" {
		v, err := sfnrt.ParseJSON([]byte(in.Vars))
		if err != nil {
			return item, err
		}
		vars, ok := v.(*sfnrt.Object)
		if !ok {
			return item, errors.New("a child's variables are not an object")
		}
		item.Vars = vars
	}
	return item, nil
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
	Events    []string `json:"events,omitempty"`
	// Orphan marks the record of a child that found no work to run,
	// which versions before children ran from records wrote: not an
	// outcome of its item.
	Orphan bool `json:"orphan,omitempty"`
	// Start and End (Unix ms) are a Map Run child execution's.
	Start int64 `json:"start,omitempty"`
	End   int64 `json:"end,omitempty"`
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

// An execContext is what a child needs of its execution besides its
// record: $$.Execution's name, input and start, and, for a child run in
// the process that runs its execution, the execution's clock (shared, as
// in memory: under SkipWaits the branches' waits move one fake clock).
type execContext struct {
	name  string
	input any
	start time.Time
	clock sfnrt.Clock // nil: the child's own
}

// execContextOf returns the context of the child in's execution: the
// run's in this process, or else from the execution's workflow input.
func (e *Executor) execContextOf(in childInput) (*execContext, error) {
	if x, ok := e.live.Load(in.Execution); ok {
		return x.(*execContext), nil
	}
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDs(in.Execution), dbos.WithFilterLoadInput(true), dbos.WithFilterLoadOutput(false))
	if err != nil {
		return nil, err
	}
	if len(ws) != 1 {
		return nil, errors.New("the store has no execution " + in.Execution)
	}
	if ws[0].Name == e.mapChildWorkflow {
		// A branch of a Map Run's child execution.
		var x mapChildInput
		recode(ws[0].Input, &x)
		c, err := x.child()
		if err != nil {
			return nil, err
		}
		return &execContext{name: c.Name, input: c.Input, start: c.StartTime}, nil
	}
	var x execInput
	recode(ws[0].Input, &x)
	input, err := sfnrt.ParseJSON([]byte(x.Input))
	if err != nil {
		return nil, err
	}
	return &execContext{name: x.Name, input: input, start: time.UnixMilli(x.StartTime).UTC()}, nil
}

// childDriver returns the driver of the child workflow id, which runs in
// ctx for the execution or child execution arn, and the context its run
// takes: ended at deadline (Unix milliseconds; 0: none) or by the
// driver's stop, which the registry keeps so that a sibling's failure
// can end it. done releases what it holds.
func (e *Executor) childDriver(ctx dbos.Context, id, arn string, clock sfnrt.Clock, deadline int64) (d *driver, rctx context.Context, done func()) {
	d = &driver{e: e, arn: arn, wctx: ctx, skipWaits: e.cfg.SkipWaits, clock: clock, child: true,
		// A child does not park: its waits are in memory.
		parkAfter: math.MaxInt64, mayReplay: true}
	rctx, stop := context.WithCancelCause(ctx)
	d.stop = stop
	cancel := context.CancelFunc(func() {})
	if deadline > 0 {
		rctx, cancel = context.WithDeadline(rctx, time.UnixMilli(deadline))
	}
	e.children.started(id, stop)
	return d, rctx, func() { cancel(); stop(nil) }
}

// runChild is the workflow of one child: it runs its item from its
// record. What fails here is the item's (States.Runtime for the store),
// so that a child's workflow always ends with a record.
func (e *Executor) runChild(ctx dbos.Context, in childInput) (childRecord, error) {
	id, err := dbos.GetWorkflowID(ctx)
	if err != nil {
		return childRecord{}, err
	}
	item, err := in.item()
	var xc *execContext
	if err == nil {
		xc, err = e.execContextOf(in)
	}
	if err != nil {
		rec := childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cause: "durable store: " + err.Error(), HasCause: true}
		e.children.ended(id, rec)
		return rec, nil
	}
	clock := xc.clock
	switch {
	case clock != nil:
	case e.cfg.SkipWaits:
		clock = sfnrt.NewFakeClock(time.UnixMilli(in.Clock))
	default:
		clock = sfnrt.RealClock{}
	}
	d, rctx, done := e.childDriver(ctx, id, in.Execution, clock, in.Deadline)
	defer done()
	o := e.m.RunChild(rctx, xc.input, item, sfnrt.Options{
		Name: xc.name, StartTime: xc.start, Clock: clock, Tasks: e.cfg.Tasks, Objects: e.cfg.Objects,
		Driver: childrenDriver{d}, TokenKey: e.key, PayloadLimit: e.cfg.PayloadLimit,
	})
	if err := ctx.Err(); err != nil {
		// Its worker stops, or the join cancelled it: what the cut run
		// gives is no outcome of the item's (as runMapChild). An error
		// of the context leaves the workflow's status to DBOS (PENDING
		// for recovery, or CANCELLED), where a record would be written
		// as its success; a join here learns of it at once.
		e.children.ended(id, cancelledRecord)
		return childRecord{}, err
	}
	rec := recordOf(o, o.Err != nil && rctx.Err() != nil)
	e.children.ended(id, rec)
	return rec, nil
}

// childRegistry is what a process knows of the children it runs and
// awaits: how to stop those running here at once (a cancelled child
// elsewhere stops at its next step), and the joins and Map Runs of this
// process to tell when one ends, before the store says so.
type childRegistry struct {
	mu      sync.Mutex
	running map[string]context.CancelCauseFunc
	awaited map[string]func(childRecord)
}

func (r *childRegistry) started(id string, stop context.CancelCauseFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running == nil {
		r.running = map[string]context.CancelCauseFunc{}
	}
	r.running[id] = stop
}

func (r *childRegistry) ended(id string, rec childRecord) {
	r.mu.Lock()
	delete(r.running, id)
	deliver := r.awaited[id]
	r.mu.Unlock()
	if deliver != nil {
		deliver(rec)
	}
}

// await has deliver called with child id's record if it ends here.
func (r *childRegistry) await(id string, deliver func(childRecord)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.awaited == nil {
		r.awaited = map[string]func(childRecord){}
	}
	r.awaited[id] = deliver
}

func (r *childRegistry) unawait(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.awaited, id)
}

// stop stops the child id if it runs in this process.
func (r *childRegistry) stop(id string) {
	r.mu.Lock()
	stop := r.running[id]
	r.mu.Unlock()
	if stop != nil {
		stop(context.Canceled)
	}
}

// isRunning reports whether the child id runs in this process.
func (r *childRegistry) isRunning(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.running[id]
	return ok
}

// joinRecord is what a join step records: the records of the children
// it waited for and the first that failed (-1: none).
type joinRecord struct {
	Records map[int]childRecord `json:"records"`
	Failed  int                 `json:"failed"`
}

// Children starts a child workflow per item (a step each, in item order;
// past g.Limit, a step that waits for a free slot comes first), waits for
// them in a step that records their outcomes, and returns the outcomes.
func (cd childrenDriver) Children(ctx context.Context, g sfnrt.ChildGroup) (sfnrt.ChildResults, error) {
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
	ids, carried, err := d.childIDs(parent, g)
	if err != nil {
		return sfnrt.ChildResults{}, d.stepError(ctx, err)
	}
	n := len(g.Items)
	w := e.watch(ids)
	defer w.close()
	var deadline int64
	if !d.deadline.IsZero() {
		deadline = d.deadline.UnixMilli()
	}
	now := d.clock.Now().UnixMilli()
	// The children start from the workflow's context, not the state's:
	// the state's ends when the group fails or the execution ends, and
	// DBOS would then cancel, durably, a child that had already ended
	// with its record delivered here (its status is written after), so
	// that a redrive would run again a branch whose success the history
	// shows. The join cancels those it no longer waits for itself; so
	// does this when the state's context ends before the join (not at
	// shutdown: then the children are left to the next worker).
	started, joined := 0, false
	defer func() {
		if !joined && ctx.Err() != nil && d.wctx.Err() == nil {
			w.cancel(w.open(started))
		}
	}()
	for i := 0; i < n; i++ {
		if g.Limit > 0 && i >= g.Limit {
			// Recorded, so that a replay starts the same children: it
			// would otherwise see ended what was running, and a failure
			// that stopped the starts sooner.
			goOn, err := dbos.RunAsStep(d.in(ctx), func(context.Context) (bool, error) {
				return w.slot(ctx, i, g.Limit)
			}, dbos.WithStepName("Slot "+g.State))
			if err != nil {
				return sfnrt.ChildResults{}, d.stepError(ctx, err)
			}
			if !goOn {
				break
			}
		}
		in := childInputOf(d.arn, e.m.Name, g.Items[i], now, deadline)
		if _, err := dbos.RunWorkflow(d.wctx, e.runChild, in, dbos.WithWorkflowID(ids[i])); err != nil {
			return sfnrt.ChildResults{}, d.stepError(ctx, err)
		}
		started = i + 1
	}
	jr, err := dbos.RunAsStep(d.in(ctx), func(context.Context) (joinRecord, error) {
		joined = true
		return w.join(ctx, started)
	}, dbos.WithStepName("Join "+g.State))
	joined = joined || err == nil // or replayed
	if err != nil {
		return sfnrt.ChildResults{}, d.stepError(ctx, err)
	}
	if ctx.Err() != nil {
		return sfnrt.ChildResults{}, ctx.Err()
	}
	res := sfnrt.ChildResults{Outcomes: make([]sfnrt.ChildOutcome, n), Failed: jr.Failed}
	for i := range res.Outcomes {
		r, ok := jr.Records[i]
		if !ok {
			// Not started: an item before it failed.
			r = cancelledRecord
		}
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

// cancelledRecord is the record of an item stopped, or never started,
// because another failed.
var cancelledRecord = childRecord{Failed: true, Error: sfnrt.ErrRuntime, Cancelled: true}

// childIDs returns the workflow IDs of a group's children: named by the
// execution's workflow, the state, the run of the state and the item. A
// redriven run keeps the children that succeeded before (carried) and
// runs the others as new ones (their IDs end in ~rN, N the redrive count).
func (d *driver) childIDs(parent string, g sfnrt.ChildGroup) ([]string, []bool, error) {
	ids := make([]string, len(g.Items))
	carried := make([]bool, len(g.Items))
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
	ws, err := settledChildren(d.e.ctx, prefix)
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

// settledChildren lists the child workflows whose IDs begin with prefix
// once none is PENDING, or after settleWithin. The attempt being
// redriven has ended, but a child that ended in this process hands its
// record to the join before DBOS writes its status: until then the store
// shows PENDING a child whose success the history already holds. (One
// PENDING for longer was left by a process that died; it counts as not
// succeeded.)
func settledChildren(ctx dbos.Context, prefix string) ([]dbos.WorkflowStatus, error) {
	deadline := time.Now().Add(settleWithin)
	for {
		ws, err := dbos.ListWorkflows(ctx, dbos.WithFilterWorkflowIDPrefix(prefix), dbos.WithFilterLoadInput(false))
		if err != nil {
			return nil, err
		}
		pending := false
		for _, w := range ws {
			pending = pending || w.Status == dbos.WorkflowStatusPending
		}
		if !pending || time.Now().After(deadline) {
			return ws, nil
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

const settleWithin = 5 * time.Second

// pollEvery is how often a group asks the store about its children that
// do not run in this process.
const pollEvery = 250 * time.Millisecond

// A childWatch follows the children of one group until they end: told at
// once by those that run in this process (childRegistry), and by the
// store, polled, of the others.
type childWatch struct {
	e    *Executor
	ids  []string
	mu   sync.Mutex
	recs map[int]childRecord // of the children known to have ended
	// order lists the children in the order their ends became known:
	// the first failure among them is the group's.
	order []int
	// cancelled marks the children cancel was asked to stop.
	cancelled map[int]bool
	news      chan struct{} // signalled when a record comes
}

// watch starts following the children ids, before any starts.
func (e *Executor) watch(ids []string) *childWatch {
	w := &childWatch{e: e, ids: ids, recs: map[int]childRecord{}, cancelled: map[int]bool{}, news: make(chan struct{}, 1)}
	for i, id := range ids {
		e.children.await(id, func(rec childRecord) { w.deliver(i, rec) })
	}
	return w
}

// close stops following.
func (w *childWatch) close() {
	for _, id := range w.ids {
		w.e.children.unawait(id)
	}
}

// deliver takes the record of child i, once. A child that succeeded
// after it was cancelled counts as cancelled: DBOS may already show it
// CANCELLED, and were its success in the history, a redrive would run
// again a child the history shows done.
func (w *childWatch) deliver(i int, rec childRecord) {
	w.mu.Lock()
	if _, ok := w.recs[i]; !ok {
		if w.cancelled[i] && !rec.Failed {
			rec = cancelledRecord
		}
		w.recs[i] = rec
		w.order = append(w.order, i)
	}
	w.mu.Unlock()
	select {
	case w.news <- struct{}{}:
	default:
	}
}

// open returns the children among the first n not known to have ended.
func (w *childWatch) open(n int) []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	var open []int
	for i := range n {
		if _, ok := w.recs[i]; !ok {
			open = append(open, i)
		}
	}
	return open
}

// poll asks the store about the children of open that do not run here.
func (w *childWatch) poll(open []int) error {
	var ids []string
	index := map[string]int{}
	for _, i := range open {
		if !w.e.children.isRunning(w.ids[i]) {
			ids = append(ids, w.ids[i])
			index[w.ids[i]] = i
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ws, err := dbos.ListWorkflows(w.e.ctx, dbos.WithFilterWorkflowIDs(ids...), dbos.WithFilterLoadInput(false))
	if err != nil {
		return err
	}
	for _, s := range ws {
		if i, ok := index[s.ID]; ok && s.Status != dbos.WorkflowStatusPending && s.Status != dbos.WorkflowStatusEnqueued {
			w.deliver(i, recordOfStatus(s))
		}
	}
	return nil
}

// wait waits for a record, the next poll or ctx's end, and polls.
func (w *childWatch) wait(ctx context.Context, tick *time.Ticker, open []int) error {
	select {
	case <-w.news:
		return nil
	case <-ctx.Done():
		return nil
	case <-tick.C:
		return w.poll(open)
	}
}

// cancel stops the children of open, here at once, elsewhere at their
// next step (DBOS's cancellation takes a queued one off its queue).
func (w *childWatch) cancel(open []int) {
	w.mu.Lock()
	for _, i := range open {
		w.cancelled[i] = true
	}
	w.mu.Unlock()
	for _, i := range open {
		w.e.children.stop(w.ids[i])
		_ = dbos.CancelWorkflow(w.e.ctx, w.ids[i])
	}
}

// slot waits until fewer than limit of the children before i run, and
// reports whether to start child i: not once one has failed.
func (w *childWatch) slot(ctx context.Context, i, limit int) (bool, error) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		open := w.open(i)
		w.mu.Lock()
		failed := false
		for _, rec := range w.recs {
			failed = failed || rec.Failed && !rec.Cancelled
		}
		w.mu.Unlock()
		switch {
		case failed:
			return false, nil
		case len(open) < limit:
			return true, nil
		case ctx.Err() != nil:
			return false, ctx.Err()
		}
		if err := w.wait(ctx, tick, open); err != nil {
			return false, err
		}
	}
}

// join waits for the first n children to end and returns their records
// and the first that failed, cancelling the others then; it cancels them
// all and returns ctx's error when the execution ends first.
func (w *childWatch) join(ctx context.Context, n int) (joinRecord, error) {
	jr := joinRecord{Records: map[int]childRecord{}, Failed: -1}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	seen := 0
	for {
		w.mu.Lock()
		for ; seen < len(w.order); seen++ {
			i := w.order[seen]
			if i >= n {
				continue
			}
			rec := w.recs[i]
			jr.Records[i] = rec
			if rec.Failed && !rec.Cancelled && jr.Failed < 0 {
				jr.Failed = i
			}
		}
		w.mu.Unlock()
		open := w.open(n)
		if jr.Failed >= 0 || ctx.Err() != nil {
			w.cancel(open)
			if jr.Failed < 0 {
				return jr, ctx.Err()
			}
		}
		if len(open) == 0 {
			break
		}
		if err := w.wait(ctx, tick, open); err != nil {
			return jr, err
		}
	}
	if jr.Failed < 0 {
		for i := range n {
			if jr.Records[i].Cancelled {
				// Stopped without a failure in the group: the
				// execution's deadline passed in it, or someone
				// cancelled its workflow. The execution's own end
				// (its timeout) comes with it.
				select {
				case <-ctx.Done():
					return jr, ctx.Err()
				case <-time.After(time.Minute):
				}
				jr.Failed = i
				break
			}
		}
	}
	return jr, nil
}
