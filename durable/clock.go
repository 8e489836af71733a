package durable

import (
	"context"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// replayClock is the wall clock of an execution that a worker runs again
// (after a restart, a wake-up or a redrive), whose timeouts start only
// once the run has replayed its recorded steps. The machine's
// TimeoutSeconds keeps its deadline across runs (see
// sfnrt.Options.TimeoutStart): a deadline that passed while nobody ran
// the execution must end it where it had got to, not at a state it
// replays, whose events are stored already.
type replayClock struct {
	sfnrt.RealClock
	live chan struct{} // closed once the run goes past its records
}

// WithTimeout is context.WithTimeoutCause, the timer started once the
// run is live, for what remains then of d from now.
func (c *replayClock) WithTimeout(ctx context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	select {
	case <-c.live:
		return c.RealClock.WithTimeout(ctx, d, cause)
	default:
	}
	deadline := time.Now().Add(d)
	tctx, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-tctx.Done():
			return
		case <-c.live:
		}
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		select {
		case <-tctx.Done():
		case <-t.C:
			cancel(cause)
		}
	}()
	return tctx, func() { cancel(context.Canceled) }
}

// recordedSteps returns how many steps the workflow arn has recorded.
func (e *Executor) recordedSteps(arn string) (int, error) {
	steps, err := dbos.GetWorkflowSteps(e.ctx, arn, dbos.WithStepsLoadOutput(false))
	n := 0
	for _, s := range steps {
		n = max(n, s.StepID+1)
	}
	return n, err
}

// goLive starts the replay clock's timers once the run's next step is
// the last it recorded (which may be a sleep or a wait still under way
// when the run stopped, which the replay continues) or a new one.
func (d *driver) goLive() {
	if d.live == nil {
		return
	}
	if step, err := dbos.GetStepID(d.wctx); err == nil && step+1 >= d.recorded-1 {
		close(d.live)
		d.live = nil
	}
}
