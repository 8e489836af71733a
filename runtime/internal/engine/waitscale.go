package engine

import (
	"context"
	"time"
)

// Step Functions Local's WAIT_TIME_SCALE: Wait states and retry
// back-offs last their time multiplied by a scale (0: they end at once,
// 0.1: a tenth), on the real clock, while Task timeouts and heartbeats
// keep their time. --skip-waits differs: a fake clock that moves as if
// the whole time had passed.

// A ScaledClock is the real clock whose sleeps (Wait states, retry
// back-offs) last Scale times their duration.
type ScaledClock struct {
	RealClock
	Scale float64
}

// Sleep waits d times the scale.
func (c ScaledClock) Sleep(ctx context.Context, d time.Duration) error {
	return c.RealClock.Sleep(ctx, time.Duration(float64(d)*c.Scale))
}
