package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// poolCtx is the context of a Parallel's or Map's items: its parent's,
// and cancelled as well when an item fails. context.WithCancel cost two
// allocations and a lock on every Parallel and Map state, though most
// items never wait on their context: a poolCtx makes its Done channel,
// and watches its parent, only once something asks for Done.
//
// It implements AfterFunc, so that contexts derived from it (a Task's
// timeout) register with it as they would with a cancelCtx instead of
// each starting a goroutine to watch it.
type poolCtx struct {
	parent context.Context
	err    atomic.Pointer[error] // set once, when cancelled
	// watched: Done has been called (AfterFunc calls it), so that ending
	// c must close done, run afters and stop watching the parent. Until
	// then release ends c with one atomic operation, without the lock.
	watched atomic.Bool

	mu         sync.Mutex
	done       chan struct{}        // made by the first Done
	closed     bool                 // done is closed
	stopParent func() bool          // stops watching the parent
	afters     map[*func()]struct{} // AfterFunc callbacks not run yet
}

func (c *poolCtx) Deadline() (time.Time, bool) { return c.parent.Deadline() }
func (c *poolCtx) Value(key any) any           { return c.parent.Value(key) }

func (c *poolCtx) Err() error {
	if err := c.err.Load(); err != nil {
		return *err
	}
	return c.parent.Err()
}

func (c *poolCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.watched.Store(true) // before err is read: see release
		c.done = make(chan struct{})
		switch {
		case c.err.Load() != nil:
			close(c.done)
			c.closed = true
		case c.parent.Done() != nil:
			parent := c.parent
			c.stopParent = context.AfterFunc(parent, func() {
				err := parent.Err()
				c.cancel(&err)
			})
		}
	}
	return c.done
}

// AfterFunc runs f on its own goroutine once c is cancelled, as
// context.AfterFunc does; stop unregisters f and reports whether it did.
func (c *poolCtx) AfterFunc(f func()) (stop func() bool) {
	c.Done() // the parent's end must reach f too
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err.Load() != nil {
		go f()
		return func() bool { return false }
	}
	if c.afters == nil {
		c.afters = map[*func()]struct{}{}
	}
	key := &f
	c.afters[key] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, waiting := c.afters[key]
		delete(c.afters, key)
		return waiting
	}
}

// errCanceled is context.Canceled where poolCtx.err can point to it
// without allocating.
var errCanceled = context.Canceled

// cancel ends c with *err, unless it has ended already.
func (c *poolCtx) cancel(err *error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancelLocked(err)
}

// cancelLocked is cancel, with c.mu held. (c.err may have been set by
// release without the lock: done is closed, and afters run, all the same.)
func (c *poolCtx) cancelLocked(err *error) {
	c.err.CompareAndSwap(nil, err)
	if c.done != nil && !c.closed {
		close(c.done)
		c.closed = true
	}
	if c.afters != nil {
		// Ranging over a nil map still starts an iterator: every
		// Parallel and Map releases its context, and most register none.
		for f := range c.afters {
			go (*f)()
		}
		c.afters = nil
	}
}

// release ends c, as the cancel of context.WithCancel did when the pool
// returned, and stops watching the parent.
//
// Most contexts are never watched: then it sets err with one atomic
// operation (a lock and unlock cost about 80 instructions a Parallel or
// Map). Done stores watched before it reads err, release reads watched
// after it sets err: one of them sees the other, so a Done made
// meanwhile is closed either by Done itself or by the locked path below.
func (c *poolCtx) release() {
	if !c.watched.Load() {
		c.err.CompareAndSwap(nil, &errCanceled)
		if !c.watched.Load() {
			return
		}
	}
	c.mu.Lock()
	c.cancelLocked(&errCanceled)
	stop := c.stopParent
	c.stopParent = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}
