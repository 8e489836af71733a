package sfnrt

import (
	"sync"
	"time"
)

// Event types of the execution history (GetExecutionHistory's names).
const (
	EventExecutionStarted   = "ExecutionStarted"
	EventExecutionSucceeded = "ExecutionSucceeded"
	EventExecutionFailed    = "ExecutionFailed"
	EventExecutionTimedOut  = "ExecutionTimedOut"
	EventExecutionAborted   = "ExecutionAborted"
)

// An Event is one entry of the execution history, shaped like AWS's
// HistoryEvent: Details holds the type's "…EventDetails" member.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string
	DetailsKey      string  // e.g. "stateEnteredEventDetails"
	Details         *Object // nil when the type has none
}

// JSON returns the event as AWS writes it.
func (e *Event) JSON() *Object {
	o := NewObject(5)
	o.Set("id", e.ID)
	o.Set("previousEventId", e.PreviousEventID)
	o.Set("timestamp", e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	o.Set("type", e.Type)
	if e.Details != nil {
		o.Set(e.DetailsKey, e.Details)
	}
	return o
}

// A History collects an execution's events.
type History struct {
	x      *Execution
	mu     sync.Mutex
	events []Event
}

// Events returns a copy of the events recorded so far.
func (h *History) Events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.events...)
}

func (h *History) add(id int64, typ, key string, details *Object) {
	h.mu.Lock()
	prev := int64(0)
	if n := len(h.events); n > 0 {
		prev = h.events[n-1].ID
	}
	h.events = append(h.events, Event{ID: id, PreviousEventID: prev, Timestamp: h.x.Clock.Now(), Type: typ, DetailsKey: key, Details: details})
	h.mu.Unlock()
}

// event records an execution-level event; it always consumes an event id.
func (x *Execution) event(typ string, payload any) int64 {
	id := x.events.next()
	if x.maxEvents > 0 && id > x.maxEvents {
		// The execution ended at the history limit, or as it reached it
		// (concurrent iterations may have counted further): its final
		// event takes the last id, as AWS's does.
		id = x.maxEvents
	}
	if x.History == nil {
		return id
	}
	var key string
	var d *Object
	switch typ {
	case EventExecutionStarted:
		key, d = "executionStartedEventDetails", ObjectOf(Member{"input", ToJSON(x.Input)},
			Member{"inputDetails", notTruncated()}, Member{"roleArn", x.RoleArn})
	case EventExecutionSucceeded:
		key, d = "executionSucceededEventDetails", ObjectOf(Member{"output", ToJSON(payload)},
			Member{"outputDetails", notTruncated()})
	case EventExecutionFailed, EventExecutionTimedOut:
		key = "executionFailedEventDetails"
		if typ == EventExecutionTimedOut {
			key = "executionTimedOutEventDetails"
		}
		d = NewObject(2)
		if e, ok := payload.(*Error); ok {
			if e.Name != "" {
				d.Set("error", e.Name)
			}
			if e.HasCause {
				d.Set("cause", e.Cause)
			}
		}
	}
	x.History.add(id, typ, key, d)
	return id
}

// Event records an event of type typ with details under key (may be nil)
// and returns its id. Generated code and the runtime call it for the
// events of Task, Map and Parallel states.
func (x *Execution) Event(typ, key string, details *Object) int64 {
	id := x.events.next()
	if x.History != nil && !x.overEventLimit(id) {
		// (An event past the limit fails the execution: it is never
		// recorded.)
		x.History.add(id, typ, key, details)
	}
	return id
}

func (x *Execution) stateEntered(info *StateInfo, input any) int64 {
	if x.History == nil {
		return x.events.next()
	}
	return x.Event(info.Kind+"StateEntered", "stateEnteredEventDetails",
		ObjectOf(Member{"name", info.Name}, Member{"input", ToJSON(input)}, Member{"inputDetails", notTruncated()}))
}

// stateExited records the exited event of a state and returns its id (0
// for a Fail state, which has none).
func (x *Execution) stateExited(info *StateInfo, output any, assigned *Object) int64 {
	if info.Kind == "Fail" {
		return 0
	}
	if x.History == nil {
		return x.events.next()
	}
	d := ObjectOf(Member{"name", info.Name}, Member{"output", ToJSON(output)}, Member{"outputDetails", notTruncated()})
	if assigned != nil && assigned.Len() > 0 {
		av := NewObject(assigned.Len())
		for _, m := range assigned.Members() {
			av.Set(m.Key, ToJSON(m.Value))
		}
		d.Set("assignedVariables", av)
		d.Set("assignedVariablesDetails", notTruncated())
	}
	return x.Event(info.Kind+"StateExited", "stateExitedEventDetails", d)
}

// notTruncated is the {"truncated": false} of AWS's input and output
// details: payloads here are never cut.
func notTruncated() *Object { return ObjectOf(Member{"truncated", false}) }
