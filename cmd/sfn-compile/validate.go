package main

// cmdValidate compiles each definition and prints every diagnostic on
// stderr. It exits 0 when all are valid (warnings allowed), 2 otherwise.
func cmdValidate(e *env, args []string) int {
	fs := newFlags("validate")
	typ := fs.String("type", "STANDARD", "state machine type to validate for: STANDARD or EXPRESS")
	pos, code, ok := parseFlags(e, fs, synopsis("validate"), args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return usageErrorf(e, "validate", "want at least one DEFINITION")
	}
	t, ok := machineType(*typ)
	if !ok {
		return usageErrorf(e, "validate", "invalid --type %q: want STANDARD or EXPRESS", *typ)
	}
	code = exitOK
	for _, path := range pos {
		if _, ok := compile(e, "validate", path, t, true); !ok {
			code = exitUsage
		}
	}
	return code
}
