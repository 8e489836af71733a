package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// SetResult's bound of what it makes, from the bounds of the input and
// the result, is never below the size of the JSON it makes, whether the
// member is new, replaced, or under objects made on the way.
func TestSetResultBound(t *testing.T) {
	tests := []struct {
		in, result string
		steps      []any
	}{
		{`{"a":1}`, `{"b":"x"}`, []any{"r"}},
		{`{"a":1}`, `"replaced"`, []any{"a"}},
		{`{"a":{"b":1}}`, `[1,2,3]`, []any{"a", "c"}},
		{`{"a":null}`, `"\u0000\u0001"`, []any{"a", "b", "c"}},
		{`{}`, `{"deep":{"er":[{},{"x":"yyyyyyyyyyyyyyyy"}]}}`, []any{"k\"ey", "n"}},
		{`{"s":"\u001f\u001f"}`, `1.5e300`, []any{"s"}},
	}
	for _, tt := range tests {
		x := &Execution{payloadLimit: MaxPayloadBytes}
		f := &Frame{X: x}
		in, result := MustParseJSON(tt.in), MustParseJSON(tt.result)
		if err := f.checkOutput(in); err != nil {
			t.Fatal(err)
		}
		f.inBound = f.madeBound
		out, ok := f.SetResult(in, result, tt.steps...)
		if !ok {
			t.Fatalf("SetResult(%s, %s, %v) failed", tt.in, tt.result, tt.steps)
		}
		if f.madeBound <= 0 || !samePayload(out, f.made) {
			t.Errorf("SetResult(%s, %s, %v) bounded nothing", tt.in, tt.result, tt.steps)
			continue
		}
		if size := len(ToJSON(out)); f.madeBound < size {
			t.Errorf("SetResult(%s, %s, %v) = %s: bound %d < size %d", tt.in, tt.result, tt.steps, ToJSON(out), f.madeBound, size)
		}
	}
}

// A payload over the limit fails even when the bound of the input is
// known and the bound of the output comes from it.
func TestSetResultOverLimit(t *testing.T) {
	x := &Execution{payloadLimit: 64}
	f := &Frame{X: x, State: "S"}
	in := MustParseJSON(`{"a":"0123456789012345678901234567890123456789"}`)
	if err := f.checkOutput(in); err != nil {
		t.Fatal(err)
	}
	f.inBound = f.madeBound
	out, _ := f.SetResult(in, "0123456789012345678901234567890123456789", "b")
	if err := f.checkOutput(out); err == nil || AsError(err).Name != ErrDataLimitExceeded {
		t.Errorf("checkOutput(%d bytes) = %v, want %s", len(ToJSON(out)), err, ErrDataLimitExceeded)
	}
}

// ParseJSON caches on the root object the bound sizeBound would find (the
// sum it keeps while reading), so that the first state of an execution
// does not walk its input.
func TestParseJSONBound(t *testing.T) {
	for _, doc := range []string{
		`{}`,
		`{"a":1}`,
		`{"s":"\u00e9\n\u001f","f":-1.5e300,"i":-12,"b":true,"n":null,"big":123456789012345678901234}`,
		`{"a":[],"b":[[]],"c":[1,"x",{"d":[{}]}],"e":{"f":{"g":false}}}`,
		`{"items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],"customer":{"email":"a@b"}}`,
	} {
		v := MustParseJSON(doc)
		got := knownBound(v)
		v.(*Object).ext.Store(nil) // what a walk finds without the cache
		if want := sizeBound(v, MaxPayloadBytes); got != want {
			t.Errorf("ParseJSON(%s) cached bound %d, sizeBound %d", doc, got, want)
		}
		if size := len(ToJSON(v)); got < size {
			t.Errorf("ParseJSON(%s) cached bound %d < size %d", doc, got, size)
		}
	}
	if b := knownBound(MustParseJSON(`[1,2]`)); b != 0 {
		t.Errorf("an array has a cached bound %d", b)
	}
}

// SetResult takes the result's bound from the frame when the frame keeps
// it (a Task's result, checked as the task ended; a Parallel's, bounded
// from its branches) instead of walking the result again, and never takes
// another value's.
func TestSetResultUsesResultBound(t *testing.T) {
	x := &Execution{payloadLimit: MaxPayloadBytes}
	in, result, other := MustParseJSON(`{"a":1}`), MustParseJSON(`{"b":"xyz"}`), MustParseJSON(`{"c":[1,2,3,4,5,6]}`)
	for _, known := range []any{result, other} {
		f := &Frame{X: x, inBound: 100}
		f.made, f.madeBound = known, 1000 // larger than any walk of these
		out, _ := f.SetResult(in, result, "r")
		want := 100 + boundString("r") + 4 + sizeBound(result, MaxPayloadBytes)
		if known == result {
			want = 100 + boundString("r") + 4 + 1000
		}
		if f.madeBound != want || !samePayload(out, f.made) {
			t.Errorf("known bound of %s: SetResult bounded %d, want %d", ToJSON(known), f.madeBound, want)
		}
	}
}

