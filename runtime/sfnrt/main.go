package sfnrt

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// Main is the main function of a state machine binary built by
// sfn-compile build: it runs m as the command line in os.Args says and
// exits. See MainArgs for the flags and exit codes.
func Main(m *Machine) { MainWith(m, MainOptions{}) }

// MainOptions extend Main and MainArgs for programs that link a
// TaskInvoker of their own, such as the Lambda invoker that sfn-compile
// build links into the binary of a machine whose Task states invoke Lambda
// functions.
type MainOptions struct {
	// Flags, when set, registers extra flags on the command line's flag set.
	Flags func(fs *flag.FlagSet)
	// Tasks, when set, returns the TaskInvoker of the executions that no
	// --mock-config answers. It is called once, after the flags are parsed;
	// an error is reported like a bad flag (exit code 2).
	Tasks func(ctx context.Context) (TaskInvoker, error)
}

// MainWith is Main with the extensions of o.
func MainWith(m *Machine, o MainOptions) {
	defer exitOnPanic(m.Name)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := mainArgsWith(ctx, m, o, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// MainArgsWith is MainArgs with the extensions of o.
func MainArgsWith(m *Machine, o MainOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainArgsWith(context.Background(), m, o, args, stdin, stdout, stderr)
}

// MainArgs runs m as a command line with arguments args (without the
// program name) and returns the exit code. Flags:
//
//	--input JSON|@FILE|-  the execution input: a JSON document, a file
//	                      holding one, or - for standard input (default {})
//	--describe            print a DescribeExecution-shaped JSON document
//	                      instead of the output, and exit 0 whatever the status
//	--skip-waits          Wait states and retry back-offs end at once, on a
//	                      fake clock that moves as if the time had passed
//	--type STANDARD|EXPRESS
//	--name NAME           the state machine name (default m.Name)
//	--mock-config FILE    an AWS Step Functions Local MockConfigFile binding
//	--test-case NAME      Task states to the responses of test case NAME
//	--repeat N            run N times in one process and print the last result
//	--history FILE        write the history events of the last execution as a
//	                      JSON array shaped like GetExecutionHistory's "events"
//	--seed N              seed for the execution's random numbers and UUIDs
//	--payload-limit BYTES the largest state or execution output (default
//	                      m.PayloadLimit, else AWS's 262144; 0: no limit)
//
// With no --input and a standard input that is not a terminal, each line
// of stdin holding a JSON document is the input of one execution, which
// prints one result line (an empty stdin runs once on {}). Blank lines are
// skipped.
//
// A succeeded execution prints its output as compact JSON on stdout. A
// failed, timed-out or aborted one prints "Error: Cause" on stderr (with
// "line N: " before it in line mode) and makes the exit code 1. A bad flag,
// an unreadable file or an input that is not JSON prints a message on
// stderr and makes the exit code 2. --version prints the versions of
// sfn-compile and Go the binary was built with. Main exits 4 on a panic
// of its goroutine (a bug).
func MainArgs(m *Machine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainArgs(context.Background(), m, args, stdin, stdout, stderr)
}

// Exit codes of MainArgs.
const (
	cliExitOK     = 0
	cliExitFailed = 1
	cliExitUsage  = 2
)

// cliFlags holds the flags of MainArgs.
type cliFlags struct {
	input      string
	describe   bool
	skipWaits  bool
	typ        string
	name       string
	mockConfig string
	testCase   string
	repeat     int
	history    string
	seed       int64
	limit      int
	version    bool
}

func (c *cliFlags) register(fs *flag.FlagSet, defaultName string) {
	fs.StringVar(&c.input, "input", "{}", "execution input: a `JSON` document, @FILE for a file holding one, or - for standard input")
	fs.BoolVar(&c.describe, "describe", false, "print a DescribeExecution-shaped JSON document and exit 0 whatever the status")
	fs.BoolVar(&c.skipWaits, "skip-waits", false, "end Wait states and retry back-offs at once, on a fake clock")
	fs.StringVar(&c.typ, "type", "STANDARD", "state machine `TYPE`: STANDARD or EXPRESS")
	fs.StringVar(&c.name, "name", defaultName, "state machine `NAME`, used in ARNs and to select the mock config's machine")
	fs.StringVar(&c.mockConfig, "mock-config", "", "AWS Step Functions Local MockConfigFile `FILE` answering Task states (needs --test-case)")
	fs.StringVar(&c.testCase, "test-case", "", "test case `NAME` of the mock config to use")
	fs.IntVar(&c.repeat, "repeat", 1, "run `N` times in one process and print the last result")
	fs.StringVar(&c.history, "history", "", "write the execution history events as a JSON array to `FILE`")
	fs.Int64Var(&c.seed, "seed", 0, "seed `N` for random numbers, UUIDs and retry jitter (default random)")
	fs.IntVar(&c.limit, "payload-limit", MaxPayloadBytes, "largest state or execution output in `BYTES`, as AWS enforces it; 0: no limit")
	fs.BoolVar(&c.version, "version", false, "print the version of sfn-compile and Go the binary was built with, and exit")
}

// NewFlagSet returns a flag set that accepts the flags of MainArgs, for
// tools that check and forward them (sfn-compile run). Its values are not
// used.
func NewFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c cliFlags
	c.register(fs, "")
	return fs
}

func mainArgs(ctx context.Context, m *Machine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainArgsWith(ctx, m, MainOptions{}, args, stdin, stdout, stderr)
}

func mainArgsWith(ctx context.Context, m *Machine, o MainOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cliFlags
	fs := flag.NewFlagSet(m.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.register(fs, m.Name)
	if o.Flags != nil {
		o.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cliUsage(stdout, fs)
			return cliExitOK
		}
		fmt.Fprintf(stderr, "%v\nrun with -h for usage\n", err)
		return cliExitUsage
	}
	if c.version {
		fmt.Fprintln(stdout, versionLine(m.Name))
		return cliExitOK
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, format+"\n", args...)
		return cliExitUsage
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q: the input goes in --input", fs.Arg(0))
	}
	typ := strings.ToUpper(c.typ)
	if typ != "STANDARD" && typ != "EXPRESS" {
		return usageErr("invalid --type %q: want STANDARD or EXPRESS", c.typ)
	}
	if c.name == "" {
		return usageErr("invalid --name: the state machine name must not be empty")
	}
	if c.repeat < 1 {
		return usageErr("invalid --repeat %d: want 1 or more", c.repeat)
	}
	if set["mock-config"] != set["test-case"] {
		return usageErr("--mock-config and --test-case go together")
	}

	mm := *m
	mm.Name = c.name
	opts := Options{Type: typ, SkipWaits: c.skipWaits, History: c.history != "", PayloadLimit: m.PayloadLimit}
	if set["payload-limit"] {
		opts.PayloadLimit = c.limit
		if c.limit <= 0 {
			opts.PayloadLimit = -1
		}
	}
	if set["seed"] {
		seed := c.seed
		opts.Seed = &seed
	}
	if set["mock-config"] {
		data, err := os.ReadFile(c.mockConfig)
		if err != nil {
			return usageErr("reading --mock-config: %v", err)
		}
		tasks, err := LoadMockConfig(data, mm.Name, c.testCase)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Tasks = tasks
	}
	if opts.Tasks == nil && o.Tasks != nil {
		tasks, err := o.Tasks(ctx)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Tasks = tasks
	}
	var history *os.File
	if c.history != "" {
		f, err := os.Create(c.history)
		if err != nil {
			return usageErr("--history: %v", err)
		}
		history = f
		defer f.Close()
	}

	r := cliRunner{ctx: ctx, m: &mm, opts: opts, flags: &c, stdout: stdout, stderr: stderr}
	var code int
	switch {
	case set["input"] && c.input == "-":
		data, err := io.ReadAll(cliStdin(stdin))
		if err != nil {
			return usageErr("reading standard input: %v", err)
		}
		code = r.run(data, "invalid --input: ")
	case set["input"] && strings.HasPrefix(c.input, "@"):
		data, err := os.ReadFile(c.input[1:])
		if err != nil {
			return usageErr("reading --input: %v", err)
		}
		code = r.run(data, "invalid --input "+c.input+": ")
	case set["input"] || cliInteractive(stdin):
		code = r.run([]byte(c.input), "invalid --input: ")
	default:
		code = r.lines(stdin)
	}

	if history != nil && r.last != nil {
		if err := cliWriteHistory(history, r.last.History); err != nil {
			fmt.Fprintf(stderr, "--history: %v\n", err)
			code = max(code, cliExitUsage)
		}
	}
	return code
}

func cliUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\nRuns the state machine %s once per input and prints its output.\n\nFlags:\n", fs.Name(), fs.Name())
	PrintFlags(w, fs)
}

// cliInteractive reports whether stdin is a terminal (or absent), in which
// case it is not read for inputs.
func cliInteractive(stdin io.Reader) bool {
	if stdin == nil {
		return true
	}
	f, ok := stdin.(*os.File)
	if !ok {
		return false
	}
	if f == nil {
		return true
	}
	fi, err := f.Stat()
	return err != nil || fi.Mode()&os.ModeCharDevice != 0
}

func cliStdin(stdin io.Reader) io.Reader {
	if stdin == nil {
		return strings.NewReader("")
	}
	return stdin
}

// A cliRunner runs executions and prints their results.
type cliRunner struct {
	ctx            context.Context
	m              *Machine
	opts           Options
	flags          *cliFlags
	stdout, stderr io.Writer
	last           *Result
}

// run parses input and runs it --repeat times; prefix goes before error
// messages.
func (r *cliRunner) run(input []byte, prefix string) int {
	v, err := ParseJSON(input)
	if err != nil {
		fmt.Fprintf(r.stderr, "%s%v\n", prefix, err)
		return cliExitUsage
	}
	var res *Result
	for i := 0; i < r.flags.repeat; i++ {
		res = r.m.Start(r.ctx, v, r.opts)
	}
	r.last = res
	if r.flags.describe {
		writeJSON(r.stdout, res.Describe())
		return cliExitOK
	}
	if res.Status == StatusSucceeded {
		writeJSON(r.stdout, res.Output)
		return cliExitOK
	}
	fmt.Fprintf(r.stderr, "%s\n", cliFailure(res))
	return cliExitFailed
}

