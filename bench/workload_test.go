package bench_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sfn-compile/sfn-compile/bench/internal/machines/parallel"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// BenchmarkParallel is one execution of the parallel workload: a Parallel
// state of 8 branches × 10 Pass states (Parameters with two
// States.MathAdd, ResultPath, OutputPath), 82 transitions.
func BenchmarkParallel(b *testing.B) {
	in := sfnrt.MustParseJSON(`{"x":2,"acc":0}`)
	b.Run("impl=sfn", func(b *testing.B) {
		m := parallel.New(nil)
		measure(b, "transition", 82, func() { sink = start(b, m, in) })
	})
	b.Run("impl=sfn-named", func(b *testing.B) {
		m := parallel.New(nil)
		measure(b, "transition", 82, func() { sink = startNamed(b, m, in) })
	})
	b.Run("impl=go", func(b *testing.B) {
		measure(b, "transition", 82, func() { sink = runParallel(parInput{X: 2}) })
	})
}

// TestParallelAllocations pins what a parallel execution allocates: each
// branch's output object, the Parallel's results (an array, boxed), and
// the output: the input copied with room for the result (ResultPath).
// The branches' frame comes from a pool: allocating it made a 14th
// allocation, 144 bytes of each execution's 1,880, which the bench run
// keeps resident since it never collects (README, peak RSS). The
// execution's ID (made only when read) and its Result (written into the
// caller's, as a built binary's --repeat does) made two more.
func TestParallelAllocations(t *testing.T) {
	const want = 11
	m := parallel.New(nil)
	in := sfnrt.MustParseJSON(`{"x":2,"acc":0}`)
	start(t, m, in) // the pools' first items
	if n := testing.AllocsPerRun(100, func() { start(t, m, in) }); n > want {
		t.Errorf("a parallel execution allocates %v times, want at most %d", n, want)
	}
}

func TestParallelEquivalence(t *testing.T) {
	sameJSON(t, start(t, parallel.New(nil), sfnrt.MustParseJSON(`{"x":2,"acc":0}`)), runParallel(parInput{X: 2}))
}

// The hand-written peer's parallel workload (peers/handwritten/parallel.go).
type parInput struct {
	X   int64 `json:"x"`
	Acc int64 `json:"acc"`
}

type parStep struct {
	X   int64  `json:"x"`
	Acc int64  `json:"acc"`
	Tag string `json:"tag"`
}

type parOutput struct {
	X        int64     `json:"x"`
	Acc      int64     `json:"acc"`
	Branches []parStep `json:"branches"`
}

const nBranches, nSteps = 8, 10

var tags = func() (t [nBranches][nSteps]string) {
	for b := range t {
		for s := range t[b] {
			t[b][s] = fmt.Sprintf("b%ds%d", b, s)
		}
	}
	return
}()

func runBranch(b int, in parInput) parStep {
	s := parStep{X: in.X + int64(b), Acc: in.Acc + in.X, Tag: tags[b][0]}
	for j := 1; j < nSteps; j++ {
		s = parStep{X: s.X, Acc: s.Acc + s.X, Tag: tags[b][j]}
	}
	return s
}

func runParallel(in parInput) parOutput {
	out := parOutput{X: in.X, Acc: in.Acc, Branches: make([]parStep, nBranches)}
	var wg sync.WaitGroup
	wg.Add(nBranches)
	for b := 0; b < nBranches; b++ {
		go func(b int) {
			defer wg.Done()
			out.Branches[b] = runBranch(b, in)
		}(b)
	}
	wg.Wait()
	return out
}
