package sfnrt

import (
	"context"
	"sync"
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
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now.
func (RealClock) Now() time.Time { return time.Now() }

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

// A FakeClock advances only when something sleeps on it: a sleep of d
// moves the clock forward by d at once. Timeouts set with WithTimeout
// fire when the clock passes their deadline.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at     time.Time
	cancel context.CancelCauseFunc
	cause  error
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
		t.cancel(t.cause)
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
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), cancel: cancel, cause: cause}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	return cctx, func() {
		c.mu.Lock()
		for i, u := range c.timers {
			if u == t {
				c.timers = append(c.timers[:i], c.timers[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		cancel(context.Canceled)
	}
}
