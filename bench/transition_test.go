package bench_test

import (
	"strconv"
	"testing"

	"github.com/sfn-compile/sfn-compile/bench/internal/machines/loop"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/loopata"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/loopvars"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/tiny"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// loopN is the loop workload's n in these benchmarks: 2n+3 transitions.
const loopN = 1000

// BenchmarkTransition is the cost of a state transition: the loop machine
// (Pass with Parameters, Choice NumericLessThanPath, Pass with
// States.MathAdd) for n=1000, 2003 transitions an execution.
//
//	impl=sfn  the generated machine through Machine.Start
//	impl=sfn-jsonata  the same loop written in JSONata (Output templates
//	          over $states.input, testdata/loop-jsonata.asl.json)
//	impl=sfn-jsonata-vars  the bench kit's loop-ata: workflow variables
//	          (Assign, Condition $i < $n), the input passed through
//	impl=obj  hand-written Go over the same runtime values (*sfnrt.Object,
//	          sfnimpl.StatesMathAdd): what the value model costs without the
//	          execution machinery
//	impl=go   the hand-written peer's typed loop: the limit
func BenchmarkTransition(b *testing.B) {
	in := sfnrt.MustParseJSON(`{"n":` + strconv.Itoa(loopN) + `}`)
	const transitions = 2*loopN + 3
	b.Run("impl=sfn", func(b *testing.B) {
		m := loop.New(nil)
		measure(b, "transition", transitions, func() { sink = start(b, m, in) })
	})
	b.Run("impl=sfn-jsonata", func(b *testing.B) {
		m := loopata.New(nil)
		measure(b, "transition", transitions, func() { sink = start(b, m, in) })
	})
	b.Run("impl=sfn-jsonata-vars", func(b *testing.B) {
		m := loopvars.New(nil)
		measure(b, "transition", transitions, func() { sink = start(b, m, in) })
	})
	b.Run("impl=obj", func(b *testing.B) {
		measure(b, "transition", transitions, func() { sink = objLoop(in) })
	})
	b.Run("impl=go", func(b *testing.B) {
		measure(b, "transition", transitions, func() { sink = goLoop(loopN) })
	})
}

// BenchmarkExecution is the fixed cost of one execution: the tiny machine
// (one Pass state) against the hand-written `out = in`. impl=sfn-named
// gives the execution a name, so that none is drawn at random: the
// difference is the cost of the random execution name.
func BenchmarkExecution(b *testing.B) {
	in := sfnrt.MustParseJSON(`{"hello":"world"}`)
	b.Run("impl=sfn", func(b *testing.B) {
		m := tiny.New(nil)
		measure(b, "", 0, func() { sink = start(b, m, in) })
	})
	b.Run("impl=sfn-named", func(b *testing.B) {
		m := tiny.New(nil)
		measure(b, "", 0, func() { sink = startNamed(b, m, in) })
	})
	b.Run("impl=go", func(b *testing.B) {
		measure(b, "", 0, func() { sink = in })
	})
}

func TestLoopEquivalence(t *testing.T) {
	in := sfnrt.MustParseJSON(`{"n":` + strconv.Itoa(loopN) + `}`)
	want := goLoop(loopN)
	sameJSON(t, start(t, loop.New(nil), in), want)
	sameJSON(t, start(t, loopata.New(nil), in), want)
	sameJSON(t, start(t, loopvars.New(nil), in), want)
	sameJSON(t, objLoop(in), want)
}

// loopState and goLoop are the hand-written peer's loop (peers/handwritten/loop.go).
type loopState struct {
	I int64 `json:"i"`
	N int64 `json:"n"`
}

//go:noinline
func goLoop(n int64) loopState {
	s := loopState{I: 0, N: n} // Init
	for s.I < s.N {            // Check: $.i NumericLessThanPath $.n
		s = loopState{I: s.I + 1, N: s.N} // Increment: States.MathAdd($.i, 1)
	}
	return s // Done
}

// objLoop is the loop written by hand over runtime values: each state
// builds its output object as generated code could at best.
func objLoop(in any) any {
	n, _ := sfnrt.Field(in, "n")
	s := any(sfnrt.ObjectOf(sfnrt.Member{Key: "i", Value: int64(0)}, sfnrt.Member{Key: "n", Value: n}))
	for {
		i, _ := sfnrt.Field(s, "i")
		n, _ := sfnrt.Field(s, "n")
		if c, ok := sfnimpl.NumericCompare(i, n); !ok || c >= 0 {
			return s
		}
		sum, err := sfnimpl.StatesMathAdd(nil, i, int64(1))
		if err != nil {
			return err
		}
		s = sfnrt.ObjectOf(sfnrt.Member{Key: "i", Value: sum}, sfnrt.Member{Key: "n", Value: n})
	}
}
