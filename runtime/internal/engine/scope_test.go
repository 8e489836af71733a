package engine

import (
	"strconv"
	"testing"
)

// A scope gives the last value assigned to each variable, its parents'
// where it has none, whether it keeps its variables in its slice or, past
// scopeSmall of them, in its map.
func TestScope(t *testing.T) {
	for _, n := range []int{1, scopeSmall - 1, scopeSmall, scopeSmall + 1, 3 * scopeSmall} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			parent := NewScope(nil)
			parent.Set(ObjectOf(Member{"outer", "p"}, Member{"v0", "shadowed"}))
			s := NewScope(parent)
			for i := range n {
				s.Set(ObjectOf(Member{"v" + strconv.Itoa(i), int64(i)}))
			}
			// Reassign every other one, in one Assign.
			again := NewObject(n)
			for i := 0; i < n; i += 2 {
				again.Set("v"+strconv.Itoa(i), int64(100+i))
			}
			s.Set(again)
			for i := range n {
				want := int64(i)
				if i%2 == 0 {
					want = int64(100 + i)
				}
				if v, ok := s.Get("v" + strconv.Itoa(i)); !ok || v != want {
					t.Errorf("v%d = %v, %v; want %d", i, v, ok, want)
				}
			}
			if v, ok := s.Get("outer"); !ok || v != "p" {
				t.Errorf("outer = %v, %v; want the parent's p", v, ok)
			}
			if v, ok := s.Get("missing"); ok {
				t.Errorf("missing = %v, want none", v)
			}
			snap := s.Snapshot()
			if snap.Len() != n {
				t.Fatalf("snapshot has %d variables, want %d: %s", snap.Len(), n, ToJSON(snap))
			}
			for i, m := range snap.Members()[1:] {
				if prev := snap.Members()[i].Key; prev >= m.Key {
					t.Errorf("snapshot not sorted: %q before %q", prev, m.Key)
				}
			}
		})
	}
}
