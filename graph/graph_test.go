package graph

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
)

// SFN_UPDATE=1 rewrites the golden files and, when the go command is
// there, the history fixtures (by running the machines).
var update = os.Getenv("SFN_UPDATE") == "1"

const testdata = "../testdata/graph"

// historyFixtures are executions of machines under testdata/graph, made
// by `sfn-compile run --history` with the mock config DEF.mock.json.
var historyFixtures = []struct {
	name, def, testCase, input string
}{
	{"order.bulk", "order", "Bulk", `{"kind":"bulk","items":[1,2,3]}`},              // succeeds; retries; Map iterations
	{"order.declined", "order", "Declined", `{"kind":"one","total":5}`},             // Catch to a Fail state
	{"order.route", "order", "NoTasks", `{"total":5}`},                              // a Choice fails (States.Runtime)
	{"order.notify", "order", "NotifyFails", `{"kind":"x","total":500,"vip":true}`}, // a branch fails; the Parallel's Catch
	{"example.declined", "example", "Declined", `{"quantity":2}`},                   // docs/graph-example.svg
}

func compileFile(t testing.TB, path string) *ir.Machine {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, diags := compiler.Compile(src, compiler.Options{Filename: path, Type: "STANDARD"})
	if m == nil {
		t.Fatalf("%s does not compile: %v", path, diags)
	}
	return m
}

func readHistory(t testing.TB, name string) *History {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdata, name+".history.json"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHistory(data)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (SFN_UPDATE=1 writes it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; SFN_UPDATE=1 rewrites it):\n%s", path, diff)
	}
}

// TestHistoryFixtures regenerates the history fixtures with SFN_UPDATE=1,
// running the machine with sfn-compile run.
func TestHistoryFixtures(t *testing.T) {
	if !update {
		t.Skip("SFN_UPDATE=1 regenerates the history fixtures")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("regenerating the history fixtures needs the go command")
	}
	for _, f := range historyFixtures {
		out := filepath.Join(testdata, f.name+".history.json")
		if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		args := []string{"run", "../cmd/sfn-compile", "run", "--history", out, "--skip-waits", "--input", f.input,
			"--mock-config", filepath.Join(testdata, f.def+".mock.json"), "--test-case", f.testCase,
			filepath.Join(testdata, f.def+".asl.json")}
		cmd := exec.Command("go", args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		err := cmd.Run()
		var exitErr *exec.ExitError
		if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == 1) {
			t.Fatalf("%s: %v\n%s", f.name, err, stderr.String())
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("%s: no history written: %v\n%s", f.name, err, stderr.String())
		}
	}
}

// TestGolden compares the DOT and Mermaid text of the test machines,
// without and with execution histories, with golden files.
func TestGolden(t *testing.T) {
	tests := []struct {
		def, history string
		formats      []Format
	}{
		{"order", "", []Format{DOT, Mermaid}},
		{"poll", "", []Format{DOT, Mermaid}},
		{"order", "order.bulk", []Format{DOT, Mermaid}},
		{"order", "order.declined", []Format{DOT, Mermaid}},
		{"order", "order.route", []Format{DOT}},
		{"order", "order.notify", []Format{DOT}},
	}
	for _, tt := range tests {
		m := compileFile(t, filepath.Join(testdata, tt.def+".asl.json"))
		var h *History
		base := tt.def
		if tt.history != "" {
			h = readHistory(t, tt.history)
			base = tt.history
		}
		for _, f := range tt.formats {
			t.Run(base+"."+string(f), func(t *testing.T) {
				got, err := Render(m, Options{Format: f, Title: tt.def, History: h})
				if err != nil {
					t.Fatal(err)
				}
				ext := map[Format]string{DOT: ".dot", Mermaid: ".mmd"}[f]
				golden(t, filepath.Join(testdata, base+ext), got)
			})
		}
	}
}

