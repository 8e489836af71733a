package sfnrt

import "math"

// MaxHistoryEvents is AWS's quota on the events of a STANDARD execution's
// history. AWS fails the execution whose next event would be number
// 25,000 with States.Runtime, recording that failure as event 25,000 (a
// run-away loop ends there rather than spinning for ever). The quota
// counts events whether or not a history is kept, so executions run
// without --history end where AWS's would. EXPRESS executions have no
// such history; their five minutes bound them instead.
const MaxHistoryEvents = 25000

// historyLimitCause is AWS's cause for an execution that reached
// MaxHistoryEvents.
const historyLimitCause = "The execution reached the maximum number of history events (25000)."

// historyFull returns the error of an execution that has no room left for
// the event numbered id.
func historyFull() *Error { return NewError(ErrRuntime, historyLimitCause) }

// overEventLimit reports whether id is past the last event id a
// non-final event may take. One comparison: a zero maxEvents (no limit)
// wraps to the largest unsigned value.
func (x *Execution) overEventLimit(id int64) bool {
	return uint64(id) > uint64(x.maxEvents-1)
}

// eventsFull reports whether the execution has handed out every event id
// a non-final event may take.
func (x *Execution) eventsFull() bool { return x.overEventLimit(x.events.n.Load() + 1) }

// FastBudget returns how many states fused code may run from here before
// the execution's history could reach MaxHistoryEvents: each counts two
// events. Fused code hands over to the ordinary path when it has run
// that many, and the ordinary path fails the execution at the limit.
func (f *Frame) FastBudget() int {
	x := f.X
	if x.maxEvents == 0 {
		return math.MaxInt
	}
	return int(max(0, (x.maxEvents-1-x.events.n.Load())/2))
}
