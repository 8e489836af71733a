// Command order runs the order workflow of order.asl.json with its Task
// states bound to the typed Go methods of package shop: the go generate
// path of sfn-compile. `make demo` regenerates the machine package and
// runs it.
package main

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg machine -handlers ./shop.Handlers -o machine/machine_gen.go order.asl.json

import (
	"context"
	"fmt"
	"os"

	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func main() {
	input := `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
	  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
	  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`
	if len(os.Args) > 1 {
		input = os.Args[1]
	}
	in, err := sfnrt.ParseJSON([]byte(input))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	res := machine.New(shop.Handlers{}).Start(context.Background(), in, sfnrt.Options{})
	if res.Status != sfnrt.StatusSucceeded {
		fmt.Fprintf(os.Stderr, "%s: %s: %s\n", res.Status, res.Error, res.Cause)
		os.Exit(1)
	}
	fmt.Println(sfnrt.ToJSON(res.Output))
}
