package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
)

// Exit codes. Each keeps one meaning whatever the verb, so that scripts
// can tell a workflow that failed from a tool that could not run it.
const (
	exitOK    = 0 // success
	exitFail  = 1 // a failed execution (run), failing test cases (test)
	exitUsage = 2 // a bad flag or argument, an unreadable or invalid definition, handlers that do not fit
	exitBuild = 3 // the build or the Go toolchain failed, or an output could not be written
	exitCrash = 4 // sfn-compile or the binary it ran crashed: a bug, to report
)

// exitCodesHelp documents the exit codes in help texts.
const exitCodesHelp = `Exit codes: 0 success; 1 failed execution (or failing test cases);
2 invalid definition, bad flag or argument; 3 build, toolchain or output
failure; 4 crash of sfn-compile or of the machine's binary (a bug).`

// An env is what a verb may touch besides the file system: its streams,
// and how it reports progress.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// progress receives the progress lines of slow steps: stderr when
	// it is a terminal, else nil. quiet (-q) silences them.
	progress io.Writer
	quiet    bool
	// collect, when set, makes parseFlags hand over the verb's flag set
	// and stop the verb before it does anything (see completion.go).
	collect func(*flag.FlagSet)
}

// A verb is one sub-command.
type verb struct {
	name    string
	args    string // synopsis after "sfn-compile NAME"
	summary string
	run     func(e *env, args []string) int
}

var verbs []verb

// verbDocs holds, per verb, what its help prints besides the synopsis and
// the flags: a description (optional) and an example (required: a test
// checks that every verb has one).
var verbDocs = map[string]struct{ about, example string }{
	"gen": {`Writes the Go package of a state machine: to stdout, or to -o FILE
(only when its content changes; the folder is created). With --handlers,
each Task state calls the method of PACKAGE.TYPE named after it, typed.`,
		"//go:generate go tool sfn-compile gen --pkg machine --handlers ./shop.Handlers -o machine/machine_gen.go order.asl.json"},
	"validate": {`Prints every diagnostic as FILE:LINE:COL: POINTER: message [CODE].
Exits 0 when every definition is valid (warnings allowed), 2 otherwise.
With --tasks, also lists every Task state and how a binary runs it
(Lambda, a built-in integration, a mock, or unbound with the fixes),
and exits 1 when one is unbound.`,
		"sfn-compile validate --type EXPRESS machines/*.asl.json"},
	"build": {`Builds a standalone binary that runs the state machine, with the flags
of run (BIN --help lists them). Works offline unless Task states call
AWS (the AWS SDK is then fetched once through the Go module proxy).
--with links more machines, which states:startExecution Tasks start by
name.
` + exitCodesHelp, "sfn-compile build --strip -o bin/order order.asl.json && bin/order --input '{\"orderId\": \"A1\"}'"},
	"run": {`Compiles the definition, builds it (once per content: later runs of the
same definition reuse the binary; see sfn-compile cache) and executes it.
The output goes to stdout as compact JSON; a failed execution prints
"Error: Cause" on stderr.

With no --input and a pipe or file on stdin, each line of stdin is the
input of one execution (JSON lines): one result line per input line, in
order, and "line N: Error: Cause" on stderr for those that fail.

` + exitCodesHelp, `sfn-compile run --input '{"orderId": "A1"}' order.asl.json
	jq -c '.[]' orders.json | sfn-compile run order.asl.json`},
	"lambda": {`Builds a zip for the provided.al2023 Lambda runtime: one stripped,
static bootstrap (go build -trimpath -ldflags='-s -w') that runs one
execution per invocation. Task states whose Resource is a Lambda function
invoke it through the AWS SDK.`,
		"sfn-compile lambda --arch arm64 -o order.zip order.asl.json"},
	"ir": {"", "sfn-compile ir order.asl.json"},
	"graph": {`Draws the state machine in the format --format names, else the one the
-o extension names (.dot or .gv, .mmd, .svg, .html), else DOT. Without
--format, an -o extension that names no format is refused.`,
		"sfn-compile graph --history run.json -o run.html order.asl.json"},
	"test":       {testHelp, "sfn-compile test --run 'orders/.*' -v cases/"},
	"cache":      {cacheHelp, "sfn-compile cache clean"},
	"serve":      {serveHelp, "sfn-compile serve --addr 127.0.0.1:8083 --data ./sfn-data"},
	"version":    {"Prints the version sfn-compile was built from (module version or VCS\nrevision), the Go version and the platform.", "sfn-compile version"},
	"completion": {completionHelp, "source <(sfn-compile completion bash)"},
	"help":       {"", "sfn-compile help run"},
}