// lines runs one execution per non-blank line of stdin.
func (r *cliRunner) lines(stdin io.Reader) int {
	br := bufio.NewReader(stdin)
	code, n := cliExitOK, 0
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			n++
			code = max(code, r.runLine(line, lineNo))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(r.stderr, "reading standard input: %v\n", err)
			return cliExitUsage
		}
	}
	if n == 0 {
		return r.run([]byte("{}"), "")
	}
	return code
}

func (r *cliRunner) runLine(line []byte, lineNo int) int {
	prefix := fmt.Sprintf("line %d: ", lineNo)
	v, err := ParseJSON(line)
	if err != nil {
		fmt.Fprintf(r.stderr, "%sinvalid input: %v\n", prefix, err)
		return cliExitUsage
	}
	var res *Result
	for i := 0; i < r.flags.repeat; i++ {
		res = r.m.Start(r.ctx, v, r.opts)
	}
	r.last = res
	switch {
	case r.flags.describe:
		writeJSON(r.stdout, res.Describe())
	case res.Status == StatusSucceeded:
		writeJSON(r.stdout, res.Output)
	default:
		fmt.Fprintf(r.stderr, "%s%s\n", prefix, cliFailure(res))
		return cliExitFailed
	}
	return cliExitOK
}

// cliFailure formats the outcome of an execution that did not succeed as
// "Error: Cause".
func cliFailure(res *Result) string {
	switch {
	case res.HasError && res.HasCause:
		return res.Error + ": " + res.Cause
	case res.HasError:
		return res.Error
	}
	what := "execution " + strings.ToLower(strings.ReplaceAll(res.Status, "_", " "))
	if res.HasCause {
		return what + ": " + res.Cause
	}
	return what
}

// cliWriteHistory writes events as AWS GetExecutionHistory's "events" array.
func cliWriteHistory(w io.Writer, events []Event) error {
	compact := []byte{'['}
	for i := range events {
		if i > 0 {
			compact = append(compact, ',')
		}
		compact = AppendJSON(compact, events[i].JSON())
	}
	compact = append(compact, ']')
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}
