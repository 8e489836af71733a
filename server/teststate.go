package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func init() {
	actions["TestState"] = (*Server).testState
}

// TestState runs one state once, as AWS's action of that name does: the
// state is compiled into a machine of its own (through the build cache,
// like any revision) and run once with the history on. For a JSONPath
// state the machine also runs the state's data flow step by step (Pass
// states that apply InputPath alone, then Parameters, the state itself
// with its ResultPath and OutputPath left out, then ResultPath, then
// OutputPath; the raw input and the result travel in variables), so that
// every step's value, AWS's inspection data, is a state's output in the
// history, and the Task is invoked once. Retry is left out of the
// machine: TestState reports a retrier that matches (RETRIABLE) rather
// than retrying; each catcher goes on to a Succeed state of its own, so
// that a caught error's output is the engine's (teststate_catch.go).

// Names of the helper states and variables: dots and a prefix no user
// state is likely to have (a state named so is refused).
const (
	testPrefix   = "sfn-compile.test."
	testInputVar = "sfnCompileTestInput"
	testRSVar    = "sfnCompileTestResult"
	testMachine  = "TestState"
)

type testStateInput struct {
	Definition      *string          `json:"definition"`
	RoleArn         *string          `json:"roleArn"`
	Input           *string          `json:"input"`
	InspectionLevel string           `json:"inspectionLevel"`
	RevealSecrets   bool             `json:"revealSecrets"`
	Variables       *string          `json:"variables"`
	StateName       *string          `json:"stateName"`
	Mock            *testStateMock   `json:"mock"`
	Context         *string          `json:"context"`
	StateConfig     *testStateConfig `json:"stateConfiguration"`
}

type testStateMock struct {
	Result              *string        `json:"result"`
	ErrorOutput         *testMockError `json:"errorOutput"`
	FieldValidationMode string         `json:"fieldValidationMode"`
}

type testMockError struct {
	Error *string `json:"error"`
	Cause *string `json:"cause"`
}

type testStateConfig struct {
	RetrierRetryCount        *int    `json:"retrierRetryCount"`
	MapIterationFailureCount *int    `json:"mapIterationFailureCount"`
	ErrorCausedByState       *string `json:"errorCausedByState"`
	MapItemReaderData        *string `json:"mapItemReaderData"`
}

type inspectionErrorDetails struct {
	CatchIndex                  *int `json:"catchIndex,omitempty"`
	RetryIndex                  *int `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int `json:"retryBackoffIntervalSeconds,omitempty"`
}

type inspectionData struct {
	Input               *string                 `json:"input,omitempty"`
	AfterInputPath      *string                 `json:"afterInputPath,omitempty"`
	AfterArguments      *string                 `json:"afterArguments,omitempty"`
	AfterParameters     *string                 `json:"afterParameters,omitempty"`
	Result              *string                 `json:"result,omitempty"`
	AfterResultSelector *string                 `json:"afterResultSelector,omitempty"`
	AfterResultPath     *string                 `json:"afterResultPath,omitempty"`
	Variables           *string                 `json:"variables,omitempty"`
	ErrorDetails        *inspectionErrorDetails `json:"errorDetails,omitempty"`
	Request             *inspectionDataRequest  `json:"request,omitempty"`
	Response            *inspectionDataResponse `json:"response,omitempty"`
	// A Map state's (teststate_map.go).
	AfterItemsPath             *string  `json:"afterItemsPath,omitempty"`
	AfterItemSelector          *string  `json:"afterItemSelector,omitempty"`
	MaxConcurrency             *int     `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int     `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage,omitempty"`
}

type testStateOutput struct {
	Output         *string         `json:"output,omitempty"`
	Error          *string         `json:"error,omitempty"`
	Cause          *string         `json:"cause,omitempty"`
	InspectionData *inspectionData `json:"inspectionData,omitempty"`
	NextState      *string         `json:"nextState,omitempty"`
	Status         string          `json:"status"`
}

// testedKinds are the state types TestState runs here.
var testedKinds = map[string]bool{"Task": true, "Pass": true, "Choice": true, "Wait": true, "Succeed": true, "Fail": true, "Parallel": true, "Map": true}

// mockedActivity is the resource a mocked Parallel or Map state runs as:
// a Task whose result the mock gives, with the state's data flow
// (InputPath, Parameters of a Parallel, ResultSelector; the rest is the
// test machine's).
const mockedActivity = "arn:aws:states:us-east-1:123456789012:activity:sfn-compile-test-mocked-state"