func init() {
	verbs = []verb{
		{"gen", "[--pkg NAME] [-o FILE] [--handlers PACKAGE.TYPE] [--type STANDARD|EXPRESS] DEFINITION", "generate the Go package of a state machine", cmdGen},
		{"validate", "[--type STANDARD|EXPRESS] [--tasks [--mock-config FILE --test-case NAME]] DEFINITION...", "check definitions and print every diagnostic", cmdValidate},
		{"build", "[-o BIN] [--strip] [--type STANDARD|EXPRESS] [--with DEFINITION]... [-q] DEFINITION", "build a standalone binary that runs the state machine", cmdBuild},
		{"run", "[flags] DEFINITION", "compile, build (cached) and execute a state machine", cmdRun},
		{"lambda", "[-o FILE.zip] [--arch arm64|amd64] [--type STANDARD|EXPRESS] [-q] DEFINITION", "build a zip that deploys the state machine as an AWS Lambda function", cmdLambda},
		{"ir", "[--type STANDARD|EXPRESS] DEFINITION", "print the typed IR of a definition", cmdIR},
		{"graph", "[--format dot|mermaid|svg|html] [-o FILE] [--history FILE] DEFINITION", "draw a state machine, and what an execution did", cmdGraph},
		{"serve", "[--addr HOST:PORT] [--data DIR] [--store URL] [--mock-config FILE] [--lambda-endpoint URL] [--connections FILE] [--addr-file FILE]", "serve the AWS Step Functions API over compiled state machines", cmdServe},
		{"cache", "[clean]", "show what the build cache holds and where, or empty it", cmdCache},
		{"version", "", "print the version of sfn-compile", cmdVersion},
		{"completion", "bash|zsh", "print a shell completion script", cmdCompletion},
		{"help", "[VERB]", "print this help, or the help of a verb", cmdHelp},
	}
}

// run is the whole command line: main only exits with its result. A
// panic is reported as the bug it is, with its own exit code, rather
// than the Go runtime's 2, which would read as an invalid definition.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "sfn-compile: internal error: %v\n\n%s\nThis is a bug in sfn-compile %s: please report it with the output above.\n",
				r, debug.Stack(), version())
			code = exitCrash
		}
	}()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if isTerminal(stderr) {
		e.progress = stderr
	}
	// -q may come before the verb, for all verbs.
	for len(args) > 0 && (args[0] == "-q" || args[0] == "--quiet") {
		e.quiet = true
		args = args[1:]
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-v", "-version", "--version":
		return cmdVersion(e, args[1:])
	}
	for _, v := range verbs {
		if v.name == args[0] {
			return v.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "sfn-compile: unknown verb %q\nRun 'sfn-compile help' for usage.\n", args[0])
	return exitUsage
}

// isTerminal reports whether w is a terminal (a character device: on
// Linux, /dev/null too, where progress lines are lost harmlessly).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, "sfn-compile compiles Amazon States Language state machines to Go.\n\nUsage:\n\n")
	for _, v := range verbs {
		fmt.Fprintln(w, strings.TrimRight("\tsfn-compile "+v.name+" "+v.args, " "))
	}
	fmt.Fprint(w, "\nVerbs:\n\n")
	for _, v := range verbs {
		fmt.Fprintf(w, "\t%-10s %s\n", v.name, v.summary)
	}
	fmt.Fprint(w, "\nFlags before the verb: -q (no progress lines), -v/--version, -h/--help.\n")
	fmt.Fprint(w, "\n"+exitCodesHelp+"\n")
	fmt.Fprint(w, "\nRun 'sfn-compile help VERB' for the flags of a verb.\n")
}

func cmdHelp(e *env, args []string) int {
	fs := newFlags("help")
	pos, code, ok := parseFlags(e, fs, synopsis("help"), args)
	if !ok {
		return code
	}
	switch len(pos) {
	case 0:
		usage(e.stdout)
		return exitOK
	case 1:
		for _, v := range verbs {
			if v.name == pos[0] && v.name != "help" {
				return v.run(e, []string{"-h"})
			}
		}
		if pos[0] == "help" {
			usage(e.stdout)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "sfn-compile help: unknown verb %q\nRun 'sfn-compile help' for usage.\n", pos[0])
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "sfn-compile help: too many arguments\n")
	return exitUsage
}

