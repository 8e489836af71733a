package engine_test

import (
	"context"
	"sync"
	"testing"

	sfnrt "github.com/sfn-compile/sfn-compile/runtime/internal/engine"
)

// Benchmarks of the execution machinery around generated state code: the
// fixed cost of an execution, of a transition, and of Parallel and Map
// fan-out, each with trivial states, beside hand-written Go doing the same
// (nothing, a loop, goroutines with a WaitGroup).

// passThrough is a program of n Pass states that hand their input on.
func passThrough(n int) *sfnrt.Program {
	p := &sfnrt.Program{States: make([]sfnrt.StateInfo, n)}
	for i := range p.States {
		p.States[i] = sfnrt.StateInfo{Name: "S", Kind: "Pass"}
	}
	p.Step = func(ctx context.Context, f *sfnrt.Frame, state int, in any) (int, any, error) {
		if state+1 == n {
			return sfnrt.End, in, nil
		}
		return state + 1, in, nil
	}
	return p
}

// BenchmarkExecStart is Machine.Start of a one-state machine: execution
// set-up (name, ARNs, clock) and the Result.
func BenchmarkExecStart(b *testing.B) {
	m := &sfnrt.Machine{Name: "one", Program: passThrough(1)}
	in := sfnrt.MustParseJSON(`{"hello":"world"}`)
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = m.Start(context.Background(), in, sfnrt.Options{})
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = in
		}
	})
}

// BenchmarkExecTransition is one transition of the execution loop
// (Frame.Run) between states that do nothing: 1,000 states a run.
func BenchmarkExecTransition(b *testing.B) {
	const n = 1000
	m := &sfnrt.Machine{Name: "chain", Program: passThrough(n)}
	in := sfnrt.MustParseJSON(`{"i":1,"n":2}`)
	x := m.NewExecution(in, sfnrt.Options{})
	f := &sfnrt.Frame{X: x}
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = f.Run(context.Background(), m.Program, in)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/transition")
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			v := in
			for s := 0; s < n; s++ {
				v = step(v)
			}
			sink = v
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/transition")
	})
}

//go:noinline
func step(v any) any { return v }

// BenchmarkExecParallel is a Parallel state of 8 one-state branches.
func BenchmarkExecParallel(b *testing.B) {
	const n = 8
	branches := make([]*sfnrt.Program, n)
	for i := range branches {
		branches[i] = passThrough(1)
	}
	m := &sfnrt.Machine{Name: "par", Program: passThrough(1)}
	in := sfnrt.MustParseJSON(`{"x":1}`)
	f := &sfnrt.Frame{X: m.NewExecution(in, sfnrt.Options{})}
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = f.Parallel(context.Background(), in, branches)
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out := make([]any, n)
			var wg sync.WaitGroup
			wg.Add(n)
			for j := 0; j < n; j++ {
				go func(j int) {
					defer wg.Done()
					out[j] = step(in)
				}(j)
			}
			wg.Wait()
			sink = out
		}
	})
}

// BenchmarkExecMap is a Map state over 1,000 items with a one-state item
// processor and an ItemSelector reading $$.Map.Item.Value the way
// generated code does (through Frame.Context), at MaxConcurrency 10.
func BenchmarkExecMap(b *testing.B) {
	const n = 1000
	items := make([]any, n)
	for i := range items {
		items[i] = sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: int64(i)})
	}
	m := &sfnrt.Machine{Name: "map", Program: passThrough(1)}
	f := &sfnrt.Frame{X: m.NewExecution(nil, sfnrt.Options{}), State: "Map"}
	proc := passThrough(1)
	viaContext := func(sf *sfnrt.Frame, _ any, _ int) (any, error) {
		c := any(sf.Context())
		for _, k := range []string{"Map", "Item", "Value", "id"} {
			c, _ = sfnrt.Field(c, k)
		}
		return sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: c}), nil
	}
	direct := func(sf *sfnrt.Frame, item any, _ int) (any, error) {
		id, _ := sfnrt.Field(item, "id")
		return sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: id}), nil
	}
	for _, c := range []struct {
		name string
		sel  sfnrt.MapSelector
	}{{"impl=sfn", viaContext}, {"impl=sfn-direct", direct}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink, _ = f.Map(context.Background(), items, sfnrt.MapConfig{MaxConcurrency: 10}, c.sel, proc)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			out := make([]any, n)
			var wg sync.WaitGroup
			var mu sync.Mutex
			next := 0
			wg.Add(10)
			for w := 0; w < 10; w++ {
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						j := next
						next++
						mu.Unlock()
						if j >= n {
							return
						}
						id, _ := sfnrt.Field(items[j], "id")
						out[j] = step(sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: id}))
					}
				}()
			}
			wg.Wait()
			sink = out
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
	})
}
