package durable

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestChildWatchCancelledSuccess: a child's success that arrives after
// the join cancelled it counts as cancelled, as DBOS may show it, so that
// the history never shows done a child a redrive would run again; a
// failure keeps its own record, and a child not cancelled keeps its
// success.
func TestChildWatchCancelledSuccess(t *testing.T) {
	done := childRecord{Output: `{"n":1}`, Events: []string{`{"type":"TaskStateExited"}`}}
	failed := childRecord{Failed: true, Error: "States.TaskFailed"}
	tests := []struct {
		name      string
		cancelled bool
		rec, want childRecord
	}{
		{"success after cancel", true, done, cancelledRecord},
		{"failure after cancel", true, failed, failed},
		{"success not cancelled", false, done, done},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &childWatch{ids: []string{"c0"}, recs: map[int]childRecord{}, cancelled: map[int]bool{}, news: make(chan struct{}, 1)}
			w.cancelled[0] = tc.cancelled
			w.deliver(0, tc.rec)
			if diff := cmp.Diff(tc.want, w.recs[0]); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
}
