package engine

import (
	"context"
	"hash/fnv"
	"strconv"
)

// A ChildDriver is a Driver that runs the branches of a Parallel and the
// iterations of an inline Map concurrently, each with records of its own
// (package durable: a DBOS child workflow each), so that a resumed
// execution finds each one's progress however their effects interleaved.
// Under a plain Driver they run one after another.
type ChildDriver interface {
	Driver
	// Children runs g.N items, at most g.Limit at once (0: no bound),
	// each through run with a Driver of its own, and returns their
	// outcomes in item order. When one fails the others are cancelled;
	// Failed is the item whose failure ends the group (-1: none). A
	// non-nil error is the driver's own failure (its store), or the
	// context's.
	Children(ctx context.Context, g ChildGroup, run ChildFunc) (ChildResults, error)
}

// A ChildGroup describes the items of one run of a Parallel or Map state.
type ChildGroup struct {
	State string // the state's name
	Seq   int64  // the id of the event that entered it: with State, it names this run
	N     int
	Limit int
}

// A ChildFunc runs item i of a group with the Driver d that records it.
type ChildFunc func(ctx context.Context, i int, d Driver) ChildOutcome

// A ChildOutcome is how one item ended: its output or error and the
// history events it recorded, numbered on their own (see adopt).
type ChildOutcome struct {
	Output any
	Err    error
	// Cancelled: the item stopped because another failed.
	Cancelled bool
	Events    []Event
	// Carried: the outcome comes from an earlier attempt of the execution
	// (a redrive keeps what succeeded), not from this run.
	Carried bool
}

// ChildResults are a group's outcomes.
type ChildResults struct {
	Outcomes []ChildOutcome
	Failed   int
}

// childDriver returns the execution's ChildDriver, if it has one.
func (x *Execution) childDriver() ChildDriver {
	d, _ := x.driver.(ChildDriver)
	return d
}

// runChildren runs n items of the state of frame f through cd, item(ctx,
// cx, i) running item i on cx, an execution of its own that shares f's
// identity; it records the items' events in the execution's history as
// one run after another would have (see adopt) and returns their outputs
// in item order.
func (f *Frame) runChildren(ctx context.Context, cd ChildDriver, n, limit int, item func(ctx context.Context, cx *Execution, i int) (any, error)) ([]any, error) {
	x := f.X
	g := ChildGroup{State: f.State, Seq: f.enteredEventID, N: n, Limit: limit}
	res, err := cd.Children(ctx, g, func(ctx context.Context, i int, d Driver) (o ChildOutcome) {
		cx := x.branchExecution(d, g, i)
		defer func() {
			if v := recover(); v != nil {
				o.Output, o.Err = nil, (&Frame{X: cx, State: f.State}).runtimePanicked(v)
			}
			if cx.History != nil {
				o.Events = cx.History.Events()
			}
		}()
		o.Output, o.Err = item(ctx, cx, i)
		return o
	})
	if err != nil {
		return nil, err
	}
	x.adoptChildren(res)
	if res.Failed >= 0 {
		return nil, res.Outcomes[res.Failed].Err
	}
	out := make([]any, n)
	for i, o := range res.Outcomes {
		out[i] = o.Output
	}
	return out, nil
}

// adoptChildren records the items' events in the execution's history,
// one item after another in the order a resumed or redriven run keeps:
// the items an earlier attempt finished, then those this run finished,
// in item order, then the one that failed. (Cancelled items are left
// out, as if, run one after another, they had not started.) So an
// execution whose items all succeed has the history of a run that ran
// them one after another, whatever their timing, and the last state
// entered of a failed group is the failed item's, where a redrive
// resumes.
func (x *Execution) adoptChildren(res ChildResults) {
	for _, i := range AdoptionOrder(res) {
		x.adopt(res.Outcomes[i].Events)
	}
}