// A Parallel's result is bounded from its branch frames' bounds of their
// outputs, as arrayBound would sum them, and only when every frame has
// the bound of its branch's output (which it keeps for objects and arrays,
// whose identity it can check).
func TestBoundOutputs(t *testing.T) {
	x := &Execution{payloadLimit: MaxPayloadBytes}
	out := []any{MustParseJSON(`{"a":"x"}`), MustParseJSON(`[1,{"b":null}]`), MustParseJSON(`{}`)}
	frames := make([]Frame, len(out))
	for i := range frames {
		frames[i].X = x
		if err := frames[i].checkOutput(out[i]); err != nil {
			t.Fatal(err)
		}
	}
	var result any = out
	f := &Frame{X: x}
	f.boundOutputs(result, out, frames)
	if !samePayload(f.made, result) || f.madeBound != arrayBound(out, MaxPayloadBytes) {
		t.Errorf("bound %d of %s, want arrayBound's %d", f.madeBound, ToJSON(out), arrayBound(out, MaxPayloadBytes))
	}
	if f.madeBound < len(ToJSON(out)) {
		t.Errorf("bound %d < size %d", f.madeBound, len(ToJSON(out)))
	}
	for _, unknown := range []func(){
		func() { frames[1].made = out[0] },                      // a bound of another value
		func() { out[2] = "s"; _ = frames[2].checkOutput("s") }, // a string: no identity to check
	} {
		unknown()
		f = &Frame{X: x}
		f.boundOutputs(result, out, frames)
		if f.madeBound != 0 {
			t.Errorf("bounded %d with a frame that does not know its output's bound", f.madeBound)
		}
	}
}

// SetResultKey is SetResult for one member name: the same output (JSON,
// and sharing the input's room the same way), the same failure, and the
// same bound kept on the frame, whether the member is new or replaced, the
// input an object or not, the bounds of the input and the result known or
// not, and a payload limit or none.
func TestSetResultKeyIsSetResult(t *testing.T) {
	type outcome struct {
		OK        bool
		Output    string
		MadeIsOut bool // the frame's bound is of the output
		MadeBound int
	}
	run := func(set func(f *Frame, in, result any) (any, bool), in, result string, limit, inBound int, resultKnown bool) outcome {
		f := &Frame{X: &Execution{payloadLimit: limit}, inBound: inBound}
		r := MustParseJSON(result)
		if resultKnown {
			f.made, f.madeBound = r, 1000
		}
		out, ok := set(f, MustParseJSON(in), r)
		return outcome{ok, ToJSON(out), f.madeBound > 0 && samePayload(out, f.made), f.madeBound}
	}
	for _, in := range []string{`{"a":1}`, `{"k":{"old":true},"a":1}`, `{}`, `[1]`, `"s"`, `null`} {
		for _, result := range []string{`{"b":"x"}`, `"\u001f"`, `[1,2]`, `null`} {
			for _, limit := range []int{0, MaxPayloadBytes} {
				for _, inBound := range []int{0, 100} {
					for _, resultKnown := range []bool{false, true} {
						want := run(func(f *Frame, in, r any) (any, bool) { return f.SetResult(in, r, "k") }, in, result, limit, inBound, resultKnown)
						got := run(func(f *Frame, in, r any) (any, bool) { return f.SetResultKey(in, r, "k") }, in, result, limit, inBound, resultKnown)
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("in %s, result %s, limit %d, input bound %d, result bound known %v (-SetResult +SetResultKey):\n%s",
								in, result, limit, inBound, resultKnown, diff)
						}
					}
				}
			}
		}
	}
}

// checkOutput takes the frame's bound for the value it was made for, the
// same box or the same slice boxed again, and measures anything else: a
// bound below the size (which no real bound is) tells which it did.
func TestCheckOutputTrustsOnlyWhatWasBounded(t *testing.T) {
	obj := MustParseJSON(`{"key":"0123456789"}`)
	arr := []any{"0123456789"}
	var arrBox any = arr
	tests := []struct {
		name      string
		made, out any
		madeBound int
		trusted   bool
	}{
		{"same object", obj, obj, 5, true},
		{"equal object", obj, MustParseJSON(`{"key":"0123456789"}`), 5, false},
		{"same box of a slice", arrBox, arrBox, 5, true},
		{"the slice boxed again", arrBox, any(arr), 5, true},
		{"another slice", arrBox, []any{"0123456789"}, 5, false},
		{"no bound", obj, obj, 0, false},
		{"bound over the limit", obj, obj, 9, false},
	}
	for _, tt := range tests {
		f := &Frame{X: &Execution{payloadLimit: 8}, State: "S", made: tt.made, madeBound: tt.madeBound}
		err := f.checkOutput(tt.out)
		if got := err == nil; got != tt.trusted {
			t.Errorf("%s: checkOutput = %v, trusted %v; want %v", tt.name, err, got, tt.trusted)
		}
	}
}
