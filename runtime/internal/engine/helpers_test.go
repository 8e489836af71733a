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
	waitWatcherStopped(t)
}

// waitWatcherStopped waits for the watcher to stop, and checks that it
// left no pool listed.
func waitWatcherStopped(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for watcher.running.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if watcher.running.Load() {
		t.Fatal("the watcher is still running")
	}
	// running was stored after the watcher's last change to its list.
	if len(watcher.pools) != 0 || watcher.signed.Load() != nil {
		t.Errorf("%d pools still on the watcher's list, stack empty: %v", len(watcher.pools), watcher.signed.Load() == nil)
	}
}

// Pools that end quickly sign off without helpers, again and again with
// the same pool (a Parallel's is reused), and the watcher drops them all.
func TestWatcherSignOnOff(t *testing.T) {
	ps := make([]*pool, 5)
	for i := range ps {
		ps[i] = &pool{limit: 2, job: job(func(context.Context, int) (any, error) { return nil, nil })}
	}
	for round := 0; round < 2000; round++ {
		p := ps[round%len(ps)]
		watcher.signOn(p)
		if helped := watcher.signOff(p); helped {
			// The watcher may have ticked twice meanwhile on a slow
			// machine; its helpers find no items and stop.
			p.wg.Wait()
		}
	}
	waitWatcherStopped(t)
	for i, p := range ps {
		if p.listed.Load() {
			t.Errorf("pool %d still listed", i)
		}
	}
}

// A pool reused at once, quick runs between blocked ones, gets helpers
// whenever it blocks: a sign-on that finds it still listed from the run
// before races the watcher dropping it, and must not leave it unwatched.
func TestHelpersJoinReusedPool(t *testing.T) {
	p := new(pool)
	for round := 0; round < 300; round++ {
		blocked := round%3 == 0
		ran := make(chan struct{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		p.n, p.limit, p.ctxp, p.results = 2, 2, nil, nil
		p.job = job(func(ctx context.Context, i int) (any, error) {
			if i == 0 && blocked {
				select {
				case <-ran: // item 1 ran on a helper
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			if i == 1 && blocked {
				close(ran)
			}
			return int64(i), nil
		})
		_, err := p.run(ctx)
		cancel()
		if err != nil {
			t.Fatalf("round %d: %v (no helper joined the blocked pool)", round, err)
		}
		p.next.Store(0)
		p.ctx = poolCtx{}
	}
	waitWatcherStopped(t)
}
