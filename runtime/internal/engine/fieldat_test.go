package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFieldAt runs one hint through lookups in objects of different
// shapes: whatever the hint says, FieldAt answers as Field does, and the
// hint ends where the member was last found; and so does Hit followed,
// where it misses, by Search, as generated path helpers call them.
func TestFieldAt(t *testing.T) {
	for name, lookup := range map[string]func(v any, name string, h *FieldHint) (any, bool){
		"FieldAt": FieldAt,
		"Hit+Search": func(v any, name string, h *FieldHint) (any, bool) {
			if x, ok := h.Hit(v, name); ok {
				return x, true
			}
			return h.Search(v, name)
		},
	} {
		t.Run(name, func(t *testing.T) { testFieldAt(t, lookup) })
	}
}

func testFieldAt(t *testing.T, lookup func(v any, name string, h *FieldHint) (any, bool)) {
	small := MustParseJSON(`{"a":1,"b":2,"c":3}`)
	moved := MustParseJSON(`{"c":30,"a":10}`)
	large := NewObject(0)
	for _, k := range []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "c"} {
		large.Append(k, k) // past indexAfter: searched through the index
	}
	var h FieldHint
	for _, c := range []struct {
		v      any
		name   string
		wantAt uint32 // the hint after the lookup
	}{
		{small, "c", 2},
		{small, "c", 2}, // found at the hint
		{moved, "c", 0},
		{small, "c", 2},
		{moved, "a", 1},
		{small, "a", 0},
		{small, "z", 0},    // missing: the hint stays
		{moved, "b", 0},    // the hint's member is another key
		{large, "c", 13},   // through the index
		{small, "c", 2},    // the hint is past small's members
		{[]any{1}, "c", 2}, // not an object
		{nil, "c", 2},      // not an object
		{(*Object)(nil), "c", 2},
	} {
		got, gotOK := lookup(c.v, c.name, &h)
		want, wantOK := Field(c.v, c.name)
		if diff := cmp.Diff([]any{want, wantOK}, []any{got, gotOK}); diff != "" {
			t.Errorf("FieldAt(%v, %q) (-Field +FieldAt):\n%s", c.v, c.name, diff)
		}
		if at := h.at.Load(); at != c.wantAt {
			t.Errorf("after FieldAt(%v, %q): hint at %d, want %d", c.v, c.name, at, c.wantAt)
		}
	}
}
