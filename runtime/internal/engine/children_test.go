package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The items' events are recorded one item after another: those an
// earlier attempt finished, then this run's, then the failed one;
// cancelled items are left out.
func TestAdoptionOrder(t *testing.T) {
	ok, boom := ChildOutcome{}, ChildOutcome{Err: errors.New("boom")}
	carried := ChildOutcome{Carried: true}
	cancelled := ChildOutcome{Err: errors.New("cancelled"), Cancelled: true}
	tests := []struct {
		name string
		res  ChildResults
		want []int
	}{
		{"all succeed", ChildResults{Outcomes: []ChildOutcome{ok, ok, ok}, Failed: -1}, []int{0, 1, 2}},
		{"failed last", ChildResults{Outcomes: []ChildOutcome{ok, boom, ok}, Failed: 1}, []int{0, 2, 1}},
		{"cancelled left out", ChildResults{Outcomes: []ChildOutcome{cancelled, boom, ok}, Failed: 1}, []int{2, 1}},
		{"carried first", ChildResults{Outcomes: []ChildOutcome{ok, carried, ok, carried}, Failed: -1}, []int{1, 3, 0, 2}},
		{"none", ChildResults{Failed: -1}, nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, AdoptionOrder(tc.res)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// adopt numbers an item's events on from the execution's, its first
// event after the execution's last.
func TestAdopt(t *testing.T) {
	x := &Execution{Clock: NewFakeClock(time.Unix(0, 0))}
	x.History = &History{x: x}
	x.Event("ParallelStateStarted", "", nil)
	base := int64(1 << 40)
	x.adopt([]Event{
		{ID: base + 1, PreviousEventID: 0, Type: "PassStateEntered"},
		{ID: base + 2, PreviousEventID: base + 1, Type: "PassStateExited"},
	})
	x.adopt([]Event{{ID: 7 << 40, PreviousEventID: 0, Type: "SucceedStateEntered"}})
	type idPair struct {
		ID, Prev int64
		Type     string
	}
	var got []idPair
	for _, e := range x.History.Events() {
		got = append(got, idPair{e.ID, e.PreviousEventID, e.Type})
	}
	want := []idPair{{1, 0, "ParallelStateStarted"}, {2, 1, "PassStateEntered"}, {3, 2, "PassStateExited"}, {4, 3, "SucceedStateEntered"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A branch's execution has its own numbering base and random source,
// the same for the same place on every run, others for other places.
func TestBranchExecution(t *testing.T) {
	x := &Execution{ID: "arn:x", Clock: NewFakeClock(time.Unix(0, 0))}
	x.Seed(42)
	g := ChildGroup{State: "Both", Seq: 9, N: 2}
	a, again, b := x.branchExecution(nil, g, 0), x.branchExecution(nil, g, 0), x.branchExecution(nil, g, 1)
	if a.events.base != again.events.base || a.UUID() != again.UUID() {
		t.Error("the same item got another base or random source")
	}
	if a.events.base == b.events.base || a.UUID() == b.UUID() {
		t.Error("two items share a base or random source")
	}
	if id := a.events.next(); id != a.events.base+1 || id <= 0 {
		t.Errorf("first id %d, base %d", id, a.events.base)
	}
}
