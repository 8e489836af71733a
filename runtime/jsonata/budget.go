package jsonata

import (
	"context"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The bounds of one evaluation. AWS documents three (DG "Transforming
// data with JSONata", "Handling expression errors"): an expression that
// recurses too deep fails with "Stack overflow error", one that runs longer
// than one second with "Expression evaluation timeout", one that uses too
// much memory with "Expression evaluation memory limit exceeded", each as
// States.QueryEvaluationError. The numbers below keep everything AWS is
// known to accept and stop what would take the host down.
const (
	// maxEvalDepth bounds the nesting of evaluation steps (one per node
	// evaluated inside another: 1+1+1 is three deep, a non-tail-recursive
	// call about three per level). AWS accepts depth 100 and refuses 101
	// (measured with TestState on additions, parentheses, array
	// constructors, ~> chains and recursive functions: floci-io/floci#2737);
	// this evaluator counts a step where the reference implementation
	// does, and all five boundaries fall at the same place here
	// (TestDepthBoundaryMatchesAWS). Tail calls do not nest.
	maxEvalDepth = 100

	// evalTimeLimit is AWS's documented limit on one expression. It is
	// measured on the wall clock whatever clock the execution runs on:
	// under a fake clock (SkipWaits) a machine's TimeoutSeconds never
	// comes while an expression loops, this limit does.
	evalTimeLimit = time.Second

	// checkEvery is how many evaluation steps pass between two looks at
	// the clock and the context: a step costs tens of nanoseconds, so the
	// limits are honoured within microseconds while the clock is read
	// once per thousand steps, and never by expressions shorter than that.
	checkEvery = 1024

	// maxStringBytes bounds one string. AWS accepts a string of 2^22
	// characters and refuses one of 2^23 (floci-io/floci#2737); state
	// data is at most 256 KiB, so 6 MiB leaves intermediate strings 24
	// times that room and refuses what AWS refuses.
	maxStringBytes = 6 << 20

	// maxItems bounds one array or sequence. AWS accepts 873,782 numbers
	// in one sequence and refuses one more; a 256 KiB payload holds at
	// most 131,072 array elements ("0,"), so 2^20 leaves eight times that
	// room.
	maxItems = 1 << 20

	// maxAllocBytes bounds what one evaluation allocates in all: arrays
	// (itemBytes a slot), strings (a byte a byte) and objects
	// (memberBytes a member). AWS bounds the memory an evaluation holds;
	// counting what it allocates is an upper bound on that which needs no
	// bookkeeping when values die, and it also bounds what the per-value
	// limits cannot see: many values each under them, kept in one array
	// or in the frames of a recursion. 256 MiB is 32 arrays at the
	// per-item limit, far beyond anything a 256 KiB payload needs.
	maxAllocBytes = 256 << 20

	// maxValueDepth bounds the nesting of values the evaluator walks
	// (export, equality, flattening, JSON): a loop can build [[[...]]]
	// deeper than any input, and the walks recurse. It is the runtime's
	// bound on the nesting of JSON input (sfnrt's decoder).
	maxValueDepth = 10000

	// exportNodes bounds the nodes of an evaluation's result: a value
	// that shares its parts ([[$a], [$a]] doubled in a loop) is small in
	// memory but expands when exported and written as JSON. It is the
	// per-value item bound: a result that large is already far past what
	// a state's data may hold.
	exportNodes = maxItems

	// maxCallDepth bounds how deep built-ins that take functions ($map,
	// $sort, $reduce...) nest calls of them. Evaluation depth does not
	// see such a recursion when every call in it is a tail call, but the
	// Go stack grows with it.
	maxCallDepth = 10000

	itemBytes   = 16 // an interface slot in []any
	memberBytes = 48 // a key, a value and the index entry of an object member
)

// limit tells which bound an evaluation error reports.
type limit uint8

const (
	noLimit limit = iota
	stackLimit
	timeLimit
	memoryLimit
)

// limitMessages are AWS's causes for the three bounds; AWS reports them
// without a JSONata code ("...threw an error during evaluation: Stack
// overflow error: ..."). The stack sentence is the reference test
// suite's (and jsonata-java's) for the same guard.
var limitMessages = [...]string{
	stackLimit:  "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
	timeLimit:   "Expression evaluation timeout: Check for infinite loop",
	memoryLimit: "Expression evaluation memory limit exceeded: Check for excessive memory usage",
}

// stackOverflow is the error of an evaluation nested past maxEvalDepth,
// with the reference implementation's code for its own stack guard.
func stackOverflow(pos int) *Error {
	return &Error{Code: "D1011", Position: pos, hasPos: pos >= 0, limit: stackLimit}
}

// evalTimeout is the error of an evaluation past evalTimeLimit, with the
// reference implementation's code for its own time guard.
func evalTimeout() *Error {
	return &Error{Code: "D1012", Position: -1, Value: float64(evalTimeLimit / time.Millisecond), limit: timeLimit}
}

// memoryExceeded is the error of an evaluation past a memory bound, with
// the reference implementation's code for its own sequence-length guard.
func memoryExceeded() *Error {
	return &Error{Code: "D2015", Position: -1, limit: memoryLimit}
}

// A limitPanic carries a bound's error out of helpers deep in a walk
// (JSON serialisation, equality, flattening) that have no error result;
// evalAt recovers it and returns the error.
type limitPanic struct{ err error }

// step counts one unit of work and, every checkEvery units, gives up if
// the context is done or the time limit has passed. The clock starts at
// the first check, so short expressions never read it; the first
// thousand steps go uncounted, a few microseconds.
func (ev *evaluator) step() error {
	ev.ticks++
	if ev.ticks&(checkEvery-1) != 0 {
		return nil
	}
	return ev.checkpoint()
}

func (ev *evaluator) checkpoint() error {
	if ev.ctx != nil && ev.ctx.Err() != nil {
		return context.Cause(ev.ctx)
	}
	now := time.Now()
	if ev.started.IsZero() {
		ev.started = now
		return nil
	}
	if now.Sub(ev.started) > evalTimeLimit && !untimed(ev.ctx) {
		return evalTimeout()
	}
	return nil
}

// untimedKey marks a context whose evaluations have no time limit: the
// tests of the other bounds use it, so that a loaded machine's slowness
// cannot turn the memory or depth error they expect into a timeout.
type untimedKey struct{}

// untimed reports whether ctx lifts the time limit; it is read only once
// the limit has passed.
func untimed(ctx context.Context) bool { return ctx != nil && ctx.Value(untimedKey{}) != nil }

// mustStep is step for walks with no error result: it panics with a
// limitPanic.
func (ev *evaluator) mustStep() {
	if err := ev.step(); err != nil {
		panic(limitPanic{err})
	}
}

// visit counts a container that export visits: its members or items as
// exported nodes (what the result expands to) and as steps.
func (ev *evaluator) visit(v any) {
	n := 1 + containerLen(v)
	if ev.exported += n; ev.exported > exportNodes {
		panic(limitPanic{memoryExceeded()})
	}
	ev.mustSteps(n)
}

// mustSteps is mustStep for n steps at once (a container's members).
func (ev *evaluator) mustSteps(n int) {
	before := ev.ticks
	ev.ticks += n
	if before/checkEvery != ev.ticks/checkEvery {
		if err := ev.checkpoint(); err != nil {
			panic(limitPanic{err})
		}
	}
}

func containerLen(v any) int {
	switch x := v.(type) {
	case *sfnrt.Object:
		return x.Len()
	case []any:
		return len(x)
	case *seq:
		return len(x.items)
	}
	return 0
}

// enter and leave bracket a recursive walk's visit of a container,
// bounding the walk's depth by maxValueDepth.
func (ev *evaluator) enter() {
	ev.nest++
	if ev.nest > maxValueDepth {
		panic(limitPanic{stackOverflow(-1)})
	}
}

func (ev *evaluator) leave() { ev.nest-- }

// charge counts n bytes allocated against maxAllocBytes.
func (ev *evaluator) charge(n int) error {
	ev.alloc += int64(n)
	if ev.alloc > maxAllocBytes {
		return memoryExceeded()
	}
	return nil
}

// mustCharge is charge for walks with no error result.
func (ev *evaluator) mustCharge(n int) {
	if err := ev.charge(n); err != nil {
		panic(limitPanic{err})
	}
}

// chargeItems checks an array of n items against maxItems and charges
// its slots.
func (ev *evaluator) chargeItems(n int) error {
	if n > maxItems {
		return memoryExceeded()
	}
	return ev.charge(n * itemBytes)
}

// chargeString checks a string of n bytes against maxStringBytes and
// charges it.
func (ev *evaluator) chargeString(n int) error {
	if n > maxStringBytes {
		return memoryExceeded()
	}
	return ev.charge(n)
}
