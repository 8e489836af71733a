package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/orderata/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The bench kit's order input and the hand-written peer's output for it.
const (
	orderInput  = benchmain.OrderInput
	orderOutput = benchmain.OrderOutput
)

func TestCommandLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := benchmain.Run(machine.New(shop.Handlers{}), nil, []string{"--input", orderInput, "--repeat", "3"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	if diff := cmp.Diff(orderOutput+"\n", stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// The JSONata expressions of order-ata are all compiled natively: the
// generated machine never starts the engine for them ($merge of the input
// with one new member included). A change that sends one back to the
// engine shows here before it shows in the benchmark.
func TestNoEngineOnTheHappyPath(t *testing.T) {
	src, err := os.ReadFile("machine/machine_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	// Outside the Catch handlers and the fallbacks, every expression
	// has a native function.
	for _, expr := range []string{
		"$merge([$states.input, {'payment': $states.result}])",
		"$merge([$states.input, {'fulfilment': $states.result}])",
		"$merge([$states.input, {'shipping': $states.result}])",
		"$states.input.payment.status = 'APPROVED'",
	} {
		if !strings.Contains(string(src), "computes "+strconv.Quote(expr)+" natively") {
			t.Errorf("%s is not compiled natively", expr)
		}
	}
}

var sink any

// BenchmarkOrderATA is one execution of the order-ata workload; compare
// with bench/order's BenchmarkOrder (impl=sfn and impl=go). Each
// execution writes into the same Result, as the built binary's does.
func BenchmarkOrderATA(b *testing.B) {
	in := sfnrt.MustParseJSON(orderInput)
	m := machine.New(shop.Handlers{})
	b.ReportAllocs()
	res := new(sfnrt.Result)
	for i := 0; i < b.N; i++ {
		m.StartInto(context.Background(), in, &sfnrt.Options{}, res)
		if res.Status != sfnrt.StatusSucceeded {
			b.Fatal(res.Error, res.Cause)
		}
		sink = res.Output
	}
}
