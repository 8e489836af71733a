package engine

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ResultPath adds a member by sharing the input's member array when it
// has room (Object.extend): the objects that share an array must each keep
// reading what they held when they were made, however they are extended
// after, by whom and in which order.
func TestSetPathSharesRoom(t *testing.T) {
	set := func(v any, key string, val any) any {
		t.Helper()
		out, ok := SetPath(v, val, key)
		if !ok {
			t.Fatalf("SetPath(%s, %q) failed", ToJSON(v), key)
		}
		return out
	}
	a := MustParseJSON(`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5}`) // room for one more
	b := set(a, "b", "B")                                      // takes a's room
	c := set(a, "c", "C")                                      // a's room is taken: a copy
	d := set(b, "d", "D")                                      // a copy with room
	e := set(d, "e", "E")                                      // takes d's room
	f := set(d, "f", "F")                                      // d's room is taken: a copy
	g := set(e, "g", "G")                                      // takes e's room (d's array)
	replaced := set(e, "k1", "R")                              // an existing key: a copy

	got := map[string]string{}
	for name, v := range map[string]any{"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "replaced": replaced} {
		got[name] = ToJSON(v)
	}
	const base = `"k1":1,"k2":2,"k3":3,"k4":4,"k5":5`
	want := map[string]string{
		"a":        `{` + base + `}`,
		"b":        `{` + base + `,"b":"B"}`,
		"c":        `{` + base + `,"c":"C"}`,
		"d":        `{` + base + `,"b":"B","d":"D"}`,
		"e":        `{` + base + `,"b":"B","d":"D","e":"E"}`,
		"f":        `{` + base + `,"b":"B","d":"D","f":"F"}`,
		"g":        `{` + base + `,"b":"B","d":"D","e":"E","g":"G"}`,
		"replaced": `{"k1":"R","k2":2,"k3":3,"k4":4,"k5":5,"b":"B","d":"D","e":"E"}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

// An append to Members never writes into room that another object took.
func TestMembersAfterRoomTaken(t *testing.T) {
	a := NewObject(4)
	a.Append("x", int64(1))
	b, _ := SetPath(a, "B", "b") // takes a's room
	_ = append(a.Members(), Member{"m", int64(3)})
	if got, want := ToJSON(b), `{"x":1,"b":"B"}`; got != want {
		t.Errorf("b = %s, want %s", got, want)
	}
}

// Parallel branches and Map iterations may add to one input at once: one
// takes the room, the others copy. Run with -race.
func TestSetPathSharesRoomConcurrently(t *testing.T) {
	for round := 0; round < 50; round++ {
		in := NewObject(8)
		in.Append("id", int64(round))
		outs := make([]any, 8)
		var wg sync.WaitGroup
		for i := range outs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, _ := SetPath(in, int64(i), fmt.Sprint("r", i))
				// Each goroutine goes on extending what it made.
				outs[i], _ = SetPath(out, "more", "next")
			}()
		}
		wg.Wait()
		for i, out := range outs {
			if got, want := ToJSON(out), fmt.Sprintf(`{"id":%d,"r%d":%d,"next":"more"}`, round, i, i); got != want {
				t.Fatalf("round %d, goroutine %d: %s, want %s", round, i, got, want)
			}
		}
		if got, want := ToJSON(in), fmt.Sprintf(`{"id":%d}`, round); got != want {
			t.Fatalf("round %d: input became %s", round, got)
		}
	}
}

// A copy that ResultPath makes holds the headers of the two objects that
// extend it after: they take no allocation, and every object sharing the
// copy's array keeps what it held, including after its builder moved a
// copy's members elsewhere.
func TestSetPathHeadersInCopy(t *testing.T) {
	in := MustParseJSON(`{"k1":1,"k2":2,"k3":3}`)
	a, _ := SetPath(in, "A", "a") // a copy with room and headers
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, _ := SetPath(a, "B", "b") // extends a: no allocation
	c, _ := SetPath(b, "C", "c") // extends b: no allocation
	runtime.ReadMemStats(&after)
	if allocs := after.Mallocs - before.Mallocs; allocs != 0 {
		t.Errorf("extending a copy with headers took %v allocations, want 0", allocs)
	}
	d, _ := SetPath(c, "D", "d")  // no room left: a copy
	e, _ := SetPath(a, "E", "e")  // a's room is taken: a copy
	f, _ := SetPath(e, "F", "F")  // e's own headers
	g, _ := SetPath(b, "b2", "b") // an existing key: a copy

	// The builder of a copy moves its members: its headers stay its own.
	h := e.(*Object).cloneWithHeaders("h", int64(8))
	h.Delete("k1")
	h2, _ := SetPath(h, int64(9), "i")
	h.Append("j", int64(10))
	h.Append("k", int64(11))
	h.Append("l", int64(12))
	h3, _ := SetPath(h, int64(13), "m")

	got := map[string]string{}
	for name, v := range map[string]any{"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "h2": h2, "h3": h3} {
		got[name] = ToJSON(v)
	}
	const base = `"k1":1,"k2":2,"k3":3`
	want := map[string]string{
		"a":  `{` + base + `,"a":"A"}`,
		"b":  `{` + base + `,"a":"A","b":"B"}`,
		"c":  `{` + base + `,"a":"A","b":"B","c":"C"}`,
		"d":  `{` + base + `,"a":"A","b":"B","c":"C","d":"D"}`,
		"e":  `{` + base + `,"a":"A","e":"E"}`,
		"f":  `{` + base + `,"a":"A","e":"E","F":"F"}`,
		"g":  `{` + base + `,"a":"A","b":"b2"}`,
		"h":  `{"k2":2,"k3":3,"a":"A","e":"E","h":8,"j":10,"k":11,"l":12}`,
		"h2": `{"k2":2,"k3":3,"a":"A","e":"E","h":8,"i":9}`,
		"h3": `{"k2":2,"k3":3,"a":"A","e":"E","h":8,"j":10,"k":11,"l":12,"m":13}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
