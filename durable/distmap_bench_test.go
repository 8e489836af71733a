package durable

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// distBenchEnv turns TestBenchDistributedMap on (make bench-distmap): the
// items per second of a Distributed Map over 100,000 small items with a
// one-Pass processor, in memory (EXPRESS children) and durable (STANDARD
// children, SQLite), each in a process of its own for its peak RSS.
const distBenchEnv = "SFN_BENCH_DISTMAP"

// distBenchChildEnv selects, in the process TestBenchDistributedMap
// starts, what TestDistMapBenchChild runs: memory or durable.
const distBenchChildEnv = "SFN_BENCH_DISTMAP_CHILD"

const distBenchItems = 100000

func TestBenchDistributedMap(t *testing.T) {
	if os.Getenv(distBenchEnv) == "" {
		t.Skip("set " + distBenchEnv + "=1 (make bench-distmap) to measure")
	}
	t.Logf("%-44s %12s %10s %12s", "Distributed Map, 100,000 items, one Pass", "items/s", "seconds", "peak RSS")
	for _, mode := range []string{"memory", "durable"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDistMapBenchChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), distBenchChildEnv+"="+mode, "SFN_BENCH_DISTMAP_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		var secs float64
		i := strings.Index(string(out), "SECONDS ")
		if i < 0 {
			t.Fatalf("%s: no result in\n%s", mode, out)
		}
		fmt.Sscanf(string(out[i:]), "SECONDS %g", &secs)
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		label := map[string]string{"memory": "in memory (EXPRESS children)", "durable": "durable (STANDARD children, SQLite)"}[mode]
		t.Logf("%-44s %12.0f %10.2f %9d MiB", label, distBenchItems/secs, secs, rss/1024)
	}
}

// TestDistMapBenchChild is one measurement of TestBenchDistributedMap.
func TestDistMapBenchChild(t *testing.T) {
	mode := os.Getenv(distBenchChildEnv)
	if mode == "" {
		t.Skip("run by TestBenchDistributedMap")
	}
	m := passDistMachine(distBenchItems, mode == "memory")
	ctx := context.Background()
	start := time.Now()
	var status, output string
	if mode == "memory" {
		res := m.Start(ctx, sfnrt.MustParseJSON(`{}`), sfnrt.Options{PayloadLimit: -1})
		status, output = res.Status, sfnrt.ToJSON(res.Output)
	} else {
		store := "sqlite:" + os.Getenv("SFN_BENCH_DISTMAP_DIR") + "/sfn.db"
		e, err := Open(ctx, m, Config{Store: store, PayloadLimit: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if err := e.Work(); err != nil {
			t.Fatal(err)
		}
		s, err := e.StartExecution(ctx, "bench", "{}")
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.Wait(ctx, s.ExecutionArn)
		if err != nil {
			t.Fatal(err)
		}
		status = d.Status
		if d.Output != nil {
			output = *d.Output
		}
	}
	elapsed := time.Since(start)
	if status != sfnrt.StatusSucceeded || !strings.HasSuffix(output, fmt.Sprintf(`"Key":%d}]`, distBenchItems-1)) {
		t.Fatalf("%s, output ending %q", status, output[max(0, len(output)-40):])
	}
	fmt.Printf("SECONDS %g\n", elapsed.Seconds())
}

// passDistMachine is a Distributed Map over n items {"Key": i}, read one
// at a time, whose processor is one Pass state.
func passDistMachine(n int, express bool) *sfnrt.Machine {
	proc := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Pass", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, nil
		},
	}
	typ := "STANDARD"
	if express {
		typ = "EXPRESS"
	}
	return &sfnrt.Machine{Name: "bench", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Map", Kind: "Map"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			open := func(context.Context) (sfnrt.ItemIterator, error) { return &countItems{n: n}, nil }
			out, err := f.DistributedMap(ctx, open, sfnimpl.DistributedMapConfig{ExecutionType: typ}, nil, proc)
			return sfnimpl.End, out, err
		},
	}}
}

// countItems reads {"Key": 0} to {"Key": n-1}.
type countItems struct{ i, n int }

func (c *countItems) Next(context.Context) (any, bool, error) {
	if c.i >= c.n {
		return nil, false, nil
	}
	c.i++
	return sfnrt.ObjectOf(sfnrt.Member{Key: "Key", Value: int64(c.i - 1)}), true, nil
}

func (c *countItems) Close() error { return nil }
