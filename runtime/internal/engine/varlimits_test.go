package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonString is a string whose JSON is exactly n bytes (n >= 2).
func jsonString(n int) string { return strings.Repeat("x", n-2) }

// AWS's limits on workflow variables: an Assign's values at most 256 KiB
// together (and so each), an execution's variables at most 10 MiB, those
// of the scopes a Map iteration or Parallel branch is nested in counted
// with its own. Past one the state fails with States.DataLimitExceeded and
// assigns nothing.
func TestVariableLimits(t *testing.T) {
	const kib = 1024
	type assign struct {
		scope  int // 0: the top level; 1: a scope nested in it
		values *Object
	}
	many := func(prefix string, n, size int) []assign {
		var as []assign
		for i := range n {
			as = append(as, assign{0, ObjectOf(Member{prefix + strconv.Itoa(i), jsonString(size)})})
		}
		return as
	}
	again := func(name string, n, size int) []assign {
		var as []assign
		for range n {
			as = append(as, assign{0, ObjectOf(Member{name, jsonString(size)})})
		}
		return as
	}
	tests := []struct {
		name    string
		assigns []assign
		limit   int    // Options.PayloadLimit; 0: AWS's
		want    string // the cause of the first failure; "": none
	}{
		{name: "a variable of exactly 256 KiB",
			assigns: []assign{{0, ObjectOf(Member{"v", jsonString(256 * kib)})}}},
		{name: "a variable past 256 KiB",
			assigns: []assign{{0, ObjectOf(Member{"v", jsonString(256*kib + 1)})}},
			want:    "The state/task 'S' assigned variable '$v' a value with a size exceeding the maximum number of bytes service limit (262144 bytes)."},
		{name: "a large object",
			assigns: []assign{{0, ObjectOf(Member{"o", ObjectOf(Member{"a", jsonString(200 * kib)}, Member{"b", jsonString(100 * kib)})})}},
			want:    "The state/task 'S' assigned variable '$o' a value with a size exceeding the maximum number of bytes service limit (262144 bytes)."},
		{name: "two variables past 256 KiB in one Assign",
			assigns: []assign{{0, ObjectOf(Member{"a", jsonString(150 * kib)}, Member{"b", jsonString(150 * kib)})}},
			want:    "The state/task 'S' assigned variables with a total size exceeding the maximum number of bytes service limit (262144 bytes in one Assign)."},
		{name: "the same two in two Assigns",
			assigns: []assign{{0, ObjectOf(Member{"a", jsonString(150 * kib)})}, {0, ObjectOf(Member{"b", jsonString(150 * kib)})}}},
		{name: "40 variables of 256 KiB: 10 MiB",
			assigns: many("v", 40, 256*kib)},
		{name: "41 variables of 256 KiB",
			assigns: many("v", 41, 256*kib),
			want:    "The state/task 'S' assigned variables that bring the execution's variables to a size exceeding the maximum number of bytes service limit (10485760 bytes in all)."},
		{name: "one variable reassigned 100 times",
			assigns: append(many("v", 39, 256*kib), again("same", 100, 256*kib)...)},
		{name: "a nested scope counts its parents' variables",
			assigns: append(many("v", 39, 256*kib), assign{1, ObjectOf(Member{"inner", jsonString(200 * kib)})}, assign{1, ObjectOf(Member{"inner2", jsonString(200 * kib)})}),
			want:    "The state/task 'S' assigned variables that bring the execution's variables to a size exceeding the maximum number of bytes service limit (10485760 bytes in all)."},
		{name: "small values whose bounds pass 10 MiB",
			// 17,000 strings of 602 bytes, bounded at six times that: 10.2
			// MB of JSON as AWS measures it, 61 MB of bounds.
			assigns: many("s", 17000, 602)},
		{name: "small values past 10 MiB",
			assigns: many("s", 18000, 602),
			want:    "The state/task 'S' assigned variables that bring the execution's variables to a size exceeding the maximum number of bytes service limit (10485760 bytes in all)."},
		{name: "a larger payload limit scales both",
			limit:   512 * kib,
			assigns: append(many("v", 40, 512*kib), assign{0, ObjectOf(Member{"big", jsonString(300 * kib)})}),
			want:    "The state/task 'S' assigned variables that bring the execution's variables to a size exceeding the maximum number of bytes service limit (20971520 bytes in all)."},
		{name: "no payload limit, no variable limits",
			limit:   -1,
			assigns: []assign{{0, ObjectOf(Member{"v", jsonString(1024 * kib)})}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := (&Machine{Name: "m", Program: &Program{}}).NewExecution(ObjectOf(), Options{PayloadLimit: tt.limit})
			top := NewScope(nil)
			scopes := []*Scope{top, NewScope(top)}
			got := ""
			for i, a := range tt.assigns {
				f := &Frame{X: x, State: "S", Vars: scopes[a.scope]}
				if err := f.Assign(a.values); err != nil {
					got = AsError(err).Name + ": " + AsError(err).Cause
					// Nothing of the failed Assign is assigned.
					for _, m := range a.values.Members() {
						if v, ok := f.Vars.Get(m.Key); ok && v == m.Value {
							t.Errorf("assign %d: $%s assigned", i, m.Key)
						}
					}
					break
				}
			}
			want := ""
			if tt.want != "" {
				want = ErrDataLimitExceeded + ": " + tt.want
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
