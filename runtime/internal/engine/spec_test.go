package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// field is the PathSpec of $.name, as the compiler describes it.
func field(name string) *PathSpec {
	var hint FieldHint
	return &PathSpec{Source: "$." + name, Normalized: "$['" + name + "']", Lookup: func(v any) (any, bool) {
		return FieldAt(v, name, &hint)
	}}
}

// TestRunSpec: each kind of StateSpec runs as the generated code of its
// state does: the same output, the next state, and AWS's error names
// and causes where a step fails.
func TestRunSpec(t *testing.T) {
	counter := &Template{Kind: TemplateObject, Keys: []string{"i", "n", "tag"}, Items: []Template{
		{Kind: TemplateCall, Field: "i.$", Call: &Call{Func: StatesMathAdd, Args: []Arg{{Path: field("i")}, {Value: int64(1)}}}},
		{Kind: TemplatePath, Field: "n.$", Path: field("n")},
		{Value: "t"},
	}}
	below := Rule{Kind: RuleNumericLessThan, Variable: field("i"), Operand: field("n")}
	for _, tc := range []struct {
		name     string
		spec     StateSpec
		in       string
		next     int
		out      string
		errName  string
		errCause string
	}{
		{name: "pass parameters", spec: StateSpec{Kind: SpecPass, Parameters: counter, Next: 3},
			in: `{"i":1,"n":5}`, next: 3, out: `{"i":2,"n":5,"tag":"t"}`},
		{name: "pass result path", spec: StateSpec{Kind: SpecPass, Parameters: counter, ResultPath: Placement{Source: "$.r", Steps: []any{"r"}}, Next: End},
			in: `{"i":1,"n":5}`, next: End, out: `{"i":1,"n":5,"r":{"i":2,"n":5,"tag":"t"}}`},
		{name: "pass output is result", spec: StateSpec{Kind: SpecPass, Parameters: counter, ResultPath: Placement{Source: "$.r", Steps: []any{"r"}}, OutputIsResult: true, Next: 1},
			in: `{"i":1,"n":5}`, next: 1, out: `{"i":2,"n":5,"tag":"t"}`},
		{name: "pass result discarded", spec: StateSpec{Kind: SpecPass, Result: &Template{Value: "x"}, ResultPath: Placement{Discard: true}, OutputPath: Selection{Path: field("n")}, Next: 1},
			in: `{"i":1,"n":5}`, next: 1, out: `5`},
		{name: "pass template path missing", spec: StateSpec{Kind: SpecPass, Parameters: counter},
			in: `{"i":1}`, errName: ErrRuntime,
			errCause: `An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.n' specified for the field 'n.$' could not be found in the input '{"i":1}'`},
		{name: "pass intrinsic fails", spec: StateSpec{Kind: SpecPass, Parameters: counter},
			in: `{"i":"one","n":5}`, errName: ErrRuntime, errCause: "Invalid arguments in States.MathAdd"},
		{name: "pass result path on a string", spec: StateSpec{Kind: SpecPass, Result: &Template{Value: int64(1)}, ResultPath: Placement{Source: "$.a.b", Steps: []any{"a", "b"}}},
			in: `{"a":"s"}`, errName: ErrResultPathMatchFailure},
		{name: "input path missing", spec: StateSpec{Kind: SpecSucceed, InputPath: Selection{Path: field("x")}, Next: End},
			in: `{}`, errName: ErrRuntime,
			errCause: `An error occurred while executing the state 'S' (entered at the event id #2). Invalid path '$.x' : No results for path: $['x']`},
		{name: "succeed output null", spec: StateSpec{Kind: SpecSucceed, OutputPath: Selection{Null: true}, Next: End},
			in: `{"a":1}`, next: End, out: `{}`},
		{name: "choice matches", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: below, Next: 2}}, Next: 3, HasDefault: true},
			in: `{"i":1,"n":5}`, next: 2, out: `{"i":1,"n":5}`},
		{name: "choice default", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: below, Next: 2}}, Next: 3, HasDefault: true},
			in: `{"i":5,"n":5}`, next: 3, out: `{"i":5,"n":5}`},
		{name: "choice and or not", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: Rule{Kind: RuleAnd, Rules: []Rule{
			{Kind: RuleIsPresent, Variable: field("missing"), Value: false},
			{Kind: RuleOr, Rules: []Rule{{Kind: RuleStringEquals, Variable: field("s"), Value: "b"}, {Kind: RuleStringMatches, Variable: field("s"), Value: "a*"}}},
			{Kind: RuleNot, Rules: []Rule{{Kind: RuleIsNull, Variable: field("s"), Value: true}}},
		}}, Next: 4}}},
			in: `{"s":"abc"}`, next: 4, out: `{"s":"abc"}`},
		{name: "choice wrong type is false", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: Rule{Kind: RuleTimestampLessThan, Variable: field("s"), Value: "2020-01-01T00:00:00Z"}, Next: 4}}, Next: 1, HasDefault: true},
			in: `{"s":12}`, next: 1, out: `{"s":12}`},
		{name: "choice no match", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: below, Next: 2}}},
			in: `{"i":5,"n":5}`, errName: ErrNoChoiceMatched,
			errCause: `An error occurred while executing the state 'S' (entered at the event id #2). No Matches!`},
		{name: "choice variable missing", spec: StateSpec{Kind: SpecChoice, Choices: []Choice{{Rule: below, Next: 2}}},
			in: `{"n":5}`, errName: ErrRuntime,
			errCause: `An error occurred while executing the state 'S' (entered at the event id #2). Invalid path '$.i' : No results for path: $['i']`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Frame{X: &Execution{}, State: "S", enteredEventID: 2}
			next, out, err := f.RunSpec(&tc.spec, MustParseJSON(tc.in))
			if tc.errName != "" {
				e := AsError(err)
				if err == nil || e.Name != tc.errName || tc.errCause != "" && e.Cause != tc.errCause {
					t.Fatalf("error %v, want %s: %s", err, tc.errName, tc.errCause)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.next, next); diff != "" {
				t.Errorf("next state (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.out, ToJSON(out)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
