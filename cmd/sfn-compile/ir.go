package main

import (
	"io"

	"github.com/sfn-compile/sfn-compile/ir"
)

// cmdIR prints the typed IR of a definition (ir.Dump), what lowering
// produced before code generation.
func cmdIR(e *env, args []string) int {
	fs := newFlags("ir")
	typ := fs.String("type", "STANDARD", "state machine type to validate for: STANDARD or EXPRESS")
	pos, code, ok := parseFlags(e, fs, synopsis("ir"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "ir", "want one DEFINITION, got %d arguments", len(pos))
	}
	t, ok := machineType(*typ)
	if !ok {
		return usageErrorf(e, "ir", "invalid --type %q: want STANDARD or EXPRESS", *typ)
	}
	d, ok := compile(e, "ir", pos[0], t, true)
	if !ok {
		return exitUsage
	}
	if _, err := io.WriteString(e.stdout, ir.Dump(d.machine)); err != nil {
		return failf(e, "ir", "%v", err)
	}
	return exitOK
}
