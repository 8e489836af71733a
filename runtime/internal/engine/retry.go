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
	var counts []int
	for {
		out, err := body(ctx)
		if err == nil {
			return out, nil
		}
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
	}
}
