package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		in   string
		want string // AppendJSON of the result; "" for a syntax error
	}{
		{`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`},
		{` { "a" : [ ] , "b" : { } } `, `{"a":[],"b":{}}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`}, // a repeated key keeps its first place, last value
		{`[{"k":1},{"k":2},{"k":3}]`, `[{"k":1},{"k":2},{"k":3}]`},
		{`{"k\u0065y":1,"ké":2,"k\"":3}`, `{"key":1,"ké":2,"k\"":3}`},
		{`-0`, `0`},
		{`-12`, `-12`},
		{`123456789012345678`, `123456789012345678`},
		{`-123456789012345678`, `-123456789012345678`},
		{`9223372036854775807`, `9223372036854775807`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`12345678901234567890123`, `12345678901234567890123`},
		{`1.5e3`, `1500.0`},
		{`[1,[2,[3,{"a":[4]}]],5]`, `[1,[2,[3,{"a":[4]}]],5]`},
		{`{"a":1,}`, ``},
		{`[1,]`, ``},
		{`{"a" 1}`, ``},
		{`01`, ``},
		{`{"a":1}x`, ``},
	}
	for _, tt := range tests {
		v, err := ParseJSON([]byte(tt.in))
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseJSON(%s) = %s, want a syntax error", tt.in, AppendJSON(nil, v))
		case tt.want != "" && err != nil:
			t.Errorf("ParseJSON(%s): %v", tt.in, err)
		case tt.want != "":
			if diff := cmp.Diff(tt.want, string(AppendJSON(nil, v))); diff != "" {
				t.Errorf("ParseJSON(%s) (-want +got):\n%s", tt.in, diff)
			}
		}
	}
}

// Objects and arrays get their exact size, so a parsed document holds no
// spare capacity; in a larger document, keys repeated across objects are
// shared.
func TestParseJSONExactAndInterned(t *testing.T) {
	v := MustParseJSON(`[{"id":1,"qty":2},{"id":3,"qty":4},"` + strings.Repeat("x", internFrom) + `"]`)
	a := v.([]any)[:2]
	if cap(v.([]any)) != 3 {
		t.Errorf("array capacity %d, want 3", cap(v.([]any)))
	}
	o0, o1 := a[0].(*Object), a[1].(*Object)
	if cap(o0.members) != 2 {
		t.Errorf("object capacity %d, want 2", cap(o0.members))
	}
	if p0, p1 := unsafeStringData(o0.members[0].Key), unsafeStringData(o1.members[0].Key); p0 != p1 {
		t.Errorf("the key \"id\" of two objects is two strings")
	}
}

// FuzzParseJSON holds ParseJSON to encoding/json: it accepts exactly the
// documents json.Valid accepts, and reads the same values from them.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",null,true]}`, `[{"k":1},{"k":-2e3}]`, `{"a":1,"a":2}`, `"\u00e9\n"`, `-0`, `1e400`, `123456789012345678901`, `{"a":[{"b":2.0}]}`, `{"a":-0.0}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data)
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("json.Valid %v, ParseJSON error %v", valid, err)
		}
		if err != nil {
			return
		}
		// The size bound ParseJSON caches on an object bounds its JSON.
		if b := knownBound(v); b > 0 && b < len(AppendJSON(nil, v)) {
			t.Fatalf("cached bound %d < size %d of %s", b, len(AppendJSON(nil, v)), AppendJSON(nil, v))
		}
		// What it records of the numbers holds of every one of them.
		if NoIntegralFloats(v) && holdsIntegralFloat(v) {
			t.Fatalf("NoIntegralFloats of %s, which holds one", data)
		}
		var want, got any
		if json.Unmarshal(data, &want) != nil {
			return // a number encoding/json cannot hold (1e400)
		}
		if err := json.Unmarshal(AppendJSON(nil, v), &got); err != nil {
			t.Fatalf("re-encoded %s: %v", AppendJSON(nil, v), err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("ParseJSON read %s, encoding/json %v", AppendJSON(nil, v), want)
		}
	})
}

// holdsIntegralFloat reports whether v holds a float64 integralFloat
// holds of.
func holdsIntegralFloat(v any) bool {
	switch x := v.(type) {
	case float64:
		return integralFloat(x)
	case []any:
		for _, e := range x {
			if holdsIntegralFloat(e) {
				return true
			}
		}
	case *Object:
		for _, m := range x.Members() {
			if holdsIntegralFloat(m.Value) {
				return true
			}
		}
	}
	return false
}

func unsafeStringData(s string) *byte { return unsafe.StringData(s) }

// An Object is 32 bytes: with three members, a template result takes one
// 128-byte allocation (NewObject), not 144.
func TestObjectSize(t *testing.T) {
	if n := unsafe.Sizeof(Object{}); n != 32 {
		t.Errorf("unsafe.Sizeof(Object{}) = %d, want 32", n)
	}
}

// A large object indexes its keys; the index follows Set, Delete and Clone.
func TestObjectIndex(t *testing.T) {
	o := NewObject(0)
	for i := 0; i < 3*indexAfter; i++ {
		o.Set(strconv.Itoa(i), int64(i))
	}
	o.Set("5", "five")
	o.Delete("7")
	c := o.Clone()
	c.Set("new", true)
	for _, obj := range []*Object{o, c} {
		if v, _ := obj.Get("5"); v != "five" {
			t.Errorf(`Get("5") = %v`, v)
		}
		if _, ok := obj.Get("7"); ok {
			t.Errorf(`Get("7") found a deleted key`)
		}
		if v, _ := obj.Get("30"); v != int64(30) {
			t.Errorf(`Get("30") = %v`, v)
		}
	}
	if _, ok := o.Get("new"); ok {
		t.Errorf("Set on a clone changed the original")
	}
	if v, _ := c.Get("new"); v != true {
		t.Errorf(`clone Get("new") = %v`, v)
	}
}

