package sfnrt_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Task handlers receive and return JSON values; ToGo and FromGo convert
// them to and from the application's own types, and an *sfnrt.Error
// fails the Task with an ASL error name that Retry and Catch match.
func Example_taskHandler() {
	type order struct {
		ID     string  `json:"id"`
		Amount float64 `json:"amount"`
	}
	handler := func(ctx context.Context, input any) (any, error) {
		var o order
		if err := sfnrt.ToGo(input, &o); err != nil {
			return nil, err // States.TaskFailed
		}
		if o.Amount <= 0 {
			return nil, sfnrt.NewError("InvalidAmount", "amount must be positive")
		}
		return sfnrt.FromGo(map[string]any{"id": o.ID, "approved": true})
	}

	out, _ := handler(context.Background(), sfnrt.MustParseJSON(`{"id":"A1","amount":5}`))
	fmt.Println(sfnrt.ToJSON(out))
	_, err := handler(context.Background(), sfnrt.MustParseJSON(`{"id":"A2","amount":0}`))
	var e *sfnrt.Error
	fmt.Println(errors.As(err, &e), e.Name)
	// Output:
	// {"approved":true,"id":"A1"}
	// true InvalidAmount
}

// JSON values keep their key order and their integers exactly.
func ExampleParseJSON() {
	v, _ := sfnrt.ParseJSON([]byte(`{"b": 1, "a": 12345678901234567890, "c": 1.5}`))
	fmt.Println(sfnrt.ToJSON(v))
	// Output: {"b":1,"a":12345678901234567890,"c":1.5}
}

// greeter stands for what a generated package's New returns: a machine
// of two Pass states, Greet (which greets $.name) and Done. Applications
// never build one by hand; generated code does, through sfnimpl.
func greeter() *sfnrt.Machine {
	return &sfnrt.Machine{Name: "greeter", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Greet", Kind: "Pass"}, {Name: "Done", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			if state == 1 {
				return sfnimpl.End, in, nil
			}
			name, _ := sfnrt.Field(in, "name")
			s, _ := name.(string)
			return 1, sfnrt.ObjectOf(sfnrt.Member{Key: "greeting", Value: "Hello, " + s}), nil
		},
	}}
}

// A Machine runs executions: Start returns when the execution ends,
// with its status and output (or error and cause).
func ExampleMachine_Start() {
	m := greeter() // machine.New(handlers), from a generated package
	res := m.Start(context.Background(), sfnrt.MustParseJSON(`{"name":"Ada"}`), sfnrt.Options{Name: "first"})
	fmt.Println(res.Status, sfnrt.ToJSON(res.Output))
	// Output: SUCCEEDED {"greeting":"Hello, Ada"}
}

// Options.BeforeState sees a Checkpoint before each state: where the
// execution stands, enough to resume it (Machine.Resume). Returning an
// error stops the execution there.
func ExampleOptions_beforeState() {
	m := greeter()
	stop := errors.New("stop before Done")
	var last sfnrt.Checkpoint
	res := m.Start(context.Background(), sfnrt.MustParseJSON(`{"name":"Ada"}`), sfnrt.Options{
		BeforeState: func(cp sfnrt.Checkpoint) error {
			fmt.Println("before", cp.State, sfnrt.ToJSON(cp.Input))
			if cp.State == "Done" {
				last = cp
				return stop
			}
			return nil
		},
	})
	fmt.Println(res.Status)
	res = m.Resume(context.Background(), last, sfnrt.MustParseJSON(`{"name":"Ada"}`), sfnrt.Options{})
	fmt.Println(res.Status, sfnrt.ToJSON(res.Output))
	// Output:
	// before Greet {"name":"Ada"}
	// before Done {"greeting":"Hello, Ada"}
	// ABORTED
	// SUCCEEDED {"greeting":"Hello, Ada"}
}

// AsError gives any error its ASL name: a context deadline is
// States.Timeout, an *Error keeps its own, anything else is
// States.TaskFailed.
func ExampleAsError() {
	fmt.Println(sfnrt.AsError(context.DeadlineExceeded).Name)
	fmt.Println(sfnrt.AsError(sfnrt.NewError("CardDeclined", "over the limit")).Name)
	fmt.Println(sfnrt.AsError(errors.New("disk full")).Name)
	// Output:
	// States.Timeout
	// CardDeclined
	// States.TaskFailed
}

// An Object keeps its keys in insertion order, as AWS writes outputs.
func ExampleObject() {
	o := sfnrt.NewObject(2)
	o.Append("id", "A1")
	o.Append("amount", int64(42))
	amount, _ := o.Get("amount")
	fmt.Println(sfnrt.ToJSON(o), amount)
	// Output: {"id":"A1","amount":42} 42
}

// The item readers turn a Distributed Map's input object into items, as
// its ItemReader does: here a JSON array.
func ExampleNewJSONItems() {
	items := sfnrt.NewJSONItems(strings.NewReader(`[{"id":1},{"id":2}]`))
	defer items.Close()
	for {
		item, ok, err := items.Next(context.Background())
		if err != nil || !ok {
			break
		}
		fmt.Println(sfnrt.ToJSON(item))
	}
	// Output:
	// {"id":1}
	// {"id":2}
}
