package server

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A TestState context is checked as AWS checks it: the messages of the
// first five cases are AWS's, recorded (LocalStack's AWS-validated
// test_state_context_object snapshots).
func TestCheckTestContext(t *testing.T) {
	task := map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}
	waiting := map[string]any{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}
	const prefix = "Invalid Context object provided: "
	for _, tc := range []struct {
		name, context string
		state         map[string]any
		want          string // "" valid
	}{
		{"an Id not a string", `{"Execution": {"Id": 1}}`, task, "Execution.Id must be a string"},
		{"Map", `{"Map": {}}`, task, "'Map' field is not supported when mocking a Context object"},
		{"an unknown Execution field", `{"Execution": {"pokemon": "squirtle"}}`, task, "Field 'pokemon' is not allowed"},
		{"an unknown field", `{"Pokedex": {}}`, task, "Field 'Pokedex' is not allowed"},
		{"Task for a state without a token", `{"Task": {"Token": "t"}}`, task,
			"Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"},
		{"not an object", `[1]`, task, "the context must be a JSON object"},
		{"a section not an object", `{"State": 3}`, task, "State must be an object"},
		{"a retry count not an integer", `{"State": {"RetryCount": 1.5}}`, task, "State.RetryCount must be an integer"},
		{"all of it", `{"Execution": {"Id": "i", "Input": {"a": [1]}, "Name": "n", "RoleArn": "r", "StartTime": "2025-01-15T10:30:00.000Z"},
			"State": {"EnteredTime": "t", "Name": "S", "RetryCount": 0}, "StateMachine": {"Id": "m", "Name": "M"}}`, task, ""},
		{"empty sections, nulls", `{"Execution": {}, "State": null, "StateMachine": {"Name": null}}`, task, ""},
		{"Task for a state with a token", `{"Task": {"Token": "abcd123"}}`, waiting, ""},
	} {
		err := checkTestContext(tc.context, tc.state)
		got := ""
		if err != nil {
			got = err.Error()
		}
		want := ""
		if tc.want != "" {
			want = errorf(codeValidation, "%s", prefix+tc.want).Error()
		}
		if got != want {
			t.Errorf("%s: %q, want %q", tc.name, got, want)
		}
	}
}

// The tested state's references to the context name the context
// variable, in evaluated places only; the key order as written stays.
func TestContextToVariable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		jsonPath bool
		fields   map[string]string
		want     map[string]string
	}{
		{"JSONPath: paths, intrinsics, nested templates, a literal kept", true,
			map[string]string{
				"Parameters": `{"z.$": "$$", "a.$": "$$.Execution.Id", "lit": "$$.kept", "f.$": "States.Format('{} $$ {}', $$.Execution.Name, $.x)", "deep": [{"k.$": "$$.State"}]}`,
				"ItemsPath":  `"$$.Execution.Input.values"`,
				"ResultPath": `"$.r"`,
				"InputPath":  `"$.in"`,
			},
			map[string]string{
				"Parameters": `{"z.$":"$sfnCompileTestContext","a.$":"$sfnCompileTestContext.Execution.Id","lit":"$$.kept","f.$":"States.Format('{} $$ {}', $sfnCompileTestContext.Execution.Name, $.x)","deep":[{"k.$":"$sfnCompileTestContext.State"}]}`,
				"ItemsPath":  `"$sfnCompileTestContext.Execution.Input.values"`,
				"ResultPath": `"$.r"`,
				"InputPath":  `"$.in"`,
			}},
		{"JSONata: expressions, literals kept, longer names kept", false,
			map[string]string{
				"Output":    `{"n": "{% $states.context.Execution.Name & ' $states.context' & \"$states.context\" %}", "other": "{% $states.contextual %}", "lit": "$states.context"}`,
				"Arguments": `"{% $states.context %}"`,
			},
			map[string]string{
				"Output":    `{"n":"{% $sfnCompileTestContext.Execution.Name \u0026 ' $states.context' \u0026 \"$states.context\" %}","other":"{% $states.contextual %}","lit":"$states.context"}`,
				"Arguments": `"{% $sfnCompileTestContext %}"`,
			}},
	} {
		fields := map[string]json.RawMessage{}
		for k, v := range tc.fields {
			fields[k] = json.RawMessage(v)
		}
		got := map[string]string{}
		for k, v := range contextToVariable(fields, tc.jsonPath) {
			got[k] = string(v)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
