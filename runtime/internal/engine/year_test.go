package engine

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A STANDARD execution that runs past a year times out with
// States.Timeout, counted from its start, wherever it can live that long:
// on a clock of its own (--skip-waits, and a durable execution's recorded
// start, which a resumed execution has in the past). A machine's
// TimeoutSeconds counts from the start likewise.
func TestStandardYear(t *testing.T) {
	const day = 24 * time.Hour
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	wait := func(d time.Duration) *Program {
		return &Program{
			States: []StateInfo{{Name: "Wait", Kind: "Wait"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				if err := f.Sleep(ctx, d); err != nil {
					return End, nil, err
				}
				return End, in, nil
			},
		}
	}
	tests := []struct {
		name    string
		timeout int64         // the machine's TimeoutSeconds
		started time.Duration // before now
		wait    time.Duration
		typ     string
		want    string
	}{
		{name: "a Wait within the year", wait: 364 * day, want: StatusSucceeded},
		{name: "a Wait past the year", wait: 366 * day, want: StatusTimedOut},
		{name: "the longest Wait ASL allows", wait: 99999999 * time.Second, want: StatusTimedOut},
		{name: "EXPRESS: five minutes", wait: 6 * time.Minute, typ: "EXPRESS", want: StatusTimedOut},
		{name: "resumed after a year", started: 366 * day, want: StatusTimedOut},
		{name: "resumed near the year, waits past it", started: 364 * day, wait: 2 * day, want: StatusTimedOut},
		{name: "resumed near the year, ends within it", started: 364 * day, wait: 12 * time.Hour, want: StatusSucceeded},
		{name: "TimeoutSeconds from the start", timeout: 100, started: 90 * time.Second, wait: 20 * time.Second, want: StatusTimedOut},
		{name: "TimeoutSeconds within it", timeout: 100, started: 70 * time.Second, wait: 20 * time.Second, want: StatusSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Machine{Name: "m", TimeoutSeconds: tt.timeout, Program: wait(tt.wait)}
			res := m.Start(context.Background(), ObjectOf(), Options{Clock: NewFakeClock(now), StartTime: now.Add(-tt.started), Type: tt.typ})
			got := []string{res.Status, res.Error, res.Cause}
			if diff := cmp.Diff([]string{tt.want, "", ""}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
