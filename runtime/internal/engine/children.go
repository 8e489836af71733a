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
//
// Each item is handed over as a record, a ChildItem, that names its
// program in Machine.Nested: the driver runs it with Machine.RunChild in
// whichever process it likes, from the record alone (and the
// execution's identity), so that a process that takes over an item
// never needs the run that started it.
type ChildDriver interface {
	Driver
	// Children runs g's items, at most g.Limit at once (0: no bound),
	// each with Machine.RunChild on a Driver of its own, and returns
	// their outcomes in item order. When one fails the others are
	// cancelled; Failed is the item whose failure ends the group (-1:
	// none). A non-nil error is the driver's own failure (its store),
	// or the context's.
	Children(ctx context.Context, g ChildGroup) (ChildResults, error)
}

// A ChildGroup describes the items of one run of a Parallel or Map state.
type ChildGroup struct {
	State string // the state's name
	Seq   int64  // the id of the event that entered it: with State, it names this run
	Limit int
	Items []ChildItem
}

// A ChildItem is one branch or iteration of a ChildGroup as a record
// from which Machine.RunChild runs it in any process that has the
// machine: with the execution's identity (its name, start time, input),
// it is all the item needs.
type ChildItem struct {
	// Program is the key in Machine.Nested of the program the item runs.
	Program string
	// State is the Parallel or Map state the item belongs to; Map marks
	// a Map iteration, whose history has MapIteration events (of State,
	// numbered Index).
	State string
	Map   bool
	Index int
	// Input is the branch's input, or the iteration's after its
	// ItemSelector (which the Map evaluates before handing items over).
	Input any
	// Vars are the variables the item reads from its parent's scopes
	// (Scope.Visible).
	Vars *Object
	// EventBase is where the item's event ids start (see placeChild);
	// Seed seeds its random source when Seeded (the execution's is).
	EventBase int64
	Seed      int64
	Seeded    bool
	// The execution's identity as its states read it: $$.Execution.Id,
	// $$.StateMachine.Id and Name, STANDARD or EXPRESS. RunChild derives
	// them from Options.Name when ExecutionID is empty; a Distributed
	// Map's child execution has its own.
	ExecutionID, StateMachineID, StateMachineName, Type string
}

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

// childDriverFor returns the execution's ChildDriver, if it has one and
// the machine names every program of progs (see Machine.Nested).
func (x *Execution) childDriverFor(progs ...*Program) ChildDriver {
	d, _ := x.driver.(ChildDriver)
	if d == nil {
		return nil
	}
	for _, p := range progs {
		if _, ok := x.machine.nestedKey(p); !ok {
			return nil
		}
	}
	return d
}

// runChildren runs items, the items of the state of frame f, through cd,
// at most limit at once; it records the items' events in the
// execution's history as one run after another would have (see adopt)
// and returns their outputs in item order.
func (f *Frame) runChildren(ctx context.Context, cd ChildDriver, items []ChildItem, limit int) ([]any, error) {
	x := f.X
	g := ChildGroup{State: f.State, Seq: f.enteredEventID, Limit: limit, Items: items}
	for i := range items {
		x.placeChild(&items[i], g.State, g.Seq)
	}
	res, err := cd.Children(ctx, g)
	if err != nil {
		return nil, err
	}
	x.adoptChildren(res)
	if res.Failed >= 0 {
		return nil, res.Outcomes[res.Failed].Err
	}
	out := make([]any, len(items))
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

// placeChild sets the numbering base and random seed of item, of the run
// seq of state: drawn from the execution's and the item's place, so
// that the item draws the same values on every run, whatever the others
// do, and the id of a state's entered event (TaskCall.Seq) stays unique
// in the execution. adopt renumbers its events.
func (x *Execution) placeChild(item *ChildItem, state string, seq int64) {
	h := fnv.New64a()
	h.Write(strconv.AppendInt(nil, x.events.base, 10))
	h.Write([]byte("\x00" + state + "\x00"))
	h.Write(strconv.AppendInt(nil, seq, 10))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, int64(item.Index), 10))
	sum := h.Sum64()
	// Below 2^62, with room for a million events above the base.
	item.EventBase = int64(sum>>2) &^ (1<<20 - 1)
	item.ExecutionID, item.StateMachineID, item.StateMachineName, item.Type = x.ID(), x.StateMachineID, x.StateMachineName, x.Type
	x.rngMu.Lock()
	item.Seeded = x.rng != nil
	item.Seed = int64(sum>>1) ^ x.seed
	x.rngMu.Unlock()
}

