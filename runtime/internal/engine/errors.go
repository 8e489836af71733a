package engine

import (
	"context"
	"errors"
)

// Predefined ASL error names.
const (
	ErrALL                        = "States.ALL"
	ErrRuntime                    = "States.Runtime"
	ErrTimeout                    = "States.Timeout"
	ErrHeartbeatTimeout           = "States.HeartbeatTimeout"
	ErrTaskFailed                 = "States.TaskFailed"
	ErrPermissions                = "States.Permissions"
	ErrDataLimitExceeded          = "States.DataLimitExceeded"
	ErrResultPathMatchFailure     = "States.ResultPathMatchFailure"
	ErrParameterPathFailure       = "States.ParameterPathFailure"
	ErrIntrinsicFailure           = "States.IntrinsicFailure"
	ErrNoChoiceMatched            = "States.NoChoiceMatched"
	ErrBranchFailed               = "States.BranchFailed"
	ErrExceedToleratedFailure     = "States.ExceedToleratedFailureThreshold"
	ErrQueryEvaluationError       = "States.QueryEvaluationError"
	ErrItemReaderFailed           = "States.ItemReaderFailed"
	ErrResultWriterFailed         = "States.ResultWriterFailed"
	errExecutionCancelledInternal = "States.Cancelled"
)

// An Error is an ASL error: a name that Retry and Catch match against and
// a cause. Task handlers return one to fail with a chosen name; any other
// error from a handler becomes States.TaskFailed with its text as cause.
type Error struct {
	Name  string // the ASL error name, e.g. "States.Timeout" or "OrderNotFound"
	Cause string // human-readable detail; may be empty
	// HasCause distinguishes an empty cause from no cause, which matters for
	// the error output {"Error", "Cause"} of a Catch.
	HasCause bool
}

// NewError returns an *Error with the given name and cause.
func NewError(name, cause string) *Error {
	return &Error{Name: name, Cause: cause, HasCause: true}
}

func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// AsError converts any error to an *Error: an *Error in its chain is
// returned as it is; a context deadline becomes States.Timeout; anything
// else becomes States.TaskFailed with the error's text as cause.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return NewError(ErrTimeout, "")
	}
	return NewError(ErrTaskFailed, err.Error())
}

// fatal reports whether an error may not be retried or caught.
func fatal(name string) bool { return name == ErrRuntime }

// Matches reports whether the error named name is matched by an
// ErrorEquals list, with AWS's rules: States.ALL matches everything that
// can be caught, States.TaskFailed matches everything but States.Timeout,
// and States.Runtime is never matched.
func Matches(errorEquals []string, name string) bool {
	if fatal(name) {
		return false
	}
	for _, e := range errorEquals {
		switch e {
		case name, ErrALL:
			return true
		case ErrTaskFailed:
			if name != ErrTimeout && name != ErrHeartbeatTimeout && name != ErrRuntime && !isStatesInternal(name) {
				return true
			}
		}
	}
	return false
}

func isStatesInternal(name string) bool { return name == errExecutionCancelledInternal }

// ErrorOutput returns the error output a Catch passes on: {"Error": …,
// "Cause": …}.
func (e *Error) ErrorOutput() *Object {
	o := NewObject(2)
	o.Set("Error", e.Name)
	if e.HasCause {
		o.Set("Cause", e.Cause)
	}
	return o
}
