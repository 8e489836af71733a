package durable

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// oneWait is a machine of one Wait state of the given seconds.
func oneWait(name string, seconds int64) *sfnrt.Machine {
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Long", Kind: "Wait"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, f.WaitSeconds(ctx, seconds)
		},
	}
	return &sfnrt.Machine{Name: name, Program: p}
}

// A parked execution keeps its deadline: the machine's TimeoutSeconds,
// and AWS's year for a Standard execution when the machine has none. The
// year is tested on executions started (as their workflow's input says)
// a year less two seconds ago: parked at a callback without a timeout,
// or in a Wait that would end after the year, a waker must wake them at
// the year's end and the execution must time out then.
func TestParkedExecutionDeadlines(t *testing.T) {
	year := time.Duration(sfnrt.MaxStandardSeconds) * time.Second
	tests := []struct {
		name    string
		machine func() *sfnrt.Machine
		timeout int64         // the machine's TimeoutSeconds
		age     time.Duration // how long before now the execution started
		wakeAt  time.Duration // the waker's time after the start
	}{
		{"machine timeout at a callback", func() *sfnrt.Machine { return oneCallback("tcb", 0, 0, make(chan string, 1)) }, 2, 0, 2 * time.Second},
		{"machine timeout in a Wait", func() *sfnrt.Machine { return oneWait("twait", 3600) }, 2, 0, 2 * time.Second},
		{"a year at a callback", func() *sfnrt.Machine { return oneCallback("ycb", 0, 0, make(chan string, 1)) }, 0, year - 2*time.Second, year},
		{"a year in a Wait", func() *sfnrt.Machine { return oneWait("ywait", 400*24*3600) }, 0, year - 2*time.Second, year},
		{"a year, a longer TimeoutSeconds", func() *sfnrt.Machine { return oneWait("ylong", 400*24*3600) }, 2 * sfnrt.MaxStandardSeconds, year - 2*time.Second, year},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			m := tc.machine()
			m.TimeoutSeconds = tc.timeout
			e, err := Open(ctx, m, Config{Store: sqliteStore(t), ParkAfter: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if err := e.Work(); err != nil {
				t.Fatal(err)
			}
			start := time.Now().Add(-tc.age).Truncate(time.Millisecond)
			arn := e.arn("old")
			in := execInput{Name: "old", Input: `{}`, StartTime: start.UnixMilli(), Seed: rand.Int64()}
			if _, err := dbos.RunWorkflow(e.ctx, e.run, in, dbos.WithWorkflowID(arn)); err != nil {
				t.Fatal(err)
			}
			var p *parkRecord
			waitFor(t, func() bool { p = e.parkOf(arn); return p != nil })
			if got, want := time.UnixMilli(p.WakeAt), start.Add(tc.wakeAt); !got.Equal(want) {
				t.Errorf("parked to wake at %v after the start, want %v", got.Sub(start), tc.wakeAt)
			}
			d, err := e.Wait(ctx, arn)
			if err != nil {
				t.Fatalf("%v; parked at %+v", err, e.parkOf(arn))
			}
			if d.Status != sfnrt.StatusTimedOut {
				t.Fatalf("%s %s, want TIMED_OUT", d.Status, deref(d.Error))
			}
		})
	}
}
