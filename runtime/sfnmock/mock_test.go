package sfnmock

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	// Task tokens are signed: a machine with a callback Task links the
	// cryptography, as generated code does for it.
	_ "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

const goodMockConfig = `{
  "StateMachines": {
    "Orders": {
      "TestCases": {
        "HappyPath": {"Charge": "ChargeOK", "Ship": "ShipFlaky"},
        "Empty": {}
      }
    },
    "Other": {"TestCases": {}}
  },
  "MockedResponses": {
    "ChargeOK": {"0": {"Return": {"StatusCode": 200, "Payload": {"id": 12345678901234567890, "f": 1.50}}}},
    "ShipFlaky": {
      "0":   {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
      "1-2": {"Throw": {"Error": "Custom"}},
      "3":   {"Return": "shipped"}
    }
  }
}`

func TestMockInvocations(t *testing.T) {
	inv, err := LoadMockConfig([]byte(goodMockConfig), "Orders", "HappyPath")
	if err != nil {
		t.Fatal(err)
	}
	type call struct {
		state   string
		attempt int
		want    string // JSON output, or "error: " + Error()
	}
	calls := []call{
		{"Charge", 0, `{"StatusCode":200,"Payload":{"id":12345678901234567890,"f":1.5}}`},
		{"Charge", 1, "error: States.Runtime: Mocked response 'ChargeOK' of Task state 'Charge' has no entry for invocation 1 (test case 'HappyPath' of state machine 'Orders')"},
		{"Ship", 0, "error: Lambda.TimeoutException: Lambda timed out."},
		{"Ship", 1, "error: Custom"},
		{"Ship", 2, "error: Custom"},
		{"Ship", 3, `"shipped"`},
		{"Ship", 4, "error: States.Runtime: Mocked response 'ShipFlaky' of Task state 'Ship' has no entry for invocation 4 (test case 'HappyPath' of state machine 'Orders')"},
		{"Pack", 0, "error: States.Runtime: Task state 'Pack' has no mocked response in test case 'HappyPath' of state machine 'Orders'"},
	}
	for _, c := range calls {
		out, err := inv.InvokeTask(context.Background(), c.state, "arn:aws:states:::lambda:invoke", nil, c.attempt)
		got := sfnrt.ToJSON(out)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != c.want {
			t.Errorf("InvokeTask(%s, %d) = %s, want %s", c.state, c.attempt, got, c.want)
		}
	}
	// A Throw without Cause has no cause; one with Cause keeps it.
	_, err = inv.InvokeTask(context.Background(), "Ship", "", nil, 1)
	if e := sfnrt.AsError(err); e.HasCause {
		t.Errorf("Throw without Cause: HasCause = true")
	}
	_, err = inv.InvokeTask(context.Background(), "Ship", "", nil, 0)
	if e := sfnrt.AsError(err); !e.HasCause || sfnimpl.Matches([]string{sfnrt.ErrALL}, e.Name) == false {
		t.Errorf("Throw with Cause: %#v", e)
	}
	// The mock's own failures are States.Runtime: never retried or caught.
	_, err = inv.InvokeTask(context.Background(), "Nope", "", nil, 0)
	if e := sfnrt.AsError(err); sfnimpl.Matches([]string{sfnrt.ErrALL}, e.Name) {
		t.Errorf("missing mock is catchable: %v", e)
	}
}

func TestMockSelection(t *testing.T) {
	tests := []struct {
		machine, testCase string
		wantErr           string
	}{
		{"Orders", "Empty", ""},
		{"Orders", "Missing", `mock config: state machine "Orders" has no test case "Missing" (it has "Empty", "HappyPath")`},
		{"Other", "X", `mock config: state machine "Other" has no test case "X" (it has none)`},
		{"Nope", "HappyPath", `mock config: no state machine "Nope" in StateMachines (it has "Orders", "Other")`},
		{"", "HappyPath", `mock config: a state machine name is required`},
		{"Orders", "", `mock config: a test case name is required`},
	}
	for _, tt := range tests {
		_, err := LoadMockConfig([]byte(goodMockConfig), tt.machine, tt.testCase)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.wantErr {
			t.Errorf("LoadMockConfig(%q, %q) error = %q, want %q", tt.machine, tt.testCase, got, tt.wantErr)
		}
	}
}