func (s *Server) testState(r *http.Request, body []byte) (any, error) {
	var in testStateInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("definition", in.Definition); err != nil {
		return nil, err
	}
	level := in.InspectionLevel
	switch level {
	case "":
		level = "INFO"
	case "INFO", "DEBUG", "TRACE":
	default:
		return nil, errorf(codeValidation, "1 validation error detected: Value '%s' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]", level)
	}
	if in.Context != nil && in.Mock == nil {
		return nil, errorf(codeValidation, "context may only be specified together with a mock")
	}
	input, err := executionInput(in.Input)
	if err != nil {
		return nil, err
	}
	vars := map[string]json.RawMessage{}
	if in.Variables != nil {
		if err := json.Unmarshal([]byte(*in.Variables), &vars); err != nil || vars == nil {
			return nil, errorf(codeValidation, "variables: want a JSON object of variable names and values: %v", err)
		}
	}
	tested, err := testedState(*in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	name, state := tested.name, tested.state
	kind, _ := state["Type"].(string)
	if err := checkTestMock(kind, state, &in); err != nil {
		return nil, err
	}
	// After the mock's checks: AWS's message for revealSecrets with a
	// mock is theirs (recorded).
	if err := checkTestSecrets(&in, level); err != nil {
		return nil, err
	}
	if err := checkTestConfig(kind, state, in.StateConfig); err != nil {
		return nil, err
	}
	if in.Context != nil {
		if err := checkTestContext(*in.Context, state); err != nil {
			return nil, err
		}
		// The state's references to the context read the one given
		// (teststate_context.go).
		tested.fields = contextToVariable(tested.fields, tested.lang != "JSONata")
	}
	if err := tested.check(*in.Definition); err != nil {
		return nil, err
	}
	if in.RoleArn == nil && kind == "Task" && in.Mock == nil {
		// A Task really called needs the role it calls with (AWS's
		// answer, recorded; after the definition's checks, as AWS's).
		return nil, errorf(codeValidation, "RoleArn must be specified when testing a Task state")
	}
	plan, err := planTest(tested, vars)
	if err != nil {
		return nil, err
	}
	runInput := input
	if in.Context != nil {
		states := plan.machine["States"].(map[string]any)
		states[testPrefix+"context"] = testContextState(plan.machine["StartAt"].(string))
		plan.machine["StartAt"] = testPrefix + "context"
		runInput = testContextInputOf(input, *in.Context)
	}
	def, _ := json.Marshal(plan.machine)
	// STANDARD: an Express machine's five minutes would end a long Wait
	// state, which TestState does not wait for (--skip-waits).
	if err := checkDefinition(string(def), "STANDARD"); err != nil {
		return nil, err
	}
	if s.cfg.Builder == nil {
		return nil, errorf(codeValidation, "TestState runs the state on a build of it: this server builds no state machines (Config.Builder)")
	}
	bin, err := s.builds.binary(r.Context(), string(def), "STANDARD")
	if err != nil {
		return nil, err
	}
	var trace *httpTrace
	if level == "TRACE" && in.Mock == nil && isHTTPTask(state) {
		trace = &httpTrace{revealSecrets: in.RevealSecrets}
	}
	events, exchange, err := runTest(r.Context(), bin, s.pools.env, runInput, in.Mock, name, trace)
	if err != nil {
		return nil, err
	}
	if c := in.StateConfig; plan.mocked == "Map" && in.Mock != nil && c != nil && c.MapIterationFailureCount != nil {
		if f := mapThresholdFailure(mapConfigOf(events), *c.MapIterationFailureCount, in.Mock.Result); f != nil {
			// Failed beyond its tolerance: again, the Map failing so
			// (teststate_map.go).
			failing := &testStateMock{ErrorOutput: &testMockError{Error: &f.Name, Cause: &f.Cause}}
			if events, exchange, err = runTest(r.Context(), bin, s.pools.env, runInput, failing, name, trace); err != nil {
				return nil, err
			}
		}
	}
	out := plan.answer(events, string(input), level, &in)
	written := []string{"{}"}
	if in.Input != nil {
		written[0] = *in.Input
	}
	if in.Mock != nil && in.Mock.Result != nil {
		written = append(written, *in.Mock.Result)
	}
	verbatim(out, written...)
	if exchange != nil && out.InspectionData != nil {
		out.InspectionData.Request, out.InspectionData.Response = exchange.Request, exchange.Response
	}
	return out, nil
}

// A testedStateDef is the state a TestState definition names, with
// where it lies in that definition.
type testedStateDef struct {
	name  string
	state map[string]any // for reading the state's fields
	// fields holds each field's JSON as the user wrote it: the test
	// machine carries templates byte for byte, so their keys keep the
	// order written (Go maps would sort them).
	fields map[string]json.RawMessage
	lang   string
	// src is the state's JSON as written, at byte offset start of the
	// definition, to place diagnostics in what the user sent.
	src   []byte
	start int
	// whole: the definition is the state itself (pointers in it are
	// relative to the state), not a machine holding it.
	whole bool
}

// testedState returns the state a TestState definition names: the
// definition itself, or the state stateName of a machine's definition,
// with the machine's query language.
func testedState(def string, stateName *string) (*testedStateDef, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(def), &doc); err != nil {
		// The compiler's reading says where the JSON breaks, with
		// AWS's code for it (INVALID_JSON_DESCRIPTION).
		if cerr := checkDefinition(def, "STANDARD"); cerr != nil {
			return nil, cerr
		}
		return nil, errorf(codeInvalidDefinition, "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: %v'", err)
	}
	if stateName == nil {
		t := &testedStateDef{name: "State", state: doc, src: []byte(def), whole: true}
		t.lang, _ = doc["QueryLanguage"].(string)
		json.Unmarshal(t.src, &t.fields)
		return t, nil
	}
	states, _ := doc["States"].(map[string]any)
	state, _ := states[*stateName].(map[string]any)
	if state == nil {
		return nil, errorf(codeValidation, "The state '%s' is not a top-level state of the definition", *stateName)
	}
	t := &testedStateDef{name: *stateName, state: state}
	t.src, t.start = topLevelState(def, *stateName)
	json.Unmarshal(t.src, &t.fields)
	t.lang, _ = state["QueryLanguage"].(string)
	if t.lang == "" {
		t.lang, _ = doc["QueryLanguage"].(string)
	}
	return t, nil
}