// overlaySummary lists, per state, what the overlay says about it.
func overlaySummary(md *model) []string {
	var out []string
	for _, s := range md.states {
		sr := s.run
		line := fmt.Sprintf("%s: %s", s.name, sr.status)
		if sr.entered != 1 {
			line += fmt.Sprintf(" ×%d", sr.entered)
		}
		if sr.retries > 0 {
			line += fmt.Sprintf(" retries=%d", sr.retries)
		}
		if s.kind == "Map" {
			line += fmt.Sprintf(" iterations=%d/%d failed", sr.iterations, sr.iterFailed)
		}
		if sr.hasErr {
			line += " error=" + sr.err
		}
		if sr.hasCause {
			line += " cause=" + sr.cause
		}
		out = append(out, line)
	}
	return out
}

func takenEdges(md *model) []string {
	var out []string
	for _, e := range md.edges {
		if !e.taken {
			continue
		}
		from, to := "entry", "exit"
		if e.from != nil {
			from = string(e.from.name)
		}
		if e.to != nil {
			to = string(e.to.name)
		}
		out = append(out, fmt.Sprintf("%s -%s-> %s", from, e.kind, to))
	}
	return out
}

// TestOverlay checks what the overlay makes of real histories.
func TestOverlay(t *testing.T) {
	m := compileFile(t, filepath.Join(testdata, "order.asl.json"))
	tests := []struct {
		history string
		status  string
		origin  string
		states  []string // nil: not checked
		edges   []string
	}{
		{
			history: "order.bulk", status: statusSucceeded,
			states: []string{
				"Validate: succeeded", "Route: succeeded", "ProcessItems: succeeded iterations=3/0 failed",
				"Price: succeeded ×3 retries=1", "Charge: succeeded retries=1", "Fanout: succeeded",
				"Notify: succeeded", "Pause: succeeded", "Audit: succeeded", "Log: succeeded", "Done: succeeded",
				"Rejected: not-run ×0",
			},
			edges: []string{
				"entry -start-> Validate", "Validate -next-> Route", "Route -choice-> ProcessItems",
				"ProcessItems -next-> Charge", "Charge -next-> Fanout", "Fanout -next-> Done", "Done -end-> exit",
				"entry -start-> Price", "Price -end-> exit",
				"entry -start-> Notify", "Notify -end-> exit", "entry -start-> Pause", "Pause -next-> Audit", "Audit -end-> exit",
				"entry -start-> Log", "Log -end-> exit",
			},
		},
		{
			history: "order.declined", status: statusFailed, origin: "Rejected",
			states: []string{
				"Validate: succeeded", "Route: succeeded", "ProcessItems: not-run ×0 iterations=0/0 failed",
				"Price: not-run ×0", "Charge: caught error=Card.Declined cause=insufficient funds", "Fanout: not-run ×0",
				"Notify: not-run ×0", "Pause: not-run ×0", "Audit: not-run ×0", "Log: not-run ×0", "Done: not-run ×0",
				"Rejected: failed error=OrderRejected cause=The order was rejected.",
			},
			edges: []string{
				"entry -start-> Validate", "Validate -next-> Route",
				// The history does not say which of two rules leading to
				// Charge matched: both are marked.
				"Route -choice-> Charge", "Route -default-> Charge",
				"Charge -catch-> Rejected", "Rejected -end-> exit",
			},
		},
		{
			history: "order.route", status: statusFailed, origin: "Route",
			states: []string{
				"Validate: succeeded",
				"Route: failed error=States.Runtime cause=An error occurred while executing the state 'Route' (entered at the event id #4). Invalid path '$.kind' : No results for path: $['kind']",
				"ProcessItems: not-run ×0 iterations=0/0 failed", "Price: not-run ×0", "Charge: not-run ×0", "Fanout: not-run ×0",
				"Notify: not-run ×0", "Pause: not-run ×0", "Audit: not-run ×0", "Log: not-run ×0", "Done: not-run ×0",
				"Rejected: not-run ×0",
			},
			edges: []string{"entry -start-> Validate", "Validate -next-> Route"},
		},
		{
			history: "order.notify", status: statusFailed, origin: "Rejected",
		},
	}
	for _, tt := range tests {
		t.Run(tt.history, func(t *testing.T) {
			md := buildModel(m, "order")
			md.overlay(readHistory(t, tt.history))
			if md.run.status != tt.status {
				t.Errorf("status %s, want %s", md.run.status, tt.status)
			}
			origin := ""
			if md.run.origin != nil {
				origin = string(md.run.origin.name)
			}
			if origin != tt.origin {
				t.Errorf("failed in %q, want %q", origin, tt.origin)
			}
			if len(md.run.unknown) > 0 {
				t.Errorf("unknown states %q", md.run.unknown)
			}
			if tt.states != nil {
				if diff := cmp.Diff(tt.states, overlaySummary(md)); diff != "" {
					t.Errorf("states (-want +got):\n%s", diff)
				}
			}
			if tt.edges != nil {
				if diff := cmp.Diff(tt.edges, takenEdges(md)); diff != "" {
					t.Errorf("edges taken (-want +got):\n%s", diff)
				}
			}
		})
	}

	// A branch fails: its state is failed, the Parallel caught it.
	md := buildModel(m, "order")
	md.overlay(readHistory(t, "order.notify"))
	for name, want := range map[ir.StateName]runStatus{"Charge": succeeded, "Fanout": caught, "Notify": failed, "Rejected": failed, "Done": notRun} {
		if got := md.byName[name].run.status; got != want {
			t.Errorf("order.notify: %s is %s, want %s", name, got, want)
		}
	}
	if n := md.byName["Notify"].run; n.err != "SNS.AuthorizationErrorException" || n.cause != "not allowed to publish" {
		t.Errorf("order.notify: Notify's error %q, %q", n.err, n.cause)
	}
}

