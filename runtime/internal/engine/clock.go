package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A Clock tells the time and waits. Executions use RealClock, or a
// FakeClock for time skipping (--skip-waits) and tests.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx's error then.
	Sleep(ctx context.Context, d time.Duration) error
	// WithTimeout is context.WithTimeoutCause on this clock's time.
	WithTimeout(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc)
	// AfterFunc calls f once d has passed on this clock, unless stop is
	// called first; stop reports whether it prevented the call.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current time. Every execution reads the clock at its
// start and its stop; time.Now reads two clocks (wall and monotonic) for
// that, which was measurable on short executions. Now reads the wall
// clock at most once a second and the monotonic clock otherwise, adding
// the time elapsed since the last wall read: a step of the system clock
// shows within a second, and no date is more than a second late to it.
func (RealClock) Now() time.Time {
	b, d := sinceWallRead()
	return b.t.Add(d)
}

// A wallBase is a read of the wall clock: the time, with its monotonic
// reading, and its Unix time in nanoseconds, from which an execution's
// dates are made by an integer addition rather than time.Time.Add (whose
// monotonic and location handling cost each date about 75 instructions).
type wallBase struct {
	t    time.Time
	unix int64
}

// newWallBase returns the wallBase of t.
func newWallBase(t time.Time) *wallBase { return &wallBase{t: t, unix: t.UnixNano()} }

// wallRead is RealClock's last read of the wall clock (time.Since of its
// t reads only the monotonic clock).
var wallRead atomic.Pointer[wallBase]

// sinceWallRead returns RealClock's last read of the wall clock and the
// time elapsed since, reading the wall clock again when that read is
// wallReadEvery old or seems to be in the future.
func sinceWallRead() (*wallBase, time.Duration) {
	if b := wallRead.Load(); b != nil {
		if d := time.Since(b.t); d >= 0 && d < wallReadEvery {
			return b, d
		}
	}
	b := newWallBase(time.Now())
	wallRead.Store(b)
	return b, 0
}

// nowUTCMillis returns clock.Now() in UTC truncated to the millisecond,
// as an execution's start date is kept. For RealClock it makes the date
// from the Unix time of the last wall read plus the time elapsed since,
// in integers: every execution's start reads it.
func nowUTCMillis(clock Clock) time.Time {
	if _, real := clock.(RealClock); real {
		b, d := sinceWallRead()
		ns := b.unix + int64(d)
		ms := ns / int64(time.Millisecond)
		if ns%int64(time.Millisecond) < 0 {
			ms-- // before 1970: truncate down, as Truncate does
		}
		return time.UnixMilli(ms).UTC()
	}
	return truncateMillis(clock.Now().UTC())
}

// nowUTC returns clock.Now() in UTC without a monotonic reading, as an
// execution's stop date is kept; for RealClock, made as nowUTCMillis
// makes the start date: every execution's end reads it.
func nowUTC(clock Clock) time.Time {
	if _, real := clock.(RealClock); real {
		b, d := sinceWallRead()
		return time.Unix(0, b.unix+int64(d)).UTC()
	}
	return clock.Now().UTC()
}

// wallReadEvery is how long RealClock.Now goes without reading the wall
// clock.
const wallReadEvery = time.Second

// Sleep waits for d or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// WithTimeout is context.WithTimeoutCause.
func (RealClock) WithTimeout(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, cause)
}

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// A FakeClock advances only when something sleeps on it: a sleep of d
// moves the clock forward by d at once. Timeouts set with WithTimeout
// fire when the clock passes their deadline.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at time.Time
	fn func()
}

// NewFakeClock returns a fake clock at start (now, when start is zero).
func NewFakeClock(start time.Time) *FakeClock {
	if start.IsZero() {
		start = time.Now()
	}
	return &FakeClock{now: start}
}

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and fires due timeouts.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t)
		} else {
			kept = append(kept, t)
		}
	}
	c.timers = kept
	c.mu.Unlock()
	for _, t := range due {
		t.fn()
	}
}

// Sleep advances the clock by d, unless a timeout fires first, in which
// case the clock stops at that deadline.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.mu.Lock()
		target := c.now.Add(d)
		for _, t := range c.timers {
			if t.at.Before(target) {
				target = t.at
			}
		}
		step := target.Sub(c.now)
		c.mu.Unlock()
		c.Advance(step)
	}
	return ctx.Err()
}

// WithTimeout returns a context cancelled with cause once the fake clock
// reaches now+d.
func (c *FakeClock) WithTimeout(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	cctx, cancel := context.WithCancelCause(ctx)
	if d <= 0 {
		// Past already (a resumed execution's deadline): ended at
		// once, as context.WithTimeoutCause's would be.
		cancel(cause)
		return cctx, func() { cancel(context.Canceled) }
	}
	stop := c.AfterFunc(d, func() { cancel(cause) })
	return cctx, func() {
		stop()
		cancel(context.Canceled)
	}
}

// AfterFunc calls f when the fake clock reaches now+d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), fn: f}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, u := range c.timers {
			if u == t {
				c.timers = append(c.timers[:i], c.timers[i+1:]...)
				return true
			}
		}
		return false
	}
}
