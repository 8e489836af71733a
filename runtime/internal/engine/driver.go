package engine

import (
	"context"
	"time"
)

// A Driver makes an execution durable (package durable has one on DBOS):
// the runtime hands it every effect that a resumed execution must not
// redo, and every value not derived from the input that a resumed
// execution must see again. An execution resumed by running it from its
// start with the same Options (Name, StartTime, Seed, TokenKey) and a
// Driver that answers from its records goes through the same states with
// the same values: Task results, sleeps and callbacks come from the
// Driver; $$.State.EnteredTime from Driver.Now; States.UUID,
// States.MathRandom and retry jitter from the seeded source, drawn in the
// same order because, with a Driver, Parallel branches and Map iterations
// run one after another (a Driver's records are a sequence), or, with a
// ChildDriver (children.go), each on a Driver and random source of its own.
//
// An execution without a Driver pays nothing for this: the runtime tests
// one pointer at the points below.
type Driver interface {
	// Task runs one invocation of a Task state through invoke, or returns
	// the outcome recorded for it.
	Task(ctx context.Context, call *TaskCall, invoke func(context.Context) (any, error)) (any, error)
	// AwaitCallback waits for SendTaskSuccess (its output), SendTaskFailure
	// (an *Error, see CallbackFailure) or, after timeout or heartbeat
	// without a heartbeat (0: none), the ASL timeout errors; it returns the
	// recorded outcome when there is one.
	AwaitCallback(ctx context.Context, call *TaskCall, timeout, heartbeat time.Duration) (any, error)
	// Sleep waits d for a Wait state or a retry's back-off.
	Sleep(ctx context.Context, d time.Duration) error
	// Now is the time an execution shows ($$.State.EnteredTime). It has
	// no context: it is asked for while a state evaluates its fields.
	Now() time.Time
	// Event is called with every history event as it is recorded.
	Event(e Event)
}

// sleep waits d on the execution's Driver or clock.
func (x *Execution) sleep(ctx context.Context, d time.Duration) error {
	if x.driver != nil {
		return x.driver.Sleep(ctx, d)
	}
	return x.Clock.Sleep(ctx, d)
}

// Timeout errors for a Driver's AwaitCallback.
var (
	// ErrCallbackTimedOut fails a callback Task whose TimeoutSeconds passed.
	ErrCallbackTimedOut error = errTaskTimeout
	// ErrCallbackHeartbeatTimedOut fails a callback Task whose
	// HeartbeatSeconds passed without a heartbeat.
	ErrCallbackHeartbeatTimedOut error = errHeartbeatTimeout
)

// Draws are the values not derived from the input that JSONata's
// $now(), $millis(), $random() and $uuid() return. A durable execution's
// come from its Driver (the time, recorded) and its seeded source (the
// random numbers and UUIDs, drawn in the same order on every run), so
// that a resumed execution sees the values it saw, as it does those of
// $$.State.EnteredTime, States.UUID and States.MathRandom.
type Draws interface {
	Now() time.Time
	Rand() float64
	UUID() string
}

type drawsKey struct{}

// DrawsFrom returns the Draws of the durable execution ctx runs in; nil
// for an execution without a Driver, whose JSONata reads the process's
// clock and random generator as it always has. ctx may be nil.
func DrawsFrom(ctx context.Context) Draws {
	if ctx == nil {
		return nil
	}
	d, _ := ctx.Value(drawsKey{}).(Draws)
	return d
}

// durableDraws are the Draws of an execution with a Driver.
type durableDraws struct{ x *Execution }

func (d durableDraws) Now() time.Time { return d.x.driver.Now() }
func (d durableDraws) Rand() float64  { return d.x.Rand() }
func (d durableDraws) UUID() string   { return d.x.UUID() }