// TestOverlaySynthetic covers histories the runtime does not write:
// GetExecutionHistory's wrapper object, newest first, epoch timestamps,
// a running execution, a timed out one, and Map iterations that failed.
func TestOverlaySynthetic(t *testing.T) {
	src := `{"StartAt": "Items", "States": {
		"Items": {"Type": "Map", "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}},
		          "ToleratedFailureCount": 5, "Next": "Sleep"},
		"Sleep": {"Type": "Wait", "Seconds": 60, "End": true}}}`
	m, diags := compiler.Compile([]byte(src), compiler.Options{Type: "STANDARD"})
	if m == nil {
		t.Fatal(diags)
	}
	ev := func(id int, typ, details string) string {
		s := fmt.Sprintf(`{"id": %d, "previousEventId": %d, "timestamp": %d.5, "type": %q`, id, id-1, 1700000000+id, typ)
		if details != "" {
			key := strings.ToLower(typ[:1]) + typ[1:] + "EventDetails"
			if strings.HasSuffix(typ, "StateEntered") {
				key = "stateEnteredEventDetails"
			} else if strings.HasSuffix(typ, "StateExited") {
				key = "stateExitedEventDetails"
			}
			s += fmt.Sprintf(", %q: %s", key, details)
		}
		return s + "}"
	}
	events := []string{
		ev(1, "ExecutionStarted", `{"input": "{}"}`),
		ev(2, "MapStateEntered", `{"name": "Items"}`),
		ev(3, "MapStateStarted", `{"length": 2}`),
		ev(4, "MapIterationStarted", `{"name": "Items", "index": 0}`),
		ev(5, "TaskStateEntered", `{"name": "Work"}`),
		ev(6, "TaskScheduled", `{"resource": "invoke"}`),
		ev(7, "TaskFailed", `{"error": "Boom", "cause": "it broke"}`),
		ev(8, "MapIterationFailed", `{"name": "Items", "index": 0}`),
		ev(9, "MapIterationStarted", `{"name": "Items", "index": 1}`),
		ev(10, "TaskStateEntered", `{"name": "Work"}`),
		ev(11, "TaskScheduled", `{"resource": "invoke"}`),
		ev(12, "TaskSucceeded", `{"output": "1"}`),
		ev(13, "TaskStateExited", `{"name": "Work"}`),
		ev(14, "MapIterationSucceeded", `{"name": "Items", "index": 1}`),
		ev(15, "MapStateSucceeded", ""),
		ev(16, "MapStateExited", `{"name": "Items"}`),
		ev(17, "WaitStateEntered", `{"name": "Sleep"}`),
		ev(18, "WaitStateEntered", `{"name": "Elsewhere"}`),
	}
	reversed := make([]string, len(events))
	for i, e := range events {
		reversed[len(events)-1-i] = e
	}
	running := `{"events": [` + strings.Join(reversed, ",") + `], "nextToken": null}`
	timedOut := "[" + strings.Join(append(events, ev(19, "ExecutionTimedOut", "")), ",") + "]"

	for _, tt := range []struct {
		name, src string
		status    string
		want      []string
	}{
		{"running", running, statusRunning, []string{
			"Items: succeeded iterations=2/1 failed", "Work: failed ×2 error=Boom cause=it broke", "Sleep: running"}},
		{"timed out", timedOut, statusTimedOut, []string{
			"Items: succeeded iterations=2/1 failed", "Work: failed ×2 error=Boom cause=it broke", "Sleep: failed error=States.Timeout"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHistory([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			md := buildModel(m, "m")
			md.overlay(h)
			if md.run.status != tt.status {
				t.Errorf("status %s, want %s", md.run.status, tt.status)
			}
			if diff := cmp.Diff(tt.want, overlaySummary(md)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Elsewhere"}, md.run.unknown); diff != "" {
				t.Errorf("unknown states (-want +got):\n%s", diff)
			}
			if got := md.byName["Items"].run.duration.Seconds(); got != 14 {
				t.Errorf("Items ran %vs, want 14s", got)
			}
			if got := h.UnknownStates(m); len(got) != 1 {
				t.Errorf("UnknownStates = %q", got)
			}
		})
	}
}

func TestParseHistoryErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{``, "history: unexpected end of JSON input"},
		{`{"events": 5}`, "history: json: cannot unmarshal number into Go struct field .events of type []json.RawMessage"},
		{`{"nextToken": "x"}`, `history: want a JSON array of events, or an object with an "events" array`},
		{`5`, `history: want a JSON array of events, or an object with an "events" array`},
		{`[1]`, "history: event 0: not a JSON object"},
		{`[{"id": 1}]`, `history: event 0: missing string field "type"`},
		{`[{"type": 7}]`, `history: event 0: missing string field "type"`},
	} {
		_, err := ParseHistory([]byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseHistory(%q) = %v, want %s", tt.src, err, tt.want)
		}
	}
	h, err := ParseHistory([]byte(`[{"type": "Odd", "timestamp": "yesterday", "oddEventDetails": [1]}]`))
	if err != nil || len(h.events) != 1 || h.events[0].timed {
		t.Errorf("lenient parse: %v %+v", err, h)
	}
}

