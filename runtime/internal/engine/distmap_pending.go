package engine

import (
	"context"
	"time"
)

// What a Map Run that fails or is aborted leaves to its ResultWriter, as
// AWS documents it: FAILED_n.json holds the failed, timed-out and aborted
// child executions, PENDING_n.json "the child workflow executions that
// weren't started because the Map Run failed or aborted". Their entries
// are {"Input", "InputDetails", "Status": "PENDING"}: the input the child
// would have had (after ItemSelector) as JSON text, as in AWS's files.

// statusPending names PENDING_n.json and its entries' Status.
const statusPending = "PENDING"

// drainTimeout bounds the reading of the items a failed or aborted Map
// Run never started, for PENDING_n.json: the items a reader has not read
// yet are read then (AWS lists them all), and a reader that stops
// answering must not hold the execution's end.
const drainTimeout = 2 * time.Minute

// pendingEntry is an entry of PENDING_n.json.
func pendingEntry(input any) *Object {
	return ObjectOf(
		Member{"Input", ToJSON(input)},
		Member{"InputDetails", ObjectOf(Member{"Included", true})},
		Member{"Status", statusPending},
	)
}

// childInput is the input the child of item index would have had: the
// item, or what the ItemSelector makes of it (the item itself when the
// selector fails: the child never ran, so it never failed).
func (w *distWork) childInput(index int, item any) any {
	if w.sel == nil {
		return item
	}
	mi := MapItem{Index: index, Value: item}
	sf := Frame{X: w.f.X, State: w.f.State, entered: w.entered, enteredEventID: w.f.enteredEventID, Vars: w.f.Vars, mapItem: &mi}
	v, err := w.sel(&sf, item, index)
	if err != nil {
		return item
	}
	return v
}

// writePending hands the items a failed or aborted Map Run never started
// to sink: first unread, an item the dispatcher had read but not handed
// on, then what items still holds, numbered from next.
func (w *distWork) writePending(ctx context.Context, sink resultSink, unread *workItem, items ItemIterator, next int) error {
	if unread != nil {
		if err := sink.pending(ctx, w.childInput(unread.index, unread.item)); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, drainTimeout)
	defer cancel()
	for index := next; ; index++ {
		item, ok, err := items.Next(ctx)
		if err != nil || !ok {
			// A reader that fails now leaves PENDING_n.json with what
			// it gave: the Map Run has already failed with its own
			// error.
			return nil
		}
		if err := sink.pending(ctx, w.childInput(index, item)); err != nil {
			return err
		}
	}
}

func (s *arraySink) pending(context.Context, any) error { return nil }

func (s *fileSink) pending(ctx context.Context, input any) error {
	return s.write(ctx, statusPending, []any{pendingEntry(input)})
}
