package engine

import (
	"sync"
	"sync/atomic"
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
// one still on two ticks after it signed on gets its helpers.

// helperTick is the watcher's period: a pool gets helpers between one and
// two ticks after it started.
const helperTick = 50 * time.Microsecond

// helperIdleTicks is how many ticks without a new pool the watcher waits
// before it stops; the next pool starts it again.
const helperIdleTicks = 200

// A poolWatcher starts the helpers of pools that run long.
//
// Signing on and off takes no lock: they ran on every Parallel and Map,
// and a lock and unlock each cost about 110 instructions a Parallel. A
// pool's phase and the tick it signed on share one atomic word
// (pool.watch), which the caller and the watcher change by
// compare-and-swap: the caller's sign-off and the watcher's call for
// helpers, whichever comes first, wins. A pool signing on joins a
// lock-free stack unless it is still listed from a run before (it is
// reused: a Parallel's pool is); the watcher moves the stack into its own
// list at every tick and drops the pools that signed off.
type poolWatcher struct {
	signed  atomic.Pointer[pool] // pools signed on since the last tick, linked by pool.nextSigned
	tick    atomic.Uint32        // ticks so far
	running atomic.Bool          // the watcher goroutine is running
	// mu orders the start of a pool's helpers before its caller waits
	// for them (see signOff).
	mu    sync.Mutex
	pools []*pool // listed: the watcher goroutine's alone
}

var watcher poolWatcher

// A pool's phases, in the low bits of pool.watch; the tick it signed on
// is above them.
const (
	watchOff    = 0 // signed off, or never on
	watchAlone  = 1 // signed on: its caller works alone
	watchHelped = 2 // the watcher started its helpers
	watchPhase  = 3 // the mask
)

// signOn puts p on the watcher's list.
func (w *poolWatcher) signOn(p *pool) {
	p.signedAs = uint64(w.tick.Load())<<2 | watchAlone
	p.watch.Store(p.signedAs)
	if p.listed.CompareAndSwap(false, true) {
		for {
			head := w.signed.Load()
			p.nextSigned = head
			if w.signed.CompareAndSwap(head, p) {
				break
			}
		}
	}
	// After the push: a watcher stopping reads the stack after it
	// stores running (see watch), so one of the two sees the other.
	if !w.running.Load() && w.running.CompareAndSwap(false, true) {
		go w.watch()
	}
}

// signOff takes p off the list and reports whether the watcher had
// started p's helpers, which have then been added to p.wg.
func (w *poolWatcher) signOff(p *pool) (helped bool) {
	if p.watch.CompareAndSwap(p.signedAs, p.signedAs&^watchPhase) {
		return false
	}
	// The watcher won: wait for it to have added the helpers to p.wg.
	// (An empty critical section: the watcher holds the lock from its
	// compare-and-swap until the helpers are added.)
	w.mu.Lock()
	w.mu.Unlock()
	return true
}

// watch ticks until no pool has signed on for helperIdleTicks, starting
// the helpers of every pool signed on two ticks ago or earlier.
func (w *poolWatcher) watch() {
	idle := 0
	for {
		time.Sleep(helperTick)
		tick := w.tick.Add(1)
		for p := w.signed.Swap(nil); p != nil; {
			next := p.nextSigned
			p.nextSigned = nil
			w.pools = append(w.pools, p)
			p = next
		}
		for i := 0; i < len(w.pools); {
			p := w.pools[i]
			s := p.watch.Load()
			if s&watchPhase != watchAlone {
				// Signed off, or helped: off the list, unless it signed
				// on again meanwhile and found itself still listed
				// (signOn stores watch before it reads listed; this
				// stores listed before it reads watch).
				p.listed.Store(false)
				if p.watch.Load()&watchPhase != watchAlone || !p.listed.CompareAndSwap(false, true) {
					last := len(w.pools) - 1
					w.pools[i], w.pools[last] = w.pools[last], nil
					w.pools = w.pools[:last]
					continue
				}
				s = p.watch.Load()
			}
			// (Re-read, the pool may have signed off again: only a
			// pool working alone gets helpers.)
			if s&watchPhase == watchAlone && tick-uint32(s>>2) >= 2 {
				w.mu.Lock()
				// Its caller may sign off (and the pool be reused) until
				// this succeeds; from then on it waits for the lock.
				if p.watch.CompareAndSwap(s, s&^watchPhase|watchHelped) {
					p.wg.Add(p.limit - 1)
					for n := 1; n < p.limit; n++ {
						go p.work(p.ctxp, true)
					}
				}
				w.mu.Unlock()
			}
			i++
		}
		if len(w.pools) > 0 {
			idle = 0
		} else if idle++; idle >= helperIdleTicks {
			w.running.Store(false)
			// A pool that signed on before the store saw the watcher
			// running: it is on the stack.
			if w.signed.Load() == nil || !w.running.CompareAndSwap(false, true) {
				return
			}
			idle = 0
		}
	}
}