// WriteJSON writes what AppendJSON makes, and a newline, in pieces.
func TestWriteJSON(t *testing.T) {
	items := make([]any, 5000)
	for i := range items {
		items[i] = ObjectOf(Member{"id", int64(i)}, Member{"name", "item \"" + strconv.Itoa(i) + "\""}, Member{"tags", []any{true, nil, 1.5}})
	}
	for _, v := range []any{ObjectOf(Member{"items", items}, Member{"n", int64(5000)}), "just a string", []any{}} {
		var w chunks
		if err := WriteJSON(&w, v); err != nil {
			t.Fatal(err)
		}
		if want := string(AppendJSON(nil, v)) + "\n"; w.String() != want {
			t.Errorf("WriteJSON wrote %d bytes, want the %d of AppendJSON and a newline", w.Len(), len(want))
		}
		if big := w.Len() > 2*jsonFlushAt; big && w.writes < 2 {
			t.Errorf("WriteJSON wrote %d bytes in %d write", w.Len(), w.writes)
		}
	}
}

type chunks struct {
	bytes.Buffer
	writes int
}

func (c *chunks) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// TestParseJSONLongArrays: arrays past the few elements an array keeps
// on its own stack spill to the decoder's block stack; nested long
// arrays and block boundaries must come back in order, each of its exact
// length.
func TestParseJSONLongArrays(t *testing.T) {
	ints := func(n, from int) string {
		var b strings.Builder
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(from + i))
		}
		b.WriteByte(']')
		return b.String()
	}
	for _, doc := range []string{
		ints(8, 0), ints(9, 0), ints(elemBlock, 0), ints(elemBlock+1, 0), ints(3*elemBlock+7, 0),
		"[" + ints(600, 0) + "," + ints(9, 1000) + "," + ints(1, 5) + "," + ints(1030, 7) + "]",
		"[1,2,3,4,5,6,7,8," + ints(9, 0) + ",[[" + ints(700, 3) + "]],9,10]",
		// Long arrays nested in long arrays: the scans ahead that count
		// them use up their budget (the document's size), and the
		// innermost spill to the blocks.
		"[" + strings.Repeat(ints(20, 0)+",", 9) + "[" + strings.Repeat(ints(30, 0)+",", 9) + ints(600, 1) + "]]",
		`{"a":` + ints(2000, 1) + `,"b":[` + ints(20, 0) + `,{"c":` + ints(520, 9) + `}]}`,
	} {
		v, err := ParseJSON([]byte(doc))
		if err != nil {
			t.Fatalf("ParseJSON: %v", err)
		}
		if got := string(AppendJSON(nil, v)); got != doc {
			t.Errorf("round trip of a %d-byte document differs:\n got %.80s...\nwant %.80s...", len(doc), got, doc)
		}
		var check func(v any)
		check = func(v any) {
			switch v := v.(type) {
			case []any:
				if cap(v) != len(v) {
					t.Errorf("an array of %d elements has capacity %d", len(v), cap(v))
				}
				for _, e := range v {
					check(e)
				}
			case *Object:
				for _, m := range v.Members() {
					check(m.Value)
				}
			}
		}
		check(v)
	}
}

// TestParseJSONLongArrayBytes: a long array costs its elements once, not
// the four times a growing slice allocates on the way, nor the twice of
// spilling them to blocks and copying them out (see countRest).
func TestParseJSONLongArrayBytes(t *testing.T) {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < 10000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("true") // allocates nothing of its own
	}
	b.WriteByte(']')
	doc := []byte(b.String())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := ParseJSON(doc)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	elems := uint64(len(v.([]any))) * uint64(unsafe.Sizeof(any(nil)))
	if got := after.TotalAlloc - before.TotalAlloc; got > elems+elems/4 {
		t.Errorf("parsing 10,000 elements (%d bytes of interface values) allocated %d bytes", elems, got)
	}
}

// ParseJSON records that a document holds no float with an integral
// value within ±2^53, which JSONata would hold as an integer, so that
// natively compiled JSONata need not walk it; a change forgets it.
func TestNoIntegralFloats(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want bool
	}{
		{`{"a": 42.5, "b": [1, "x", {"c": 1e300}], "d": 123456789012345678901234}`, true},
		{`{"a": 2.0}`, false},
		{`{"a": [{"b": 1e2}]}`, false},
		{`{"a": -0.0}`, false},
		{`{"a": 9007199254740992.0}`, false},
		{`{"a": 9007199254740994.0}`, true},
		{`[1.5]`, false}, // only objects record it
		{`2.5`, false},
	} {
		v, err := ParseJSON([]byte(c.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := NoIntegralFloats(v); got != c.want {
			t.Errorf("NoIntegralFloats(%s) = %v, want %v", c.doc, got, c.want)
		}
	}
	o := MustParseJSON(`{"a": 1.5}`).(*Object)
	o.Set("b", 2.0)
	if NoIntegralFloats(o) {
		t.Error("NoIntegralFloats holds after Set")
	}
	o = MustParseJSON(`{"a": 1.5, "b": 1}`).(*Object)
	o.Delete("b")
	if NoIntegralFloats(o) {
		t.Error("NoIntegralFloats holds after Delete")
	}
	if NoIntegralFloats(NewObject(0)) || NoIntegralFloats((*Object)(nil)) {
		t.Error("NoIntegralFloats holds of an object no decoder read")
	}
}
