package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Steps of AtaStep, with a hint per step, read what AtaLookup reads, also
// when the hint points elsewhere (another shape of input went first).
func TestAtaStepIsAtaLookup(t *testing.T) {
	docs := []string{
		`{"a":{"b":1,"c":[1]},"d":"x"}`,
		`{"d":"x","a":{"c":[1],"b":1}}`,
		`{"a":[{"b":1}]}`,
		`{"a":null}`,
		`{"a":{"b":{"c":null}}}`,
		`[{"a":1}]`,
		`"s"`,
		`{}`,
	}
	paths := [][]string{{"a"}, {"a", "b"}, {"a", "c"}, {"d"}, {"a", "b", "c"}, {"x"}}
	for _, keys := range paths {
		hints := make([]FieldHint, len(keys))
		for _, doc := range docs {
			v := MustParseJSON(doc)
			type got struct {
				V             string
				Def, IsNative bool
			}
			want, wdef, wnative := AtaLookup(v, keys...)
			r, def, native := v, true, true
			for i, k := range keys {
				if !def {
					break
				}
				r, def, native = hints[i].AtaStep(r, k)
			}
			if diff := cmp.Diff(got{ToJSON(want), wdef, wnative}, got{ToJSON(r), def, native}); diff != "" {
				t.Errorf("%v in %s (-AtaLookup +AtaStep):\n%s", keys, doc, diff)
			}
		}
	}
	var nilObject *Object
	if _, def, native := new(FieldHint).AtaStep(nilObject, "a"); def || !native {
		t.Errorf("AtaStep on a nil *Object: defined %v, native %v; want undefined, native", def, native)
	}
}

// AtaMergeInput makes what AtaMergeMember makes; from the state's input
// itself, it bounds its size as SetResult does, never below the size.
func TestAtaMergeInput(t *testing.T) {
	for _, c := range []struct{ in, v string }{
		{`{"a":1}`, `{"b":"x"}`},
		{`{"a":1,"r":2}`, `[1.5,"\u0000"]`},
		{`{}`, `null`},
	} {
		x := &Execution{payloadLimit: MaxPayloadBytes}
		f := &Frame{X: x}
		in, v := MustParseJSON(c.in), MustParseJSON(c.v)
		if err := f.checkOutput(in); err != nil {
			t.Fatal(err)
		}
		f.inBound = f.madeBound
		want, _ := AtaMergeMember(MustParseJSON(c.in), "r", v)
		out, ok := f.AtaMergeInput(in, in, "r", v)
		if !ok || ToJSON(out) != ToJSON(want) {
			t.Errorf("AtaMergeInput(%s, r, %s) = %s, %v; want %s", c.in, c.v, ToJSON(out), ok, ToJSON(want))
		}
		if !samePayload(out, f.made) || f.madeBound < len(ToJSON(out)) {
			t.Errorf("AtaMergeInput(%s, r, %s): bound %d of %s", c.in, c.v, f.madeBound, ToJSON(out))
		}
		// From another value than the state's input, nothing is bounded.
		other := MustParseJSON(c.in)
		out, _ = f.AtaMergeInput(in, other, "r", v)
		if ToJSON(out) != ToJSON(want) || f.madeBound != 0 {
			t.Errorf("AtaMergeInput from a copy = %s, bound %d; want %s unbounded", ToJSON(out), f.madeBound, ToJSON(want))
		}
	}
	if _, ok := new(Frame).AtaMergeInput([]any{}, []any{}, "r", 1); ok {
		t.Error("AtaMergeInput of an array decided; the engine must")
	}
}