// adopt records events numbered on their own (an item's) as the next
// events of the execution: each takes the next id, and a previous event
// id of 0 (the item's first event) becomes the execution's last event.
func (x *Execution) adopt(events []Event) {
	ids := make(map[int64]int64, len(events))
	for _, e := range events {
		id := x.events.next()
		ids[e.ID] = id
		h := x.History
		if h == nil || x.overEventLimit(id) {
			continue
		}
		e.ID = id
		h.record(e, func(previous int64) (int64, bool) {
			id, ok := ids[previous]
			return id, ok
		})
	}
}

// branchExecution returns the execution item i of group g runs on: the
// same identity, clock and bindings, its own Driver, history and random
// source (seeded from the execution's and the item's place, so that the
// item draws the same values on every run, whatever the others do). Its
// events are numbered from a base drawn from the item's place, so that
// the id of a state's entered event (TaskCall.Seq) stays unique in the
// execution; adopt renumbers them.
func (x *Execution) branchExecution(d Driver, g ChildGroup, i int) *Execution {
	c := &Execution{
		Name: x.Name, ID: x.ID, StateMachineName: x.StateMachineName, StateMachineID: x.StateMachineID,
		RoleArn: x.RoleArn, Input: x.Input, StartTime: x.StartTime, Type: x.Type, Clock: x.Clock,
		tasks: x.tasks, objects: x.objects, onMapRun: x.onMapRun, payloadLimit: x.payloadLimit, panicLog: x.panicLog,
		TokenKey: x.TokenKey, machine: x.machine, driver: d, endable: x.endable, timeoutStart: x.timeoutStart,
	}
	h := fnv.New64a()
	h.Write(strconv.AppendInt(nil, x.events.base, 10))
	h.Write([]byte("\x00" + g.State + "\x00"))
	h.Write(strconv.AppendInt(nil, g.Seq, 10))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, int64(i), 10))
	sum := h.Sum64()
	// Below 2^62, with room for a million events above the base.
	c.events.base = int64(sum>>2) &^ (1<<20 - 1)
	c.events.n.Store(c.events.base)
	x.rngMu.Lock()
	seeded := x.rng != nil
	x.rngMu.Unlock()
	if seeded {
		c.Seed(int64(sum>>1) ^ x.seed)
	}
	if x.History != nil {
		c.History = &History{x: c}
	}
	return c
}

// parallelChildren runs a Parallel's branches through cd.
func (f *Frame) parallelChildren(ctx context.Context, cd ChildDriver, input any, branches []*Program) ([]any, error) {
	return f.runChildren(ctx, cd, len(branches), 0, func(ctx context.Context, cx *Execution, i int) (any, error) {
		b := branches[i]
		bf := &Frame{X: cx, Vars: b.scopeFor(f.Vars)}
		return bf.runOn(ctx, bf, b, b.Start, input)
	})
}

// mapChildren runs a Map's iterations through cd, at most limit at once.
func (w *mapWork) mapChildren(ctx context.Context, cd ChildDriver, limit int) ([]any, error) {
	f := w.f
	return f.runChildren(ctx, cd, len(w.items), limit, func(ctx context.Context, cx *Execution, i int) (any, error) {
		cw := *w
		cw.f = &Frame{X: cx, State: f.State, entered: f.entered, enteredEventID: f.enteredEventID, Vars: f.Vars}
		var fr mapFrames
		return cw.iteration(ctx, &fr, i)
	})
}

// AdoptionOrder returns the items whose events the runtime records after
// a ChildDriver's Children returns res, in the order it records them.
func AdoptionOrder(res ChildResults) []int {
	var order []int
	for _, carried := range []bool{true, false} {
		for i, o := range res.Outcomes {
			if o.Carried == carried && o.Err == nil && !o.Cancelled && i != res.Failed {
				order = append(order, i)
			}
		}
	}
	if res.Failed >= 0 {
		order = append(order, res.Failed)
	}
	return order
}
