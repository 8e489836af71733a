package engine

import (
	"context"
	"sync"
)

// In-memory callbacks: a callback Task of an execution without a Driver
// waits here for SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat
// from code in the same process. (A durable execution's Driver waits in
// its store instead.)

// callbacks maps the token of every callback Task waiting in this
// process to its waiter; tokens name their execution, so one map serves
// every machine.
var callbacks sync.Map // string → *callbackWaiter

// A callbackWaiter is one callback Task waiting for its token.
type callbackWaiter struct {
	done chan struct{}
	out  any
	err  error
	hb   *heartbeat // nil without HeartbeatSeconds
}

// awaitCallback registers token and returns its waiter; the caller must
// call release when it stops waiting.
func awaitCallback(token string, hb *heartbeat) *callbackWaiter {
	w := &callbackWaiter{done: make(chan struct{}), hb: hb}
	callbacks.Store(token, w)
	return w
}

// release forgets the token: a completion that comes later is refused
// as for a task that no longer exists.
func (w *callbackWaiter) release(token string) { callbacks.CompareAndDelete(token, w) }

// wait returns the outcome a SendTask* call gave, or ctx's end (the
// Task's timeout or heartbeat, or the execution's end) as ctx.Err().
func (w *callbackWaiter) wait(ctx context.Context) (any, error) {
	select {
	case <-w.done:
		return w.out, w.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// SendTaskSuccess completes the callback Task waiting in this process for
// token with output, a JSON document, as the Step Functions API of that
// name does.
func SendTaskSuccess(token, output string) error {
	if len(output) > MaxPayloadBytes {
		return &APIError{Code: "InvalidOutput", Message: "The output exceeds the maximum size of 262144 bytes"}
	}
	v, err := ParseJSON([]byte(output))
	if err != nil {
		return &APIError{Code: "InvalidOutput", Message: "Invalid JSON: " + err.Error()}
	}
	return complete(token, v, nil)
}

// SendTaskFailure fails the callback Task waiting in this process for
// token with error and cause (either may be empty), as the Step Functions
// API of that name does.
func SendTaskFailure(token, errorName, cause string) error {
	if err := CheckErrorCause(errorName, cause); err != nil {
		return err
	}
	return complete(token, nil, CallbackFailure(errorName, cause))
}

// CallbackFailure is the ASL error a SendTaskFailure with errorName and
// cause fails its Task with.
func CallbackFailure(errorName, cause string) *Error {
	return &Error{Name: errorName, Cause: cause, HasCause: cause != ""}
}

// SendTaskHeartbeat tells the callback Task waiting in this process for
// token that its worker is alive, restarting its HeartbeatSeconds.
func SendTaskHeartbeat(token string) error {
	v, ok := callbacks.Load(token)
	if !ok {
		return unknownToken(token)
	}
	if w := v.(*callbackWaiter); w.hb != nil {
		w.hb.beat()
	}
	return nil
}

// complete ends the wait of token's Task with out or err.
func complete(token string, out any, err error) error {
	v, ok := callbacks.LoadAndDelete(token)
	if !ok {
		return unknownToken(token)
	}
	w := v.(*callbackWaiter)
	w.out, w.err = out, err
	close(w.done)
	return nil
}

// unknownToken is AWS's answer to a token that no Task waits for: a
// token that is not one (InvalidToken), or one whose Task has ended or
// is not in this process (TaskDoesNotExist).
func unknownToken(token string) error {
	if _, ok := ParseTaskToken(processTokenKey(), token); !ok {
		if len(token) == 0 || len(token) > 2048 {
			return &APIError{Code: "InvalidToken", Message: "Invalid token"}
		}
		if _, err := decodeTokenShape(token); err != nil {
			return &APIError{Code: "InvalidToken", Message: "Invalid token"}
		}
	}
	return &APIError{Code: "TaskDoesNotExist", Message: "Task does not exist anymore"}
}

// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat as methods, for
// code that holds the machine rather than the package.

// SendTaskSuccess is the package's SendTaskSuccess.
func (m *Machine) SendTaskSuccess(token, output string) error { return SendTaskSuccess(token, output) }

// SendTaskFailure is the package's SendTaskFailure.
func (m *Machine) SendTaskFailure(token, errorName, cause string) error {
	return SendTaskFailure(token, errorName, cause)
}

// SendTaskHeartbeat is the package's SendTaskHeartbeat.
func (m *Machine) SendTaskHeartbeat(token string) error { return SendTaskHeartbeat(token) }
