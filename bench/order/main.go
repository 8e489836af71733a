// Command order is the bench kit's order workload built the way a user
// builds a machine with Task states: `sfn-compile gen` emits package
// machine (go generate), and the Task states are bound to the Go functions
// in package shop (typed: structs in, structs out), which compute what ../shared/bench/peers/handwritten
// computes. Its command line is that of a built binary (sfnrt.MainArgs:
// --input @FILE --repeat N prints the last output), plus --cpuprofile FILE
// and --memprofile FILE.
package main

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg machine -handlers ./shop.Handlers -o machine/machine_gen.go ../../../shared/bench/machines/order.asl.json

import (
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/order/machine"
	"github.com/sfn-compile/sfn-compile/bench/order/shop"
)

func main() {
	benchmain.Main(machine.New(shop.Handlers{}))
}
