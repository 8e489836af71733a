package engine

import (
	"context"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// End is the next-state index a state returns when the machine (or
// branch) ends after it.
const End = -1

// A Program is a compiled state machine (the top level, a Parallel branch
// or a Map item processor) as generated code describes it.
type Program struct {
	// States lists the states in declaration order; a state's index is its
	// number in Step.
	States []StateInfo
	// Start is the index of StartAt.
	Start int
	// Step runs state number state on input and returns the index of the
	// next state (or End) and the state's output. An error it returns is an
	// unhandled ASL error: Retry and Catch have already been applied.
	Step func(ctx context.Context, f *Frame, state int, input any) (next int, output any, err error)
	// Assigns reports whether a state of this program assigns variables.
	// A branch or iteration that does not reads its parent's scope
	// directly instead of getting a scope of its own.
	Assigns bool
	// Inline reports that a run of this program cannot block and ends
	// within a bounded number of transitions: its states are Pass,
	// Choice, Succeed and Fail only, without a cycle. Parallel runs such
	// branches one after another on the calling goroutine, which costs
	// less than handing them to other goroutines.
	Inline bool
	// Fast, when set, runs states fused (see FastFunc) while no history
	// is kept and no checkpoint hook is set.
	Fast FastFunc

	// kinds is the stepKind of each state, made on the first run (a
	// program's States do not change once it runs).
	kinds atomic.Pointer[[]stepKind]
	// ended is, for a machine's top-level program, the state of an
	// execution that has ended, cleared for the next (see startedPool).
	// It is the program's rather than the Machine's, which users may
	// copy: copies share their program, and so take it in turn.
	ended atomic.Pointer[started]
}

// A stepKind is what the run loop asks of a state on every round.
type stepKind uint8

const (
	// innerEvents: the state records events between its entered and
	// exited events (see hasInnerEvents).
	innerEvents stepKind = 1 << iota
	// passThrough: StateInfo.PassThrough.
	passThrough
)

// makeStepKinds works out the stepKind of each of p's states, which
// p.kinds then keeps: the run loop tests a byte on every round rather
// than the state's Kind string and its PassThrough.
func (p *Program) makeStepKinds() *[]stepKind {
	k := make([]stepKind, len(p.States))
	for i := range p.States {
		if p.States[i].hasInnerEvents() {
			k[i] |= innerEvents
		}
		if p.States[i].PassThrough {
			k[i] |= passThrough
		}
	}
	p.kinds.Store(&k)
	return &k
}

// scopeFor returns the variable scope a run of p nested in parent uses.
func (p *Program) scopeFor(parent *Scope) *Scope {
	if p.Assigns {
		return NewScope(parent)
	}
	return parent
}

// StateInfo describes a state for history events and the context object.
type StateInfo struct {
	Name string
	Kind string // "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"
	// PassThrough marks a Succeed state whose output is its input and
	// that cannot fail (no InputPath, OutputPath or Output): without a
	// history the run loop ends there, counting its events, without
	// calling Step.
	PassThrough bool
}

// hasInnerEvents reports whether a state of this kind records events
// between its entered and exited events (Task, Parallel, Map).
func (s *StateInfo) hasInnerEvents() bool {
	switch k := s.Kind; len(k) {
	case 4:
		return k != "Pass" && k != "Fail" && k != "Wait"
	case 6, 7:
		return k != "Choice" && k != "Succeed"
	}
	return true // Parallel, Map
}

// A Frame is what a running state sees: its execution, the context object
// fields of the current state, and the variables in scope. Generated code
// reads X, State and Vars; the rest of the state's context ($$.State's
// times and retry count, $$.Map.Item, the entered event, what Assign
// set) only the engine touches, so it is unexported.
type Frame struct {
	X     *Execution
	State string // $$.State.Name
	// entered is $$.State.EnteredTime; zero until first asked for (see
	// enteredTime), since reading the clock on every transition costs more
	// than the rest of a simple state.
	entered    time.Time
	retryCount int // $$.State.RetryCount
	// mapItem is set while a Map evaluates its ItemSelector.
	mapItem *MapItem
	// Vars holds the workflow variables in scope.
	Vars *Scope
	// enteredEventID is the id of the event that entered the state, which
	// AWS quotes in error causes.
	enteredEventID int64
	// assigned is what the state's Assign set, for its exited event.
	assigned *Object

	retries bool // the state can retry, so $$.State.RetryCount exists

	// Size bounds, so that payload checks do not walk again what they
	// walked already: inBound bounds the state's input (0: not known);
	// made is the last value checkOutput passed or SetResult made, and
	// madeBound its bound (0: not known).
	inBound   int
	made      any
	madeBound int

	// before, on the top-level frame, is Options.BeforeState.
	before func(Checkpoint) error
	// ctxEndless, on the top-level frame, says that the execution's
	// context cannot end (its Done is nil: no deadline, no abort), so
	// the run loop need not ask it before each state. Other frames run
	// on contexts that a Parallel or Map ends: they ask.
	ctxEndless bool
}

// A MapItem is $$.Map.Item.
type MapItem struct {
	Index int
	Value any
}

// An Execution is one run of a state machine.
type Execution struct {
	// id is $$.Execution.Name and .Id (see Name and ID), made when
	// first read.
	id               executionID
	StateMachineName string
	StateMachineID   string // the state machine ARN
	RoleArn          string
	Input            any       // $$.Execution.Input
	StartTime        time.Time // $$.Execution.StartTime
	Type             string    // STANDARD or EXPRESS

	// Clock tells the time and waits; it is the fake clock under
	// --skip-waits.
	Clock Clock

	// History records events when non-nil.
	History *History

	// TokenKey signs the execution's task tokens (see NewTaskToken); nil:
	// a key drawn once per process.
	TokenKey []byte

	machine      *Machine
	driver       Driver
	tasks        TaskInvoker
	objects      ObjectStore   // Options.Objects: where Distributed Maps read and write
	onMapRun     func(*MapRun) // Options.OnMapRun
	mapRunsMu    sync.Mutex
	mapRuns      []*MapRun
	before       func(Checkpoint) error
	payloadLimit int // bytes; <= 0: none
	events       eventCounter
	// spareRun is the parallelRun the execution's last Parallel
	// returned, for its next (see getParallelRun); it outlives the
	// execution's reset for reuse (see startInto).
	spareRun  atomic.Pointer[parallelRun]
	maxEvents int64     // MaxHistoryEvents, or 0 for no limit (EXPRESS)
	attempts  sync.Map  // state name -> *atomic.Int64, invocations per Task state
	panicLog  io.Writer // Options.PanicStacks
	panicMu   sync.Mutex

	// endable: the execution's context can end while a handler runs (an
	// abort, a timeout of the machine's or EXPRESS's): its Tasks' handlers
	// then run on goroutines of their own, so that one that ignores its
	// context cannot hold the execution past its end.
	endable bool

	rngMu sync.Mutex
	rng   *rand.Rand
	seed  int64 // the rng's seed, from which branches run apart draw theirs

	timeoutStart time.Time // Options.TimeoutStart
	redriveCuts  []int64   // Options.RedriveCuts
}

// UUID returns a version 4 UUID drawn from the execution's random source.
func (x *Execution) UUID() string {
	var u [36]byte
	x.putUUID(&u)
	return string(u[:])
}

// putUUID writes a UUID as UUID returns it into u.
func (x *Execution) putUUID(u *[36]byte) {
	hi, lo := x.uint64Pair()
	putUUIDOf(u, hi, lo)
}

// putUUIDOf writes the version 4 UUID of the random bits hi and lo into u.
func putUUIDOf(u *[36]byte, hi, lo uint64) {
	// The version (4) and variant (10) bits: bytes 6 and 8 of the UUID,
	// whose bytes are hi's then lo's, least significant first.
	hi = hi&^(0xf0<<48) | 0x40<<48
	lo = lo&^0xc0 | 0x80
	// Eight bytes at a time: a loop over the 16 bytes cost a fifth of an
	// execution's start.
	h0, h1 := hex16(hi)
	h2, h3 := hex16(lo)
	binary.LittleEndian.PutUint64(u[0:], h0)
	u[8] = '-'
	binary.LittleEndian.PutUint32(u[9:], uint32(h1))
	u[13] = '-'
	binary.LittleEndian.PutUint32(u[14:], uint32(h1>>32))
	u[18] = '-'
	binary.LittleEndian.PutUint32(u[19:], uint32(h2))
	u[23] = '-'
	binary.LittleEndian.PutUint32(u[24:], uint32(h2>>32))
	binary.LittleEndian.PutUint64(u[28:], h3)
}

// hex16 returns the 16 lower-case hex digits of the bytes of w, least
// significant byte first and its high digit first, as two little-endian
// words of 8 characters.
func hex16(w uint64) (uint64, uint64) {
	const ones = 0x0101010101010101
	hi, lo := w>>4&(0x0f*ones), w&(0x0f*ones)
	// A nibble n becomes '0'+n, or 'a'+n-10 when n > 9.
	ascii := func(n uint64) uint64 { return n + '0'*ones + ((n+6*ones)>>4&ones)*('a'-'0'-10) }
	hi, lo = ascii(hi), ascii(lo)
	// Interleave: byte i of hi and of lo go to bytes 2i and 2i+1.
	spread := func(x uint64) uint64 {
		x = (x | x<<16) & 0x0000ffff0000ffff
		return (x | x<<8) & 0x00ff00ff00ff00ff
	}
	return spread(hi&0xffffffff) | spread(lo&0xffffffff)<<8, spread(hi>>32) | spread(lo>>32)<<8
}

// uint64 draws from the seeded source when the execution has one, and
// from the process-wide generator otherwise: building a generator for
// every execution would cost more than a small execution itself.
func (x *Execution) uint64() uint64 {
	x.rngMu.Lock()
	defer x.rngMu.Unlock()
	if x.rng == nil {
		return rand.Uint64()
	}
	return x.rng.Uint64()
}

// uint64Pair is two draws of uint64 under one lock.
func (x *Execution) uint64Pair() (uint64, uint64) {
	x.rngMu.Lock()
	defer x.rngMu.Unlock()
	if x.rng == nil {
		return rand.Uint64(), rand.Uint64()
	}
	return x.rng.Uint64(), x.rng.Uint64()
}

// unsharedPair is uint64Pair for an execution that no other goroutine
// can reach yet, as while Start prepares it: Seed, the only writer of
// x.rng, has run by then if it runs at all.
func (x *Execution) unsharedPair() (uint64, uint64) {
	if x.rng == nil {
		return rand.Uint64(), rand.Uint64()
	}
	return x.rng.Uint64(), x.rng.Uint64()
}

// child returns an execution for one child workflow of a distributed
// Map: same identity and clock, its own (unrecorded) history.
func (x *Execution) child() *Execution {
	c := &Execution{
		StateMachineName: x.StateMachineName, StateMachineID: x.StateMachineID,
		RoleArn: x.RoleArn, Input: x.Input, StartTime: x.StartTime, Type: x.Type, Clock: x.Clock,
		tasks: x.tasks, objects: x.objects, onMapRun: x.onMapRun, payloadLimit: x.payloadLimit, maxEvents: x.maxEvents, panicLog: x.panicLog,
		TokenKey: x.TokenKey, machine: x.machine, driver: x.driver,
	}
	c.copyIdentity(x)
	x.rngMu.Lock()
	seeded := x.rng != nil
	x.rngMu.Unlock()
	if seeded {
		c.Seed(x.RandInt63())
	}
	return c
}

// Rand returns a pseudo-random number in [0, 1) from the execution's
// source.
func (x *Execution) Rand() float64 { return float64(x.uint64()>>11) / (1 << 53) }

// RandInt63 returns a non-negative pseudo-random int64 from the
// execution's source.
func (x *Execution) RandInt63() int64 { return int64(x.uint64() >> 1) }

// Seed makes the execution's random source deterministic.
func (x *Execution) Seed(seed int64) {
	x.rngMu.Lock()
	x.seed = seed
	x.rng = rand.New(rand.NewPCG(uint64(seed), 0x5fc0_9b1a_7e3d_2c45))
	x.rngMu.Unlock()
}

// Run runs program p from its start state on input, recording state
// entered and exited events, and returns the final output or the
// unhandled error.
func (f *Frame) Run(ctx context.Context, p *Program, input any) (any, error) {
	return f.runFrom(ctx, p, p.Start, input)
}

// runFrom runs program p from state number state: an execution resumed
// from a checkpoint starts here.
func (f *Frame) runFrom(ctx context.Context, p *Program, state int, input any) (any, error) {
	// One frame serves every state of this run: states do not keep it.
	return f.runTop(ctx, &Frame{X: f.X, Vars: f.Vars}, p, state, input)
}

// runOn runs p from state on input with sf as the frame of every state.
// (Its callers recover a panic, once per goroutine rather than once per
// run: see panics.go.)
func (f *Frame) runOn(ctx context.Context, sf *Frame, p *Program, state int, input any) (any, error) {
	x := f.X
	// quiet: no history is kept (the execution's is set before it
	// starts), so only event ids are counted, inline below.
	quiet := x.History == nil
	// plain: no history and no checkpoint hook, which the run does not
	// change.
	plain := quiet && f.before == nil
	fast := p.Fast != nil && plain
	kinds := p.kinds.Load()
	if kinds == nil {
		kinds = p.makeStepKinds()
	}
	inBound := knownBound(input) // bounds input's size, when known (0: not)
	for {
		if !f.ctxEndless {
			if err := ctx.Err(); err != nil {
				return nil, contextError(ctx)
			}
		}
		if fast {
			// Fused code runs as far as it can and hands over the state
			// it stopped at, which runs below the ordinary way.
			next, v := p.Fast(ctx, sf, state, input)
			if next == End {
				if x.overEventLimit(x.events.n.Load()) {
					// Concurrent iterations counted past the quota
					// while this one ran within its budget.
					return nil, historyFull()
				}
				sf.madeBound = 0
				return v, nil
			}
			if next != state || !samePayload(v, input) {
				// Fused code ran states (perhaps round a loop back to
				// this one): the input is another value now.
				inBound = 0
			}
			state, input = next, v
		}
		info, kind := &p.States[state], (*kinds)[state]
		if kind&passThrough != 0 && plain {
			// A Succeed that passes its input on: its entered and exited
			// events, checked against the quota as below, and the end.
			// Its output, its input, was checked when it was made.
			entered := x.events.n.Add(2) - 1
			if x.overEventLimit(entered) {
				return nil, historyFull()
			}
			if x.overEventLimit(entered + 1) {
				x.events.n.Add(-1) // no exited event after all
				return nil, historyFull()
			}
			sf.State, sf.enteredEventID = info.Name, entered
			sf.made, sf.madeBound = input, inBound
			return input, nil
		}
		if f.before != nil {
			if err := f.before(Checkpoint{State: info.Name, Input: input, Vars: f.Vars.Snapshot()}); err != nil {
				return nil, &Error{Name: errExecutionCancelledInternal, Cause: err.Error()}
			}
		}
		// Reset only what a state may have changed: rewriting the whole
		// frame costs a write barrier per pointer field on every step.
		sf.State = info.Name
		sf.entered = time.Time{}
		if !quiet && x.driver == nil {
			sf.entered = x.Clock.Now()
		}
		sf.retryCount, sf.retries = 0, false
		if sf.assigned != nil {
			sf.assigned = nil
		}
		// Without a history only the ids of entered events matter (error
		// causes quote them). A state with no events of its own between
		// entered and exited counts both with one atomic add.
		reserved := quiet && kind&innerEvents == 0
		if reserved {
			sf.enteredEventID = x.events.n.Add(2) - 1
		} else if quiet {
			sf.enteredEventID = x.events.next() // stateEntered's, in line
		} else {
			sf.enteredEventID = x.stateEntered(info, input)
		}
		if x.overEventLimit(sf.enteredEventID) {
			return nil, historyFull()
		}
		sf.inBound, sf.madeBound = inBound, 0
		next, out, err := p.Step(ctx, sf, state, input)
		if err == nil && reserved && x.overEventLimit(sf.enteredEventID+1) {
			err = historyFull() // no room for the exited event
		}
		if err == nil {
			if identical(out, input) {
				// An output that is the state's input unchanged was
				// checked when it was made. (The same box: an input
				// boxed again, as a slice may be, is checked below.)
				sf.made, sf.madeBound = out, inBound
			} else if err = sf.checkOutput(out); err == nil {
				// Past the limit check, madeBound bounds out or is 0
				// (see checkOutput); without a limit no bound is read.
				inBound = sf.madeBound
			}
		}
		if err != nil {
			if reserved {
				x.events.n.Add(-1) // no exited event after all
			}
			return nil, err
		}
		if !reserved {
			// A quiet state here has events of its own (Task, Parallel,
			// Map), so an exited event too: stateExited's count, in line.
			var exited int64
			if quiet {
				exited = x.events.next()
			} else {
				exited = x.stateExited(info, out, sf.assigned)
			}
			if x.overEventLimit(exited) {
				return nil, historyFull()
			}
		}
		if next == End {
			return out, nil
		}
		state, input = next, out
	}
}

// enteredTime returns $$.State.enteredTime, reading the clock (or asking
// the Driver) the first time it is asked for within a state.
func (f *Frame) enteredTime() time.Time {
	if f.entered.IsZero() {
		if d := f.X.driver; d != nil {
			f.entered = d.Now()
		} else {
			f.entered = f.X.Clock.Now()
		}
	}
	return f.entered
}

// samePayload reports whether a and b are the same object or array.
func samePayload(a, b any) bool {
	switch x := a.(type) {
	case *Object:
		y, ok := b.(*Object)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return false
}

// contextError turns a finished context into the ASL error that ends the
// execution.
func contextError(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		if e, ok := cause.(*Error); ok {
			return e
		}
	}
	if ctx.Err() == context.DeadlineExceeded {
		return NewError(ErrTimeout, "")
	}
	return &Error{Name: errExecutionCancelledInternal}
}
