package machine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen/internal/typedtest"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The generated adapters must behave as if the input were decoded from
// its JSON text by encoding/json and the output encoded by it: reference
// runs exactly that round trip around the same handler.
func reference[I, O any](h func(context.Context, I) (O, error)) func(any) (any, error) {
	return func(v any) (any, error) {
		var in I
		if err := json.Unmarshal([]byte(sfnrt.ToJSON(v)), &in); err != nil {
			return nil, err
		}
		out, err := h(context.Background(), in)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, err
		}
		return sfnrt.ParseJSON(b)
	}
}

var h typedtest.Handlers

// adapters pairs each generated adapter with its reference.
var adapters = []struct {
	name string
	call func(*machine, context.Context, any) (any, error)
	ref  func(any) (any, error)
}{
	{"Scalars", (*machine).callScalars, reference(h.Scalars)},
	{"Nested", (*machine).callNested, reference(h.Nested)},
	{"WithTime", (*machine).callWithTime, reference(h.WithTime)},
	{"Embedded", (*machine).callEmbedded, reference(h.Embedded)},
	{"Odd", (*machine).callOdd, reference(h.Odd)},
	{"PtrIn", (*machine).callPtrIn, reference(func(_ context.Context, in *typedtest.Item) (map[string]typedtest.Item, error) { return h.PtrIn(in) })},
	{"Number", (*machine).callNumber, reference(h.Number)},
	{"Reading", (*machine).callReading, reference(h.Reading)},
	{"Text", (*machine).callText, reference(h.Text)},
	{"List", (*machine).callList, reference(h.List)},
	{"Anon", (*machine).callAnon, reference(h.Anon)},
	{"ErrOnly", (*machine).callErrOnly, reference(func(ctx context.Context, in typedtest.Item) (any, error) { return nil, h.ErrOnly(ctx, in) })},
}

// inputs are the table's inputs and the fuzz target's seeds: each goes
// to every adapter.
var inputs = []string{
	`null`, `{}`, `[]`, `"s"`, `1`, `-1`, `1.5`, `2.0`, `1e300`, `123456789012345678901234`, `true`,
	`{"s":"x","b":true,"i":-3,"i8":127,"i16":-32768,"i32":7,"i64":9007199254740993,"u":1,"u8":255,"u16":65535,"u32":4294967295,"u64":18446744073709551615,"f":0.1,"kind":"k","level":-128,"NoTag":"n","Skip":"s","-":"d","Odd":"o","EmptyN":"e","hidden":"h"}`,
	`{"s":"x","b":false,"i":0,"i8":0,"f":3,"kind":"","level":0,"EmptyN":""}`,
	`{"i8":128}`, `{"u":-1}`, `{"i":1.0}`, `{"f":"1"}`, `{"s":1}`, `{"S":"case"}`, `{"s":"a","S":"b"}`, `{"KIND":"k"}`, `{"level":1e2}`,
	`{"u64":18446744073709551616}`, `{"f":1e308}`, `{"f":-0.0}`, `{"f":9007199254740993}`, `{"f":1e21}`, `{"f":123456789012345678}`,
	`{"ptr":{"s":"p"},"list":[{"sku":"a","qty":1},{"sku":"b"}],"named":[{"sku":"n"}],"map":{"b":2,"a":1},"byKind":{"z":{"sku":"z"},"y":null},` +
		`"any":{"x":[1,2.5,"s",null,{"k":true}]},"anys":[1,{"b":1,"a":2}],"ptrs":[1,null,3],"grid":[["a"],[],null],"pstr":"p",` +
		`"deep":{"k":[{"sku":"d"},null]},"struct":{"sku":"s","qty":2}}`,
	`{"ptr":null,"list":null,"named":[],"map":{},"byKind":{},"any":null,"anys":[],"ptrs":[],"grid":[],"pstr":null,"deep":{}}`,
	`{"list":{}}`, `{"map":{"a":1.5}}`, `{"ptrs":[1.5]}`, `{"grid":[[1]]}`, `{"byKind":[]}`, `{"List":[{"SKU":"x"}]}`, `{"any":123456789012345678901234}`,
	`{"at":"2024-01-02T03:04:05Z","n":1}`, `{"at":"yesterday"}`,
	`{"sku":"e","qty":1,"extra":"x"}`, `{"Item":{"sku":"e"}}`,
	`{"f32":0.1,"bytes":"aGk=","str":"12","arr":[1,2],"next":{"f32":1},"intK":{"1":"a"},"inner":{"A":1}}`, `{"bytes":"!"}`, `{"str":12}`,
	`{"sku":"p","qty":-1}`, `{"sku":"b","qty":3}`,
	// Members in the order the struct declares them (the decoders' first
	// path) failing at the first or a later one, and out of order.
	`{"sku":1,"qty":1}`, `{"sku":"e","qty":1.5}`, `{"qty":2,"sku":"r"}`, `{"sku":"s","Qty":2}`, `{"anon":{"a":1,"t":2}}`, `{"at":{"Y":1,"X":2}}`,
	`[1,"a",{"b":[null]}]`, `[1.5e300,-0.0,9007199254740993]`,
	`{"name":"r","value":42.5,"min":-0.25,"at":{"X":1e300,"Y":-7}}`, `{"name":"r","value":1000,"min":0,"at":{"X":255,"Y":256}}`,
	`{"value":9007199254740993,"min":1e21,"at":{"X":-0.0,"Y":5e-324}}`, `{"value":"1"}`, `{"at":{"X":[]}}`,
	`{"anon":{"a":1,"t":"x"}}`, `{"anon":{"a":1.5}}`, `{"n":2,"rows":[{"c":"x"},{}]}`, `{"n":1,"rows":[{"C":1}]}`, `{"rows":{}}`,
}

