package jsonata

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Normalize is what natively compiled expressions apply to every value
// they read (a state's whole input for $merge), so it must give the
// engine's export and, where that changes nothing, return the value
// itself without allocating.
func TestNormalize(t *testing.T) {
	for _, c := range []struct {
		in, want string
		same     bool // returned as is
	}{
		{`{"a": 42.5, "b": "x", "c": [1.25, true, null], "d": {"e": -0.5}}`, `{"a":42.5,"b":"x","c":[1.25,true,null],"d":{"e":-0.5}}`, true},
		{`{"big": 1e300, "frac": 0.1}`, `{"big":1.0E300,"frac":0.1}`, true},
		{`{"a": 2.0}`, `{"a":2}`, false},
		{`[1.5, 3.0]`, `[1.5,3]`, false},
		{`{"a": {"b": [-0.0]}}`, `{"a":{"b":[0]}}`, false},
		{`{"a": {"b": [1e2]}}`, `{"a":{"b":[100]}}`, false},
		{`{"a": 9007199254740992.0, "b": 9007199254740994.0}`, `{"a":9007199254740992,"b":9.007199254740994E15}`, false},
	} {
		in := sfnrt.MustParseJSON(c.in)
		got := Normalize(in)
		if diff := cmp.Diff(c.want, sfnrt.ToJSON(got)); diff != "" {
			t.Errorf("Normalize(%s) (-want +got):\n%s", c.in, diff)
		}
		if want := sfnrt.ToJSON(exportEngine(in)); sfnrt.ToJSON(got) != want {
			t.Errorf("Normalize(%s) = %s, the engine's export %s", c.in, sfnrt.ToJSON(got), want)
		}
		if same := sameValue(got, in); same != c.same {
			t.Errorf("Normalize(%s) returned its argument: %v, want %v", c.in, same, c.same)
		}
		if c.same {
			if n := testing.AllocsPerRun(100, func() { Normalize(in) }); n != 0 {
				t.Errorf("Normalize(%s) allocates %v times, want 0", c.in, n)
			}
		}
	}
	// A parsed document changed since it was read is walked again.
	changed := sfnrt.MustParseJSON(`{"a": 1.5}`).(*sfnrt.Object)
	changed.Set("b", 2.0)
	if got, want := sfnrt.ToJSON(Normalize(changed)), `{"a":1.5,"b":2}`; got != want {
		t.Errorf("Normalize of a parsed object changed since = %s, want %s", got, want)
	}
	// Scalars: integral doubles within ±2^53 become int64, -0 becomes 0.
	for _, c := range []struct{ in, want any }{
		{2.0, int64(2)}, {math.Copysign(0, -1), int64(0)}, {0.5, 0.5}, {1e300, 1e300}, {int64(7), int64(7)},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%v) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

// exportEngine exports v as an evaluation's result does.
func exportEngine(v any) any {
	ev := &evaluator{}
	return ev.export(v)
}
