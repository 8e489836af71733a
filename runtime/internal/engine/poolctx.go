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
	// err is nil while c lives and nobody asked for Done; &ctxWatched
	// while it lives and Done has been made (AfterFunc makes it), so that
	// ending c must close done, run afters and stop watching the parent;
	// the error once c has ended. Unwatched, c ends with one
	// compare-and-swap, without the lock (see release). (A flag of its
	// own made a Parallel's allocation a size class larger.)
	err atomic.Pointer[error]

	mu         sync.Mutex
	done       chan struct{}        // made by the first Done
	stopParent func() bool          // stops watching the parent
	afters     map[*func()]struct{} // AfterFunc callbacks not run yet
}

func (c *poolCtx) Deadline() (time.Time, bool) { return c.parent.Deadline() }
func (c *poolCtx) Value(key any) any           { return c.parent.Value(key) }

// ctxWatched is poolCtx.err's mark of a context that lives and whose
// Done has been made.
var ctxWatched error

func (c *poolCtx) Err() error {
	if err := c.ended(); err != nil {
		return *err
	}
	return c.parent.Err()
}

// ended returns c's error if it has ended, else nil.
func (c *poolCtx) ended() *error {
	if err := c.err.Load(); err != &ctxWatched {
		return err
	}
	return nil
}

func (c *poolCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		switch {
		case !c.err.CompareAndSwap(nil, &ctxWatched): // ended
			close(c.done)
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
	if c.ended() != nil {
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

// cancelLocked is cancel, with c.mu held. Done, made under the lock
// too, marks err watched as it makes done: a context not marked has no
// done, no callbacks and no watch on its parent yet.
func (c *poolCtx) cancelLocked(err *error) {
	if !c.err.CompareAndSwap(&ctxWatched, err) {
		c.err.CompareAndSwap(nil, err)
		return
	}
	close(c.done)
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
// Most contexts are never watched: then it ends c with one
// compare-and-swap (a lock and unlock cost about 80 instructions a
// Parallel or Map). Done marks c watched by a compare-and-swap on the
// same word: one of the two wins, and if Done loses it makes done closed.
func (c *poolCtx) release() {
	if c.err.CompareAndSwap(nil, &errCanceled) {
		return
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
