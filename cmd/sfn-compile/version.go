package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version returns the module version sfn-compile was built from, or
// "devel" for a build from a checkout.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

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
