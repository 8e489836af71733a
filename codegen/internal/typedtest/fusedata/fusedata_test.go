package fusedata

import (
	"context"
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen/internal/typedtest"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// With JSONata Arguments filling the handler's input struct directly (no
// history), an execution must end exactly as it does when the Arguments
// object is built and decoded (history on takes that way): same status,
// error, cause and output, for inputs that decode, inputs that do not,
// members that are undefined, paths that would map over an array, and
// numbers JSONata normalises (1.0 is 1, -0 is 0).
var inputs = []string{
	`{"s":"a","i":1,"u8":2,"f":1.5,"level":3,"kind":"k","ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"struct":{"sku":"s"},"grid":[["a"],["b","c"]]}}`,
	`{"s":"","i":0,"u8":0,"f":0,"level":0,"kind":"","ignored":[],"nested":{"ptr":null,"list":null,"map":null,"any":null,"struct":null,"grid":null}}`,
	`{"s":null,"i":null,"u8":null,"f":2,"level":null,"kind":"k","ignored":1,"nested":{"ptr":{},"list":[],"map":{},"any":1.5,"struct":{},"grid":[]}}`,
	`{"s":"a","i":1.0,"u8":2.0,"f":1,"level":3,"kind":"k","ignored":1}`,               // 1.0 is 1 in JSONata: it decodes into an int
	`{"s":"a","i":1,"u8":256,"f":1,"level":3,"kind":"k","ignored":1}`,                 // u8 out of range
	`{"s":"a","i":1,"u8":2,"f":"1","level":3,"kind":"k","ignored":1}`,                 // a string times 2: an error
	`{"s":"a","i":1,"u8":2,"f":1,"level":-129,"kind":"k","ignored":1}`,                // out of int8's range
	`{"s":"a","i":1,"u8":2,"f":1,"level":3,"kind":"k"}`,                               // $states.input.ignored is undefined
	`{"s":"a","i":1,"u8":2,"level":3,"kind":"k","ignored":1}`,                         // f undefined: so is f * 2
	`{"s":"a","i":1,"u8":2,"f":1,"level":3,"kind":1,"ignored":1}`,                     // & of a number: the engine's
	`{"s":"a","i":-5,"u8":2,"f":1e300,"level":3,"kind":"k","ignored":{},"nested":{}}`, // f * 2 overflows; nested paths undefined
	`{"s":"a","i":9007199254740993,"u8":2,"f":-0.0,"level":3,"kind":"k","ignored":1,"nested":{"ptr":{"S":"case"},"list":[{"SKU":"x"}],"map":{"a":1.5},"any":null,"struct":{"qty":2.0},"grid":[[1]]}}`,
	`{"s":"a","i":1,"u8":2,"f":1,"level":3,"kind":"k","ignored":1,"nested":{"ptr":[],"list":{},"map":[],"any":null,"struct":1,"grid":{}}}`,
	`{"s":["a"],"i":[1],"u8":2,"f":1,"level":3,"kind":"k","ignored":[1,2],"nested":[{"ptr":{}},{"list":[]}]}`, // paths over arrays
	`{"s":"\u00e9\ud83d\ude00","i":-1,"u8":255,"f":0.25,"level":127,"kind":"\u00e9","ignored":1,"nested":{"ptr":{"i8":1,"u64":18446744073709551615},"list":[],"map":{},"any":{},"struct":{"sku":""},"grid":[]}}`,
	`[1,2]`,
	`"text"`,
}

// failing are inputs on which failingHandlers' Fused fails: Fused's
// Retry takes Declined once (a second of real time where the handler runs
// inline), its Catch the second time.
var failing = []string{
	`{"s":"fail","i":1,"u8":2,"f":1.5,"level":3,"kind":"k","ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"struct":{"sku":"s"},"grid":[["a"],["b","c"]]}}`,
	`{"s":"declined","i":1,"u8":2,"f":1.5,"level":3,"kind":"k","ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"struct":{"sku":"s"},"grid":[["a"],["b","c"]]}}`,
	`{"s":"declined1","i":1,"u8":2,"f":1.5,"level":3,"kind":"k","ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"struct":{"sku":"s"},"grid":[["a"],["b","c"]]}}`,
	`{"s":"panic","i":1,"u8":2,"f":1.5,"level":3,"kind":"k","ignored":null,"nested":{"ptr":{"s":"p"},"list":[{"sku":"x","qty":1}],"map":{"b":2,"a":1},"any":{"k":[1]},"struct":{"sku":"s"},"grid":[["a"],["b","c"]]}}`,
}

// failingHandlers are typedtest's, but for a Fused that fails when its
// input says so: with States.TaskFailed, with Declined on every attempt
// or on its first attempt only (attempts counted per execution), or with
// a panic. Under Retry a handler called inline hands each failed attempt
// to the retry loop after it ran (sfnimpl.RetryTaskInline): the
// retries, the catcher and the output must be those of the ordinary way.
type failingHandlers struct {
	typedtest.Handlers
	attempts *int
}

func (h failingHandlers) Fused(ctx context.Context, in typedtest.Scalars) (typedtest.Scalars, error) {
	*h.attempts++
	switch in.S {
	case "fail":
		return in, errors.New("the handler failed")
	case "declined":
		return in, sfnrt.NewError("Declined", "no")
	case "declined1":
		if *h.attempts == 1 {
			return in, sfnrt.NewError("Declined", "the first time")
		}
	case "panic":
		panic("the handler panicked")
	}
	return h.Handlers.Fused(ctx, in)
}

type outcome struct {
	Status, Error, Cause, Output string
	Attempts                     int // Fused's
}

// run runs the machine on v. Without a history it runs on the real clock:
// on the fake one of SkipWaits an execution has a deadline (a year's), so
// its handlers never run inline (see sfnimpl.Frame.TasksInline).
func run(v any, history bool) outcome {
	attempts := 0
	m := New(failingHandlers{attempts: &attempts})
	res := m.Start(context.Background(), v, sfnrt.Options{SkipWaits: history, History: history})
	return outcome{res.Status, res.Error, res.Cause, sfnrt.ToJSON(res.Output), attempts}
}

func TestTypedArgumentsMatchTheObject(t *testing.T) {
	for _, in := range append(append([]string(nil), inputs...), failing...) {
		typed := run(sfnrt.MustParseJSON(in), false)
		object := run(sfnrt.MustParseJSON(in), true)
		if diff := cmp.Diff(object, typed); diff != "" {
			t.Errorf("input %s: typed Arguments differ from the object's way (-object +typed):\n%s", in, diff)
		}
	}
}

func FuzzTypedArguments(f *testing.F) {
	for _, in := range inputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := sfnrt.ParseJSON(data)
		if err != nil {
			return
		}
		if typed, object := run(v, false), run(v, true); typed != object {
			t.Errorf("input %s: typed %+v; object %+v", data, typed, object)
		}
	})
}

// Both Task states are generated typed: the tests above compare two ways
// only if there are two.
func TestBothStatesAreTyped(t *testing.T) {
	src, err := os.ReadFile("machine_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	// The state calls the handler with the struct it decoded: inline, or
	// through the TaskFunc over a copy (typedTaskCall in codegen/task.go).
	// Fused, under Retry, calls it directly the first time
	// (typedTaskRetried).
	for _, call := range []string{`RunTaskInline\(ctx, f, true, \(\*machine\)\.runFused, m, p[0-9]+\)`, `RunTaskInline\(ctx, f, false, \(\*machine\)\.runFusedNested, m, p[0-9]+\)`} {
		if n := len(regexp.MustCompile(call).FindAllIndex(src, -1)); n != 1 {
			t.Errorf("machine_gen.go calls %s from %d states, want 1", call, n)
		}
	}
}
