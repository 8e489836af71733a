package durable

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/durable/internal/distmachine"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// benchHandlers answer the Distributed Map machine's Tasks, Work after
// latency (as a Lambda function's round trip).
type benchHandlers struct{ latency time.Duration }

func (h benchHandlers) Work(ctx context.Context, in any) (any, error) {
	time.Sleep(h.latency)
	v, _ := sfnrt.Field(in, "n")
	n, _ := sfnrt.Int(v)
	return n * 10, nil
}

func (benchHandlers) Finish(ctx context.Context, in any) (any, error) {
	v, _ := sfnrt.Field(in, "worked")
	n, _ := sfnrt.Int(v)
	return n + 1, nil
}

// TestBenchDistributedMapTasks (make bench-distmap) measures a durable
// Distributed Map whose children run two Tasks each (MaxConcurrency 12):
// children one after another in the execution's workflow
// (Config.SequentialBranches) and as workflows of their own from the Map
// Run's queue, on SQLite with one worker and on PostgreSQL with one and
// three (in this process, each its own executor).
func TestBenchDistributedMapTasks(t *testing.T) {
	if os.Getenv(distBenchEnv) == "" {
		t.Skip("set " + distBenchEnv + "=1 (make bench-distmap) to measure")
	}
	stores := []struct{ name, url string }{{"SQLite", sqliteStore(t)}}
	if testservers.PostgresMissing() == "" {
		stores = append(stores, struct{ name, url string }{"PostgreSQL", testservers.Postgres(t)})
	}
	t.Logf("%-66s %10s", "Distributed Map, two Tasks each, MaxConcurrency 12", "items/s")
	for _, s := range stores {
		for _, c := range []struct {
			label      string
			workers    int
			sequential bool
			items      int
			latency    time.Duration
		}{
			{"sequential, 1 worker", 1, true, 1000, 0}, {"child workflows, 1 worker", 1, false, 1000, 0},
			{"child workflows, 3 workers", 3, false, 1000, 0},
			{"50 ms Tasks, sequential, 1 worker", 1, true, 100, 50 * time.Millisecond},
			{"50 ms Tasks, child workflows, 1 worker", 1, false, 100, 50 * time.Millisecond},
		} {
			if c.workers > 1 && s.name == "SQLite" {
				continue // one writer: more workers share it
			}
			input, output := distInput(c.items)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			version := fmt.Sprintf("dist-bench-%d", time.Now().UnixNano())
			var es []*Executor
			for i := range c.workers {
				e, err := Open(ctx, distmachine.New(benchHandlers{c.latency}), Config{Store: s.url, Version: version,
					ExecutorID: fmt.Sprintf("%s-%d", version, i), SequentialBranches: c.sequential})
				if err != nil {
					t.Fatal(err)
				}
				if err := e.Work(); err != nil {
					t.Fatal(err)
				}
				es = append(es, e)
			}
			begin := time.Now()
			start, err := es[0].StartExecution(ctx, version, input)
			if err != nil {
				t.Fatal(err)
			}
			d, err := es[0].Wait(ctx, start.ExecutionArn)
			if err != nil || d.Status != sfnrt.StatusSucceeded || deref(d.Output) != output {
				t.Fatalf("%s %s: %+v %v", s.name, c.label, d, err)
			}
			t.Logf("%-66s %10.0f", fmt.Sprintf("%s, %d items, %s", s.name, c.items, c.label), float64(c.items)/time.Since(begin).Seconds())
			for _, e := range es {
				e.Close()
			}
			cancel()
		}
	}
}
