package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
	"github.com/sfn-compile/sfn-compile/testrun"
)

// testVerb is the table entry of the test verb.
var testVerb = verb{
	"test", "[--run REGEXP] [-v] [--json] [-q] PATH...",
	"run test case folders and compare each outcome with its expected.json",
	cmdTest,
}

// init lists the test verb before version and help when cli.go's table
// does not have it yet. (cli.go's init runs first: files initialise in
// name order.)
func init() {
	for _, v := range verbs {
		if v.name == testVerb.name {
			return
		}
	}
	for i, v := range verbs {
		if v.name == "version" {
			verbs = append(verbs[:i], append([]verb{testVerb}, verbs[i:]...)...)
			return
		}
	}
	verbs = append(verbs, testVerb)
}

const testHelp = `Runs the test cases under each PATH: every folder holding
definition.asl.json, input.json (default {}) and expected.json, and
optionally mock-config.json, a Step Functions Local MockConfigFile whose
test case expected.json selects with "mock": {"state_machine": NAME,
"test_case": NAME}. All definitions are compiled into one Go program,
built once; the executions run in parallel on a fake clock (Wait states
end at once).

Each case prints PASS or FAIL with what differed from expected.json; the
last line counts them. A case expecting status INVALID passes when the
definition does not compile. The exit code is 0 when all pass, 1 when any
fails, 2 for bad arguments or no case found, 3 when the build fails.`

// cmdTest runs test case folders (package testrun).
func cmdTest(e *env, args []string) int {
	fs := newFlags("test")
	runRE := fs.String("run", "", "run only the cases whose ID (category/case) matches `REGEXP`")
	verbose := fs.Bool("v", false, "print the steps and their timings on stderr, and the result of each failing case")
	jsonOut := fs.Bool("json", false, `print one JSON object per case and line: {"case": ID, "pass": BOOL, "result": {...}}`)
	addQuiet(e, fs)
	pos, code, ok := parseFlags(e, fs, synopsis("test"), args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return usageErrorf(e, "test", "want at least one PATH")
	}
	opts := testrun.Options{}
	if *runRE != "" {
		re, err := regexp.Compile(*runRE)
		if err != nil {
			return usageErrorf(e, "test", "invalid --run: %v", err)
		}
		opts.Run = re
	}
	for _, p := range pos {
		info, err := os.Stat(p)
		if err != nil {
			return usageErrorf(e, "test", "%v", err)
		}
		if !info.IsDir() {
			return usageErrorf(e, "test", "%s is not a folder: give folders holding test cases", p)
		}
	}
	if *verbose {
		opts.Log = e.stderr
	}
	rt, err := embeddedRuntime()
	if err != nil {
		return failf(e, "test", "%v", err)
	}
	root, err := cacheRoot()
	if err != nil {
		return failf(e, "test", "%v", err)
	}
	opts.ModuleDir, err = rt.extract(root)
	if err != nil {
		return failf(e, "test", "%v", err)
	}
	opts.CacheDir = filepath.Join(root, "test")

	s := e.begin("building and running the test cases under %s...", strings.Join(pos, ", "))
	results, err := testrun.Run(pos, opts)
	s.end(err)
	if err != nil {
		return failf(e, "test", "%v", err)
	}
	if len(results) == 0 {
		what := "no test cases (folders holding " + testrun.DefinitionFile + ") under " + strings.Join(pos, ", ")
		if opts.Run != nil {
			what += " match --run " + *runRE
		}
		return usageErrorf(e, "test", "%s", what)
	}
	passed, failed := 0, 0
	for _, r := range results {
		if r.Pass {
			passed++
		} else {
			failed++
		}
		if *jsonOut {
			e.stdout.Write(append(sfnrt.AppendJSON(nil, r.JSON()), '\n'))
			continue
		}
		if r.Pass {
			fmt.Fprintf(e.stdout, "PASS %s\n", r.Case.ID)
			continue
		}
		fmt.Fprintf(e.stdout, "FAIL %s\n", r.Case.ID)
		for _, d := range r.Diffs {
			fmt.Fprintf(e.stdout, "    %s\n", d)
		}
		if *verbose {
			fmt.Fprintf(e.stdout, "    got: %s\n", sfnrt.ToJSON(r.Result()))
		}
	}
	if !*jsonOut {
		fmt.Fprintf(e.stdout, "%d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return exitFail
	}
	return exitOK
}
