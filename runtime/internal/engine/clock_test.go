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
		last := newWallBase(tc.last)
		wallRead.Store(last)
		got := RealClock{}.Now()
		if d := time.Since(got); d < 0 || d > time.Second {
			t.Errorf("%s last read: Now = %v, want about now", tc.name, got)
		}
		if wallRead.Load() == last {
			t.Errorf("%s last read was kept", tc.name)
		}
	}
}

// nowUTCMillis reads RealClock as RealClock.Now would, truncated to the
// millisecond in UTC without a monotonic reading, whatever the last wall
// read's nanoseconds (a millisecond is crossed between it and now), and
// any other clock as its Now says.
func TestNowUTCMillis(t *testing.T) {
	defer wallRead.Store(nil)
	for _, within := range []int{0, 1, 500_000, 999_000, 999_999} {
		base := time.Now()
		base = base.Add(time.Duration(within - base.Nanosecond()%int(time.Millisecond)))
		wallRead.Store(newWallBase(base))
		for i := 0; i < 200; i++ {
			before := truncateMillis(RealClock{}.Now().UTC())
			got := nowUTCMillis(RealClock{})
			after := truncateMillis(RealClock{}.Now().UTC())
			if got.Before(before) || got.After(after) || got.Nanosecond()%int(time.Millisecond) != 0 ||
				got.Location() != time.UTC || got != got.Round(0) {
				t.Fatalf("base at %d ns within its ms: %v, want a UTC millisecond in [%v, %v] without a monotonic reading", within, got, before, after)
			}
		}
	}
	fake := NewFakeClock(time.Date(2024, 1, 2, 3, 4, 5, 6_789_012, time.FixedZone("X", 3600)))
	if got, want := nowUTCMillis(fake), time.Date(2024, 1, 2, 2, 4, 5, 6_000_000, time.UTC); got != want {
		t.Errorf("fake clock: %v, want %v", got, want)
	}
}

// nowUTC reads RealClock as RealClock.Now would, in UTC without a
// monotonic reading, and any other clock as its Now says.
func TestNowUTC(t *testing.T) {
	defer wallRead.Store(nil)
	wallRead.Store(newWallBase(time.Now()))
	for i := 0; i < 200; i++ {
		before := RealClock{}.Now().Round(0)
		got := nowUTC(RealClock{})
		after := RealClock{}.Now().Round(0)
		if got.Before(before) || got.After(after) || got.Location() != time.UTC || got != got.Round(0) {
			t.Fatalf("%v, want a UTC time in [%v, %v] without a monotonic reading", got, before, after)
		}
	}
	fake := NewFakeClock(time.Date(2024, 1, 2, 3, 4, 5, 6_789_012, time.FixedZone("X", 3600)))
	if got, want := nowUTC(fake), time.Date(2024, 1, 2, 2, 4, 5, 6_789_012, time.UTC); got != want {
		t.Errorf("fake clock: %v, want %v", got, want)
	}
}

// nowUTCMillis truncates down before 1970 too, as Truncate does (a
// division truncates towards zero: 1 ms late).
func TestNowUTCMillisBefore1970(t *testing.T) {
	defer wallRead.Store(nil)
	base := time.Unix(-10, 100) // 100 ns into a millisecond, before the epoch
	wallRead.Store(&wallBase{t: time.Now(), unix: base.UnixNano()})
	got := nowUTCMillis(RealClock{})
	// Less than 0.9999 ms passes between the store and the read.
	if want := base.Truncate(time.Millisecond).UTC(); got != want {
		t.Errorf("%v, want %v", got, want)
	}
}