// topLevelState returns the JSON of the state name in the definition
// def (valid JSON whose States holds it) as written, and its byte offset
// in def. Of repeated keys the last counts, as when decoding.
func topLevelState(def, name string) (src []byte, start int) {
	dec := json.NewDecoder(strings.NewReader(def))
	// skipTo reads an object's members up to the key (leaving the
	// decoder before its value), or to the object's end.
	skipTo := func(key string, found func()) {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return
			}
			var value json.RawMessage
			if k, _ := tok.(string); k == key {
				found()
				continue
			}
			if dec.Decode(&value) != nil {
				return
			}
		}
	}
	if _, err := dec.Token(); err != nil { // {
		return nil, 0
	}
	skipTo("States", func() {
		if _, err := dec.Token(); err != nil { // {
			return
		}
		skipTo(name, func() {
			var value json.RawMessage
			if dec.Decode(&value) == nil {
				src, start = value, int(dec.InputOffset())-len(value)
			}
		})
		dec.Token() // }
	})
	return src, start
}

// check checks the state as given, as AWS checks it: in a machine where
// it starts and the states it names exist. The machine holds the
// state's JSON as written, so each diagnostic is placed back in what the
// user sent: its pointer and line and column in def.
func (t *testedStateDef) check(def string) error {
	name, _ := json.Marshal(t.name)
	lang, _ := json.Marshal(queryLanguage(t.lang))
	var b strings.Builder
	fmt.Fprintf(&b, `{"StartAt":%s,"QueryLanguage":%s,"States":{%s:`, name, lang, name)
	at := b.Len()
	b.Write(t.src)
	seen := map[string]bool{t.name: true}
	for _, target := range targets(t.state) {
		if !seen[target] {
			seen[target] = true
			n, _ := json.Marshal(target)
			fmt.Fprintf(&b, `,%s:{"Type":"Succeed"}`, n)
		}
	}
	b.WriteString("}}")
	statePtr := "/States/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(t.name)
	return checkDefinitionAt(b.String(), "STANDARD", func(d compiler.Diagnostic) (compiler.Diagnostic, bool) {
		ptr := string(d.Pointer)
		if d.Offset < at || d.Offset > at+len(t.src) || (ptr != statePtr && !strings.HasPrefix(ptr, statePtr+"/")) {
			return d, false // not in the user's state
		}
		if t.whole {
			d.Pointer = d.Pointer[len(statePtr):]
		}
		d.Offset += t.start - at
		d.Line, d.Col = lineCol(def, d.Offset)
		return d, true
	})
}

// lineCol returns the 1-based line and column (in characters) of the
// byte offset in src.
func lineCol(src string, offset int) (line, col int) {
	before := src[:min(offset, len(src))]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return strings.Count(before, "\n") + 1, utf8.RuneCountInString(before[lineStart:]) + 1
}

// A testPlan is the machine that runs a tested state and what its
// history means.
type testPlan struct {
	name, kind string
	fields     map[string]json.RawMessage // the state's, as written
	mocked     string                     // Map or Parallel: the state kind a mocked Task stands for
	state      map[string]any
	jsonPath   bool
	machine    map[string]any
	userVars   []string // the variables visible after the state
}

// eventPrefixRE matches where a runtime error happened in an
// execution's history, as the engine's causes begin.
var eventPrefixRE = regexp.MustCompile(`^An error occurred while executing the state '[^']*' \(entered at the event id #[0-9]+\)\. `)

