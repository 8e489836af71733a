package sfncli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// cliTestMachine is a one-state machine whose behaviour its input picks:
// {"fail": true} fails, {"wait": N} sleeps N seconds, {"task": true} runs
// an unbound Task, {"uuid": true} returns a UUID; anything else is echoed
// as {"echo": input}.
func cliTestMachine() *sfnrt.Machine {
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Work", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, input any) (int, any, error) {
		if v, _ := sfnrt.Field(input, "fail"); v == true {
			return 0, nil, sfnrt.NewError("Boom", "it broke")
		}
		if v, ok := sfnrt.Field(input, "cause"); ok {
			return 0, nil, &sfnrt.Error{Cause: v.(string), HasCause: true}
		}
		if v, ok := sfnrt.Field(input, "wait"); ok {
			n, _ := sfnrt.Int(v)
			if err := f.X.Clock.Sleep(ctx, time.Duration(n)*time.Second); err != nil {
				return 0, nil, err
			}
		}
		if v, _ := sfnrt.Field(input, "task"); v == true {
			out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, input, nil)
			return sfnimpl.End, out, err
		}
		if v, _ := sfnrt.Field(input, "uuid"); v == true {
			return sfnimpl.End, f.X.UUID(), nil
		}
		return sfnimpl.End, sfnrt.ObjectOf(sfnrt.Member{Key: "echo", Value: input}), nil
	}
	return &sfnrt.Machine{Name: "Test", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Work", Resource: "arn:aws:states:::lambda:invoke"}}}
}

