package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// retryRun is what one Task state's attempts left behind: when each
// attempt started (on the fake clock), the outcome, $$.State.RetryCount,
// the events counted, and the next draw of the execution's random source
// (so jitter drew as often).
type retryRun struct {
	Calls      []time.Duration
	Out, Err   string
	RetryCount int
	Retries    bool
	Events     int64
	NextDraw   int64
}

// TestRetryTaskInlineIsRetry: a typed handler called directly the
// first time, its error handed to RetryAfter (RunTaskInline, then
// RetryTaskInline), runs
// exactly as the same handler under Retry does: random Retry fields
// (several retriers, MaxAttempts 0, back-off rates, caps, full jitter)
// against handlers that fail at random attempts with errors that a
// retrier matches, that none does, plain Go errors (States.TaskFailed)
// and panics.
func TestRetryTaskInlineIsRetry(t *testing.T) {
	names := []string{"A", "B", ErrTaskFailed, ErrALL}
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var retriers []Retrier
		for range 1 + rng.IntN(3) {
			r := Retrier{
				ErrorEquals:     []string{names[rng.IntN(len(names))]},
				IntervalSeconds: float64(1 + rng.IntN(3)),
				MaxAttempts:     rng.IntN(4),
				BackoffRate:     1 + float64(rng.IntN(4))/2,
				JitterFull:      rng.IntN(2) == 0,
			}
			if rng.IntN(3) == 0 {
				r.MaxDelaySeconds = 3
			}
			retriers = append(retriers, r)
		}
		// What attempt n does: succeed, fail with a named error, a plain
		// one or a panic.
		var script []string
		for range 8 {
			script = append(script, []string{"ok", "A", "B", "C", "plain", "panic"}[rng.IntN(6)])
		}
		run := func(attempted *int) func(context.Context, int) (any, int, error) {
			return func(_ context.Context, in int) (any, int, error) {
				n := *attempted
				*attempted++
				switch s := script[n%len(script)]; s {
				case "ok":
					return int64(in + n), 0, nil
				case "plain":
					return nil, 0, errors.New("plain failure")
				case "panic":
					panic("handler panicked")
				default:
					return nil, 0, NewError(s, "attempt "+fmt.Sprint(n))
				}
			}
		}
		do := func(direct bool) retryRun {
			clock := NewFakeClock(time.Unix(0, 0))
			x := &Execution{Clock: clock}
			x.Seed(int64(seed))
			f := &Frame{X: x}
			var got retryRun
			attempted := 0
			handler := run(&attempted)
			timed := func(_ *Frame, ctx context.Context, in int) (any, int, error) {
				got.Calls = append(got.Calls, clock.Now().Sub(time.Unix(0, 0)))
				return handler(ctx, in)
			}
			var out any
			var err error
			if direct {
				out, err = RunTaskInline(context.Background(), f, true, timed, f, 40)
				if err != nil {
					out, err = RetryTaskInline(context.Background(), f, retriers, err, timed, f, 40)
				}
			} else {
				out, err = f.Retry(context.Background(), retriers, func(ctx context.Context) (any, error) {
					return RunTaskInline(ctx, f, false, timed, f, 40)
				})
			}
			got.Out = ToJSON(out)
			if err != nil {
				e := AsError(err)
				got.Err = e.Name + ": " + e.Cause
			}
			got.RetryCount, got.Retries, got.Events = f.retryCount, f.retries, x.events.n.Load()
			got.NextDraw = x.RandInt63()
			return got
		}
		want, got := do(false), do(true)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d, retriers %+v, script %v: RunTaskInline and RetryTaskInline differ from Retry (-Retry +direct):\n%s", seed, retriers, script, diff)
		}
	}
}
