package fused

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
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

// failing are inputs on which failingHandlers' Fused fails or panics.
var failing = []string{
	`{"s":"fail","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
	`{"s":"declined","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
	`{"s":"panic","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
	`{"s":"huge","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
	`{"s":"limit","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
	`{"s":"once","i":1,"u8":2,"f":1.5,"level":3,"ignored":null}`,
}

// onceCalls counts the calls of Fused on input "once", which declines
// every other call: an execution's first attempt fails, its retry
// succeeds.
var onceCalls atomic.Int64

// failingHandlers are typedtest's, but for a Fused that fails (with
// States.TaskFailed, or an ASL error name: always, or the first time
// only), panics, or returns an output
// over the payload limit, or just within it, when its input says so: a
// handler called inline (sfnimpl.RunTaskInline, which checks the output's
// size against a bound the compiler derives from its type) must end the
// state as one called through a TaskFunc does.
type failingHandlers struct{ typedtest.Handlers }

func (h failingHandlers) Fused(ctx context.Context, in typedtest.Scalars) (typedtest.Scalars, error) {
	switch in.S {
	case "fail":
		return in, errors.New("the handler failed")
	case "declined":
		return in, sfnrt.NewError("Declined", "no")
	case "once":
		if onceCalls.Add(1)%2 == 1 {
			return in, sfnrt.NewError("Declined", "the first time")
		}
	case "panic":
		panic("the handler panicked")
	case "huge":
		// Over the limit only escaped: six bytes of JSON a byte.
		in.S = strings.Repeat("\x01", sfnrt.MaxPayloadBytes/5)
		return in, nil
	case "limit":
		// Within the limit only as compact JSON: the bound of its size
		// is over it, so the check measures it.
		in.S = strings.Repeat("x", sfnrt.MaxPayloadBytes-200)
		return in, nil
	}
	return h.Handlers.Fused(ctx, in)
}

// TestFusedParametersMatchTheObject runs each input three ways: fused
// with the handler called inline (a context that cannot end), fused
// through a TaskFunc over a copy of the struct (a context that can end:
// the handler may then run on a goroutine of its own), and with the
// Parameters object built and decoded (history on).
func TestFusedParametersMatchTheObject(t *testing.T) {
	m := New(failingHandlers{})
	for _, in := range append(append([]string(nil), inputs...), failing...) {
		type outcome struct{ Status, Error, Cause, Output string }
		run := func(ctx context.Context, history bool) outcome {
			r := m.Start(ctx, sfnrt.MustParseJSON(in), sfnrt.Options{History: history})
			return outcome{r.Status, r.Error, r.Cause, sfnrt.ToJSON(r.Output)}
		}
		cancellable, cancel := context.WithCancel(context.Background())
		want := run(context.Background(), true)
		inline := run(context.Background(), false)
		closure := run(cancellable, false)
		cancel()
		if diff := cmp.Diff(want, inline); diff != "" {
			t.Errorf("input %s: fused, inline, differs from the object's way (-object +fused):\n%s", in, diff)
		}
		if diff := cmp.Diff(want, closure); diff != "" {
			t.Errorf("input %s: fused through a TaskFunc differs from the object's way (-object +fused):\n%s", in, diff)
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
		fused := m.Start(context.Background(), v, sfnrt.Options{})
		object := m.Start(context.Background(), v, sfnrt.Options{History: true})
		if fused.Status != object.Status || fused.Error != object.Error || fused.Cause != object.Cause || sfnrt.ToJSON(fused.Output) != sfnrt.ToJSON(object.Output) {
			t.Errorf("input %s: fused %s %s %s %s; object %s %s %s %s", data,
				fused.Status, fused.Error, fused.Cause, sfnrt.ToJSON(fused.Output), object.Status, object.Error, object.Cause, sfnrt.ToJSON(object.Output))
		}
	})
}

// Both Task states are generated fused, their handlers called inline and
// through a TaskFunc: the test above compares the ways only if they are
// there. Fused has a Retry field and no ResultSelector, so its handler
// is called directly the first time (RunTaskInline, then RetryTaskInline: "declined" is
// retried once, a second of real time inline).
func TestBothStatesAreFused(t *testing.T) {
	src, err := os.ReadFile("machine_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{
		"sfnimpl.RunTaskInline(ctx, f, true, (*machine).runFused, m, p", "sfnimpl.RetryTaskInline(ctx, f, retryFused, err", ":= m.runFused(ctx, p",
		"sfnimpl.RunTaskInline(ctx, f, false, (*machine).runFusedNested, m, p", ":= m.runFusedNested(ctx, p",
	} {
		if strings.Count(string(src), call) != 1 {
			t.Errorf("machine_gen.go does not call %q from a state", call)
		}
	}
}
