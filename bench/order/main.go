// Command order is the bench kit's order workload built the way a user
// builds a machine with Task states: it runs the example of
// examples/order, whose package machine `sfn-compile gen` emits (go
// generate) with its Task states bound to the Go functions of package
// shop (typed: structs in, structs out), which compute what
// ../shared/bench/peers/handwritten computes. Its command line is that of
// a built binary (sfnrt.MainArgs: --input @FILE --repeat N prints the
// last output), plus --cpuprofile FILE and --memprofile FILE.
package main

import (
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
)

func main() {
	benchmain.Main(machine.New(shop.Handlers{}))
}
