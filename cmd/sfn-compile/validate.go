package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
)

// cmdValidate compiles each definition and prints every diagnostic on
// stderr. It exits 0 when all are valid (warnings allowed), 2 otherwise.
// With --tasks it also lists every Task state and how it will run, and
// exits 1 when one has nothing to run it.
func cmdValidate(e *env, args []string) int {
	fs := newFlags("validate")
	typ := fs.String("type", "STANDARD", "state machine type to validate for: STANDARD or EXPRESS")
	tasks := fs.Bool("tasks", false, "list every Task state and how it will run (Lambda, built-in integration, mock, or unbound); exit 1 if one is unbound")
	mockConfig := fs.String("mock-config", "", "with --tasks, the MockConfigFile `FILE` a run will use (needs --test-case)")
	testCase := fs.String("test-case", "", "with --tasks, the test case `NAME` of the mock config")
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
	if (*mockConfig != "") != (*testCase != "") {
		return usageErrorf(e, "validate", "--mock-config and --test-case go together")
	}
	if *mockConfig != "" && !*tasks {
		return usageErrorf(e, "validate", "--mock-config and --test-case only apply with --tasks")
	}
	var mock []byte
	if *mockConfig != "" {
		var err error
		if mock, err = os.ReadFile(*mockConfig); err != nil {
			return usageErrorf(e, "validate", "reading --mock-config: %v", err)
		}
	}
	code = exitOK
	for _, path := range pos {
		d, ok := compile(e, "validate", path, t, true)
		if !ok {
			code = exitUsage
			continue
		}
		if !*tasks {
			continue
		}
		mocked, err := mockedStates(mock, machineName(path), *testCase)
		if err != nil {
			return usageErrorf(e, "validate", "%v", err)
		}
		if listTasks(e.stdout, d, mocked) > 0 && code == exitOK {
			code = exitFail
		}
	}
	return code
}

// listTasks prints one line per Task state of d, nested ones included:
// its position, name, resource and how a built binary runs it (when no
// Go handler from gen -handlers does). It returns how many are unbound.
func listTasks(w io.Writer, d *definition, mocked map[string]bool) int {
	unboundCount := 0
	eachTask(d.machine, func(t *ir.Task) {
		how := ""
		b, note := bindingOf(t.Resource)
		switch {
		case mocked[string(t.Name)]:
			how = "mock"
		case b == viaLambda, b == viaBuiltin:
			how = note
		default:
			unboundCount++
			how = "unbound: " + note + "; bind a Go handler (gen -handlers), a mock (--mock-config) or, for an integration, an endpoint (--endpoint)"
		}
		line, col := position(d.src, t.Pos.Offset)
		fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s\n", d.display, line, col, t.Name, t.Resource, how)
	})
	return unboundCount
}

// position returns the 1-based line and column (in characters) of a
// byte offset of src.
func position(src []byte, offset int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(src) && i < offset; {
		r, n := utf8.DecodeRune(src[i:])
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return line, col
}

// mockedStates returns the Task states that test case testCase of a mock
// config answers for machine name; nil without a mock config.
func mockedStates(mock []byte, name, testCase string) (map[string]bool, error) {
	if mock == nil {
		return nil, nil
	}
	if _, err := sfnmock.LoadMockConfig(mock, name, testCase); err != nil {
		return nil, err
	}
	var cfg struct {
		StateMachines map[string]struct {
			TestCases map[string]map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(mock, &cfg); err != nil {
		return nil, fmt.Errorf("mock config: %v", err)
	}
	mocked := map[string]bool{}
	for state := range cfg.StateMachines[name].TestCases[testCase] {
		mocked[state] = true
	}
	return mocked, nil
}
