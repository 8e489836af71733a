package engine

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Under a Driver a Distributed Map runs its children one after another,
// and the execution must take the same course however its goroutines
// are scheduled: a recovered durable execution replays it. So once a
// child's failure exceeds the tolerated count, no further child starts
// (none is invoked only to be aborted, sometimes), and the Map Run's
// counts are the same every time.
func TestDistributedMapUnderDriverIsDeterministic(t *testing.T) {
	items := []any{"a", "bad1", "c", "d", "e"}
	var want MapRunCounts
	for i := range 300 {
		var started atomic.Int64
		proc := failingProgram()
		step := proc.Step
		proc.Step = func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			started.Add(1)
			return step(ctx, f, state, in)
		}
		store := &MemStore{}
		m := distMachine(sliceOpener(items...), DistributedMapConfig{ExecutionType: "STANDARD",
			Writer: &ResultWriterConfig{Export: true, Args: ObjectOf(Member{"Bucket", "res"})}}, proc)
		res := m.Start(context.Background(), nil, Options{Driver: &recordingDriver{}, Objects: store})
		if res.Status != StatusFailed || res.Error != ErrExceedToleratedFailure {
			t.Fatalf("run %d: %s %s %s", i, res.Status, res.Error, res.Cause)
		}
		if n := started.Load(); n != 2 {
			t.Fatalf("run %d: %d children started, want 2 (a, then bad1 fails the Map Run)", i, n)
		}
		got := res.MapRuns[0].Describe().ItemCounts
		if i == 0 {
			want = got
			if got.Succeeded != 1 || got.Failed != 1 || got.Running != 0 {
				t.Fatalf("counts %+v", got)
			}
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("run %d: Map Run counts differ from the first run's (-first +this):\n%s", i, diff)
		}
	}
}