// RunChild runs one item of a ChildDriver's group, from its record, in
// any process that has the machine: execInput is the execution's input
// ($$.Execution.Input), opts its identity as Start takes it (Name,
// StartTime, Account, Region, Clock, Tasks, Objects, TokenKey,
// PayloadLimit) with the item's own Driver, which records its effects.
// The item's events, numbered from its EventBase, are in the outcome;
// its parent adopts them.
func (m *Machine) RunChild(ctx context.Context, execInput any, item ChildItem, opts Options) (o ChildOutcome) {
	opts.Seed, opts.History, opts.HistoryStream, opts.BeforeState = nil, true, nil, nil
	if item.Seeded {
		opts.Seed = &item.Seed
	}
	c := new(Execution)
	m.initExecution(c, execInput, &opts)
	if item.ExecutionID != "" {
		c.setIdentity(c.Name(), item.ExecutionID)
		c.StateMachineID, c.StateMachineName, c.Type = item.StateMachineID, item.StateMachineName, item.Type
	}
	c.events.base = item.EventBase
	c.events.n.Store(item.EventBase)
	c.maxEvents = 0 // the parent counts the events it adopts
	c.endable = ctx.Done() != nil
	if c.driver != nil {
		ctx = context.WithValue(ctx, drawsKey{}, durableDraws{c})
	}
	defer func() {
		if v := recover(); v != nil {
			o.Output, o.Err = nil, (&Frame{X: c, State: item.State}).runtimePanicked(v)
		}
		o.Events = c.History.Events()
	}()
	p := m.Nested[item.Program]
	if p == nil {
		o.Err = NewError(ErrRuntime, "The state machine has no branch or item processor at "+item.Program+" (of state '"+item.State+"')")
		return o
	}
	outer := NewScope(nil)
	if item.Vars != nil {
		outer.restore(item.Vars)
	}
	if item.Map {
		w := mapWork{f: &Frame{X: c, State: item.State, Vars: outer}, proc: p}
		var fr mapFrames
		w.readyFrames(&fr)
		o.Output, o.Err = w.process(ctx, &fr, item.Index, item.Input)
		return o
	}
	bf := &Frame{X: c, Vars: p.scopeFor(outer)}
	o.Output, o.Err = bf.runOn(ctx, bf, p, p.Start, item.Input)
	return o
}

// parallelChildren runs a Parallel's branches through cd.
func (f *Frame) parallelChildren(ctx context.Context, cd ChildDriver, input any, branches []*Program) ([]any, error) {
	vars := f.Vars.Visible()
	items := make([]ChildItem, len(branches))
	for i, b := range branches {
		key, _ := f.X.machine.nestedKey(b)
		items[i] = ChildItem{Program: key, State: f.State, Index: i, Input: input, Vars: vars}
	}
	return f.runChildren(ctx, cd, items, 0)
}

// mapChildren runs a Map's iterations through cd, at most limit at once.
// The ItemSelector runs here, item after item, before any is handed
// over: it is a function of the Map's input, which a record does not
// hold; its draws of random values come from the execution's source in
// item order, as a run of the items one after another draws them.
func (w *mapWork) mapChildren(ctx context.Context, cd ChildDriver, limit int) ([]any, error) {
	f := w.f
	key, _ := f.X.machine.nestedKey(w.proc)
	vars := f.Vars.Visible()
	items := make([]ChildItem, len(w.items))
	var fr mapFrames
	w.readyFrames(&fr)
	for i := range w.items {
		input := w.items[i]
		if w.sel != nil {
			v, err := w.selectInput(&fr, i)
			if err != nil {
				return nil, err
			}
			input = v
		}
		items[i] = ChildItem{Program: key, State: f.State, Map: true, Index: i, Input: input, Vars: vars}
	}
	return f.runChildren(ctx, cd, items, limit)
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
