package engine

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxHistoryEvents is AWS's quota on the events of a STANDARD execution's
// history. AWS fails the execution whose next event would be number
// 25,000 with States.Runtime, recording that failure as event 25,000 (a
// run-away loop ends there rather than spinning for ever). The quota
// counts events whether or not a history is kept, so executions run
// without --history end where AWS's would. EXPRESS executions have no
// such history; their five minutes bound them instead.
const MaxHistoryEvents = 25000

// MaxExpressSeconds is how long AWS lets an EXPRESS execution run: five
// minutes, after which it times out as a state machine's TimeoutSeconds
// would (a shorter TimeoutSeconds still applies).
const MaxExpressSeconds = 300

// MaxStandardSeconds is how long AWS lets a STANDARD execution run: a
// year (365 days), after which it times out with States.Timeout as a
// state machine's TimeoutSeconds would, counted from the execution's
// start. It applies where an execution can live that long: a durable one
// (a Driver), and any on a clock of its own (--skip-waits), where a Wait
// of years passes at once. An in-memory execution on the wall clock is
// not given the year's timer: it would cost every execution a timer, and
// its Tasks the goroutine that a timeout needs (see RunTaskUntimed), for
// a process that would have to run a year to reach it.
const MaxStandardSeconds = 365 * 24 * 60 * 60

// onWallClockInMemory reports whether x runs in this process alone on the
// wall clock: no Driver, no clock of its own.
func onWallClockInMemory(x *Execution) bool {
	_, wall := x.Clock.(RealClock)
	return wall && x.driver == nil
}

// MaxInlineMapConcurrency is how many iterations of an inline Map AWS
// runs at once, whatever a larger MaxConcurrency asks for.
const MaxInlineMapConcurrency = 40

// MaxDistributedMapConcurrency is how many child executions of a
// distributed Map AWS runs at once, at most.
const MaxDistributedMapConcurrency = 10000

// historyLimitCause is AWS's cause for an execution that reached
// MaxHistoryEvents.
const historyLimitCause = "The execution reached the maximum number of history events (25000)."

// historyFull returns the error of an execution whose next event would
// pass MaxHistoryEvents.
func historyFull() *Error { return NewError(ErrRuntime, historyLimitCause) }

// overEventLimit reports whether id is past the last event id a
// non-final event may take. One comparison: a zero maxEvents (no limit)
// wraps to the largest unsigned value.
func (x *Execution) overEventLimit(id int64) bool {
	return uint64(id) > uint64(x.maxEvents-1)
}

// A StartError is a refusal of AWS's StartExecution API: no execution
// starts. Code is the API's error code (ValidationException,
// InvalidName), Message its message.
type StartError struct {
	Code, Message string
}

func (e *StartError) Error() string { return e.Code + ": " + e.Message }

// MaxNameLength is AWS's limit on the length of state machine, execution
// and state names, in characters.
const MaxNameLength = 80

// CheckName checks name against AWS's rules for the names of state
// machines and executions: 1 to 80 characters, none of them whitespace,
// a control character (U+0000–U+001F, U+007F–U+009F) or one of
// < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /. what is "State Machine"
// or "" (an execution), as AWS's message names it.
func CheckName(what, name string) error {
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxNameLength {
		bound := "greater than or equal to 1"
		if n > 0 {
			bound = "less than or equal to " + strconv.Itoa(MaxNameLength)
		}
		return &StartError{Code: "ValidationException", Message: "1 validation error detected: Value '" + name +
			"' at 'name' failed to satisfy constraint: Member must have length " + bound}
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, badNameRune) {
		if what != "" {
			what += " "
		}
		return &StartError{Code: "InvalidName", Message: "Invalid " + what + "Name: '" + name + "'"}
	}
	return nil
}

// badNameRune reports whether r may not appear in a name.
func badNameRune(r rune) bool {
	return unicode.IsSpace(r) || r <= 0x1f || r >= 0x7f && r <= 0x9f || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r)
}

