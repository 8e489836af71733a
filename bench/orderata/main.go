// Command orderata is the bench kit's order-ata workload: the order
// workflow written in JSONata (Arguments and Output expressions), its
// Task states bound to the same typed Go handlers as the JSONPath order
// workload (package examples/order/shop), so that the two differ only in their
// query language. Its command line is that of bench/order.
package main

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg machine -handlers ../../examples/order/shop.Handlers -o machine/machine_gen.go ../machines/order-ata.asl.json

import (
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/orderata/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
)

func main() {
	benchmain.Main(machine.New(shop.Handlers{}))
}
