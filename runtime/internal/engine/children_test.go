package engine

import (
	"context"
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

// An item's place gives it its own numbering base and random seed, the
// same for the same place on every run, others for other places.
func TestPlaceChild(t *testing.T) {
	x := &Execution{Clock: NewFakeClock(time.Unix(0, 0))}
	x.setIdentity("", "arn:x")
	x.Seed(42)
	a, again, b := ChildItem{Index: 0}, ChildItem{Index: 0}, ChildItem{Index: 1}
	x.placeChild(&a, "Both", 9)
	x.placeChild(&again, "Both", 9)
	x.placeChild(&b, "Both", 9)
	if diff := cmp.Diff(a, again); diff != "" {
		t.Errorf("the same item got another place (-first +again):\n%s", diff)
	}
	if !a.Seeded || a.EventBase == b.EventBase || a.Seed == b.Seed {
		t.Errorf("two items share a base or seed: %+v %+v", a, b)
	}
	if a.EventBase <= 0 || a.EventBase >= 1<<62 || a.EventBase&(1<<20-1) != 0 {
		t.Errorf("base %d: not below 2^62 with room for a million events", a.EventBase)
	}
	unseeded := &Execution{}
	unseeded.setIdentity("", "arn:x")
	c := ChildItem{}
	unseeded.placeChild(&c, "Both", 9)
	if c.Seeded {
		t.Error("an item of an execution without a seed is seeded")
	}
}

// Visible flattens a scope and its outer ones, inner names hiding outer.
func TestScopeVisible(t *testing.T) {
	top := NewScope(nil)
	top.Set(ObjectOf(Member{"a", int64(1)}, Member{"b", "outer"}))
	inner := NewScope(top)
	inner.Set(ObjectOf(Member{"b", "inner"}, Member{"c", true}))
	tests := []struct {
		name  string
		scope *Scope
		want  string
	}{
		{"none", nil, `{}`},
		{"top", top, `{"a":1,"b":"outer"}`},
		{"inner hides outer", inner, `{"a":1,"b":"inner","c":true}`},
		{"empty inner", NewScope(inner), `{"a":1,"b":"inner","c":true}`},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, ToJSON(tc.scope.Visible())); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// RunChild runs an item of a program its Machine names, and fails one
// of a program it does not, with States.Runtime, without a panic.
func TestRunChild(t *testing.T) {
	branch := &Program{
		States: []StateInfo{{Name: "Echo", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, input any) (int, any, error) {
			v, _ := f.Vars.Get("greeting")
			return End, []any{input, v}, nil
		},
	}
	m := &Machine{Name: "m", Program: &Program{}, Nested: map[string]*Program{"/States/P/Branches/0": branch}}
	vars := ObjectOf(Member{"greeting", "hi"})
	tests := []struct {
		name, program string
		want          string
		wantErr       string
	}{
		{"named", "/States/P/Branches/0", `["in","hi"]`, ""},
		{"unknown", "/States/Q/Branches/0", "", ErrRuntime},
	}
	for _, tc := range tests {
		item := ChildItem{Program: tc.program, State: "P", Input: "in", Vars: vars, EventBase: 1 << 20}
		o := m.RunChild(context.Background(), nil, item, Options{Name: "x", SkipWaits: true})
		if tc.wantErr != "" {
			if o.Err == nil || AsError(o.Err).Name != tc.wantErr {
				t.Errorf("%s: error %v, want %s", tc.name, o.Err, tc.wantErr)
			}
			continue
		}
		if o.Err != nil {
			t.Fatalf("%s: %v", tc.name, o.Err)
		}
		if diff := cmp.Diff(tc.want, ToJSON(o.Output)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		if len(o.Events) == 0 || o.Events[0].ID != 1<<20+1 {
			t.Errorf("%s: events %+v, want them numbered from the item's base", tc.name, o.Events)
		}
	}
}