// CheckStart reports why AWS's StartExecution would refuse an execution
// of m on input with opts, as a *StartError, or nil: an execution name
// that breaks CheckName's rules, an input whose JSON is larger than the
// payload limit (AWS's 256 KiB unless opts.PayloadLimit says otherwise).
// Start runs it first.
func (m *Machine) CheckStart(input any, opts Options) error {
	return checkStart(input, opts.Name, opts.PayloadLimit)
}

// checkStart is CheckStart with the options it reads (copying Options
// cost Start 40 instructions).
func checkStart(input any, name string, limit int) error {
	if name != "" {
		if err := CheckName("", name); err != nil {
			return err
		}
	}
	if limit == 0 {
		limit = MaxPayloadBytes
	}
	if limit <= 0 {
		return nil
	}
	if b := knownBound(input); b > 0 && b <= limit {
		// The JSON decoder left the bound of what it read on it: an
		// input read from JSON needs no walk, nor a call to find that.
		return nil
	}
	if sizeBound(input, limit) > limit && jsonSize(input, limit) > limit {
		return InputTooLarge(limit)
	}
	return nil
}

// InputTooLarge is the refusal of an execution input larger than limit.
func InputTooLarge(limit int) *StartError {
	return &StartError{Code: "ValidationException", Message: "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(limit)}
}

// refused is the Result of an execution that CheckStart refused: FAILED
// before it started, with the API's error code and message, and no
// history.
func (m *Machine) refused(input any, err error) *Result {
	e := err.(*StartError)
	now := time.Now().UTC()
	return &Result{Status: StatusFailed, Error: e.Code, HasError: true, Cause: e.Message, HasCause: true,
		Input: input, StartDate: now, StopDate: now}
}

// MaxErrorLength and MaxCauseLength bound an error's name and cause as
// the Step Functions API carries them (in characters, UTF-16 code units
// as AWS's Java counts them): SendTaskFailure and StopExecution refuse
// longer ones with a ValidationException (CheckErrorCause); an execution's
// own failures (a Fail state's Error and Cause, a handler's error, a
// States.* cause quoting a large value) are cut to them where they leave
// the execution, in its result and in its history's events, because the
// API's fields hold no more.
const (
	MaxErrorLength = 256
	MaxCauseLength = 32768
)

// CheckErrorCause refuses, as AWS's API does, an error name or cause
// given to SendTaskFailure or StopExecution past MaxErrorLength or
// MaxCauseLength: a ValidationException naming each field (error and
// cause are sensitive in AWS's API: their values are not quoted).
func CheckErrorCause(errorName, cause string) error {
	var bad []string
	if len(errorName) > MaxErrorLength && UTF16Len(errorName) > MaxErrorLength {
		bad = append(bad, "Value at 'error' failed to satisfy constraint: Member must have length less than or equal to "+strconv.Itoa(MaxErrorLength))
	}
	if len(cause) > MaxCauseLength && UTF16Len(cause) > MaxCauseLength {
		bad = append(bad, "Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to "+strconv.Itoa(MaxCauseLength))
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return &APIError{Code: "ValidationException", Message: "1 validation error detected: " + bad[0]}
	}
	return &APIError{Code: "ValidationException", Message: strconv.Itoa(len(bad)) + " validation errors detected: " + strings.Join(bad, "; ")}
}

// cutText returns s cut to at most max UTF-16 code units, at a character
// boundary.
func cutText(s string, max int) string {
	if len(s) <= max {
		return s // no UTF-8 string has more code units than bytes
	}
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

// cutErrorFields cuts the "error" and "cause" members of an event's
// details to the API's lengths.
func cutErrorFields(d *Object) {
	if d == nil {
		return
	}
	for _, f := range [...]struct {
		key string
		max int
	}{{"error", MaxErrorLength}, {"cause", MaxCauseLength}} {
		if v, ok := d.Get(f.key); ok {
			if s, isString := v.(string); isString && len(s) > f.max {
				d.Set(f.key, cutText(s, f.max))
			}
		}
	}
}
