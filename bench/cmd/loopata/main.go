// Command loopata runs the bench kit's loop-ata workload with the
// generated code that `sfn-compile build` puts in a binary and the same
// command line (sfnrt.MainArgs), plus --cpuprofile FILE and --memprofile
// FILE: the built binary with profiling, for finding where its time goes.
package main

import (
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/loopata"
)

func main() {
	benchmain.Main(loopata.New(nil))
}