func TestMainArgs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inputFile := write("input.json", `{"from": "file"}`)
	badInputFile := write("bad.json", `{"from": `)
	mock := write("mock.json", `{"StateMachines":{"Test":{"TestCases":{"Ok":{"Work":"R"}}},"Renamed":{"TestCases":{"Ok":{"Work":"R2"}}}},
		"MockedResponses":{"R":{"0":{"Return":{"mocked":1}}},"R2":{"0":{"Throw":{"Error":"E2","Cause":"from R2"}}}}}`)
	badMock := write("badmock.json", `{"StateMachines":{}}`)

	tests := []struct {
		name       string
		args       []string
		stdin      *string // nil: no stdin (a terminal)
		wantOut    string
		wantErr    string
		wantCode   int
		prefixOnly bool // wantOut is a prefix
	}{
		{name: "default input", wantOut: "{\"echo\":{}}\n"},
		{name: "literal input", args: []string{"--input", `{"a": [1, 2.50, 123456789012345678901234]}`},
			wantOut: "{\"echo\":{\"a\":[1,2.5,123456789012345678901234]}}\n"},
		{name: "input with equals", args: []string{"-input=7"}, wantOut: "{\"echo\":7}\n"},
		{name: "input file", args: []string{"--input", "@" + inputFile}, wantOut: "{\"echo\":{\"from\":\"file\"}}\n"},
		{name: "input stdin", args: []string{"--input", "-"}, stdin: ptr("\n[true]\n"), wantOut: "{\"echo\":[true]}\n"},
		{name: "failed", args: []string{"--input", `{"fail":true}`}, wantErr: "Boom: it broke\n", wantCode: 1},
		{name: "failed cause only", args: []string{"--input", `{"cause":"why"}`}, wantErr: "execution failed: why\n", wantCode: 1},
		{name: "unbound task", args: []string{"--input", `{"task":true}`}, wantCode: 1,
			wantErr: "States.Runtime: No handler is bound to Task state 'Work' (resource arn:aws:states:::lambda:invoke): " + BindingHelp + "\n"},
		{name: "mock return", args: []string{"--input", `{"task":true}`, "--mock-config", mock, "--test-case", "Ok"},
			wantOut: "{\"mocked\":1}\n"},
		{name: "mock by name", args: []string{"--input", `{"task":true}`, "--mock-config", mock, "--test-case", "Ok", "--name", "Renamed"},
			wantErr: "E2: from R2\n", wantCode: 1},
		{name: "mock repeated", args: []string{"--input", `{"task":true}`, "--mock-config", mock, "--test-case", "Ok", "--repeat", "3"},
			wantOut: "{\"mocked\":1}\n"},
		{name: "lines", stdin: ptr("{\"a\":1}\n\n  \n{\"fail\":true}\n[2]"), wantCode: 1,
			wantOut: "{\"echo\":{\"a\":1}}\n{\"error\":\"Boom\",\"cause\":\"it broke\"}\n{\"echo\":[2]}\n", wantErr: "line 4: Boom: it broke\n"},
		{name: "lines bad JSON", stdin: ptr("{\"a\":1}\n{\"a\":\n3\n"), wantCode: 2,
			wantOut: "{\"echo\":{\"a\":1}}\n{\"error\":\"InvalidExecutionInput\",\"cause\":\"invalid JSON at offset 6: unexpected end of input\"}\n{\"echo\":3}\n",
			wantErr: "line 2: invalid input: invalid JSON at offset 6: unexpected end of input\n"},
		{name: "lines refused", args: []string{"--payload-limit", "20"}, stdin: ptr("[1]\n\xef\xbb\xbf\"\xff\"\n[1,2,3,4,5,6,7,8,9,10]\n\"a\"\n{\"cause\":\"c\"}\n[\"" + strings.Repeat("x", 200<<10) + "\"]\n7"), wantCode: 2,
			wantOut: `{"echo":[1]}` + "\n" +
				`{"error":"InvalidExecutionInput","cause":"invalid UTF-8 at offset 1: an execution input is UTF-8 text, as AWS's API carries it"}` + "\n" +
				`{"error":"ValidationException","cause":"1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 20"}` + "\n" +
				`{"echo":"a"}` + "\n" + `{"cause":"c"}` + "\n" +
				`{"error":"ValidationException","cause":"1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 20"}` + "\n" +
				`{"echo":7}` + "\n",
			wantErr: "line 2: invalid input: invalid UTF-8 at offset 1: an execution input is UTF-8 text, as AWS's API carries it\n" +
				"line 3: invalid input: ValidationException: 1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 20\n" +
				"line 5: execution failed: c\n" +
				"line 6: invalid input: ValidationException: 1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 20\n"},
		{name: "input with BOM", args: []string{"--input", "\xef\xbb\xbf[1]"}, wantOut: "{\"echo\":[1]}\n"},
		{name: "input not UTF-8", args: []string{"--input", "\"caf\xe9\""}, wantCode: 2,
			wantErr: "invalid --input: invalid UTF-8 at offset 4: an execution input is UTF-8 text, as AWS's API carries it\n"},
		{name: "input too large", args: []string{"--input", "[" + strings.Repeat("1,", 131072) + "1]"}, wantCode: 2,
			wantErr: "invalid --input: ValidationException: 1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144\n"},
		{name: "input large without limit", args: []string{"--payload-limit", "0", "--input", "\"" + strings.Repeat("y", 300000) + "\""},
			wantOut: "{\"echo\":\"" + strings.Repeat("y", 300000) + "\"}\n"},
		{name: "lines empty", stdin: ptr(""), wantOut: "{\"echo\":{}}\n"},
		{name: "lines ignored with --input", args: []string{"--input", "1"}, stdin: ptr("2\n3\n"), wantOut: "{\"echo\":1}\n"},
		{name: "seed", args: []string{"--input", `{"uuid":true}`, "--seed", "42"}, wantOut: "\"", prefixOnly: true},
		{name: "skip waits", args: []string{"--input", `{"wait":100000}`, "--skip-waits"}, wantOut: "{\"echo\":{\"wait\":100000}}\n"},
		{name: "type lower case", args: []string{"--type", "express"}, wantOut: "{\"echo\":{}}\n"},
		{name: "help", args: []string{"-h"}, wantOut: "usage: Test [flags]\n", prefixOnly: true},

		{name: "unknown flag", args: []string{"--nope"}, wantCode: 2,
			wantErr: "flag provided but not defined: -nope\nrun with -h for usage\n"},
		{name: "missing flag value", args: []string{"--input"}, wantCode: 2,
			wantErr: "flag needs an argument: -input\nrun with -h for usage\n"},
		{name: "positional", args: []string{"{}"}, wantCode: 2,
			wantErr: "unexpected argument \"{}\": the input goes in --input\n"},
		{name: "bad type", args: []string{"--type", "FAST"}, wantCode: 2,
			wantErr: "invalid value \"FAST\" for flag -type: want STANDARD or EXPRESS\nrun with -h for usage\n"},
		{name: "bad repeat", args: []string{"--repeat", "0"}, wantCode: 2,
			wantErr: "invalid value \"0\" for flag -repeat: want 1 or more\nrun with -h for usage\n"},
		{name: "bad seed", args: []string{"--seed", "x"}, wantCode: 2,
			wantErr: "invalid value \"x\" for flag -seed: parse error\nrun with -h for usage\n"},
		{name: "empty name", args: []string{"--name", ""}, wantCode: 2,
			wantErr: "invalid value \"\" for flag -name: 1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1\nrun with -h for usage\n"},
		{name: "name with slash", args: []string{"--name", "a/b"}, wantCode: 2,
			wantErr: "invalid value \"a/b\" for flag -name: Invalid State Machine Name: 'a/b'\nrun with -h for usage\n"},
		{name: "name too long", args: []string{"--name", strings.Repeat("n", 81)}, wantCode: 2,
			wantErr: "invalid value \"" + strings.Repeat("n", 81) + "\" for flag -name: 1 validation error detected: Value '" + strings.Repeat("n", 81) + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80\nrun with -h for usage\n"},
		{name: "name longest", args: []string{"--name", strings.Repeat("é", 80)}, wantOut: "{\"echo\":{}}\n"},
		{name: "negative payload limit", args: []string{"--payload-limit", "-1"}, wantCode: 2,
			wantErr: "invalid value \"-1\" for flag -payload-limit: want 0 (no limit) or more\nrun with -h for usage\n"},
		{name: "history without file name", args: []string{"--history", ""}, wantCode: 2,
			wantErr: "invalid value \"\" for flag -history: want a file name\nrun with -h for usage\n"},
		{name: "mock without test case", args: []string{"--mock-config", mock}, wantCode: 2,
			wantErr: "--mock-config and --test-case go together\n"},
		{name: "test case without mock", args: []string{"--test-case", "Ok"}, wantCode: 2,
			wantErr: "--mock-config and --test-case go together\n"},
		{name: "bad mock", args: []string{"--mock-config", badMock, "--test-case", "Ok"}, wantCode: 2,
			wantErr: "mock config: missing required field \"MockedResponses\" at the top level\n"},
		{name: "unknown test case", args: []string{"--mock-config", mock, "--test-case", "Sad"}, wantCode: 2,
			wantErr: "mock config: state machine \"Test\" has no test case \"Sad\" (it has \"Ok\")\n"},
		{name: "bad input", args: []string{"--input", "{"}, wantCode: 2,
			wantErr: "invalid --input: invalid JSON at offset 1: expected a string key\n"},
		{name: "bad input file", args: []string{"--input", "@" + badInputFile}, wantCode: 2,
			wantErr: "invalid --input @" + badInputFile + ": invalid JSON at offset 9: unexpected end of input\n"},
		{name: "bad stdin", args: []string{"--input", "-"}, stdin: ptr("1 2"), wantCode: 2,
			wantErr: "invalid --input: invalid JSON at offset 2: unexpected data after the JSON value\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			var stdin *strings.Reader
			if tt.stdin != nil {
				stdin = strings.NewReader(*tt.stdin)
			}
			var code int
			if stdin == nil {
				code = MainArgs(cliTestMachine(), tt.args, nil, &stdout, &stderr)
			} else {
				code = MainArgs(cliTestMachine(), tt.args, stdin, &stdout, &stderr)
			}
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			gotOut := stdout.String()
			if tt.prefixOnly && strings.HasPrefix(gotOut, tt.wantOut) {
				gotOut = tt.wantOut
			}
			if diff := cmp.Diff(tt.wantOut, gotOut); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErr, stderr.String()); diff != "" {
				t.Errorf("stderr mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// runMain runs MainArgs with no stdin and returns stdout, failing the test
// on a non-zero exit code.
func runMain(t *testing.T, m *sfnrt.Machine, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := MainArgs(m, args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("MainArgs(%q) = %d, stderr:\n%s", args, code, stderr.String())
	}
	return stdout.String()
}

func TestMainSeedIsDeterministic(t *testing.T) {
	args := []string{"--input", `{"uuid":true}`, "--seed", "7", "--describe"}
	a := runMain(t, cliTestMachine(), args...)
	b := runMain(t, cliTestMachine(), args...)
	var da, db map[string]any
	json.Unmarshal([]byte(a), &da)
	json.Unmarshal([]byte(b), &db)
	if da["output"] != db["output"] || da["name"] != db["name"] {
		t.Errorf("same seed, different results:\n%s%s", a, b)
	}
	c := runMain(t, cliTestMachine(), "--input", `{"uuid":true}`, "--seed", "8", "--describe")
	var dc map[string]any
	json.Unmarshal([]byte(c), &dc)
	if da["output"] == dc["output"] {
		t.Errorf("different seeds, same UUID %v", da["output"])
	}
}

func TestMainDescribe(t *testing.T) {
	type describe struct {
		ExecutionArn    string `json:"executionArn"`
		StateMachineArn string `json:"stateMachineArn"`
		Name            string `json:"name"`
		Status          string `json:"status"`
		StartDate       string `json:"startDate"`
		StopDate        string `json:"stopDate"`
		Input           string `json:"input"`
		Output          *string
		Error           *string `json:"error"`
		Cause           *string `json:"cause"`
	}
	parse := func(t *testing.T, out string) describe {
		t.Helper()
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Fatalf("not one line: %q", out)
		}
		var d describe
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	d := parse(t, runMain(t, cliTestMachine(), "--describe", "--input", `{"a":1}`, "--seed", "1", "--name", "Named", "--type", "EXPRESS"))
	if d.Status != "SUCCEEDED" || d.Input != `{"a":1}` || d.Output == nil || *d.Output != `{"echo":{"a":1}}` || d.Error != nil || d.Cause != nil {
		t.Errorf("succeeded: %+v", d)
	}
	if d.StateMachineArn != "arn:aws:states:us-east-1:123456789012:stateMachine:Named" ||
		!strings.HasPrefix(d.ExecutionArn, "arn:aws:states:us-east-1:123456789012:express:Named:"+d.Name+":") || len(d.Name) != 36 {
		t.Errorf("ARNs: %+v", d)
	}

	// A failed execution still exits 0 under --describe.
	d = parse(t, runMain(t, cliTestMachine(), "--describe", "--input", `{"fail":true}`))
	if d.Status != "FAILED" || d.Output != nil || d.Error == nil || *d.Error != "Boom" || *d.Cause != "it broke" {
		t.Errorf("failed: %+v", d)
	}
	if !strings.Contains(d.ExecutionArn, ":execution:Test:") {
		t.Errorf("standard ARN: %s", d.ExecutionArn)
	}

	// Under --skip-waits the dates move as if the wait had happened.
	d = parse(t, runMain(t, cliTestMachine(), "--describe", "--skip-waits", "--input", `{"wait":3600}`))
	start, err1 := time.Parse(time.RFC3339, d.StartDate)
	stop, err2 := time.Parse(time.RFC3339, d.StopDate)
	if err1 != nil || err2 != nil || stop.Sub(start) != time.Hour {
		t.Errorf("dates %s .. %s (%v, %v): want an hour apart", d.StartDate, d.StopDate, err1, err2)
	}
	if len(d.StartDate) != len("2006-01-02T15:04:05.000Z") {
		t.Errorf("startDate %q: want milliseconds and Z", d.StartDate)
	}

	// Line mode with --describe prints one line per input.
	var stdout, stderr bytes.Buffer
	code := MainArgs(cliTestMachine(), []string{"--describe"}, strings.NewReader("1\n{\"fail\":true}\n"), &stdout, &stderr)
	if code != 0 || strings.Count(stdout.String(), "\n") != 2 || stderr.Len() != 0 {
		t.Errorf("lines: code %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestMainHistory(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history.json")
	mock := filepath.Join(dir, "mock.json")
	os.WriteFile(mock, []byte(`{"StateMachines":{"Test":{"TestCases":{"T":{"Work":"R"}}}},
		"MockedResponses":{"R":{"0":{"Return":{"ok":true}}}}}`), 0o666)
	out := runMain(t, cliTestMachine(), "--history", hist, "--input", `{"task":true}`, "--mock-config", mock, "--test-case", "T", "--seed", "3")
	if out != "{\"ok\":true}\n" {
		t.Errorf("output %q", out)
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	var events []struct {
		ID       int64  `json:"id"`
		Previous int64  `json:"previousEventId"`
		Type     string `json:"type"`
		Time     string `json:"timestamp"`
	}
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var types []string
	for i, e := range events {
		types = append(types, e.Type)
		if e.ID != int64(i+1) || e.Previous != int64(i) || e.Time == "" {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	if !bytes.HasPrefix(data, []byte("[\n  {\n    \"id\": 1,")) {
		t.Errorf("not indented:\n%s", data)
	}

	// An unwritable history file is a usage error, reported before running.
	var stdout, stderr bytes.Buffer
	code := MainArgs(cliTestMachine(), []string{"--history", filepath.Join(dir, "no", "such", "dir.json")}, nil, &stdout, &stderr)
	if code != 2 || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), "--history: open ") {
		t.Errorf("code %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestMainRepeatRunsEachTime(t *testing.T) {
	m := cliTestMachine()
	n := 0
	step := m.Program.Step
	m.Program.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, input any) (int, any, error) {
		n++
		return step(ctx, f, state, input)
	}
	runMain(t, m, "--repeat", "5")
	if n != 5 {
		t.Errorf("ran %d times, want 5", n)
	}
}

func TestMainAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := mainArgs(ctx, cliTestMachine(), []string{"--input", `{"wait":1}`}, nil, &stdout, &stderr)
	if code != 1 || stderr.String() != "execution aborted\n" {
		t.Errorf("code %d, stderr %q", code, stderr.String())
	}
}

func TestNewFlagSet(t *testing.T) {
	fs := NewFlagSet("run")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	want := []string{"describe", "history", "input", "map-runs", "mock-config", "name", "panic-stacks", "payload-limit", "repeat", "seed", "skip-waits", "test-case", "type", "version", "wait-time-scale"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	if err := fs.Parse([]string{"--input", "{}", "--describe", "x.json"}); err != nil || fs.Arg(0) != "x.json" {
		t.Errorf("Parse: %v, args %q", err, fs.Args())
	}
}

// The --history file is replaced whole at the end, or not at all: an
// input that starts nothing leaves the previous file as it was, and no
// temporary file stays behind. An execution at the history quota streams
// its 25,000 events.
func TestMainHistoryFileWholeOrUntouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.json")
	if err := os.WriteFile(path, []byte("previous"), 0o666); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := MainArgs(cliTestMachine(), []string{"--history", path, "--input", "{"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("bad input: code %d, stderr %q", code, stderr.String())
	}
	if data, _ := os.ReadFile(path); string(data) != "previous" {
		t.Errorf("history file after a refused input: %q", data)
	}
	stderr.Reset()
	if code := MainArgs(passLoop(1<<40), []string{"--history", path, "--input", "0"}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("loop: code %d, stderr %q", code, stderr.String())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var events []struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatalf("history: %v", err)
	}
	if n := len(events); n != sfnrt.MaxHistoryEvents || events[n-1].Type != sfnrt.EventExecutionFailed || events[n-1].ID != sfnrt.MaxHistoryEvents {
		t.Errorf("%d events, the last %+v", n, events[n-1])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside the history: %v", entries)
	}
}

// A handler's panic fails the execution with States.TaskFailed: the
// process lives on, and prints the stack with --panic-stacks only.
func TestMainHandlerPanic(t *testing.T) {
	m := &sfnrt.Machine{Name: "m", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Work", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, func(ctx context.Context, in any) (any, error) { panic("boom") })
			return sfnimpl.End, out, err
		},
	}}
	for _, stacks := range []bool{false, true} {
		args := []string{"--input", "{}"}
		if stacks {
			args = append(args, "--panic-stacks")
		}
		var stdout, stderr bytes.Buffer
		code := MainArgs(m, args, nil, &stdout, &stderr)
		msg := stderr.String()
		if code != 1 || !strings.HasSuffix(msg, "States.TaskFailed: panic: boom\n") {
			t.Errorf("--panic-stacks %v: code %d, stderr %q", stacks, code, msg)
		}
		if got := strings.Contains(msg, "panic in the handler of Task state 'Work': boom") && strings.Contains(msg, "goroutine "); got != stacks {
			t.Errorf("--panic-stacks %v: stack printed %v:\n%s", stacks, got, msg)
		}
	}
}

// passLoop is a Pass state that loops until its input reaches n.
func passLoop(n int) *sfnrt.Machine {
	return &sfnrt.Machine{Name: "m", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Loop", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			i, _ := sfnrt.Int(in)
			if int(i)+1 >= n {
				return sfnimpl.End, int64(i + 1), nil
			}
			return 0, int64(i + 1), nil
		},
	}}
}

// TestCLIReadFile: a file read whole or cut at max, whatever its size
// against the buffer sized from it; one exact allocation for a file read
// whole.
func TestCLIReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ size, max int }{
		{0, 100}, {1, 100}, {511, 1000}, {512, 1000}, {513, 1000}, {100000, 1 << 20}, {100000, 100000}, {100000, 99999}, {1000, 10},
	} {
		content := bytes.Repeat([]byte("0123456789"), tt.size/10+1)[:tt.size]
		name := filepath.Join(dir, "in.json")
		if err := os.WriteFile(name, content, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := cliReadFile(name, int64(tt.max))
		if err != nil {
			t.Fatal(err)
		}
		want := content[:min(tt.size, tt.max)]
		if !bytes.Equal(got, want) {
			t.Errorf("size %d, max %d: read %d bytes, want %d", tt.size, tt.max, len(got), len(want))
		}
	}
	name := filepath.Join(dir, "big.json")
	if err := os.WriteFile(name, bytes.Repeat([]byte(" "), 300000), 0o600); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cliReadFile(name, 1<<20)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 300000+8<<10 {
		t.Errorf("reading a 300,000-byte file allocated %d bytes", got)
	}
}
