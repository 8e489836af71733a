package durable

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Main is the main function of a durable state machine binary (built by
// sfn-compile build --durable): the first argument may be one of the
// verbs below, which work on the store that --store (else SFN_STORE,
// else DefaultStore) names; a command line without a verb runs one
// execution in memory as sfncli.Main does, or durably with --store.
func Main(m *sfnrt.Machine, o sfncli.MainOptions) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := MainArgs(ctx, m, o, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// A verb is one command of a durable binary: the Step Functions
// operation it performs and its flags (the AWS CLI's names).
type verb struct {
	op    string // the API operation, for error messages
	usage string
	run   func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error
	flags func(fs *flag.FlagSet)
	// worker verbs run executions; the others open the store as a client.
	worker bool
}

var verbs = map[string]*verb{
	"worker": {op: "Worker", usage: "[--executor-id ID] [--concurrency N] [--skip-waits] [--starts-on-stdin]", worker: true,
		flags: func(fs *flag.FlagSet) {
			fs.Bool("starts-on-stdin", false, "also start executions asked for on stdin, one JSON line each, answered on stdout;\nexit when stdin ends (for a server that runs this worker)")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			if flagBool(fs, "starts-on-stdin") {
				// The server's pipe: its end is the server's.
				return e.ServeStarts(ctx, os.Stdin, stdout)
			}
			fmt.Fprintf(stdout, "worker %s on %s, version %s: running executions until interrupted\n", e.cfg.ExecutorID, e.cfg.Store, e.cfg.Version)
			<-ctx.Done()
			return nil
		}},
	"start-execution": {op: "StartExecution", usage: "[--name NAME] [--input JSON|file://FILE] [--state-machine-arn ARN]",
		flags: func(fs *flag.FlagSet) {
			fs.String("name", "", "execution `NAME` (default: a UUID)")
			fs.String("input", "{}", "execution input: `JSON`, or file://FILE")
			fs.String("state-machine-arn", "", "the machine's `ARN` (checked, optional)")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			if err := e.checkMachineArn(flagString(fs, "state-machine-arn")); err != nil {
				return err
			}
			if isSet(fs, "name") && flagString(fs, "name") == "" {
				return validName("") // --name '' is not the default name
			}
			input, err := readArg(flagString(fs, "input"))
			if err != nil {
				return err
			}
			return jsonTo{stdout}.print(e.StartExecution(ctx, flagString(fs, "name"), input))
		}},
	"describe-execution": {op: "DescribeExecution", usage: "--execution-arn ARN",
		flags: func(fs *flag.FlagSet) { fs.String("execution-arn", "", "the execution's `ARN`") },
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return jsonTo{stdout}.print(e.DescribeExecution(ctx, flagString(fs, "execution-arn")))
		}},
	"list-executions": {op: "ListExecutions", usage: "[--status-filter STATUS] [--max-results N] [--next-token T] [--state-machine-arn ARN]",
		flags: func(fs *flag.FlagSet) {
			fs.String("status-filter", "", "only executions with this `STATUS`")
			fs.Int("max-results", 0, "page size `N` (1 to 1000; default 100)")
			fs.String("next-token", "", "the `TOKEN` of the previous page")
			fs.String("state-machine-arn", "", "the machine's `ARN` (checked, optional)")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			if err := e.checkMachineArn(flagString(fs, "state-machine-arn")); err != nil {
				return err
			}
			return jsonTo{stdout}.print(e.ListExecutions(ctx, flagString(fs, "status-filter"), flagInt(fs, "max-results"), flagString(fs, "next-token")))
		}},
	"get-execution-history": {op: "GetExecutionHistory", usage: "--execution-arn ARN [--reverse-order] [--max-results N] [--next-token T] [--no-include-execution-data]",
		flags: func(fs *flag.FlagSet) {
			fs.String("execution-arn", "", "the execution's `ARN`")
			fs.Bool("reverse-order", false, "newest event first")
			fs.Int("max-results", 0, "page size `N` (1 to 1000; default 100)")
			fs.String("next-token", "", "the `TOKEN` of the previous page")
			fs.Bool("include-execution-data", true, "include inputs and outputs")
			fs.Bool("no-include-execution-data", false, "leave inputs and outputs out")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			include := flagBool(fs, "include-execution-data") && !flagBool(fs, "no-include-execution-data")
			return jsonTo{stdout}.print(e.GetExecutionHistory(ctx, flagString(fs, "execution-arn"), flagBool(fs, "reverse-order"),
				flagInt(fs, "max-results"), flagString(fs, "next-token"), include))
		}},
	"stop-execution": {op: "StopExecution", usage: "--execution-arn ARN [--error E] [--cause C]",
		flags: func(fs *flag.FlagSet) {
			fs.String("execution-arn", "", "the execution's `ARN`")
			fs.String("error", "", "the `ERROR` the execution stops with")
			fs.String("cause", "", "the `CAUSE` the execution stops with")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return jsonTo{stdout}.print(e.StopExecution(ctx, flagString(fs, "execution-arn"), flagString(fs, "error"), flagString(fs, "cause")))
		}},
	"redrive-execution": {op: "RedriveExecution", usage: "--execution-arn ARN [--client-token T]",
		flags: func(fs *flag.FlagSet) {
			fs.String("execution-arn", "", "the execution's `ARN`")
			fs.String("client-token", "", "makes the redrive idempotent: the same `TOKEN` redrives once")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return jsonTo{stdout}.print(e.RedriveExecution(ctx, flagString(fs, "execution-arn"), flagString(fs, "client-token")))
		}},
	"send-task-success": {op: "SendTaskSuccess", usage: "--task-token T --task-output JSON|file://FILE",
		flags: func(fs *flag.FlagSet) {
			fs.String("task-token", "", "the callback's `TOKEN` ($$.Task.Token)")
			fs.String("task-output", "", "the Task's output: `JSON`, or file://FILE")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			out, err := readArg(flagString(fs, "task-output"))
			if err == nil {
				err = e.SendTaskSuccess(ctx, flagString(fs, "task-token"), out)
			}
			return err
		}},
	"send-task-failure": {op: "SendTaskFailure", usage: "--task-token T [--error E] [--cause C]",
		flags: func(fs *flag.FlagSet) {
			fs.String("task-token", "", "the callback's `TOKEN` ($$.Task.Token)")
			fs.String("error", "", "the `ERROR` the Task fails with")
			fs.String("cause", "", "the `CAUSE` the Task fails with")
		},
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return e.SendTaskFailure(ctx, flagString(fs, "task-token"), flagString(fs, "error"), flagString(fs, "cause"))
		}},
	"send-task-heartbeat": {op: "SendTaskHeartbeat", usage: "--task-token T",
		flags: func(fs *flag.FlagSet) { fs.String("task-token", "", "the callback's `TOKEN` ($$.Task.Token)") },
		run: func(ctx context.Context, e *Executor, fs *flag.FlagSet, stdout io.Writer) error {
			return e.SendTaskHeartbeat(ctx, flagString(fs, "task-token"))
		}},
}

