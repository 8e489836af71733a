package engine

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// A pool whose first item blocks until a later item has run finishes: the
// watcher gives it helpers. Then, with no pool left, the watcher stops.
func TestHelpersJoinBlockedPool(t *testing.T) {
	before := runtime.NumGoroutine()
	for round := 0; round < 20; round++ {
		ran := make(chan struct{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := runAll(ctx, 3, 3, func(ctx context.Context, i int) (any, error) {
			switch i {
			case 0:
				select {
				case <-ran: // item 2 ran on a helper
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			case 2:
				close(ran)
			}
			return int64(i), nil
		})
		cancel()
		if err != nil {
			t.Fatalf("round %d: %v (no helper joined the blocked pool)", round, err)
		}
		if len(out) != 3 || out[0] != int64(0) || out[2] != int64(2) {
			t.Fatalf("round %d: results %v", round, out)
		}
	}
	// The watcher stops once no pool has signed on for a while.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines: %d before, %d after: the watcher or a helper is still running", before, after)
	}
	watcher.mu.Lock()
	defer watcher.mu.Unlock()
	if len(watcher.pools) != 0 {
		t.Errorf("%d pools still on the watcher's list", len(watcher.pools))
	}
}

// Pools that end quickly sign off without helpers, and the list keeps the
// others' indexes right as they come and go out of order.
func TestWatcherList(t *testing.T) {
	ps := make([]*pool, 5)
	for i := range ps {
		ps[i] = &pool{limit: 2, job: job(func(context.Context, int) (any, error) { return nil, nil })}
		watcher.signOn(ps[i])
	}
	for _, i := range []int{1, 4, 0, 3, 2} {
		if helped := watcher.signOff(ps[i]); helped {
			// The watcher may have ticked twice meanwhile on a slow
			// machine; its helpers find no items and stop.
			ps[i].wg.Wait()
		}
		watcher.mu.Lock()
		for j, p := range watcher.pools {
			if int(p.watchAt) != j {
				t.Errorf("pool at %d says it is at %d", j, p.watchAt)
			}
		}
		watcher.mu.Unlock()
	}
}