func TestRuleString(t *testing.T) {
	src := `{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
		{"Variable": "$.x", "NumericGreaterThan": 5, "Next": "E"},
		{"Variable": "$.s", "StringEquals": "a\"b", "Next": "E"},
		{"Variable": "$.f", "NumericLessThanEquals": 1.5e3, "Next": "E"},
		{"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u", "Next": "E"},
		{"Variable": "$.s", "StringMatches": "log-*.txt", "Next": "E"},
		{"Variable": "$.b", "BooleanEquals": false, "Next": "E"},
		{"Variable": "$.n", "IsNull": false, "Next": "E"},
		{"Variable": "$.p", "IsPresent": false, "Next": "E"},
		{"Variable": "$.p", "IsTimestamp": true, "Next": "E"},
		{"And": [{"Variable": "$.s", "StringEquals": "a"}, {"Or": [{"Variable": "$.x", "NumericEquals": 1}, {"Not": {"Variable": "$.y", "StringLessThan": "m"}}]}], "Next": "E"},
		{"Or": [{"And": [{"Variable": "$.a", "IsNumeric": true}, {"Variable": "$.a", "NumericGreaterThanPath": "$.b"}]}, {"Variable": "$$.Execution.Name", "StringEquals": "x"}], "Next": "E"}
	], "Default": "E"}, "E": {"Type": "Succeed"}}}`
	m, diags := compiler.Compile([]byte(src), compiler.Options{Type: "STANDARD"})
	if m == nil {
		t.Fatal(diags)
	}
	var got []string
	for _, br := range m.States[0].(*ir.Choice).Choices {
		got = append(got, RuleString(br.Rule))
	}
	want := []string{
		`$.x > 5`,
		`$.s == "a\"b"`,
		`$.f <= 1.5e3`,
		`$.t >= $.u`,
		`$.s matches "log-*.txt"`,
		`$.b == false`,
		`$.n is not null`,
		`$.p is absent`,
		`$.p is a timestamp`,
		`$.s == "a" && ($.x == 1 || !($.y < "m"))`,
		`($.a is numeric && $.a > $.b) || $$.Execution.Name == "x"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	ata := `{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
		{"Condition": "{%  $states.input.x >\n 5  %}", "Next": "E"}, {"Condition": true, "Next": "E"}]}, "E": {"Type": "Succeed"}}}`
	m, diags = compiler.Compile([]byte(ata), compiler.Options{Type: "STANDARD"})
	if m == nil {
		t.Fatal(diags)
	}
	got = nil
	for _, br := range m.States[0].(*ir.Choice).Choices {
		got = append(got, RuleString(br.Rule))
	}
	if diff := cmp.Diff([]string{"$states.input.x > 5", "true"}, got); diff != "" {
		t.Errorf("JSONata (-want +got):\n%s", diff)
	}
}

func TestFormats(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Format
		ok   bool
	}{{"dot", DOT, true}, {"MERMAID", Mermaid, true}, {"svg", SVG, true}, {"html", HTML, true}, {"png", "", false}} {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v", tt.in, got, err)
		}
	}
	for name, want := range map[string]Format{"a.dot": DOT, "a.GV": DOT, "a.mmd": Mermaid, "x/a.svg": SVG, "a.htm": HTML} {
		if got, ok := FormatOf(name); !ok || got != want {
			t.Errorf("FormatOf(%q) = %q, %v", name, got, ok)
		}
	}
	if _, ok := FormatOf("a.json"); ok {
		t.Error("FormatOf(a.json) is ok")
	}
	if _, err := Render(&ir.Machine{}, Options{Format: "png"}); err == nil {
		t.Error("Render in png: no error")
	}
	// An empty machine still renders.
	for _, f := range Formats {
		if out, err := Render(&ir.Machine{}, Options{Format: f}); err != nil || len(out) == 0 {
			t.Errorf("empty machine in %s: %v", f, err)
		}
	}
}

// checkOutput checks what every format must be: non-empty, SVG and HTML
// well formed XML, the state names in it.
func checkOutput(t *testing.T, md *model, f Format, out []byte) {
	t.Helper()
	if len(out) == 0 {
		t.Fatalf("%s: empty", f)
	}
	switch f {
	case SVG:
		d := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("svg is not well formed: %v", err)
			}
		}
		fallthrough
	case HTML:
		for _, s := range md.states {
			if !bytes.Contains(out, []byte(">"+xmlEscape(string(s.name))+"</text>")) {
				t.Errorf("%s: no text for state %q", f, s.name)
			}
		}
	case DOT:
		if bytes.Count(out, []byte("{")) < 1 || !bytes.HasSuffix(out, []byte("}\n")) {
			t.Errorf("dot: not a graph")
		}
	case Mermaid:
		if !bytes.Contains(out, []byte("\nflowchart TD\n")) {
			t.Errorf("mermaid: not a flowchart")
		}
	}
}

// TestConformanceCases renders every definition of the conformance cases
// in every format: all must work, the same way twice, with a sound
// layout.
func TestConformanceCases(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "conformance", "cases")
	defs, _ := filepath.Glob(filepath.Join(dir, "*", "*", "definition.asl.json"))
	if len(defs) == 0 {
		t.Skipf("no conformance cases under %s", dir)
	}
	rendered, skipped := 0, 0
	for _, def := range defs {
		src, err := os.ReadFile(def)
		if err != nil {
			t.Fatal(err)
		}
		var expected struct {
			MachineType string `json:"machine_type"`
		}
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(def), "expected.json")); err == nil {
			_ = json.Unmarshal(b, &expected)
		}
		typ := "STANDARD"
		if expected.MachineType != "" {
			typ = expected.MachineType
		}
		m, _ := compiler.Compile(src, compiler.Options{Filename: def, Type: typ})
		if m == nil {
			skipped++
			continue
		}
		rendered++
		name, _ := filepath.Rel(dir, filepath.Dir(def))
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			md := buildModel(m, "definition")
			for _, f := range Formats {
				out, err := Render(m, Options{Format: f, Title: "definition"})
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				checkOutput(t, md, f, out)
				again, _ := Render(m, Options{Format: f, Title: "definition"})
				if !bytes.Equal(out, again) {
					t.Errorf("%s: two renderings differ", f)
				}
			}
			checkLayout(t, md.layoutMachine(md.top, true), "top")
		})
	}
	t.Logf("rendered %d definitions; skipped %d that do not compile", rendered, skipped)
}

// checkLayout checks that no two states overlap and that all lie inside
// their box, recursively.
func checkLayout(t *testing.T, lb *layoutBox, where string) {
	t.Helper()
	var states []*lnode
	for _, n := range lb.nodes {
		if n.role != roleState && n.role != roleLabel {
			continue
		}
		if n.x-n.w/2 < -0.01 || n.x+n.w/2 > lb.w+0.01 || n.y < -0.01 || n.y+n.h > lb.h+0.01 {
			t.Errorf("%s: node %v outside its box %vx%v", where, n.x, lb.w, lb.h)
		}
		for _, o := range states {
			if n.x-n.w/2 < o.x+o.w/2-0.01 && o.x-o.w/2 < n.x+n.w/2-0.01 && n.y < o.y+o.h-0.01 && o.y < n.y+n.h-0.01 {
				t.Errorf("%s: nodes overlap", where)
			}
		}
		states = append(states, n)
		if n.inner != nil {
			for _, c := range n.inner.children {
				checkLayout(t, c.box, where+"/"+string(n.st.name))
			}
		}
	}
}

// TestSVGAndHTML renders the test machines with and without histories:
// well formed, deterministic, names and failure shown.
func TestSVGAndHTML(t *testing.T) {
	order := compileFile(t, filepath.Join(testdata, "order.asl.json"))
	poll := compileFile(t, filepath.Join(testdata, "poll.asl.json"))
	for _, tt := range []struct {
		name    string
		m       *ir.Machine
		history string
		want    []string
	}{
		{"order", order, "", []string{`<title>order</title>`, `Order pipeline: shows every state kind.`, `↻ Lambda.TooManyRequestsException ×3`, `>Card.Declined</text>`, `>Default</text>`}},
		{"poll", poll, "", []string{`data-name="All &quot;good&quot; &lt;done&gt; &amp; #1"`, `>$states.input.status = &#39;DONE&#39;</text>`}},
		{"declined", order, "order.declined", []string{`data-name="Rejected" data-kind="Fail" data-status="failed"`, `✖ failed: OrderRejected`, `The order was rejected.`, `class="failed-badge"`, `data-status="caught"`}},
		{"bulk", order, "order.bulk", []string{`×3 · ↻ 1 retry · 1.0 s`, `3 iterations`, `Execution succeeded (8.0 s)`}},
	} {
		var h *History
		if tt.history != "" {
			h = readHistory(t, tt.history)
		}
		md := buildModel(tt.m, tt.name)
		for _, f := range []Format{SVG, HTML} {
			out, err := Render(tt.m, Options{Format: f, Title: tt.name, History: h})
			if err != nil {
				t.Fatal(err)
			}
			checkOutput(t, md, f, out)
			for _, w := range tt.want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("%s %s: no %q", tt.name, f, w)
				}
			}
			if f == HTML && (bytes.Contains(out, []byte("http://")) && !bytes.Contains(out, []byte("xmlns=\"http://www.w3.org/2000/svg\"")) || bytes.Contains(out, []byte("https://")) || bytes.Contains(out, []byte(" src="))) {
				t.Errorf("%s html: refers to something outside the page", tt.name)
			}
		}
	}
}

