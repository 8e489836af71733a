package engine

import (
	"sync"
	"time"
)

// Helpers. A Parallel's or Map's calling goroutine is a worker of its
// pool, and at first the only one: handing items to other goroutines costs
// a few microseconds of wake-ups, more than many items (a Pass, a quick
// Task handler) take. Other workers join only when the pool has gone on
// for a while: a blocked item (a Task waiting on I/O, a branch waiting for
// another) then delays the rest by that much at most.
//
// One watcher goroutine, ticking while pools run, starts them. (A timer
// armed for every pool cost more than the work of a small Parallel: each
// arming woke another thread to watch the new earliest timer, and woke it
// again when it was due, though it had been stopped.) A pool signs on to
// the watcher when it starts and off when its caller runs out of items;
// one still on the list two ticks after it signed on gets its helpers.

// helperTick is the watcher's period: a pool gets helpers between one and
// two ticks after it started.
const helperTick = 50 * time.Microsecond

// helperIdleTicks is how many ticks without a new pool the watcher waits
// before it stops; the next pool starts it again.
const helperIdleTicks = 200

// A poolWatcher starts the helpers of pools that run long.
type poolWatcher struct {
	mu      sync.Mutex
	pools   []*pool // signed on and not helped yet; pool.watchAt is the index
	tick    uint32  // ticks so far
	signed  bool    // a pool signed on since the last tick
	running bool    // the watcher goroutine is running
}

var watcher poolWatcher

// signOn puts p on the watcher's list.
func (w *poolWatcher) signOn(p *pool) {
	w.mu.Lock()
	p.watchAt = int32(len(w.pools))
	p.watchTick = w.tick
	w.pools = append(w.pools, p)
	w.signed = true
	start := !w.running
	w.running = true
	w.mu.Unlock()
	if start {
		go w.watch()
	}
}

// signOff takes p off the list and reports whether the watcher had
// started p's helpers (and taken p off itself).
func (w *poolWatcher) signOff(p *pool) (helped bool) {
	w.mu.Lock()
	helped = p.watchAt < 0
	if !helped {
		w.remove(p)
	}
	w.mu.Unlock() // not deferred: this runs on every Parallel and Map
	return helped
}

// remove takes p off the list, moving the last pool into its place.
func (w *poolWatcher) remove(p *pool) {
	i, last := int(p.watchAt), len(w.pools)-1
	w.pools[i] = w.pools[last]
	w.pools[i].watchAt = int32(i)
	w.pools[last] = nil
	w.pools = w.pools[:last]
	p.watchAt = -1
}

// watch ticks until no pool has signed on for helperIdleTicks, starting
// the helpers of every pool signed on two ticks ago or earlier.
func (w *poolWatcher) watch() {
	idle := 0
	for {
		time.Sleep(helperTick)
		w.mu.Lock()
		w.tick++
		for i := 0; i < len(w.pools); {
			p := w.pools[i]
			if w.tick-p.watchTick < 2 {
				i++
				continue
			}
			w.remove(p) // the last pool moves to i
			p.wg.Add(p.limit - 1)
			for n := 1; n < p.limit; n++ {
				go p.work(p.ctxp, true)
			}
		}
		if w.signed || len(w.pools) > 0 {
			idle = 0
		} else if idle++; idle >= helperIdleTicks {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.signed = false
		w.mu.Unlock()
	}
}