func TestAdaptersMatchEncodingJSON(t *testing.T) {
	m := &machine{h: h}
	for _, a := range adapters {
		for _, in := range inputs {
			checkAdapter(t, m, a.name, a.call, a.ref, sfnrt.MustParseJSON(in))
		}
	}
}

func checkAdapter(t *testing.T, m *machine, name string, call func(*machine, context.Context, any) (any, error), ref func(any) (any, error), v any) {
	t.Helper()
	got, gotErr := call(m, context.Background(), v)
	want, wantErr := ref(v)
	switch {
	case (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error():
		t.Errorf("%s(%s): error %v, encoding/json: %v", name, sfnrt.ToJSON(v), gotErr, wantErr)
	case gotErr == nil:
		// The JSON text tells int64 from float64 (2 from 2.0) and keeps
		// the members' order.
		if diff := cmp.Diff(sfnrt.ToJSON(want), sfnrt.ToJSON(got)); diff != "" {
			t.Errorf("%s(%s) differs from encoding/json (-want +got):\n%s", name, sfnrt.ToJSON(v), diff)
		}
	}
}

// The codecs must take their own path for plain values, not fall back to
// the round trip: a codec that always reported "not plain" would pass
// the test above.
func TestPlainValuesTakeTheGeneratedPath(t *testing.T) {
	var s typedtest.Scalars
	plain := strings.Replace(inputs[11], `"u64":18446744073709551615`, `"u64":9223372036854775807`, 1)
	if !decScalars(sfnrt.MustParseJSON(plain), &s) {
		t.Error("decScalars fell back on a plain input")
	}
	if s.U64 != 9223372036854775807 || s.U32 != 4294967295 || s.L != -128 || s.K != "k" || s.NoTag != "n" || s.Skip != "" || s.Dash != "d" {
		t.Errorf("decScalars: %+v", s)
	}
	if _, ok := encScalars(&s); !ok {
		t.Error("encScalars fell back on a plain value")
	}
	var n typedtest.Nested
	if !decNested(sfnrt.MustParseJSON(inputs[29]), &n) {
		t.Error("decNested fell back on a plain input")
	}
	if _, ok := encNested(&n); !ok {
		t.Error("encNested fell back on a plain value")
	}
	if _, ok := encReading(&typedtest.Reading{Name: "r", Value: 42.5, At: typedtest.Point{X: 1000}}); !ok {
		t.Error("encReading fell back on a plain value")
	}
}

// An input of type any is the runtime value itself, not what
// encoding/json would make of it.
func TestAnyInputIsTheRuntimeValue(t *testing.T) {
	m := &machine{h: h}
	// sfnrt.Object is an alias: %T names the type it stands for.
	object := fmt.Sprintf("%T", &sfnrt.Object{})
	for in, want := range map[string]string{`{"a":1}`: object, `[1]`: "[]interface {}", `1`: "int64", `1.5`: "float64", `null`: "<nil>"} {
		got, err := m.callTypeOf(context.Background(), sfnrt.MustParseJSON(in))
		if err != nil || got != want {
			t.Errorf("TypeOf(%s) = %v, %v; want %s", in, got, err, want)
		}
	}
}

func FuzzTypedCodecs(f *testing.F) {
	for _, in := range inputs {
		f.Add([]byte(in))
	}
	m := &machine{h: h}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := sfnrt.ParseJSON(data)
		if err != nil {
			return
		}
		for _, a := range adapters {
			checkAdapter(t, m, a.name, a.call, a.ref, v)
		}
	})
}