// required lists the flags a verb cannot do without.
var required = map[string][]string{
	"describe-execution":    {"execution-arn"},
	"get-execution-history": {"execution-arn"},
	"stop-execution":        {"execution-arn"},
	"redrive-execution":     {"execution-arn"},
	"send-task-success":     {"task-token", "task-output"},
	"send-task-failure":     {"task-token"},
	"send-task-heartbeat":   {"task-token"},
}

// MainArgs is Main on args (without the program name); it returns the
// exit code: 0 done, 1 an API error (printed as the AWS CLI prints it) or
// a failed execution, 2 a bad command line or store.
func MainArgs(ctx context.Context, m *sfnrt.Machine, o sfncli.MainOptions, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || verbs[args[0]] == nil {
		if hasFlag(args, "store") {
			return runDurable(ctx, m, o, args, stdout, stderr)
		}
		return sfncli.MainArgsWith(m, o, args, os.Stdin, stdout, stderr)
	}
	name, v := args[0], verbs[args[0]]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	store := fs.String("store", "", "the store: sqlite:PATH or postgres://... (default $"+StoreEnv+", else the user's state dir)")
	executorID := fs.String("executor-id", "", "this worker's `ID` in the store (default sfn-worker)")
	concurrency := fs.Int("concurrency", 0, "executions a worker runs at once (default 64)")
	skipWaits := fs.Bool("skip-waits", false, "end Wait states, retry back-offs and callback timeouts at once")
	// A server that runs many machines on one store (sfn-compile serve)
	// names each worker's machine and revision itself.
	machineName := fs.String("machine-name", "", "run as the state machine `NAME` (default: the name it was built with)")
	machineVersion := fs.String("machine-version", "", "the revision `VERSION` whose executions a worker runs and starts (default: a hash of the machine)")
	mockConfig := fs.String("mock-config", "", "a worker answers Task states from a Step Functions Local MockConfigFile `FILE` (with --test-case)")
	testCase := fs.String("test-case", "", "the mock config's test case `NAME`")
	v.flags(fs)
	if v.worker && o.Flags != nil {
		o.Flags(fs) // the Task invoker's, e.g. --lambda-endpoint
	}
	usage := func() {
		fmt.Fprintf(stderr, "usage: %s %s [--store URL] %s\n", m.Name, name, v.usage)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: %s %s [--store URL] %s\n\nFlags:\n", m.Name, name, v.usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		usage()
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		usage()
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, r := range required[name] {
		if !set[r] {
			fmt.Fprintf(stderr, "%s: --%s is required\n", name, r)
			usage()
			return 2
		}
	}
	if !v.worker && (set["executor-id"] || set["concurrency"] || set["skip-waits"] || set["mock-config"] || set["test-case"]) {
		fmt.Fprintf(stderr, "%s: --executor-id, --concurrency, --skip-waits, --mock-config and --test-case are worker flags\n", name)
		return 2
	}
	if set["mock-config"] != set["test-case"] {
		fmt.Fprintf(stderr, "%s: --mock-config and --test-case go together\n", name)
		return 2
	}
	if set["machine-name"] {
		if err := validMachineName(*machineName); err != nil {
			fmt.Fprintf(stderr, "%s: --machine-name: %v\n", name, err)
			return 2
		}
		named := *m // the machine's code under another name
		named.Name = *machineName
		m = &named
	}
	cfg := Config{Store: *store, ExecutorID: *executorID, Concurrency: *concurrency, SkipWaits: *skipWaits, PayloadLimit: m.PayloadLimit, Version: *machineVersion}
	if !v.worker {
		// A client: its own executor ID, so that it never recovers (and so
		// takes over) a worker's executions.
		cfg.ExecutorID = fmt.Sprintf("client-%d", os.Getpid())
	}
	if *mockConfig != "" {
		data, err := os.ReadFile(*mockConfig)
		if err == nil {
			cfg.Tasks, err = sfnmock.LoadMockConfig(data, m.Name, *testCase)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: --mock-config: %v\n", name, err)
			return 2
		}
	} else if v.worker && o.Tasks != nil {
		tasks, err := o.Tasks(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		cfg.Tasks = tasks
	}
	if v.worker {
		store, err := objects(ctx, o)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		cfg.Objects = store
	}
	e, err := Open(ctx, m, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	defer e.Close()
	if v.worker {
		if err := e.Work(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
	}
	if err := v.run(ctx, e, fs, stdout); err != nil {
		var api *sfnrt.APIError
		if errors.As(err, &api) {
			fmt.Fprintf(stderr, "An error occurred (%s) when calling the %s operation: %s\n", api.Code, v.op, api.Message)
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
		}
		return 1
	}
	return 0
}

// runDurable runs one execution durably: it works on the store, starts
// the execution and prints its outcome as an in-memory run does.
func runDurable(ctx context.Context, m *sfnrt.Machine, o sfncli.MainOptions, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(m.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	store := fs.String("store", "", "")
	input := fs.String("input", "{}", "")
	name := fs.String("execution-name", "", "")
	describe := fs.Bool("describe", false, "")
	skipWaits := fs.Bool("skip-waits", false, "")
	mapRuns := fs.String("map-runs", "", "")
	if o.Flags != nil {
		o.Flags(fs)
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "with --store, the flags are --input, --execution-name, --describe, --skip-waits and --map-runs (%v)\n", err)
		return 2
	}
	if isSet(fs, "map-runs") && *mapRuns == "" {
		fmt.Fprintln(stderr, "--map-runs: want a file name")
		return 2
	}
	in, err := readArg(*input)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	cfg := Config{Store: *store, SkipWaits: *skipWaits, PayloadLimit: m.PayloadLimit}
	if o.Tasks != nil {
		if cfg.Tasks, err = o.Tasks(ctx); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	if cfg.Objects, err = objects(ctx, o); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	e, err := Open(ctx, m, cfg)
	if err == nil {
		defer e.Close()
		err = e.Work()
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	start, err := e.StartExecution(ctx, *name, in)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	d, err := e.Wait(ctx, start.ExecutionArn)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *mapRuns != "" {
		if err := e.writeMapRuns(*mapRuns, start.ExecutionArn); err != nil {
			fmt.Fprintf(stderr, "--map-runs: %v\n", err)
			return 2
		}
	}
	if *describe {
		jsonTo{stdout}.print(d, nil)
		return 0
	}
	if d.Status != sfnrt.StatusSucceeded {
		fmt.Fprintf(stderr, "%s: %s\n", deref(d.Error), deref(d.Cause))
		return 1
	}
	fmt.Fprintln(stdout, *d.Output)
	return 0
}

// writeMapRuns writes the Map Runs of an execution to path as an
// in-memory run's --map-runs does: a JSON array of the documents
// describe-map-run prints.
func (e *Executor) writeMapRuns(path, executionArn string) error {
	recs, err := e.mapRuns(executionArn)
	if err != nil {
		return err
	}
	docs := make([]MapRunDescription, len(recs))
	for i, r := range recs {
		docs[i] = r.Description
	}
	data, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkMachineArn accepts "" or the machine's ARN.
func (e *Executor) checkMachineArn(arn string) error {
	if arn == "" {
		return nil
	}
	if want := e.m.NewExecution(nil, sfnrt.Options{Name: "x"}).StateMachineID; arn != want {
		return apiError("StateMachineDoesNotExist", "State Machine Does Not Exist: '"+arn+"' (this binary runs "+want+")")
	}
	return nil
}

// validMachineName checks a state machine name as CreateStateMachine
// does: 1 to 80 characters, AWS's rules as for execution names.
func validMachineName(name string) error {
	if err := validName(name); err != nil {
		return fmt.Errorf("invalid state machine name %q", name)
	}
	return nil
}

// readArg reads a JSON argument: the text itself, or file://PATH as the
// AWS CLI reads it.
func readArg(s string) (string, error) {
	if path, ok := strings.CutPrefix(s, "file://"); ok {
		b, err := os.ReadFile(path)
		return string(b), err
	}
	return s, nil
}

// jsonTo prints operations' answers as indented JSON, as the AWS CLI
// does.
type jsonTo struct{ w io.Writer }

// print prints v, or returns err.
func (j jsonTo) print(v any, err error) error {
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(j.w, "%s\n", b)
	return err
}

func isSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func flagString(fs *flag.FlagSet, name string) string { return fs.Lookup(name).Value.String() }

func flagInt(fs *flag.FlagSet, name string) int {
	return fs.Lookup(name).Value.(flag.Getter).Get().(int)
}

func flagBool(fs *flag.FlagSet, name string) bool {
	return fs.Lookup(name).Value.(flag.Getter).Get().(bool)
}