// TestDocsExample keeps docs/graph-example.svg, the README's example, up
// to date.
func TestDocsExample(t *testing.T) {
	m := compileFile(t, filepath.Join(testdata, "example.asl.json"))
	got, err := Render(m, Options{Format: SVG, Title: "example", History: readHistory(t, "example.declined")})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("..", "docs", "graph-example.svg"), got)
}

// FuzzParseHistory feeds arbitrary histories to the overlay: no panics.
func FuzzParseHistory(f *testing.F) {
	for _, fx := range historyFixtures {
		if data, err := os.ReadFile(filepath.Join(testdata, fx.name+".history.json")); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`[{"type":"TaskStateExited","stateExitedEventDetails":{"name":"Charge"}},{"type":"ParallelStateFailed","previousEventId":9}]`))
	m := compileFile(f, filepath.Join(testdata, "order.asl.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseHistory(data)
		if err != nil {
			return
		}
		for _, fm := range Formats {
			if _, err := Render(m, Options{Format: fm, History: h}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzOverlay builds histories from arbitrary event sequences over the
// states of the test machine: the overlay must neither panic nor hang,
// whatever order the events come in.
func FuzzOverlay(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 0, 5, 2, 0, 9, 3, 1})
	f.Add([]byte("some bytes to start from: a history"))
	m := compileFile(f, filepath.Join(testdata, "order.asl.json"))
	types := []string{
		"ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskStateExited",
		"TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskFailed", "TaskTimedOut", "ChoiceStateEntered",
		"ChoiceStateExited", "ParallelStateEntered", "ParallelStateStarted", "ParallelStateSucceeded",
		"ParallelStateFailed", "ParallelStateExited", "MapStateEntered", "MapStateStarted", "MapIterationStarted",
		"MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted", "MapStateSucceeded", "MapStateFailed",
		"MapStateExited", "WaitStateEntered", "WaitStateExited", "FailStateEntered", "SucceedStateEntered",
		"SucceedStateExited", "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted",
		"LambdaFunctionScheduled", "LambdaFunctionFailed",
	}
	var names []string
	for _, s := range buildModel(m, "").states {
		names = append(names, string(s.name))
	}
	names = append(names, "Unknown")
	f.Fuzz(func(t *testing.T, data []byte) {
		var events []string
		for i := 0; i+2 < len(data) && len(events) < 400; i += 3 {
			id := len(events) + 1
			prev := id - 1 - int(data[i+2]%8)
			details := fmt.Sprintf(`{"name": %q, "error": "E%d", "cause": "c", "index": 0, "length": 2}`, names[int(data[i+1])%len(names)], data[i+2]%3)
			events = append(events, fmt.Sprintf(`{"id": %d, "previousEventId": %d, "timestamp": %d, "type": %q, "xEventDetails": %s}`,
				id, prev, 1700000000+int(data[i+2]), types[int(data[i])%len(types)], details))
		}
		h, err := ParseHistory([]byte("[" + strings.Join(events, ",") + "]"))
		if err != nil {
			t.Fatal(err)
		}
		for _, fm := range Formats {
			if _, err := Render(m, Options{Format: fm, History: h}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