// helperStateRE matches a helper state's name quoted in a cause.
var helperStateRE = regexp.MustCompile(`'` + regexp.QuoteMeta(testPrefix) + `[A-Za-z0-9]+'`)

// refPathRE matches the reference paths a ResultPath may hold.
var refPathRE = regexp.MustCompile(`^\$((\.[A-Za-z_][A-Za-z0-9_]*)|(\['[^'\]]*'\])|(\[[0-9]+\]))*$`)

func planTest(tested *testedStateDef, vars map[string]json.RawMessage) (*testPlan, error) {
	name, state, lang, fields := tested.name, tested.state, tested.lang, tested.fields
	p := &testPlan{name: name, state: state, fields: fields, jsonPath: lang != "JSONata"}
	p.kind, _ = state["Type"].(string)
	if strings.HasPrefix(name, testPrefix) {
		return nil, errorf(codeValidation, "state names starting with %q are reserved by TestState here", testPrefix)
	}
	states := map[string]any{}
	// The fields as written (templates keep their keys' order).
	t := map[string]any{}
	for f, v := range fields {
		t[f] = v
	}
	if p.kind == "Parallel" || p.kind == "Map" {
		// Mocked: its branches or iterations do not run; a Task answered
		// by the mock stands for them, with the state's data flow (a
		// Map's Parameters and ItemSelector shape each item, which no
		// iteration sees here).
		t = map[string]any{"Type": "Task", "Resource": mockedActivity}
		kept := []string{"InputPath", "Parameters", "Arguments", "ResultSelector", "Assign", "Output", "Catch", "Next", "End"}
		if p.kind == "Map" {
			kept = []string{"InputPath", "ResultSelector", "Assign", "Output", "Catch", "Next", "End"}
		}
		for _, f := range kept {
			if v, ok := fields[f]; ok {
				t[f] = v
			}
		}
		p.mocked, p.kind = p.kind, "Task"
	}
	if lang != "" {
		t["QueryLanguage"] = lang
	}
	delete(t, "Retry")
	delete(t, "Catch")
	if c := catchers(fields["Catch"], states); c != nil {
		t["Catch"] = c
	}
	if p.kind == "Choice" {
		// The states a Choice may go to end the machine: Succeed states
		// of the same names, whose input is the Choice's output.
		for _, target := range targets(state) {
			states[target] = map[string]any{"Type": "Succeed"}
		}
	}
	assign := map[string]any{}
	for k, v := range vars {
		assign[k] = v
		p.userVars = append(p.userVars, k)
	}
	if a, ok := state["Assign"].(map[string]any); ok {
		for k := range a {
			p.userVars = append(p.userVars, strings.TrimSuffix(k, ".$"))
		}
	}
	step := func(n string) string { return testPrefix + n }
	raw := func(next string) map[string]any {
		return map[string]any{"Type": "Pass", "Parameters": map[string]any{"v.$": "$" + testInputVar}, "OutputPath": "$.v", "Next": next}
	}
	first := name
	ends := p.kind == "Succeed" || p.kind == "Fail" || p.kind == "Choice"
	if p.jsonPath && (p.kind == "Task" || p.kind == "Pass" || p.kind == "Wait") {
		// Before: the input path, then the parameters, each from the raw
		// input kept in a variable (with the variables given).
		assign[testInputVar+".$"] = "$"
		states[step("start")] = map[string]any{"Type": "Pass", "Assign": assign, "Next": step("inputPath")}
		in := map[string]any{"Type": "Pass", "Next": step("raw1")}
		if ip, ok := fields["InputPath"]; ok {
			in["InputPath"] = ip
		}
		states[step("inputPath")] = in
		if p.mocked == "Map" {
			in["Next"] = step("mapConfig")
			states[step("mapConfig")] = mapConfigState(fields, true, step("raw1"))
		}
		first = step("start")
		next := name
		if p.mocked == "Map" {
			if first := mapItemsStates(fields, states, raw, name); first != "" {
				next = first
			}
		}
		if params, ok := fields["Parameters"]; ok && p.mocked != "Map" { // a Map's Parameters shape its items
			pp := map[string]any{"Type": "Pass", "Parameters": params, "Next": step("raw2")}
			if ip, ok := fields["InputPath"]; ok {
				pp["InputPath"] = ip
			}
			states[step("parameters")] = pp
			states[step("raw2")] = raw(name)
			next = step("parameters")
		}
		states[step("raw1")] = raw(next)
		// The state itself answers its result after ResultSelector; then
		// ResultPath on the raw input, then OutputPath.
		delete(t, "ResultPath")
		delete(t, "OutputPath")
		delete(t, "End")
		t["Next"] = step("result")
		if p.kind == "Wait" {
			// A Wait state has no result: its OutputPath applies to its
			// input after InputPath, its own output here.
			t["Next"] = step("output")
		} else {
			states[step("result")] = map[string]any{"Type": "Pass", "Assign": map[string]any{testRSVar + ".$": "$"}, "Next": step("raw3")}
		}
		rp, hasRP := state["ResultPath"]
		switch {
		case p.kind == "Wait":
		case hasRP && rp == nil: // ResultPath null: the raw input goes on
			states[step("raw3")] = raw(step("output"))
		default:
			path, _ := rp.(string)
			if !hasRP {
				path = "$"
			}
			if !refPathRE.MatchString(path) {
				return nil, errorf(codeInvalidDefinition, "Invalid State Machine Definition: 'INVALID_JSON_PATH: ResultPath %q is not a reference path'", path)
			}
			states[step("raw3")] = raw(step("resultPath"))
			states[step("resultPath")] = map[string]any{"Type": "Pass", "Parameters": map[string]any{"v.$": "$" + testRSVar}, "ResultPath": path, "Next": step("resultPath2")}
			states[step("resultPath2")] = map[string]any{"Type": "Pass", "InputPath": path + ".v", "ResultPath": path, "Next": step("output")}
		}
		out := map[string]any{"Type": "Pass", "Next": step("variables")}
		if op, ok := fields["OutputPath"]; ok {
			out["OutputPath"] = op
		}
		states[step("output")] = out
	} else {
		entry := name
		if p.mocked == "Map" {
			entry = step("mapConfig")
			states[entry] = mapConfigState(fields, false, step("mapRestore"))
			states[step("mapRestore")] = mapRestoreState(name)
			first = entry
		}
		if len(assign) > 0 {
			states[step("variables0")] = map[string]any{"Type": "Pass", "Assign": assign, "Next": entry}
			first = step("variables0")
		}
		if !ends {
			delete(t, "End")
			t["Next"] = step("variables")
		}
	}
	if !ends {
		// Last: the variables visible after the state, for inspection.
		collect := map[string]any{}
		for _, v := range p.userVars {
			collect[v+".$"] = "$" + v
		}
		states[step("variables")] = map[string]any{"Type": "Pass", "Parameters": collect, "End": true}
		if len(collect) == 0 {
			states[step("variables")] = map[string]any{"Type": "Pass", "Result": map[string]any{}, "End": true}
		}
	}
	states[name] = t
	p.machine = map[string]any{"StartAt": first, "States": states}
	return p, nil
}

