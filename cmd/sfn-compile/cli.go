package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
)

// Exit codes.
const (
	exitOK    = 0 // success
	exitFail  = 1 // a failed execution (run), or the tool could not do its job (I/O, go build)
	exitUsage = 2 // a bad flag or argument, an unreadable or invalid definition
)

// An env is what a verb may touch besides the file system: its streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// A verb is one sub-command.
type verb struct {
	name    string
	args    string // synopsis after "sfn-compile NAME"
	summary string
	run     func(e *env, args []string) int
}

var verbs []verb

func init() {
	verbs = []verb{
		{"gen", "[-pkg NAME] [-o FILE] [-handlers PACKAGE.TYPE] [--type STANDARD|EXPRESS] DEFINITION", "generate the Go package of a state machine", cmdGen},
		{"validate", "[--type STANDARD|EXPRESS] DEFINITION...", "check definitions and print every diagnostic", cmdValidate},
		{"build", "[-o BIN] [--type STANDARD|EXPRESS] DEFINITION", "build a standalone binary that runs the state machine", cmdBuild},
		{"run", "[flags] DEFINITION", "compile, build (cached) and execute a state machine", cmdRun},
		{"lambda", "[-o FILE.zip] [--arch arm64|amd64] [--type STANDARD|EXPRESS] DEFINITION", "build a zip that deploys the state machine as an AWS Lambda function", cmdLambda},
		{"ir", "[--type STANDARD|EXPRESS] DEFINITION", "print the typed IR of a definition", cmdIR},
		{"graph", "[--format dot|mermaid|svg|html] [-o FILE] [--history FILE] DEFINITION", "draw a state machine, and what an execution did", cmdGraph},
		{"version", "", "print the version of sfn-compile", cmdVersion},
		{"help", "[VERB]", "print this help, or the help of a verb", cmdHelp},
	}
}

// run is the whole command line: main only exits with its result.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return cmdVersion(e, nil)
	}
	for _, v := range verbs {
		if v.name == args[0] {
			return v.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "sfn-compile: unknown verb %q\nRun 'sfn-compile help' for usage.\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, "sfn-compile compiles Amazon States Language state machines to Go.\n\nUsage:\n\n")
	for _, v := range verbs {
		fmt.Fprintln(w, strings.TrimRight("\tsfn-compile "+v.name+" "+v.args, " "))
	}
	fmt.Fprint(w, "\nVerbs:\n\n")
	for _, v := range verbs {
		fmt.Fprintf(w, "\t%-9s %s\n", v.name, v.summary)
	}
	fmt.Fprint(w, "\nRun 'sfn-compile help VERB' for the flags of a verb.\n")
}

func cmdHelp(e *env, args []string) int {
	switch len(args) {
	case 0:
		usage(e.stdout)
		return exitOK
	case 1:
		for _, v := range verbs {
			if v.name == args[0] && v.name != "help" {
				return v.run(e, []string{"-h"})
			}
		}
		if args[0] == "help" {
			usage(e.stdout)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "sfn-compile help: unknown verb %q\nRun 'sfn-compile help' for usage.\n", args[0])
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

func verbHelp(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintln(w, strings.TrimSpace("usage: "+fs.Name()+" "+synopsis))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
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

// failf reports an operational failure of a verb.
func failf(e *env, v, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "sfn-compile %s: %s\n", v, fmt.Sprintf(format, args...))
	return exitFail
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
