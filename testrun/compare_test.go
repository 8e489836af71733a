package testrun

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name         string
		placeholders []string
		want, got    string
		match        bool
	}{
		{"numbers as numbers", nil, `{"a":1,"b":[2.0]}`, `{"b":[2],"a":1.0}`, true},
		{"big integers", nil, `123456789012345678901234567890`, `1.2345678901234568e29`, false},
		{"different numbers", nil, `1`, `1.5`, false},
		{"number and string", nil, `1`, `"1"`, false},
		{"missing key", nil, `{"a":1,"b":2}`, `{"a":1}`, false},
		{"extra key", nil, `{"a":1}`, `{"a":1,"b":2}`, false},
		{"array order matters", nil, `[1,2]`, `[2,1]`, false},
		{"null", nil, `null`, `null`, true},
		{"whole-value wildcard matches any value", []string{"RandomNumberGenerated"}, `{"n":"RandomNumberGenerated"}`, `{"n":42}`, true},
		{"wildcard inside a string", []string{"date"}, `"started date ok"`, `"started 2024-01-01T00:00:00Z ok"`, true},
		{"wildcard inside a string, literal differs", []string{"date"}, `"started date ok"`, `"begun 2024 ok"`, false},
		{"wildcard does not match a missing key", []string{"date"}, `{"t":"date"}`, `{}`, false},
		{"arn", []string{"<partition>", "<region>", "111111111111", "<ArnPart_0idx>", "<ExecArnPart_0idx>"},
			`"arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>"`,
			`"arn:aws:states:us-east-1:123456789012:execution:M:e-1"`, true},
		{"indexed placeholder binds once", []string{"<uuid:1>"}, `["<uuid:1>","<uuid:1>"]`, `["a","a"]`, true},
		{"indexed placeholder binds consistently", []string{"<uuid:1>"}, `["<uuid:1>","<uuid:1>"]`, `["a","b"]`, false},
		{"indexed placeholder inside and as a whole", []string{"<ArnPart_0idx>"}, `["<ArnPart_0idx>","x:<ArnPart_0idx>"]`, `["M","x:M"]`, true},
		{"indexed placeholder inside and as a whole, mismatch", []string{"<ArnPart_0idx>"}, `["<ArnPart_0idx>","x:<ArnPart_0idx>"]`, `["M","x:N"]`, false},
		{"unindexed placeholder varies", []string{"date"}, `["date","date"]`, `["a",1]`, true},
		{"two indexed placeholders", []string{"<A_0idx>", "<B_0idx>"}, `["<A_0idx>:<B_0idx>","<B_0idx>"]`, `["m:e","e"]`, true},
		{"longest placeholder first", []string{"<uuid:1>", "<uuid:10>"}, `["<uuid:10>","<uuid:1>"]`, `["a","b"]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatcher(tt.placeholders)
			if got := m.match(sfnrt.MustParseJSON(tt.want), sfnrt.MustParseJSON(tt.got)); got != tt.match {
				t.Errorf("match(%s, %s) = %v, want %v", tt.want, tt.got, got, tt.match)
			}
		})
	}
}

func TestMatchUndo(t *testing.T) {
	m := newMatcher([]string{"<uuid:1>"})
	if m.match(sfnrt.MustParseJSON(`["<uuid:1>", 1]`), sfnrt.MustParseJSON(`["a", 2]`)) {
		t.Fatal("matched")
	}
	if len(m.bound) != 0 {
		t.Errorf("a failed match left bindings: %v", m.bound)
	}
	if !m.match("<uuid:1>", "b") {
		t.Error("the placeholder stayed bound to a failed match's value")
	}
}

func TestIsIndexed(t *testing.T) {
	for p, want := range map[string]bool{
		"<uuid:1>": true, "<ArnPart_0idx>": true, "<json-input:12>": true, "<SyncExecArn_Part1_0idx>": true,
		"date": false, "<region>": false, "111111111111": false, "<>": false,
	} {
		if got := isIndexed(p); got != want {
			t.Errorf("isIndexed(%q) = %v, want %v", p, got, want)
		}
	}
}

func expected(t *testing.T, doc string) *Expected {
	t.Helper()
	e, err := ParseExpected([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func describe(doc string) *Outcome {
	return outcomeOf(sfnrt.MustParseJSON(doc).(*sfnrt.Object), nil)
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		expected string
		outcome  *Outcome
		want     []string
	}{
		{
			name:     "pass",
			expected: `{"status": "SUCCEEDED", "output": {"a": [1, 2.0]}}`,
			outcome:  describe(`{"status": "SUCCEEDED", "output": "{\"a\":[1.0,2]}"}`),
		},
		{
			name:     "output differs",
			expected: `{"status": "SUCCEEDED", "output": {"a": {"b c": [1, 2]}, "d": 1, "e": true}}`,
			outcome:  describe(`{"status": "SUCCEEDED", "output": "{\"a\":{\"b c\":[1,3]},\"e\":true,\"f\":null}"}`),
			want: []string{
				`output.a["b c"][1]: want 2, got 3`,
				`output.d: missing, want 1`,
				`output.f: unexpected, got null`,
			},
		},
		{
			name:     "status differs",
			expected: `{"status": "SUCCEEDED", "output": {}}`,
			outcome:  describe(`{"status": "FAILED", "error": "States.Runtime", "cause": "boom"}`),
			want:     []string{`status: want SUCCEEDED with output {}, got FAILED (States.Runtime: boom)`},
		},
		{
			name:     "error and cause",
			expected: `{"status": "FAILED", "error": "E", "cause": "at date"}`,
			outcome:  describe(`{"status": "FAILED", "error": "F", "cause": "at noon"}`),
			want:     []string{`error: want "E", got "F"`, `cause: want "at date", got "at noon"`},
		},
		{
			name:     "cause wildcard",
			expected: `{"status": "FAILED", "error": "E", "cause": "at date", "nondeterministic": ["date"]}`,
			outcome:  describe(`{"status": "FAILED", "error": "E", "cause": "at noon"}`),
		},
		{
			name:     "absent error must stay absent",
			expected: `{"status": "TIMED_OUT"}`,
			outcome:  describe(`{"status": "TIMED_OUT", "error": "States.Timeout"}`),
			want:     []string{`error: want none, got "States.Timeout"`},
		},
		{
			name:     "present error must be there",
			expected: `{"status": "FAILED", "error": "E"}`,
			outcome:  describe(`{"status": "FAILED"}`),
			want:     []string{`error: want "E", got none`},
		},
		{
			name:     "invalid as expected",
			expected: `{"status": "INVALID", "error": {"code": "C", "message": "M"}}`,
			outcome:  &Outcome{Status: StatusInvalid, Diagnostics: []string{"d"}},
		},
		{
			name:     "invalid expected, compiles",
			expected: `{"status": "INVALID", "error": {"code": "C", "message": "M"}}`,
			outcome:  describe(`{"status": "SUCCEEDED", "output": "{}"}`),
			want:     []string{`status: want INVALID (AWS: C: M), but the definition compiles`},
		},
		{
			name:     "unexpectedly invalid",
			expected: `{"status": "SUCCEEDED", "output": {}}`,
			outcome:  &Outcome{Status: StatusInvalid, Diagnostics: []string{"d1", "d2"}},
			want:     []string{`status: want SUCCEEDED, got INVALID: d1`, `    d2`},
		},
		{
			name:     "could not run",
			expected: `{"status": "SUCCEEDED", "output": {}}`,
			outcome:  &Outcome{Status: StatusError, Message: "codegen: nope\nmore"},
			want:     []string{`could not run: codegen: nope`, `    more`},
		},
		{
			name:     "no history",
			expected: `{"status": "SUCCEEDED", "output": {}, "states": []}`,
			outcome:  describe(`{"status": "SUCCEEDED", "output": "{}"}`),
			want:     []string{`states: no execution history was recorded`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(expected(t, tt.expected), tt.outcome)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare: (-want +got)\n%s", diff)
			}
		})
	}
}

// events builds a state event list from "Type Name input|output JSON"
// lines.
func events(t *testing.T, lines ...string) []any {
	t.Helper()
	var out []any
	for _, l := range lines {
		f := strings.SplitN(l, " ", 3)
		o := sfnrt.ObjectOf(sfnrt.Member{Key: "type", Value: f[0]}, sfnrt.Member{Key: "name", Value: f[1]})
		key := "input"
		if strings.HasSuffix(f[0], "Exited") {
			key = "output"
		}
		o.Set(key, sfnrt.MustParseJSON(f[2]))
		out = append(out, o)
	}
	return out
}

func TestDiffStates(t *testing.T) {
	mapRun := []string{
		"MapStateEntered M [1,2]",
		"PassStateEntered P 1",
		"PassStateExited P 10",
		"PassStateEntered P 2",
		"PassStateExited P 20",
		"MapStateExited M [10,20]",
		"SucceedStateEntered S [10,20]",
	}
	tests := []struct {
		name      string
		want, got []string
		diffs     []string
	}{
		{name: "same", want: mapRun, got: mapRun},
		{
			name: "map iterations interleaved",
			want: mapRun,
			got: []string{
				"MapStateEntered M [1,2]",
				"PassStateEntered P 2",
				"PassStateEntered P 1",
				"PassStateExited P 20",
				"PassStateExited P 10",
				"MapStateExited M [10,20]",
				"SucceedStateEntered S [10,20]",
			},
		},
		{
			name: "order matters outside Map and Parallel",
			want: []string{"PassStateEntered A {}", "PassStateEntered B {}"},
			got:  []string{"PassStateEntered B {}", "PassStateEntered A {}"},
			diffs: []string{
				`states: unexpected event before states[0]: {"type":"PassStateEntered","name":"B","input":{}}`,
				`states[1]: missing {"type":"PassStateEntered","name":"B","input":{}}`,
			},
		},
		{
			name: "a value differs in an iteration",
			want: mapRun,
			got: []string{
				"MapStateEntered M [1,2]",
				"PassStateEntered P 2",
				"PassStateExited P 21",
				"PassStateEntered P 1",
				"PassStateExited P 10",
				"MapStateExited M [10,20]",
				"SucceedStateEntered S [10,20]",
			},
			diffs: []string{`states[4](PassStateExited "P").output: want 20, got 21`},
		},
		{
			name: "missing and extra events",
			want: []string{"PassStateEntered A {}", "PassStateExited A {}", "SucceedStateEntered B {}"},
			got:  []string{"PassStateEntered A {}", "PassStateExited A {}", "FailStateEntered C {}"},
			diffs: []string{
				`states: unexpected event after states[1]: {"type":"FailStateEntered","name":"C","input":{}}`,
				`states[2]: missing {"type":"SucceedStateEntered","name":"B","input":{}}`,
			},
		},
		{
			name: "map that never exits",
			want: []string{"MapStateEntered M [1,2]", "FailStateEntered F 1", "PassStateEntered P 2"},
			got:  []string{"MapStateEntered M [1,2]", "PassStateEntered P 2", "FailStateEntered F 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d diffs
			newMatcher(nil).diffStates(&d, events(t, tt.want...), events(t, tt.got...))
			if diff := cmp.Diff(tt.diffs, d.result()); diff != "" {
				t.Errorf("diffStates: (-want +got)\n%s", diff)
			}
		})
	}
}

func TestStateEvent(t *testing.T) {
	ev := sfnrt.MustParseJSON(`{"id": 3, "type": "PassStateExited", "stateExitedEventDetails":
		{"name": "P", "output": "{\"a\":1}", "assignedVariables": {"x": "[1]", "y": "\"s\""}}}`).(*sfnrt.Object)
	got := sfnrt.ToJSON(stateEvent(ev))
	want := `{"type":"PassStateExited","name":"P","output":{"a":1},"assignedVariables":{"x":[1],"y":"s"}}`
	if got != want {
		t.Errorf("stateEvent = %s, want %s", got, want)
	}
	other := sfnrt.MustParseJSON(`{"type": "MapIterationStarted"}`).(*sfnrt.Object)
	if stateEvent(other) != nil {
		t.Error("stateEvent kept a MapIterationStarted event")
	}
}

func TestParseExpected(t *testing.T) {
	bad := map[string]string{
		`[]`:                                    "want a JSON object",
		`{}`:                                    `missing "status"`,
		`{"status": "DONE"}`:                    `"status" "DONE"`,
		`{"status": "FAILED", "error": 1}`:      `"error" must be a string`,
		`{"status": "FAILED", "output": {}}`:    `"output" is only recorded for status SUCCEEDED`,
		`{"status": "SUCCEEDED", "states": {}}`: `"states" must be an array`,
		`{"status": "SUCCEEDED", "states": [{}]}`:           `"states"[0] has no "type"`,
		`{"status": "SUCCEEDED", "mock": {}}`:               `"mock" must be`,
		`{"status": "SUCCEEDED", "machine_type": 1}`:        `"machine_type" must be a string`,
		`{"status": "SUCCEEDED", "nondeterministic": [""]}`: `"nondeterministic" must be`,
	}
	for doc, want := range bad {
		_, err := ParseExpected([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseExpected(%s) = %v, want an error containing %q", doc, err, want)
		}
	}
	e := expected(t, `{"status": "SUCCEEDED", "output": null, "machine_type": "EXPRESS", "mock": {"state_machine": "M", "test_case": "T"}}`)
	if !e.HasOutput || e.Output != nil || e.Type() != "EXPRESS" || *e.Mock != (MockRef{"M", "T"}) {
		t.Errorf("ParseExpected: %+v", e)
	}
}

// TestSnapshotTransformed replays LocalStack's
// SfnNoneRecursiveParallelTransformer on event types: its stale slice
// bounds cost a single Parallel its ParallelStateSucceeded, and a
// Parallel nested in a branch more.
func TestSnapshotTransformed(t *testing.T) {
	history := func(types ...string) []*sfnrt.Object {
		var out []*sfnrt.Object
		for _, ty := range types {
			o := sfnrt.NewObject(1)
			o.Set("type", ty)
			out = append(out, o)
		}
		return out
	}
	types := func(list []*sfnrt.Object) []string {
		var out []string
		for _, o := range list {
			v, _ := o.Get("type")
			out = append(out, v.(string))
		}
		return out
	}
	tests := []struct {
		name          string
		history, want []string
	}{
		{"single Parallel",
			[]string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
				"PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited",
				"ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"},
			[]string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
				"PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited",
				"ParallelStateExited", "ExecutionSucceeded"}},
		{"nested Parallel",
			[]string{"ExecutionStarted",
				"ParallelStateEntered", "ParallelStateStarted", // outer
				"ParallelStateEntered", "ParallelStateStarted", // inner
				"PassStateEntered", "PassStateExited",
				"ParallelStateSucceeded", "ParallelStateExited", // inner
				"ParallelStateSucceeded", "ParallelStateExited", // outer
				"ExecutionSucceeded"},
			[]string{"ExecutionStarted",
				"ParallelStateEntered", "ParallelStateStarted",
				"ParallelStateEntered", "ParallelStateStarted",
				"PassStateEntered", "PassStateExited",
				"ParallelStateExited", // the outer one's: the inner one's is lost
				"ExecutionSucceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, types(snapshotTransformed(history(tt.history...)))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
