// Command runner is the main package of the program that package testrun
// builds to run test cases: testrun copies this file beside a generated
// file that registers one state machine per generated package in
// machines, builds them together, and feeds the program a JSON array of
// jobs on standard input. The program runs the jobs in parallel and
// writes one JSON object per finished job and line on standard output:
//
//	{"job": N, "describe": {...DescribeExecution...}, "history": [...events...]}
//	{"job": N, "panic": "message and stack"}
//
// With -serial it runs one job at a time and first writes {"start": N},
// so that a crash of the whole process (a panic in a goroutine the
// runtime started) can be charged to the job that caused it.
//
// It imports only the runtime and the standard library, like the
// generated code.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// machines maps a generated package's name to the constructor of its
// machine; the generated file fills it in an init function.
var machines = map[string]func() *sfnrt.Machine{}

// A job is one execution to run.
type job struct {
	Job       int             `json:"job"`       // echoed in the result
	Package   string          `json:"package"`   // key of machines
	Input     json.RawMessage `json:"input"`     // the execution input
	Type      string          `json:"type"`      // STANDARD or EXPRESS
	Machine   string          `json:"machine"`   // state machine name
	Execution string          `json:"execution"` // execution name; empty: a UUID
	Seed      int64           `json:"seed"`
	History   bool            `json:"history"`
	// MockConfig is a MockConfigFile's path; StateMachine and TestCase
	// select its test case.
	MockConfig   string `json:"mock_config,omitempty"`
	StateMachine string `json:"state_machine,omitempty"`
	TestCase     string `json:"test_case,omitempty"`
	// TimeoutMS aborts the execution after this much real time.
	TimeoutMS int64 `json:"timeout_ms"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	serial := fs.Bool("serial", false, "run one job at a time, announcing each")
	parallel := fs.Int("p", runtime.GOMAXPROCS(0), "jobs run at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var jobs []job
	if err := json.NewDecoder(stdin).Decode(&jobs); err != nil {
		fmt.Fprintf(stderr, "runner: reading jobs: %v\n", err)
		return 2
	}
	w := &writer{w: bufio.NewWriter(stdout)}
	if *serial {
		for i := range jobs {
			w.line(sfnrt.ObjectOf(sfnrt.Member{Key: "start", Value: int64(jobs[i].Job)}))
			w.line(runJob(&jobs[i]))
		}
		return 0
	}
	n := max(1, *parallel)
	next := make(chan *job)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				w.line(runJob(j))
			}
		}()
	}
	for i := range jobs {
		next <- &jobs[i]
	}
	close(next)
	wg.Wait()
	return 0
}

// A writer writes whole lines from many goroutines, flushing each so that
// the results of finished jobs survive a crash.
type writer struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (w *writer) line(o *sfnrt.Object) {
	b := append(sfnrt.AppendJSON(nil, o), '\n')
	w.mu.Lock()
	w.w.Write(b)
	w.w.Flush()
	w.mu.Unlock()
}

// runJob runs one execution; a panic in its goroutine becomes a result.
func runJob(j *job) (res *sfnrt.Object) {
	defer func() {
		if r := recover(); r != nil {
			res = sfnrt.ObjectOf(
				sfnrt.Member{Key: "job", Value: int64(j.Job)},
				sfnrt.Member{Key: "panic", Value: fmt.Sprintf("panic: %v\n\n%s", r, debug.Stack())},
			)
		}
	}()
	fail := func(format string, args ...any) *sfnrt.Object {
		return sfnrt.ObjectOf(
			sfnrt.Member{Key: "job", Value: int64(j.Job)},
			sfnrt.Member{Key: "error", Value: fmt.Sprintf(format, args...)},
		)
	}
	newMachine := machines[j.Package]
	if newMachine == nil {
		return fail("no machine %q in this program", j.Package)
	}
	input, err := sfnrt.ParseJSON(j.Input)
	if err != nil {
		return fail("input: %v", err)
	}
	m := *newMachine()
	if j.Machine != "" {
		m.Name = j.Machine
	}
	seed := j.Seed
	opts := sfnrt.Options{
		Name:      j.Execution,
		Type:      j.Type,
		SkipWaits: true,
		History:   j.History,
		Seed:      &seed,
	}
	if j.MockConfig != "" {
		data, err := os.ReadFile(j.MockConfig)
		if err != nil {
			return fail("%v", err)
		}
		tasks, err := sfnmock.LoadMockConfig(data, j.StateMachine, j.TestCase)
		if err != nil {
			return fail("%v", err)
		}
		opts.Tasks = tasks
	}
	ctx := context.Background()
	if j.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(j.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	r := m.Start(ctx, input, opts)
	out := sfnrt.ObjectOf(
		sfnrt.Member{Key: "job", Value: int64(j.Job)},
		sfnrt.Member{Key: "describe", Value: r.Describe()},
	)
	if j.History {
		events := make([]any, len(r.History))
		for i := range r.History {
			events[i] = r.History[i].JSON()
		}
		out.Set("history", events)
	}
	return out
}
