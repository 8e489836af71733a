package main

import (
	"fmt"
	"runtime"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// version returns the version of the sfn-compile module this command was
// built from (see sfnrt.Version: the CLI and the runtime are one module).
func version() string { return sfnrt.Version() }

// cmdVersion prints "sfn-compile VERSION GOVERSION GOOS/GOARCH".
func cmdVersion(e *env, args []string) int {
	fs := newFlags("version")
	pos, code, ok := parseFlags(e, fs, synopsis("version"), args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return usageErrorf(e, "version", "unexpected argument %q", pos[0])
	}
	fmt.Fprintf(e.stdout, "sfn-compile %s %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
