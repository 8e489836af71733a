package engine

import (
	"context"
	"math"
	"time"
)

// A Retrier is one element of a state's Retry field.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds float64
	MaxAttempts     int
	BackoffRate     float64
	MaxDelaySeconds float64 // 0: no cap
	JitterFull      bool
}

// Delay returns the back-off before retry number attempt (1-based) of r,
// before jitter: IntervalSeconds × BackoffRate^(attempt−1), capped by
// MaxDelaySeconds.
func (r *Retrier) Delay(attempt int) time.Duration {
	d := r.IntervalSeconds * math.Pow(r.BackoffRate, float64(attempt-1))
	if r.MaxDelaySeconds > 0 && d > r.MaxDelaySeconds {
		d = r.MaxDelaySeconds
	}
	if d > 99999999 {
		d = 99999999
	}
	return time.Duration(d * float64(time.Second))
}

// Retry runs body and, when it fails with an error a retrier matches,
// waits and runs it again, as the state's Retry field says. The first
// retrier whose ErrorEquals matches decides; each retrier counts its own
// attempts. It returns body's result or the error that ends the retries.
func (f *Frame) Retry(ctx context.Context, retriers []Retrier, body func(ctx context.Context) (any, error)) (any, error) {
	f.retries = true
	out, err := body(ctx)
	if err == nil {
		return out, nil
	}
	return f.RetryAfter(ctx, retriers, err, body)
}

// RetryAfter is Retry for work whose first attempt has run already, on
// this frame, and failed with err: it goes on from there exactly as
// Retry would (which retrier matches, back-off, jitter, MaxAttempts).
// Generated code calls a typed Task's handler directly the first time,
// through no closure and no Retry, and hands its error over here: a
// handler, once called, has run, so its state cannot be handed back
// unrun.
func (f *Frame) RetryAfter(ctx context.Context, retriers []Retrier, err error, body func(ctx context.Context) (any, error)) (any, error) {
	f.retries = true
	var counts []int
	for {
		e := AsError(err)
		if ctx.Err() != nil || e.Name == errExecutionCancelledInternal {
			return nil, err
		}
		i := -1
		for j := range retriers {
			if Matches(retriers[j].ErrorEquals, e.Name) {
				i = j
				break
			}
		}
		if i < 0 {
			return nil, err
		}
		if counts == nil {
			counts = make([]int, len(retriers))
		}
		r := &retriers[i]
		if counts[i] >= r.MaxAttempts {
			return nil, err
		}
		counts[i]++
		d := r.Delay(counts[i])
		if r.JitterFull {
			d = time.Duration(f.X.Rand() * float64(d))
		}
		if err := f.Sleep(ctx, d); err != nil {
			return nil, err
		}
		f.retryCount++
		var out any
		if out, err = body(ctx); err == nil {
			return out, nil
		}
	}
}
