package fused

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen/internal/typedtest"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// With Parameters filling the handler's input struct directly (no
// history), an execution must end exactly as it does when the Parameters
// object is built and decoded (history on takes that way): same status,
// error, cause and output, for inputs that decode, inputs that do not, and
// paths that select nothing.
var inputs = []string{
	`{"s":"a","i":1,"u8":2,"f":1.5,"level":3,"ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"sku":"s"}}`,
	`{"s":"","i":0,"u8":0,"f":0,"level":0,"ignored":[],"nested":{"ptr":null,"list":null,"map":null,"any":null,"sku":null}}`,
	`{"s":null,"i":null,"u8":null,"f":null,"level":null,"ignored":1,"nested":{"ptr":{},"list":[],"map":{},"any":1.5,"sku":"s"}}`,
	`{"s":"a","i":1.0,"u8":2,"f":1,"level":3,"ignored":1}`,                // i: 1.0 does not decode into an int
	`{"s":"a","i":1,"u8":256,"f":1,"level":3,"ignored":1}`,                // u8 out of range
	`{"s":"a","i":1,"u8":2,"f":"1","level":3,"ignored":1}`,                // a string for a float64
	`{"s":"a","i":1,"u8":2,"f":1,"level":-129,"ignored":1}`,               // out of int8's range
	`{"s":"a","i":1,"u8":2,"f":1,"level":3}`,                              // $.ignored selects nothing
	`{"s":"a","i":1,"u8":2,"f":1e300,"level":3,"ignored":{},"nested":{}}`, // nested paths select nothing
	`{"s":"a","i":9007199254740993,"u8":2,"f":-0.0,"level":3,"ignored":1,"nested":{"ptr":{"S":"case"},"list":[{"SKU":"x"}],"map":{"a":1.5},"any":null,"sku":"s"}}`,
	`{"s":"a","i":1,"u8":2,"f":1,"level":3,"ignored":1,"nested":{"ptr":[],"list":{},"map":[],"any":null,"sku":1}}`,
	`{"s":"\u00e9\ud83d\ude00","i":-1,"u8":255,"f":123456789012345678,"level":127,"ignored":1,"nested":{"ptr":{"i8":1,"u64":18446744073709551615},"list":[],"map":{},"any":{},"sku":""}}`,
}

func TestFusedParametersMatchTheObject(t *testing.T) {
	m := New(typedtest.Handlers{})
	for _, in := range inputs {
		fused := m.Start(context.Background(), sfnrt.MustParseJSON(in), sfnrt.Options{SkipWaits: true})
		object := m.Start(context.Background(), sfnrt.MustParseJSON(in), sfnrt.Options{SkipWaits: true, History: true})
		type outcome struct{ Status, Error, Cause, Output string }
		got := outcome{fused.Status, fused.Error, fused.Cause, sfnrt.ToJSON(fused.Output)}
		want := outcome{object.Status, object.Error, object.Cause, sfnrt.ToJSON(object.Output)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("input %s: fused differs from the object's way (-object +fused):\n%s", in, diff)
		}
	}
}

func FuzzFusedParameters(f *testing.F) {
	for _, in := range inputs {
		f.Add([]byte(in))
	}
	m := New(typedtest.Handlers{})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := sfnrt.ParseJSON(data)
		if err != nil {
			return
		}
		fused := m.Start(context.Background(), v, sfnrt.Options{SkipWaits: true})
		object := m.Start(context.Background(), v, sfnrt.Options{SkipWaits: true, History: true})
		if fused.Status != object.Status || fused.Error != object.Error || fused.Cause != object.Cause || sfnrt.ToJSON(fused.Output) != sfnrt.ToJSON(object.Output) {
			t.Errorf("input %s: fused %s %s %s %s; object %s %s %s %s", data,
				fused.Status, fused.Error, fused.Cause, sfnrt.ToJSON(fused.Output), object.Status, object.Error, object.Cause, sfnrt.ToJSON(object.Output))
		}
	})
}

// Both Task states are generated fused: the test above compares two ways
// only if there are two.
func TestBothStatesAreFused(t *testing.T) {
	src, err := os.ReadFile("machine_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"return m.runFused(ctx, p", "return m.runFusedNested(ctx, p"} {
		if strings.Count(string(src), call) != 1 {
			t.Errorf("machine_gen.go does not call %q from a state", call)
		}
	}
}