// newFlags returns the flag set of a verb; its usage goes to the verb's
// help.
func newFlags(v string) *flag.FlagSet {
	fs := flag.NewFlagSet("sfn-compile "+v, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args with flags and positional arguments in any order
// ("--" ends the flags) and returns the positional ones. For -h it prints
// the verb's help on stdout; a bad flag is reported on stderr. ok is false
// when the verb should return code.
func parseFlags(e *env, fs *flag.FlagSet, synopsis string, args []string) (pos []string, code int, ok bool) {
	if e.collect != nil {
		e.collect(fs)
		return nil, exitOK, false
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			verbHelp(e.stdout, fs, synopsis)
			return nil, exitOK, false
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\nRun '%s -h' for usage.\n", fs.Name(), err, fs.Name())
			return nil, exitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), exitOK, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// verbHelp prints a verb's help: synopsis, description, flags in the
// double-dash style of the synopses and the README, and an example.
func verbHelp(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintln(w, strings.TrimSpace("usage: "+fs.Name()+" "+synopsis))
	doc := verbDocs[strings.TrimPrefix(fs.Name(), "sfn-compile ")]
	if doc.about != "" {
		fmt.Fprint(w, "\n"+doc.about+"\n")
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		sfncli.PrintFlags(w, fs)
	}
	if doc.example != "" {
		fmt.Fprint(w, "\nExample:\n\n\t"+doc.example+"\n")
	}
}

// flagName returns how help texts write a flag (as sfncli.PrintFlags does):
// -x for one letter, --name otherwise.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// synopsis returns the argument synopsis of verb name.
func synopsis(name string) string {
	for _, v := range verbs {
		if v.name == name {
			return v.args
		}
	}
	return ""
}

// usageErrorf reports a usage error of a verb.
func usageErrorf(e *env, v, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "sfn-compile %s: %s\n", v, fmt.Sprintf(format, args...))
	return exitUsage
}

// failf reports that a verb could not do its job: a build, toolchain or
// output failure.
func failf(e *env, v, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "sfn-compile %s: %s\n", v, fmt.Sprintf(format, args...))
	return exitBuild
}

// machineType checks and normalises a --type value.
func machineType(t string) (string, bool) {
	t = strings.ToUpper(t)
	return t, t == "STANDARD" || t == "EXPRESS"
}

// A definition is a compiled state machine definition.
type definition struct {
	path    string // as given on the command line
	display string // path for messages: relative to the working directory, forward slashes
	src     []byte
	machine *ir.Machine
	diags   []compiler.Diagnostic
}

// compile reads and compiles the definition at path. On failure it
// prints the reason (every diagnostic) and returns ok false; warnings
// are printed when printWarnings is set.
func compile(e *env, v, path, typ string, printWarnings bool) (*definition, bool) {
	d := &definition{path: path, display: displayPath(path)}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "sfn-compile %s: %v\n", v, err)
		return nil, false
	}
	d.src = src
	d.machine, d.diags = compiler.Compile(src, compiler.Options{Filename: d.display, Type: typ})
	if d.machine == nil || printWarnings {
		for _, diag := range d.diags {
			fmt.Fprintln(e.stderr, diag.String())
		}
	}
	if d.machine == nil {
		if len(d.diags) == 0 { // cannot happen; never fail silently
			fmt.Fprintf(e.stderr, "sfn-compile %s: %s is not a valid definition\n", v, d.display)
		}
		return nil, false
	}
	return d, true
}

// displayPath returns path relative to the working directory when it is
// inside it, with forward slashes, so that messages and goldens are the
// same on every machine.
func displayPath(path string) string {
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
				path = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}

// machineName returns the default state machine name of a definition
// file: its base name without .asl.json or .json.
func machineName(path string) string {
	base := filepath.Base(path)
	for _, ext := range []string{".asl.json", ".json"} {
		if strings.HasSuffix(base, ext) && len(base) > len(ext) {
			return strings.TrimSuffix(base, ext)
		}
	}
	return base
}
