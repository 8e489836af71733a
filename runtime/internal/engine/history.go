package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
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

// A History collects an execution's events, or writes them as they come
// (see EventStream).
type History struct {
	x      *Execution
	mu     sync.Mutex
	events []Event
	lastID int64
	stream *EventStream // when set, events are written, not kept
}

// Events returns a copy of the events recorded so far (none when they
// are streamed).
func (h *History) Events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.events...)
}

func (h *History) add(id int64, typ, key string, details *Object) {
	h.record(Event{ID: id, Timestamp: h.x.Clock.Now(), Type: typ, DetailsKey: key, Details: details}, nil)
}

// record appends e as the next event, its error fields cut to AWS's
// lengths. Its previous event id is previous(e.PreviousEventID) where
// previous is given and answers, else the last event recorded; both are
// read under the lock, so concurrent branches chain their events in the
// order they are recorded. The Driver, if any, sees the event after.
func (h *History) record(e Event, previous func(int64) (int64, bool)) {
	cutErrorFields(e.Details)
	h.mu.Lock()
	prev, ok := int64(0), false
	if previous != nil {
		prev, ok = previous(e.PreviousEventID)
	}
	if !ok {
		prev = h.lastID
	}
	e.PreviousEventID = prev
	h.lastID = e.ID
	if h.stream != nil {
		h.stream.write(&e)
	} else {
		h.events = append(h.events, e)
	}
	h.mu.Unlock()
	if d := h.x.driver; d != nil {
		d.Event(e)
	}
}

// An EventStream writes history events as they happen, as the JSON array
// of GetExecutionHistory's "events" (indented), so that a history takes
// no memory however long it grows (up to MaxHistoryEvents events of up to
// a payload limit each). Options.HistoryStream sets it.
type EventStream struct {
	w        *bufio.Writer
	n        int
	compact  []byte       // the event's JSON, reused
	indented bytes.Buffer // the same indented, reused
	err      error
}

// NewEventStream returns an EventStream writing to w.
func NewEventStream(w io.Writer) *EventStream { return &EventStream{w: bufio.NewWriterSize(w, 64<<10)} }

func (s *EventStream) write(e *Event) {
	if s.err != nil {
		return
	}
	sep := ",\n  "
	if s.n == 0 {
		sep = "[\n  "
	}
	s.n++
	s.compact = AppendJSON(s.compact[:0], e.JSON())
	s.indented.Reset()
	if err := json.Indent(&s.indented, s.compact, "  ", "  "); err != nil {
		s.err = err
		return
	}
	s.w.WriteString(sep)
	_, s.err = s.w.Write(s.indented.Bytes())
}

// Close ends the array and flushes what is buffered; it returns the first
// error met while writing. It does not close the writer.
func (s *EventStream) Close() error {
	if s.err != nil {
		return s.err
	}
	if s.n == 0 {
		s.w.WriteString("[")
	}
	s.w.WriteString("\n]\n")
	s.err = s.w.Flush()
	return s.err
}

// event records an execution-level event; it always consumes an event id.
func (x *Execution) event(typ string, payload any) {
	if x.History == nil {
		x.events.next()
		return
	}
	x.recordEvent(typ, payload)
}

// recordEvent is event with a history: apart, so that event, which
// every execution calls at its start and end, inlines.
func (x *Execution) recordEvent(typ string, payload any) {
	id := x.events.next()
	if x.maxEvents > 0 && id > x.maxEvents {
		// The execution ended at the history limit, or as it reached it
		// (concurrent iterations may have counted further): its final
		// event takes the last id, as AWS's does.
		id = x.maxEvents
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
