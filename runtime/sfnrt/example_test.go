package sfnrt_test

import (
	"context"
	"errors"
	"fmt"

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
