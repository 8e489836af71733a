package sfncli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/runtime/internal/engine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Main is the main function of a state machine binary built by
// sfn-compile build: it runs m as the command line in os.Args says and
// exits. See MainArgs for the flags and exit codes.
func Main(m *sfnrt.Machine) { MainWith(m, MainOptions{}) }

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
	Tasks func(ctx context.Context) (sfnrt.TaskInvoker, error)
	// Objects, when set, returns the ObjectStore that Distributed Maps
	// read items from and write results to (Options.Objects), such as
	// the Amazon S3 store that sfn-compile build links into the binary of
	// a machine with an ItemReader or ResultWriter. It is called once,
	// after the flags are parsed; an error is reported like a bad flag.
	Objects func(ctx context.Context) (sfnrt.ObjectStore, error)
}

// MainWith is Main with the extensions of o.
func MainWith(m *sfnrt.Machine, o MainOptions) {
	growStack(0)
	defer exitOnPanic(m.Name)
	ctx, stop := interruptContext(interruptAfter)
	code := mainArgsWith(ctx, m, o, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interruptAfter is how long a built binary runs before an interrupt
// aborts its execution, which is then reported, rather than ending the
// process as the signal's default action does. os/signal's watcher parks
// a thread of its own in the kernel from the moment a handler is
// installed: 0.2 ms of the 1.6 ms a one-Pass binary took to start and
// end, the largest part of its start-up beyond a hand-written program's.
// A command that ends sooner never pays for it, and no one can interrupt
// it by hand that soon.
const interruptAfter = 5 * time.Millisecond

// interruptContext returns a context that an interrupt (SIGINT) cancels
// once after has passed, with the cause signal.NotifyContext gives, and
// the function that releases it.
func interruptContext(after time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	t := time.AfterFunc(after, func() {
		interrupts := make(chan os.Signal, 1)
		signal.Notify(interrupts, os.Interrupt)
		go func() {
			select {
			case s := <-interrupts:
				// Later interrupts stay caught, and ignored, as
				// signal.NotifyContext's are until it is stopped.
				cancel(errors.New(s.String() + " signal received"))
			case <-ctx.Done():
				signal.Stop(interrupts)
			}
		}()
	})
	return ctx, func() {
		t.Stop()
		cancel(context.Canceled)
	}
}

// MainArgsWith is MainArgs with the extensions of o.
func MainArgsWith(m *sfnrt.Machine, o MainOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
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
//	--wait-time-scale S   Wait states and retry back-offs last S times their
//	                      time, on the real clock (Step Functions Local's
//	                      WAIT_TIME_SCALE; 0 ends them at once)
//	--type STANDARD|EXPRESS
//	--name NAME           the state machine name (default m.Name)
//	--mock-config FILE    an AWS Step Functions Local MockConfigFile binding
//	--test-case NAME      Task states to the responses of test case NAME
//	--repeat N            run N times in one process and print the last result
//	--history FILE        write the history events of the last execution as a
//	                      JSON array shaped like GetExecutionHistory's "events"
//	--seed N              seed for the execution's random numbers and UUIDs
//	--panic-stacks        print the stack of a recovered panic on stderr (a
//	                      handler's panic fails its task with
//	                      States.TaskFailed, one elsewhere the execution
//	                      with States.Runtime)
//	--payload-limit BYTES the largest execution input, state or execution
//	                      output (default m.PayloadLimit, else AWS's
//	                      262144; 0: no limit)
//
// Flag values are checked as they are parsed, with AWS's rules where AWS
// has some (--name: 1 to 80 characters, no whitespace, control character
// or any of <>{}[]?*"#%\^|~`$&,;:/).
//
// An input is UTF-8 text (a byte order mark before it is dropped) holding
// one JSON document of at most the payload limit: AWS's StartExecution
// refuses others, and so does this.
//
// With no --input and a standard input that is not a terminal, each line
// of stdin holding a JSON document is the input of one execution, which
// prints exactly one line on stdout, in order: its output, or for an
// execution that did not succeed or an input that started none
// {"error": …, "cause": …} (with "status" for a timed-out or aborted
// one), so that outputs pair with inputs. An empty stdin runs once on {};
// blank lines are skipped.
//
// A succeeded execution prints its output as compact JSON on stdout. A
// failed, timed-out or aborted one prints "Error: Cause" on stderr (with
// "line N: " before it in line mode) and makes the exit code 1. A bad flag,
// an unreadable file or an input refused as above prints a message on
// stderr and makes the exit code 2. --version prints the versions of
// sfn-compile and Go the binary was built with. Main exits 4 on a panic
// of its goroutine (a bug).
func MainArgs(m *sfnrt.Machine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
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
	mapRuns    string
	seed       int64
	limit      int
	version    bool
	stacks     bool
	waitScale  waitScaleFlag
}

func (c *cliFlags) register(fs *flag.FlagSet, defaultName string) {
	fs.StringVar(&c.input, "input", "{}", "execution input: a `JSON` document, @FILE for a file holding one, or - for standard input")
	fs.BoolVar(&c.describe, "describe", false, "print a DescribeExecution-shaped JSON document and exit 0 whatever the status")
	fs.BoolVar(&c.skipWaits, "skip-waits", false, "end Wait states and retry back-offs at once, on a fake clock")
	fs.Var(&c.waitScale, "wait-time-scale", "multiply the time of Wait states and retry back-offs by `SCALE` on the real clock (Step Functions Local's WAIT_TIME_SCALE: 0 ends them at once)")
	c.typ, c.name, c.repeat, c.limit = "STANDARD", defaultName, 1, sfnrt.MaxPayloadBytes
	fs.Var(checkedString{&c.typ, checkType}, "type", "state machine `TYPE`: STANDARD or EXPRESS")
	fs.Var(checkedString{&c.name, checkMachineName}, "name", "state machine `NAME`, used in ARNs and to select the mock config's machine (AWS's name rules)")
	fs.StringVar(&c.mockConfig, "mock-config", "", "AWS Step Functions Local MockConfigFile `FILE` answering Task states (needs --test-case)")
	fs.StringVar(&c.testCase, "test-case", "", "test case `NAME` of the mock config to use")
	fs.Var(checkedInt{&c.repeat, 1, "1 or more"}, "repeat", "run `N` times in one process and print the last result")
	fs.Var(checkedString{&c.history, checkPath}, "history", "write the execution history events as a JSON array to `FILE`")
	fs.Var(checkedString{&c.mapRuns, checkPath}, "map-runs", "write the execution's Map Runs (Distributed Maps) to `FILE` as a JSON array of DescribeMapRun documents")
	fs.Int64Var(&c.seed, "seed", 0, "seed `N` for random numbers, UUIDs and retry jitter (default random)")
	fs.BoolVar(&c.stacks, "panic-stacks", false, "print on stderr the stack of a panic that failed a task or the execution")
	fs.Var(checkedInt{&c.limit, 0, "0 (no limit) or more"}, "payload-limit", "largest execution input, state or execution output in `BYTES`, as AWS enforces it; 0: no limit")
	fs.BoolVar(&c.version, "version", false, "print the version of sfn-compile and Go the binary was built with, and exit")
}

// The flags' values are checked as they are parsed, so that a bad one
// stops the command line before anything runs (or, for sfn-compile run,
// before anything is built), with flag's "invalid value" message.

// checkedString is a string flag whose values check accepts.
type checkedString struct {
	p     *string
	check func(string) error
}

func (v checkedString) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v checkedString) Set(s string) error {
	if err := v.check(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}

// checkedInt is an integer flag with a least value.
type checkedInt struct {
	p    *int
	min  int
	want string
}

func (v checkedInt) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v checkedInt) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return errors.New("parse error") // as flag's own integers say
	}
	if int(n) < v.min {
		return errors.New("want " + v.want)
	}
	*v.p = int(n)
	return nil
}

