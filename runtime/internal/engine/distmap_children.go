package engine

import (
	"context"
	"sync"
	"time"
)

// A MapRunDriver is a ChildDriver that also runs a Distributed Map's
// child executions apart, each with records of its own (package durable:
// a DBOS workflow each, on a queue that every worker serves), from a
// record that names its program in Machine.Nested (RunMapChild). The
// Map Run stays in the execution: it reads the items, starts the
// children, at most MaxConcurrency at once, and collects their results
// as in memory (tolerated failures, ResultWriter, DescribeMapRun).
type MapRunDriver interface {
	ChildDriver
	// StartMapChild starts child c. The Map Run starts its children one
	// after another, in item order, from one goroutine; wait, which
	// goroutines of their own call, returns the child's outcome, or
	// stops the child when ctx ends and returns ctx's error.
	StartMapChild(ctx context.Context, c MapChild) (wait func(ctx context.Context) MapChildOutcome, err error)
	// Replaying reports whether the next child start is one an earlier
	// run of the execution recorded. A Map Run makes those starts
	// whatever has happened since (a failure, a cancellation), so that
	// a resumed execution makes the calls its first run made.
	Replaying() bool
}

// A MapChild is a Distributed Map's child execution as a record from
// which Machine.RunMapChild runs it in any process.
type MapChild struct {
	Program string // the ItemProcessor's key in Machine.Nested
	// The child execution's identity: $$.Execution.Name and Id, its
	// state machine's ARN and name, STANDARD or EXPRESS.
	Name, ID                         string
	StateMachineID, StateMachineName string
	Type                             string
	Input                            any // after ItemSelector, which the Map Run evaluates
	StartTime                        time.Time
	Seed                             int64 // of its random source, when Seeded
	Seeded                           bool
}

// A MapChildOutcome is how a child execution ended.
type MapChildOutcome struct {
	Output     any
	Err        error
	Start, End time.Time
}

// mapRunDriverFor returns the execution's MapRunDriver, if it has one
// and the machine names proc (see Machine.Nested), unless proc cannot
// block (Inline): a child of Pass and Choice states records nothing, and
// runs faster one after another in the execution than as a record and a
// workflow of its own.
func (x *Execution) mapRunDriverFor(proc *Program) MapRunDriver {
	d, _ := x.driver.(MapRunDriver)
	if d == nil || proc.Inline {
		return nil
	}
	if _, ok := x.machine.nestedKey(proc); !ok {
		return nil
	}
	return d
}

// RunMapChild runs a Distributed Map's child execution from its record,
// in any process that has the machine: opts carries what Start takes
// besides the child's identity (Clock, Tasks, Objects, TokenKey,
// PayloadLimit, Account, Region) and the child's own Driver. A child
// execution keeps no history of its own, as in memory.
func (m *Machine) RunMapChild(ctx context.Context, c MapChild, opts Options) (o MapChildOutcome) {
	opts.Name, opts.Seed, opts.History, opts.HistoryStream, opts.BeforeState, opts.OnMapRun = "", nil, false, nil, nil, nil
	opts.StartTime = c.StartTime
	if c.Seeded {
		opts.Seed = &c.Seed
	}
	x := new(Execution)
	m.initExecution(x, c.Input, &opts)
	x.History = nil
	x.setIdentity(c.Name, c.ID)
	x.StateMachineID, x.StateMachineName, x.Type = c.StateMachineID, c.StateMachineName, c.Type
	x.endable = ctx.Done() != nil
	if x.driver != nil {
		ctx = context.WithValue(ctx, drawsKey{}, durableDraws{x})
	}
	o.Start = x.StartTime
	defer func() {
		if v := recover(); v != nil {
			o.Output, o.Err = nil, (&Frame{X: x}).runtimePanicked(v)
		}
		o.End = x.Clock.Now()
	}()
	p := m.Nested[c.Program]
	if p == nil {
		o.Err = NewError(ErrRuntime, "The state machine has no item processor at "+c.Program)
		return o
	}
	cf := &Frame{X: x, Vars: p.scopeFor(nil)}
	o.Output, o.Err = cf.Run(ctx, p, c.Input)
	return o
}