func queryLanguage(lang string) string {
	if lang == "" {
		return "JSONPath"
	}
	return lang
}

// targets returns the names of the states a state may go to.
func targets(state map[string]any) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	add(state["Next"])
	add(state["Default"])
	for _, field := range []string{"Choices", "Catch"} {
		if cs, ok := state[field].([]any); ok {
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok {
					add(m["Next"])
				}
			}
		}
	}
	return out
}

// runTest runs the test machine's binary once on input, with env added
// to its environment, and returns its history events. A mock answers the
// Task state (a MockConfigFile of one test case, as Step Functions
// Local's). With trace, it also returns the HTTP Task's request and
// response (teststate_trace.go), nil when it sent none.
func runTest(ctx context.Context, bin string, env []string, input []byte, mock *testStateMock, state string, trace *httpTrace) ([]map[string]any, *httpExchange, error) {
	dir, err := os.MkdirTemp("", "sfn-teststate-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	history := filepath.Join(dir, "history.json")
	args := []string{"--type", "STANDARD", "--name", testMachine, "--skip-waits", "--describe", "--history", history, "--input", "-"}
	if mock != nil {
		var response map[string]any
		switch {
		case mock.Result != nil:
			// As written: the result's keys keep their order.
			var v json.RawMessage
			if err := json.Unmarshal([]byte(*mock.Result), &v); err != nil {
				return nil, nil, errorf(codeValidation, "mock.result is not JSON: %v", err)
			}
			response = map[string]any{"Return": v}
		case mock.ErrorOutput != nil && mock.ErrorOutput.Error != nil:
			th := map[string]any{"Error": *mock.ErrorOutput.Error}
			if mock.ErrorOutput.Cause != nil {
				th["Cause"] = *mock.ErrorOutput.Cause
			}
			response = map[string]any{"Throw": th}
		default:
			return nil, nil, errorf(codeValidation, "mock: give result, or errorOutput with its error")
		}
		cfg, _ := json.Marshal(map[string]any{
			"StateMachines":   map[string]any{testMachine: map[string]any{"TestCases": map[string]any{"Test": map[string]any{state: "Mocked"}}}},
			"MockedResponses": map[string]any{"Mocked": map[string]any{"0": response}},
		})
		file := filepath.Join(dir, "mock.json")
		if err := os.WriteFile(file, cfg, 0o600); err != nil {
			return nil, nil, err
		}
		args = append(args, "--mock-config", file, "--test-case", "Test")
	}
	if trace != nil {
		trace.file = filepath.Join(dir, "http-trace.jsonl")
		args = append(args, "--http-trace", trace.file)
		if trace.revealSecrets {
			args = append(args, "--http-trace-reveal-secrets")
		}
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("running the tested state: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(history)
	if err != nil {
		return nil, nil, err
	}
	var events []map[string]any
	if err := json.Unmarshal(data, &events); err != nil {
		return nil, nil, err
	}
	var exchange *httpExchange
	if trace != nil {
		if exchange, err = readHTTPTrace(trace.file); err != nil {
			return nil, nil, err
		}
	}
	return events, exchange, nil
}

// answer reads the test machine's history, run for the request in, into
// TestState's answer.
func (p *testPlan) answer(events []map[string]any, input, level string, in *testStateInput) *testStateOutput {
	retryCount := 0
	if c := in.StateConfig; c != nil && c.RetrierRetryCount != nil {
		retryCount = *c.RetrierRetryCount
	}
	exited := map[string]string{} // state name → output
	var entered []string          // state names, in order
	var failure *sfnrt.Error
	var taskParams, taskResult *string
	for _, e := range events {
		typ, _ := e["type"].(string)
		switch {
		case strings.HasSuffix(typ, "StateEntered"):
			d, _ := e["stateEnteredEventDetails"].(map[string]any)
			n, _ := d["name"].(string)
			entered = append(entered, n)
		case strings.HasSuffix(typ, "StateExited"):
			d, _ := e["stateExitedEventDetails"].(map[string]any)
			n, _ := d["name"].(string)
			exited[n], _ = d["output"].(string)
		case typ == "TaskScheduled":
			d, _ := e["taskScheduledEventDetails"].(map[string]any)
			if s, ok := d["parameters"].(string); ok {
				taskParams = &s
			}
		case typ == "TaskSucceeded", typ == "LambdaFunctionSucceeded":
			for _, v := range e {
				if d, ok := v.(map[string]any); ok {
					if s, ok := d["output"].(string); ok {
						taskResult = &s
					}
				}
			}
		case typ == "ExecutionFailed", typ == "ExecutionTimedOut":
			d, _ := e[lowerFirstASCII(typ)+"EventDetails"].(map[string]any)
			failure = &sfnrt.Error{}
			failure.Name, _ = d["error"].(string)
			failure.Cause, failure.HasCause = d["cause"].(string)
		}
	}
	step := func(n string) *string {
		if v, ok := exited[testPrefix+n]; ok {
			return &v
		}
		return nil
	}
	// The state's own error decides a retry; a catcher the machine went
	// on to caught it (the state's output is then the catcher's); else
	// the execution's failure is the state's.
	caughtBy, stateErr := caught(events), stateError(events)
	if caughtBy != nil {
		delete(exited, p.name)
	}
	out := &testStateOutput{}
	var data *inspectionData
	if level != "INFO" {
		data = &inspectionData{Input: &input}
		if p.jsonPath && (p.kind == "Task" || p.kind == "Pass" || p.kind == "Wait") {
			data.AfterInputPath = step("inputPath")
			data.AfterParameters = step("parameters")
			if p.kind == "Task" && taskParams != nil {
				data.AfterParameters = taskParams
			}
			if data.AfterParameters == nil && p.kind != "Wait" {
				// No Parameters: the effective input is the input after
				// InputPath.
				data.AfterParameters = data.AfterInputPath
			}
			switch p.kind {
			case "Task":
				data.Result = taskResult
				if v, ok := exited[p.name]; ok {
					data.AfterResultSelector = &v
				}
			case "Pass":
				if v, ok := exited[p.name]; ok {
					data.Result = &v
				}
			}
			data.AfterResultPath = step("resultPath2")
			if data.AfterResultPath == nil && p.kind != "Wait" {
				data.AfterResultPath = step("raw3")
			}
		}
		if !p.jsonPath && p.kind == "Task" {
			// JSONata: the Task's Arguments as sent, and its result.
			data.AfterArguments, data.Result = taskParams, taskResult
		}
		if len(p.userVars) > 0 {
			data.Variables = step("variables")
		}
		out.InspectionData = data
	}
	if p.mocked == "Map" {
		readMapConfig(exited).inspect(data)
		if data != nil && p.jsonPath {
			data.AfterItemsPath = step("mapItems")
			if hasItemSelector(p.fields) {
				data.AfterItemSelector = step("mapSelect")
			}
		}
		if data != nil {
			// AWS shows none of these for a Map: it has no Parameters
			// or Arguments of its own (its ItemSelector shapes each
			// item), and its result is its iterations'.
			data.AfterParameters, data.AfterArguments, data.Result = nil, nil, nil
		}
	}
	if failure != nil || caughtBy != nil {
		if failure != nil {
			// The cause without where in the test machine's history it
			// happened, as AWS's TestState gives it (recorded: "Reference
			// path \"$\" must point to array."); a helper state's
			// failure is the tested state's.
			failure.Cause = eventPrefixRE.ReplaceAllLiteralString(failure.Cause, "")
			failure.Cause = helperStateRE.ReplaceAllLiteralString(failure.Cause, "'"+p.name+"'")
		}
		if stateErr == nil {
			stateErr = failure
		}
		p.failed(out, stateErr, failure, caughtBy, retryCount)
		return out
	}
	out.Status = "SUCCEEDED"
	switch {
	case p.kind == "Choice":
		// The state entered after the Choice is the one it chose; its
		// input is the Choice's output.
		for i, n := range entered {
			if n == p.name && i+1 < len(entered) {
				next := entered[i+1]
				out.NextState = &next
			}
		}
		if out.NextState != nil {
			for _, e := range events {
				d, _ := e["stateEnteredEventDetails"].(map[string]any)
				if n, _ := d["name"].(string); n == *out.NextState {
					s, _ := d["input"].(string)
					out.Output = &s
				}
			}
		}
	case p.jsonPath && (p.kind == "Task" || p.kind == "Pass" || p.kind == "Wait"):
		out.Output = step("output")
	default:
		if v, ok := exited[p.name]; ok {
			out.Output = &v
		}
	}
	if next, ok := p.state["Next"].(string); ok && p.kind != "Choice" {
		out.NextState = &next
	}
	return out
}

// failed settles a state that failed with e: a retrier that matches
// makes it RETRIABLE; else the catcher that caught it in the test machine
// makes it CAUGHT_ERROR (with the output the machine gave it), else it
// FAILED with the execution's failure (e, or what the catcher's
// ResultPath could not do).
func (p *testPlan) failed(out *testStateOutput, e, failure *sfnrt.Error, caughtBy *caughtError, retryCount int) {
	report := func(e *sfnrt.Error) {
		out.Error = &e.Name
		if e.HasCause {
			out.Cause = &e.Cause
		}
	}
	details := &inspectionErrorDetails{}
	defer func() {
		if out.InspectionData != nil && (details.CatchIndex != nil || details.RetryIndex != nil) {
			out.InspectionData.ErrorDetails = details
		}
	}()
	retry, _ := p.state["Retry"].([]any)
	for i, r := range retry {
		m, _ := r.(map[string]any)
		if !sfnimpl.Matches(stringList(m["ErrorEquals"]), e.Name) {
			continue
		}
		maxAttempts := number(m["MaxAttempts"], 3)
		if float64(retryCount) >= maxAttempts {
			// Exhausted: on to the catchers; AWS still names the
			// retrier that matched.
			details.RetryIndex = &i
			break
		}
		interval := number(m["IntervalSeconds"], 1) * math.Pow(number(m["BackoffRate"], 2), float64(retryCount))
		if maxDelay, ok := m["MaxDelaySeconds"].(float64); ok && interval > maxDelay {
			interval = maxDelay
		}
		backoff := int(interval)
		details.RetryIndex, details.RetryBackoffIntervalSeconds = &i, &backoff
		report(e)
		out.Status = "RETRIABLE"
		return
	}
	catch, _ := p.state["Catch"].([]any)
	if caughtBy != nil && caughtBy.index < len(catch) {
		m, _ := catch[caughtBy.index].(map[string]any)
		next, _ := m["Next"].(string)
		output := caughtBy.output
		report(e)
		out.Output, out.NextState, out.Status = &output, &next, "CAUGHT_ERROR"
		details.CatchIndex = &caughtBy.index
		return
	}
	if failure == nil {
		failure = e
	}
	report(failure)
	out.Status = "FAILED"
}

func stringList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, s := range l {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func number(v any, def float64) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return def
}

type objectMember struct {
	key   string
	value json.RawMessage
}

// marshalMembers writes members as a JSON object, in their order.
func marshalMembers(members []objectMember) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// marshalItems writes items as a JSON array.
func marshalItems(items []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// objectMembers returns the members of the JSON object doc in order;
// false when doc is not an object.
func objectMembers(doc []byte) ([]objectMember, bool) {
	if doc[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	var members []objectMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		members = append(members, objectMember{key, value})
	}
	return members, true
}

func lowerFirstASCII(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// checkTestMock checks the state's type and the mock against each other
// as AWS does, with AWS's codes and messages (recorded against AWS in
// LocalStack's test_state_mock_validation): Map and Parallel states run
// only with a mock of their result, which has the shape of the state's
// result; Pass, Wait, Choice, Succeed and Fail states take no mock.
func checkTestMock(kind string, state map[string]any, in *testStateInput) error {
	if !testedKinds[kind] {
		return errorf(codeValidation, "TestState here runs Task, Pass, Choice, Wait, Succeed, Fail, and (with a mock) Map and Parallel states, not %q", kind)
	}
	mock := in.Mock
	failures := in.StateConfig != nil && in.StateConfig.MapIterationFailureCount != nil
	if mock == nil {
		switch {
		case kind == "Map" || kind == "Parallel":
			return errorf(codeInvalidDefinition, "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]")
		case failures:
			return errorf(codeValidation, "TestState does not support MapIterationFailureCount when a mock is not specified.")
		}
		return nil
	}
	if kind != "Task" && kind != "Map" && kind != "Parallel" {
		return errorf(codeValidation, "State type '%s' is not supported when a mock is specified", kind)
	}
	switch mock.FieldValidationMode {
	case "", "STRICT", "PRESENT", "NONE":
		// What STRICT and PRESENT check (a mocked result against the
		// service's API model) is not done here: every mock is taken
		// as NONE takes it.
	default:
		return errorf(codeValidation, "1 validation error detected: Value '%s' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]", mock.FieldValidationMode)
	}
	if mock.Result != nil && mock.ErrorOutput != nil {
		return errorf(codeValidation, "A test mock should have only one of the following fields: [result, errorOutput].")
	}
	if in.RevealSecrets {
		return errorf(codeValidation, "TestState does not support RevealSecrets when a mock is specified.")
	}
	var result any
	if mock.Result != nil {
		if err := json.Unmarshal([]byte(*mock.Result), &result); err != nil {
			return errorf(codeValidation, "mock.result is not JSON: %v", err)
		}
	}
	items, isArray := result.([]any)
	_, isObject := result.(map[string]any)
	switch kind {
	case "Map":
		if mock.Result != nil {
			if _, writes := state["ResultWriter"]; writes && !isObject {
				return errorf(codeValidation, "Mocked result must be a JSON object.")
			} else if !writes && !isArray {
				return errorf(codeValidation, "Mocked result must be an array.")
			}
		}
		if failures {
			n := *in.StateConfig.MapIterationFailureCount
			if mock.Result != nil && isArray && n > len(items) {
				return errorf(codeValidation, "Map iteration failure count must be less than or equal to the number of Map iterations")
			}
		}
	case "Parallel":
		if mock.Result != nil {
			if !isArray {
				return errorf(codeValidation, "Mocked result must be an array.")
			}
			if branches, _ := state["Branches"].([]any); len(items) != len(branches) {
				return errorf(codeValidation, "Mocked result must contain the same number of items as number of Parallel branches.")
			}
		}
	}
	if failures && kind != "Map" {
		return errorf(codeValidation, "mapIterationFailureCount applies to Map states only")
	}
	return nil
}

// checkTestConfig checks stateConfiguration as AWS's API model bounds it
// (with AWS's messages for its ranges and lengths) and against the state:
// errorCausedByState names a state of the Map's or Parallel's own, and
// mapItemReaderData is what a Map's ItemReader reads (these two messages
// are ours). A Map's item reader data stands for what its ItemReader
// would read; the mock's result stands for its iterations, so the data
// changes no output here.
func checkTestConfig(kind string, state map[string]any, c *testStateConfig) error {
	if c == nil {
		return nil
	}
	for _, n := range []struct {
		name  string
		value *int
	}{{"retrierRetryCount", c.RetrierRetryCount}, {"mapIterationFailureCount", c.MapIterationFailureCount}} {
		if n.value != nil && *n.value < 0 {
			return errorf(codeValidation, "1 validation error detected: Value '%d' at 'stateConfiguration.%s' failed to satisfy constraint: Member must have value greater than or equal to 0", *n.value, n.name)
		}
	}
	if e := c.ErrorCausedByState; e != nil {
		switch {
		case *e == "":
			return errorf(codeValidation, "1 validation error detected: Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length greater than or equal to 1")
		case utf8.RuneCountInString(*e) > 80:
			return errorf(codeValidation, "1 validation error detected: Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length less than or equal to 80")
		case kind != "Map" && kind != "Parallel":
			return errorf(codeValidation, "stateConfiguration.errorCausedByState names the state of a Map or Parallel state's own that a mocked error comes from; this is a %s state", kind)
		case !errorCausedByStateOK(state, *e):
			return errorf(codeValidation, "stateConfiguration.errorCausedByState: the %s state has no state named '%s'", kind, *e)
		}
	}
	if d := c.MapItemReaderData; d != nil {
		if len(*d) > 262144 {
			return errorf(codeValidation, "1 validation error detected: Value at 'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member must have length less than or equal to 262144")
		}
		if _, reads := state["ItemReader"]; kind != "Map" || !reads {
			return errorf(codeValidation, "stateConfiguration.mapItemReaderData is the data a Map state's ItemReader reads; this state has no ItemReader")
		}
	}
	return nil
}
