// Command map-c10 runs the bench kit's map-c10 workload with the generated code that
// `sfn-compile build` puts in a binary and the same command line
// (sfnrt.MainArgs), plus --cpuprofile FILE and --memprofile FILE: the
// built binary with profiling, for finding where its time goes. Like the
// binary that make bench-bins builds, it defaults to --payload-limit 0:
// the kit's map input and output are over AWS's 256 KiB.
package main

import (
	"github.com/sfn-compile/sfn-compile/bench/internal/benchmain"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/mapc10"
)

func main() {
	benchmain.Main(mapc10.New(nil), "--payload-limit", "0")
}