func checkType(s string) error {
	if t := strings.ToUpper(s); t != "STANDARD" && t != "EXPRESS" {
		return errors.New("want STANDARD or EXPRESS")
	}
	return nil
}

// checkMachineName applies AWS's rules for state machine names.
func checkMachineName(s string) error {
	if err := sfnrt.CheckName("State Machine", s); err != nil {
		return errors.New(err.(*sfnrt.StartError).Message)
	}
	return nil
}

func checkPath(s string) error {
	if s == "" || strings.ContainsRune(s, 0) {
		return errors.New("want a file name")
	}
	return nil
}

// URLVar defines a flag holding an http or https URL with a host, such as
// an endpoint, checked as it is parsed.
func URLVar(fs *flag.FlagSet, p *string, name, usage string) {
	fs.Var(checkedString{p, checkURL}, name, usage)
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return errors.New("want an http or https URL with a host, such as http://127.0.0.1:9001")
	}
	return nil
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

func mainArgs(ctx context.Context, m *sfnrt.Machine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainArgsWith(ctx, m, MainOptions{}, args, stdin, stdout, stderr)
}

func mainArgsWith(ctx context.Context, m *sfnrt.Machine, o MainOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if code, refused := refuseDurableVerb(m, args, stderr); refused {
		return code
	}
	var c cliFlags
	fs := flag.NewFlagSet(m.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.register(fs, m.Name)
	if m.Type != "" {
		c.typ = m.Type
	}
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
	if set["mock-config"] != set["test-case"] {
		return usageErr("--mock-config and --test-case go together")
	}
	if set["wait-time-scale"] && c.skipWaits {
		return usageErr("--wait-time-scale and --skip-waits exclude each other")
	}

	mm := *m
	mm.Name = c.name
	opts := sfnrt.Options{Type: typ, SkipWaits: c.skipWaits, History: c.history != "", PayloadLimit: m.PayloadLimit}
	if c.waitScale.set {
		opts.Clock = sfnrt.ScaledClock{Scale: c.waitScale.scale}
	}
	if set["payload-limit"] {
		opts.PayloadLimit = c.limit
		if c.limit <= 0 {
			opts.PayloadLimit = -1
		}
	}
	if c.stacks {
		opts.PanicStacks = stderr
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
		tasks, err := sfnmock.LoadMockConfig(data, mm.Name, c.testCase)
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
	if o.Objects != nil {
		store, err := o.Objects(ctx)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Objects = store
	}
	r := cliRunner{ctx: ctx, m: &mm, opts: opts, flags: &c, stdout: stdout, stderr: stderr}
	if c.history != "" {
		// Written to a temporary file beside it as the events happen,
		// renamed over it at the end: never left empty or half written.
		r.history = &cliHistory{path: c.history}
		if err := r.history.begin(); err != nil {
			return usageErr("--history: %v", err)
		}
		defer r.history.discard()
	}
	var code int
	switch {
	case set["input"] && c.input == "-":
		data, err := io.ReadAll(io.LimitReader(cliStdin(stdin), r.maxInputText()))
		if err != nil {
			return usageErr("reading standard input: %v", err)
		}
		code = r.run(data, "invalid --input: ")
	case set["input"] && strings.HasPrefix(c.input, "@"):
		data, err := cliReadFile(c.input[1:], r.maxInputText())
		if err != nil {
			return usageErr("reading --input: %v", err)
		}
		code = r.run(data, "invalid --input "+c.input+": ")
	case set["input"] || cliInteractive(stdin):
		code = r.run([]byte(c.input), "invalid --input: ")
	default:
		code = r.lines(stdin)
	}

	if r.history != nil && r.ran {
		if err := r.history.commit(); err != nil {
			fmt.Fprintf(stderr, "--history: %v\n", err)
			code = max(code, cliExitUsage)
		}
	}
	if c.mapRuns != "" && r.ran {
		if err := writeMapRuns(c.mapRuns, r.mapRuns); err != nil {
			fmt.Fprintf(stderr, "--map-runs: %v\n", err)
			code = max(code, cliExitUsage)
		}
	}
	return code
}

// writeMapRuns writes the Map Runs of the last execution to path, as the
// durable verbs describe-map-run prints each (dates as describe-execution
// prints them): an in-memory run keeps no store to ask them later.
func writeMapRuns(path string, runs []*sfnrt.MapRun) error {
	type description struct {
		sfnrt.MapRunDescription
		StartDate string `json:"startDate"`
		StopDate  string `json:"stopDate,omitempty"`
	}
	docs := make([]description, 0, len(runs))
	for _, run := range runs {
		d := run.Describe()
		doc := description{MapRunDescription: d, StartDate: sfnrt.FormatTimestamp(d.StartDate)}
		if d.StopDate != nil {
			doc.StopDate = sfnrt.FormatTimestamp(*d.StopDate)
		}
		docs = append(docs, doc)
	}
	data, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
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
	m              *sfnrt.Machine
	opts           sfnrt.Options
	flags          *cliFlags
	stdout, stderr io.Writer
	history        *cliHistory // nil without --history
	ran            bool        // an execution ran (its history is ready)
	// mapRuns are the last execution's Map Runs, for --map-runs (Maps in
	// concurrent branches start them at once).
	mapRunsMu sync.Mutex
	mapRuns   []*sfnrt.MapRun
}

// payloadLimit is the limit on the execution input: 0 for none.
func (r *cliRunner) payloadLimit() int {
	switch l := r.opts.PayloadLimit; {
	case l == 0:
		return sfnrt.MaxPayloadBytes
	case l < 0:
		return 0
	default:
		return l
	}
}

// maxInputText is how much of an input's text is read: one byte more
// than the payload limit and the blanks around the document that it
// does not count, so that an input however large takes bounded memory
// before it is refused.
func (r *cliRunner) maxInputText() int64 {
	if l := r.payloadLimit(); l > 0 {
		return int64(l) + inputBlankRoom + 1
	}
	return math.MaxInt64
}

// inputBlankRoom is how many blank bytes around the JSON document of an
// input are read beyond the payload limit.
const inputBlankRoom = 64 << 10

// utf8BOM is the byte order mark an editor may write before UTF-8 text.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// parseInput parses the text of an execution input as AWS's
// StartExecution would take it: a UTF-8 byte order mark before it is
// dropped (editors write one; it is not part of the document), text that
// is not UTF-8 is refused (the API carries text only: it would not reach
// AWS as it is), and so is a document larger than the payload limit
// (a *StartError, as the API's).
func (r *cliRunner) parseInput(data []byte) (any, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if i := invalidUTF8At(data); i >= 0 {
		return nil, fmt.Errorf("invalid UTF-8 at offset %d: an execution input is UTF-8 text, as AWS's API carries it", i)
	}
	if l := r.payloadLimit(); l > 0 && len(bytes.TrimSpace(data)) > l {
		return nil, engine.InputTooLarge(l)
	}
	return sfnrt.ParseJSON(data)
}

// invalidUTF8At returns the offset of the first byte of data that is not
// part of valid UTF-8, or -1.
func invalidUTF8At(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		c, n := utf8.DecodeRune(data[i:])
		if c == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// start runs one execution, --repeat times, streaming its history when
// --history is set; it returns the last result.
func (r *cliRunner) start(v any) (*sfnrt.Result, error) {
	// Only the last outcome is kept: every run writes into the same one.
	res := new(sfnrt.Result)
	for i := 0; i < r.flags.repeat; i++ {
		opts := &r.opts
		if r.history != nil || r.flags.mapRuns != "" {
			// A copy: what follows is this run's own.
			o := r.opts
			opts = &o
		}
		if r.history != nil {
			if err := r.history.begin(); err != nil {
				return nil, err
			}
			opts.History, opts.HistoryStream = true, r.history.stream
		}
		if r.flags.mapRuns != "" {
			r.mapRuns = r.mapRuns[:0]
			opts.OnMapRun = func(run *sfnrt.MapRun) {
				r.mapRunsMu.Lock()
				r.mapRuns = append(r.mapRuns, run)
				r.mapRunsMu.Unlock()
			}
		}
		r.m.StartInto(r.ctx, v, opts, res)
		if r.history != nil {
			if err := r.history.end(); err != nil {
				return nil, err
			}
		}
	}
	r.ran = true
	return res, nil
}

// run parses input and runs it --repeat times; prefix goes before error
// messages.
func (r *cliRunner) run(input []byte, prefix string) int {
	v, err := r.parseInput(input)
	if err != nil {
		fmt.Fprintf(r.stderr, "%s%v\n", prefix, err)
		return cliExitUsage
	}
	res, err := r.start(v)
	if err != nil {
		fmt.Fprintf(r.stderr, "--history: %v\n", err)
		return cliExitUsage
	}
	if r.flags.describe {
		engine.WriteJSON(r.stdout, res.Describe())
		return cliExitOK
	}
	if res.Status == sfnrt.StatusSucceeded {
		engine.WriteJSON(r.stdout, res.Output)
		return cliExitOK
	}
	fmt.Fprintf(r.stderr, "%s\n", cliFailure(res))
	return cliExitFailed
}

// lines runs one execution per non-blank line of stdin and prints one
// line for each, in order: the output (or --describe's document) of an
// execution that succeeded, {"error": …, "cause": …} for one that did
// not or an input that could not start one, so that scripts can pair
// inputs with outputs. A line longer than the payload limit allows is
// refused without being held in memory.
func (r *cliRunner) lines(stdin io.Reader) int {
	br := bufio.NewReaderSize(stdin, 64<<10)
	code, n := cliExitOK, 0
	for lineNo := 1; ; lineNo++ {
		line, whole, err := readLine(br, r.maxInputText())
		if len(bytes.TrimSpace(line)) > 0 || !whole {
			n++
			if whole {
				code = max(code, r.runLine(line, lineNo))
			} else {
				code = max(code, r.refuseLine(lineNo, engine.InputTooLarge(r.payloadLimit())))
			}
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

// readLine reads a line of at most max bytes (its newline excluded). A
// longer one is read to its end but not kept: whole is false.
func readLine(br *bufio.Reader, max int64) (line []byte, whole bool, err error) {
	whole = true
	for {
		chunk, e := br.ReadSlice('\n')
		if whole {
			if int64(len(line)+len(chunk))-1 > max { // -1: the newline
				whole, line = false, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if e != bufio.ErrBufferFull {
			return line, whole, e
		}
	}
}

func (r *cliRunner) runLine(line []byte, lineNo int) int {
	v, err := r.parseInput(line)
	if err != nil {
		return r.refuseLine(lineNo, err)
	}
	res, err := r.start(v)
	if err != nil {
		fmt.Fprintf(r.stderr, "--history: %v\n", err)
		return cliExitUsage
	}
	switch {
	case r.flags.describe:
		engine.WriteJSON(r.stdout, res.Describe())
	case res.Status == sfnrt.StatusSucceeded:
		engine.WriteJSON(r.stdout, res.Output)
	default:
		o := sfnrt.NewObject(3)
		if res.HasError {
			o.Set("error", res.Error)
		}
		if res.HasCause {
			o.Set("cause", res.Cause)
		}
		if res.Status != sfnrt.StatusFailed || !res.HasError && !res.HasCause {
			o.Set("status", res.Status)
		}
		engine.WriteJSON(r.stdout, o)
		fmt.Fprintf(r.stderr, "line %d: %s\n", lineNo, cliFailure(res))
		return cliExitFailed
	}
	return cliExitOK
}

// refuseLine reports an input line that could not start an execution:
// on stdout as {"error", "cause"} (the API's error code and message, or
// InvalidExecutionInput, AWS's for a document that is not JSON), and on
// stderr.
func (r *cliRunner) refuseLine(lineNo int, err error) int {
	name := "InvalidExecutionInput"
	var se *sfnrt.StartError
	if errors.As(err, &se) {
		name = se.Code
	}
	cause := err.Error()
	if se != nil {
		cause = se.Message
	}
	engine.WriteJSON(r.stdout, sfnrt.ObjectOf(sfnrt.Member{Key: "error", Value: name}, sfnrt.Member{Key: "cause", Value: cause}))
	fmt.Fprintf(r.stderr, "line %d: invalid input: %v\n", lineNo, err)
	return cliExitUsage
}

// cliFailure formats the outcome of an execution that did not succeed as
// "Error: Cause".
func cliFailure(res *sfnrt.Result) string {
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

// cliReadFile reads at most max bytes of the file called name. Like
// os.ReadFile, it sizes its buffer from the file's size, where io.ReadAll
// would allocate twice an input's size by growing (map's 300 KB input:
// 660 KB, all of it resident in a process that ends before the
// collector's first cycle).
func cliReadFile(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(512) // a pipe or device: io.ReadAll's first buffer
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = min(st.Size(), max) + 1 // +1: EOF is seen without growing
	}
	r := io.LimitReader(f, max)
	data := make([]byte, 0, size)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew, or is no regular file
		}
	}
}

// cliHistory writes the history of the last execution to --history's
// file: each execution's events stream to a temporary file beside it, and
// the last one replaces the file at the end, whole.
type cliHistory struct {
	path   string
	tmp    *os.File           // the execution's (or the next one's) file
	stream *sfnrt.EventStream // writing to tmp
	done   string             // the last finished execution's file
}

// begin readies a temporary file for the next execution's events.
func (h *cliHistory) begin() error {
	if h.tmp != nil {
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(h.path), "."+filepath.Base(h.path)+".*")
	if err != nil {
		// Name the file asked for, not the temporary one.
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = &os.PathError{Op: "open", Path: h.path, Err: pe.Err}
		}
		return err
	}
	// CreateTemp's files are private; the history file is not.
	f.Chmod(0o644)
	h.tmp, h.stream = f, sfnrt.NewEventStream(f)
	return nil
}

// end finishes the execution's file, which replaces the previous one's.
func (h *cliHistory) end() error {
	err := h.stream.Close()
	if cerr := h.tmp.Close(); err == nil {
		err = cerr
	}
	if h.done != "" {
		os.Remove(h.done)
	}
	h.done, h.tmp, h.stream = h.tmp.Name(), nil, nil
	return err
}

// commit renames the last execution's file to the --history file.
func (h *cliHistory) commit() error {
	if h.done == "" {
		return nil
	}
	err := os.Rename(h.done, h.path)
	if err == nil {
		h.done = ""
	}
	return err
}

// discard removes the temporary files left.
func (h *cliHistory) discard() {
	if h.tmp != nil {
		h.tmp.Close()
		os.Remove(h.tmp.Name())
	}
	if h.done != "" {
		os.Remove(h.done)
	}
}
