package engine

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Step Functions Local's WAIT_TIME_SCALE: Wait states and retry
// back-offs last their time multiplied by a scale (0: they end at once,
// 0.1: a tenth), on the real clock, while Task timeouts and heartbeats
// keep their time. --skip-waits differs: a fake clock that moves as if
// the whole time had passed.

// WaitTimeScaleEnv is the environment variable Step Functions Local
// reads the scale from.
const WaitTimeScaleEnv = "WAIT_TIME_SCALE"

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

// ParseWaitTimeScale reads a wait-time scale: a finite number, 0 or more.
func ParseWaitTimeScale(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("wait-time scale %q: want a number, 0 or more (0: waits end at once, 0.5: half the time)", s)
	}
	return f, nil
}

// waitScaleFlag is the --wait-time-scale flag: set reports whether it
// was given.
type waitScaleFlag struct {
	scale float64
	set   bool
}

func (f *waitScaleFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.scale, 'g', -1, 64)
}

func (f *waitScaleFlag) Set(s string) error {
	v, err := ParseWaitTimeScale(s)
	if err != nil {
		return err
	}
	f.scale, f.set = v, true
	return nil
}
