package engine

import (
	"context"
	"math"
)

// A FastFunc runs a program's states from state on input the way a
// compiler fuses them: values that the compiler can follow stay in Go
// locals, integers unboxed, and objects are built only where a value
// leaves the fused code. It returns the state to go on from and that
// state's input, or End and the output. It never fails: where a state
// could fail, or where it cannot tell, it returns that state unrun with
// its input, and the state runs the ordinary way, so errors and their
// messages are the same. A FastFunc returns state and input unchanged
// for a state it cannot start from. It runs only when no history is kept
// and no checkpoint hook is set, because it records no events (it counts
// them, through Transitions).
type FastFunc func(ctx context.Context, f *Frame, state int, input any) (next int, value any)

// FromItem, given to a FastFunc as the state with a Map's item as the
// input, asks fused code to run the Map's ItemSelector on the item and
// the item processor from its start on what the selector makes, which it
// holds in locals: the object is built only where fused code hands the
// start state over (most iterations read a few of its members and drop
// it). A FastFunc that cannot, or that would fail in the selector,
// returns FromItem and the item unchanged, and nothing has run.
const FromItem = -2

// FastSteps bounds the states fused code runs between two checks of the
// history quota (MaxHistoryEvents) and of the context: once it has run
// that many, the next transition back to a state at or before the
// current one (every loop has one) calls FastContinue, and where that
// says stop, hands the state to the ordinary path, which reports the
// quota or the context's error. Fused code counts its events only when
// it reports them, so a loop with no way out would otherwise spin for
// ever. A quota passed between two checks is caught at the next: the
// execution fails as AWS's does, since the states fused code runs have
// no effects to tell the difference. (A constant compared on the way
// back only: a budget per call compared in every state cost a loop
// transition 10 instructions of its 34; this costs 0.1.)
const FastSteps = 4096

// FastContinue counts the steps states that fused code ran since it last
// counted them (see Transitions) and reports whether it may go on: the
// history quota is not reached and the context is not done. Fused code
// calls it every FastSteps states round a loop, so that a long loop stays
// in fused code instead of going on the ordinary way.
func (f *Frame) FastContinue(ctx context.Context, steps int) bool {
	f.Transitions(steps)
	return ctx.Err() == nil && !f.X.overEventLimit(f.X.events.n.Load())
}

// noPayloadLimit stands for "no limit" in FastBound: large enough that no
// payload reaches it, small enough that bounds computed from it cannot
// overflow.
const noPayloadLimit = 1 << 40

// FastBound returns, for fused code starting on input, an upper bound of
// the JSON size of input (so of every value taken from it), at least min,
// and the payload limit that a state's output must fit (a large number
// when there is none). Fused code skips the payload check of an output
// whose bound, computed from these, fits.
func (f *Frame) FastBound(input any, min int) (leaf, limit int) {
	limit = f.X.payloadLimit
	if limit <= 0 {
		limit = noPayloadLimit
	}
	leaf = sizeBound(input, limit)
	if leaf < min {
		leaf = min
	}
	if leaf > limit {
		leaf = limit + 1
	}
	return leaf, limit
}

// GrowBound returns leaf raised to cover v, for fused code that made v
// from values leaf covers and may have made it larger (an intrinsic's
// result): at most limit + 1.
func GrowBound(leaf, limit int, v any) int {
	return min(max(leaf, sizeBound(v, limit)), limit+1)
}

// Transitions counts n states that ran in fused code: two events each
// (entered and exited), as the ordinary path counts them without a
// history.
func (f *Frame) Transitions(n int) {
	if n > 0 {
		f.X.events.n.Add(2 * int64(n))
	}
}

// IntOf returns v as an integer when it is one (an int64), for fused
// code that keeps integers unboxed; other numbers take the ordinary path.
func IntOf(v any) (int64, bool) {
	n, ok := v.(int64)
	return n, ok
}

// MathAddInt is States.MathAdd on two integers; false where
// StatesMathAdd would fail (an argument or the sum beyond 32 bits).
func MathAddInt(a, b int64) (int64, bool) {
	s := a + b
	ok := a >= math.MinInt32 && a <= math.MaxInt32 &&
		b >= math.MinInt32 && b <= math.MaxInt32 &&
		s >= math.MinInt32 && s <= math.MaxInt32
	return s, ok
}

// NumericCompareInt is NumericCompare with an integer on the left.
func NumericCompareInt(a int64, operand any) (cmp int, ok bool) {
	if b, isInt := operand.(int64); isInt {
		return compareInts(a, b), true
	}
	return NumericCompare(a, operand)
}
