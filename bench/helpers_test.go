package bench_test

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

var (
	ctx = context.Background()
	// sink keeps results alive so that the compiler cannot drop the work.
	sink any
)

// measure runs op b.N times with allocations reported, adds the process
// CPU time per op (cpu-ns/op: user+system of every thread, GC included,
// steadier than wall time on a shared machine), and per-unit figures
// (ns/unit, cpu-ns/unit, allocs/unit, B/unit) for ops that do units units
// of work each (transitions, items): the figures benchstat compares across
// the impl=… sub-benchmarks.
func measure(b *testing.B, unit string, units int, op func()) {
	b.Helper()
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		op()
	}
	cpu := float64(cpuTime() - c0)
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	b.ReportMetric(cpu/float64(b.N), "cpu-ns/op")
	if unit == "" {
		return
	}
	n := float64(b.N) * float64(units)
	b.ReportMetric(cpu/n, "cpu-ns/"+unit)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/"+unit)
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/"+unit)
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n, "B/"+unit)
}

// lastResult is the outcome every start writes into, as a built binary's
// --repeat run does (StartInto): the benchmarks count what an execution
// costs, not a Result per execution that nothing keeps.
var lastResult sfnrt.Result

// start runs m on in and fails the benchmark unless the execution succeeds.
func start(tb testing.TB, m *sfnrt.Machine, in any) any {
	res := &lastResult
	m.StartInto(ctx, in, &sfnrt.Options{}, res)
	if res.Status != sfnrt.StatusSucceeded {
		tb.Fatalf("%s: %s: %s", res.Status, res.Error, res.Cause)
	}
	return res.Output
}

// startNamed is start for an execution with a name, which Start does not
// have to draw at random.
func startNamed(tb testing.TB, m *sfnrt.Machine, in any) any {
	res := &lastResult
	m.StartInto(ctx, in, &sfnrt.Options{Name: "bench"}, res)
	if res.Status != sfnrt.StatusSucceeded {
		tb.Fatalf("%s: %s: %s", res.Status, res.Error, res.Cause)
	}
	return res.Output
}

// sameJSON fails unless the runtime value got and the Go value want (a
// hand-written result) are the same JSON document.
func sameJSON(tb testing.TB, got any, want any) {
	tb.Helper()
	raw, err := json.Marshal(want)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := sfnrt.ParseJSON(raw)
	if err != nil {
		tb.Fatal(err)
	}
	if !sfnrt.Equal(got, w) {
		tb.Errorf("generated code computes\n%s\nhand-written code computes\n%s", sfnrt.ToJSON(got), raw)
	}
}
