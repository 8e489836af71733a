package sfncli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// versionLine is what a built binary's --version prints.
func versionLine(name string) string {
	return fmt.Sprintf("%s (sfn-compile %s) %s %s/%s", name, sfnrt.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// cliExitCrash is the exit code of a binary that panicked: a bug, which
// the Go runtime's own code for a panic, 2, would pass off as bad flags.
const cliExitCrash = 4

// exitOnPanic, deferred by MainWith, reports a panic of the main
// goroutine and exits with cliExitCrash.
func exitOnPanic(name string) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "%s: internal error: %v\n\n%s\nThis is a bug in sfn-compile %s: please report it with the output above.\n",
			name, r, debug.Stack(), sfnrt.Version())
		os.Exit(cliExitCrash)
	}
}