// dispatched is what a Map Run's dispatcher leaves for its end: a
// reader's failure, and, for PENDING_n.json, an item it read but did not
// start and the index of the next unread one.
type dispatched struct {
	readErr   error
	unread    *workItem
	nextIndex int
}

// dispatchChildren is the dispatcher of a Map Run under a MapRunDriver:
// it reads the items and starts a child for each, in item order, once
// fewer than limit run, and waits for each on a goroutine of its own
// (counted by workers). What a record holds that is not read from an
// item (its ItemSelector's result, its name, its seed) is drawn here, in
// item order, so that a resumed execution draws the same.
func (w *distWork) dispatchChildren(ctx context.Context, md MapRunDriver, items ItemIterator, pending chan<- *childResult, limit int, workers *sync.WaitGroup) (dp dispatched) {
	x, run := w.f.X, w.run
	key, _ := x.machine.nestedKey(w.proc)
	typ := "STANDARD"
	if w.express {
		typ = "EXPRESS"
	}
	slots := make(chan struct{}, limit)
	var sf Frame
	for index := 0; ; index++ {
		dp.nextIndex = index
		// A replay starts what the first run started, whatever ctx says.
		replaying := md.Replaying()
		rctx := ctx
		if replaying {
			rctx = context.WithoutCancel(ctx)
			slots <- struct{}{} // the waits free their slots when ctx ends
		} else {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return dp
			}
		}
		item, ok, err := items.Next(rctx)
		if err != nil || !ok {
			dp.readErr = err
			return dp
		}
		dp.nextIndex = index + 1
		if ctx.Err() != nil && !replaying {
			dp.unread = &workItem{index: index, item: item}
			return dp
		}
		r := &childResult{index: index, item: item, done: make(chan struct{})}
		run.total.Add(1)
		run.pending.Add(1)
		pending <- r // the collector drains pending to its end
		r.start = x.Clock.Now()
		input := item
		if w.sel != nil {
			mi := MapItem{Index: index, Value: item}
			sf = Frame{X: x, State: w.f.State, entered: w.entered, enteredEventID: w.f.enteredEventID, Vars: w.f.Vars, mapItem: &mi}
			v, err := w.sel(&sf, item, index)
			if err != nil {
				run.pending.Add(-1)
				r.name, r.input, r.err, r.end = x.UUID(), item, AsError(err), x.Clock.Now()
				close(r.done)
				<-slots
				continue
			}
			input = v
		}
		name := x.UUID()
		c := MapChild{Program: key, Name: name, ID: w.execPrefix + name, StateMachineID: run.StateMachineArn,
			StateMachineName: x.StateMachineName + "/" + run.label, Type: typ, Input: input,
			StartTime: truncateMillis(r.start.UTC())}
		x.rngMu.Lock()
		c.Seeded = x.rng != nil
		x.rngMu.Unlock()
		if c.Seeded {
			c.Seed = x.RandInt63()
		}
		run.pending.Add(-1)
		run.running.Add(1)
		r.name, r.input = name, input
		wait, err := md.StartMapChild(rctx, c)
		if err != nil {
			run.running.Add(-1)
			r.err, r.end = AsError(err), x.Clock.Now()
			close(r.done)
			<-slots
			continue
		}
		workers.Add(1)
		go func() {
			defer workers.Done()
			o := wait(ctx)
			run.running.Add(-1)
			r.end = o.End
			if o.End.IsZero() {
				r.end = x.Clock.Now()
			}
			if o.Err != nil {
				r.err = AsError(o.Err)
			} else {
				r.output = o.Output
			}
			close(r.done)
			<-slots
		}()
	}
}