func TestMockConfigErrors(t *testing.T) {
	// wrap puts a MockedResponses body into an otherwise valid file.
	wrap := func(responses string) string {
		return `{"StateMachines":{"M":{"TestCases":{"T":{}}}},"MockedResponses":` + responses + `}`
	}
	tests := []struct {
		name, config string
		want         []string
	}{
		{"not JSON", "{\n  \"StateMachines\": ,\n}", []string{
			"mock config: invalid JSON at line 2, column 20: unexpected character ','"}},
		{"not an object", `[]`, []string{"mock config: must be an object, not an array"}},
		{"empty", `{}`, []string{
			`mock config: missing required field "MockedResponses" at the top level`,
			`mock config: missing required field "StateMachines" at the top level`}},
		{"unknown top-level field", `{"StateMachines":{},"MockedResponses":{},"MockedResponse":{}}`, []string{
			`mock config: /MockedResponse: unknown field "MockedResponse" (allowed: "StateMachines", "MockedResponses")`}},
		{"duplicate key", `{"StateMachines":{},"MockedResponses":{},"StateMachines":{}}`, []string{
			`mock config: /StateMachines: duplicate key "StateMachines"`}},
		{"machines not an object", `{"StateMachines":"M","MockedResponses":{}}`, []string{
			`mock config: /StateMachines: must be an object, not a string`}},
		{"machine without TestCases", `{"StateMachines":{"M":{}},"MockedResponses":{}}`, []string{
			`mock config: /StateMachines/M: missing required field "TestCases"`}},
		{"machine with other field", `{"StateMachines":{"M":{"TestCases":{},"Cases":1}},"MockedResponses":{}}`, []string{
			`mock config: /StateMachines/M/Cases: unknown field "Cases" (allowed: "TestCases")`}},
		{"test case not an object", `{"StateMachines":{"M":{"TestCases":{"T":[]}}},"MockedResponses":{}}`, []string{
			`mock config: /StateMachines/M/TestCases/T: must be an object, not an array`}},
		{"mapping not a string", `{"StateMachines":{"M":{"TestCases":{"T":{"S":{"0":{}}}}}},"MockedResponses":{}}`, []string{
			`mock config: /StateMachines/M/TestCases/T/S: must be a string, not an object`}},
		{"undefined response", `{"StateMachines":{"M":{"TestCases":{"T":{"a/b~c":"R"}}}},"MockedResponses":{}}`, []string{
			`mock config: /StateMachines/M/TestCases/T/a~1b~0c: mocked response "R" is not defined in MockedResponses`}},
		{"invalid response referenced", `{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0":{}}}}`, []string{
			`mock config: /MockedResponses/R/0: one of "Return" or "Throw" is required`}},
		{"response not an object", wrap(`{"R":[]}`), []string{
			`mock config: /MockedResponses/R: must be an object, not an array`}},
		{"response empty", wrap(`{"R":{}}`), []string{
			`mock config: /MockedResponses/R: a mocked response needs at least one invocation entry such as "0"`}},
		{"bad keys", wrap(`{"R":{"-1":{"Return":1},"01":{"Return":1},"2-1":{"Return":1},"x":{"Return":1},"1-":{"Return":1},"9999999999":{"Return":1}}}`), []string{
			`mock config: /MockedResponses/R/-1: invalid invocation key "-1": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/01: invalid invocation key "01": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/2-1: invalid invocation key "2-1": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/x: invalid invocation key "x": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/1-: invalid invocation key "1-": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/9999999999: invalid invocation key "9999999999": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`}},
		{"overlapping keys", wrap(`{"R":{"0-3":{"Return":1},"2":{"Return":2},"4-4":{"Return":3}}}`), []string{
			`mock config: /MockedResponses/R/2: invocation key "2" overlaps an earlier key covering invocations 0 to 3`}},
		{"bad key and bad entry", wrap(`{"R":{"x":{"Throw":{"Cause":5}}}}`), []string{
			`mock config: /MockedResponses/R/x: invalid invocation key "x": want a zero-based invocation number such as "0" or an inclusive range such as "1-2"`,
			`mock config: /MockedResponses/R/x/Throw: missing required field "Error"`,
			`mock config: /MockedResponses/R/x/Throw/Cause: must be a string, not a number`}},
		{"overlap with a bad entry", wrap(`{"R":{"0":{},"0-2":{"Return":2}}}`), []string{
			`mock config: /MockedResponses/R/0: one of "Return" or "Throw" is required`,
			`mock config: /MockedResponses/R/0-2: invocation key "0-2" overlaps an earlier key covering invocations 0 to 0`}},
		{"entry not an object", wrap(`{"R":{"0":"x"}}`), []string{
			`mock config: /MockedResponses/R/0: must be an object, not a string`}},
		{"return and throw", wrap(`{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}`), []string{
			`mock config: /MockedResponses/R/0: "Return" and "Throw" are mutually exclusive`}},
		{"unknown entry field", wrap(`{"R":{"0":{"Return":1,"Delay":5}}}`), []string{
			`mock config: /MockedResponses/R/0/Delay: unknown field "Delay" (allowed: "Return", "Throw")`}},
		{"throw not an object", wrap(`{"R":{"0":{"Throw":"E"}}}`), []string{
			`mock config: /MockedResponses/R/0/Throw: must be an object, not a string`}},
		{"throw without error", wrap(`{"R":{"0":{"Throw":{"Cause":"c"}}}}`), []string{
			`mock config: /MockedResponses/R/0/Throw: missing required field "Error"`}},
		{"throw fields wrong", wrap(`{"R":{"0":{"Throw":{"Error":1,"Cause":null,"Code":"x"}}}}`), []string{
			`mock config: /MockedResponses/R/0/Throw/Error: must be a string, not a number`,
			`mock config: /MockedResponses/R/0/Throw/Cause: must be a string, not null`,
			`mock config: /MockedResponses/R/0/Throw/Code: unknown field "Code" (allowed: "Error", "Cause")`}},
		{"throw empty error", wrap(`{"R":{"0":{"Throw":{"Error":""}}}}`), []string{
			`mock config: /MockedResponses/R/0/Throw/Error: must not be empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadMockConfig([]byte(tt.config), "M", "T")
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			// Order errors for comparison: the checker reports them in
			// document order, except the missing-field ones.
			if diff := cmp.Diff(sortedCopy(tt.want), sortedCopy(got)); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMockConfigErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"StateMachines":{},"MockedResponses":{`)
	for i := 0; i < 30; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"R` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":{}`)
	}
	b.WriteString(`}}`)
	_, err := LoadMockConfig([]byte(b.String()), "M", "T")
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxMockErrors+1 || lines[maxMockErrors] != "mock config: 10 more errors" {
		t.Errorf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// A mocked response stands for the callback of a .waitForTaskToken
// Task: the execution does not wait for SendTaskSuccess.
func TestMockCompletesCallback(t *testing.T) {
	const resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			task, _ := f.Context().Get("Task")
			token, _ := sfnrt.Field(task, "Token")
			out, err := f.RunTask(ctx, resource, 0, 0, sfnrt.ObjectOf(sfnrt.Member{Key: "token", Value: token}), nil)
			return sfnimpl.End, out, err
		},
	}
	m := &sfnrt.Machine{Name: "cb", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Ask", Resource: resource}}}
	inv, err := LoadMockConfig([]byte(`{"StateMachines":{"cb":{"TestCases":{"t":{"Ask":"R"}}}},
		"MockedResponses":{"R":{"0":{"Return":{"approved":true}}}}}`), "cb", "t")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := m.Start(ctx, sfnrt.ObjectOf(), sfnrt.Options{Tasks: inv})
	if res.Status != sfnrt.StatusSucceeded || sfnrt.ToJSON(res.Output) != `{"approved":true}` {
		t.Errorf("got %s %s %v", res.Status, res.Error, sfnrt.ToJSON(res.Output))
	}
}
