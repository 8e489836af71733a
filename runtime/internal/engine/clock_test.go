package engine

import (
	"testing"
	"time"
)

// TestRealClockNow checks RealClock.Now against time.Now read around it:
// monotonic order exactly, wall time within a millisecond (NTP slews the
// wall clock by at most 0.5 ms a second against the monotonic one).
func TestRealClockNow(t *testing.T) {
	for i := 0; i < 1000; i++ {
		before := time.Now()
		got := RealClock{}.Now()
		after := time.Now()
		if got.Before(before) || got.After(after) {
			t.Fatalf("monotonic: %v not within [%v, %v]", got, before, after)
		}
		wall := got.Round(0)
		if wall.Before(before.Round(0).Add(-time.Millisecond)) || wall.After(after.Round(0).Add(time.Millisecond)) {
			t.Fatalf("wall: %v not within [%v, %v] ± 1ms", wall, before.Round(0), after.Round(0))
		}
	}
}

// TestRealClockRereadsWall checks that RealClock.Now reads the wall clock
// again when its last read is more than wallReadEvery old, so that a step
// of the system clock shows within that, and when the last read seems to
// be in the future.
func TestRealClockRereadsWall(t *testing.T) {
	defer wallRead.Store(nil)
	for _, tc := range []struct {
		name string
		last time.Time
	}{
		{"old", time.Now().Add(-2 * wallReadEvery)},
		{"future", time.Now().Add(time.Hour)},
	} {
		last := tc.last
		wallRead.Store(&last)
		got := RealClock{}.Now()
		if d := time.Since(got); d < 0 || d > time.Second {
			t.Errorf("%s last read: Now = %v, want about now", tc.name, got)
		}
		if wallRead.Load() == &last {
			t.Errorf("%s last read was kept", tc.name)
		}
	}
}
