package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestState refuses what AWS refuses about states and mocks, with AWS's
// codes and messages (as recorded against AWS in LocalStack's
// test_state_mock_validation snapshots).
func TestTestStateMockValidation(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const (
		mapState         = `{"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}`
		mapWriting       = `{"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}, "End": true}`
		parallelState    = `{"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}], "End": true}`
		taskState        = `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}`
		invalidDef       = "InvalidDefinition"
		validation       = "ValidationException"
		unsupportedKinds = "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"
	)
	for _, tc := range []struct {
		name, definition, extra string
		code, message           string
	}{
		{"map without a mock", mapState, ``, invalidDef, unsupportedKinds},
		{"parallel without a mock", parallelState, ``, invalidDef, unsupportedKinds},
		{"pass with a mock", `{"Type": "Pass", "End": true}`, `"mock": {"result": "{}"}`, validation, "State type 'Pass' is not supported when a mock is specified"},
		{"fail with a mock", `{"Type": "Fail", "Error": "E"}`, `"mock": {"errorOutput": {"error": "E", "cause": "C"}}`, validation, "State type 'Fail' is not supported when a mock is specified"},
		{"result and errorOutput", taskState, `"mock": {"result": "{}", "errorOutput": {"error": "E"}}`, validation, "A test mock should have only one of the following fields: [result, errorOutput]."},
		{"revealSecrets with a mock", taskState, `"mock": {"result": "{}"}, "inspectionLevel": "TRACE", "revealSecrets": true`, validation, "TestState does not support RevealSecrets when a mock is specified."},
		{"revealSecrets with a mock, below TRACE: the mock's message first", taskState, `"mock": {"result": "{}"}, "revealSecrets": true`, validation, "TestState does not support RevealSecrets when a mock is specified."},
		// Secrets show only in TRACE's HTTP request (our message: AWS's
		// is not recorded).
		{"revealSecrets below TRACE", taskState, `"inspectionLevel": "DEBUG", "revealSecrets": true`, validation, "TestState supports RevealSecrets only when inspectionLevel is TRACE."},
		{"revealSecrets at INFO", taskState, `"revealSecrets": true`, validation, "TestState supports RevealSecrets only when inspectionLevel is TRACE."},
		{"map result not an array", mapState, `"mock": {"result": "{}"}`, validation, "Mocked result must be an array."},
		{"map writing results, result not an object", mapWriting, `"mock": {"result": "[]"}`, validation, "Mocked result must be a JSON object."},
		{"parallel result not an array", parallelState, `"mock": {"result": "{}"}`, validation, "Mocked result must be an array."},
		{"parallel result of another size", parallelState, `"mock": {"result": "[1]"}`, validation, "Mocked result must contain the same number of items as number of Parallel branches."},
		{"iteration failures without a mock", taskState, `"stateConfiguration": {"mapIterationFailureCount": 1}`, validation, "TestState does not support MapIterationFailureCount when a mock is not specified."},
		{"a field validation mode AWS does not have", taskState, `"mock": {"result": "{}", "fieldValidationMode": "LAX"}`, validation,
			"1 validation error detected: Value 'LAX' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]"},
		{"more iteration failures than iterations", mapState, `"mock": {"result": "[1, 2]"}, "stateConfiguration": {"mapIterationFailureCount": 3}`, validation, "Map iteration failure count must be less than or equal to the number of Map iterations"},
	} {
		def, _ := json.Marshal(tc.definition)
		body := `{"definition": ` + string(def) + `, "roleArn": "arn:aws:iam::1:role/r"`
		if tc.extra != "" {
			body += ", " + tc.extra
		}
		status, _, out := post(s, "AWSStepFunctions.TestState", "", body+"}")
		want, _ := json.Marshal(map[string]string{"__type": tc.code, "message": tc.message})
		var got, wantMap map[string]string
		json.Unmarshal([]byte(out), &got)
		json.Unmarshal(want, &wantMap)
		if diff := cmp.Diff(wantMap, got); status != 400 || diff != "" {
			t.Errorf("%s: status %d (-want +got):\n%s", tc.name, status, diff)
		}
	}
}

// TestState's diagnostics point into what the user sent: the state's
// definition, or the machine's definition holding stateName, never the
// machine the server wraps the state in.
func TestTestStateDiagnosticsLocated(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const noFunction = "SCHEMA_VALIDATION_FAILED: The field 'FunctionName' is required but was missing at "
	for _, tc := range []struct {
		name, definition, stateName, want string
	}{
		{"a state on one line", `{"Type": "Pass", "Next": 3}`, "",
			"SCHEMA_VALIDATION_FAILED: Expected a string but got a number at /Next (line 1, column 26)"},
		{"a state over lines", "{\n  \"Type\": \"Task\",\n  \"Resource\": \"arn:aws:states:::lambda:invoke\",\n  \"Parameters\": {\"Payload\": {}},\n  \"End\": true\n}", "",
			noFunction + "/Parameters (line 4, column 17)"},
		{"a state of a machine", "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n    \"B\": {\n      \"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\",\n      \"Parameters\": {\"Payload\": {}}, \"End\": true}\n  }\n}", "B",
			noFunction + "/States/B/Parameters (line 7, column 21)"},
		{"the last of repeated keys, a name to escape, columns in characters", `{"StartAt": "é/b", "States": {"é/b": {"Type": "Pass", "End": true}, "é/b": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {}, "End": true}}}`, "é/b",
			noFunction + "/States/é~1b/Parameters (line 1, column 153)"},
	} {
		def, _ := json.Marshal(tc.definition)
		body := `{"definition": ` + string(def)
		if tc.stateName != "" {
			name, _ := json.Marshal(tc.stateName)
			body += `, "stateName": ` + string(name)
		}
		status, _, out := post(s, "AWSStepFunctions.TestState", "", body+"}")
		var got map[string]string
		json.Unmarshal([]byte(out), &got)
		want := map[string]string{"__type": "InvalidDefinition", "message": "Invalid State Machine Definition: '" + tc.want + "'"}
		if diff := cmp.Diff(want, got); status != 400 || diff != "" {
			t.Errorf("%s: status %d (-want +got):\n%s", tc.name, status, diff)
		}
	}
}

// TestState checks stateConfiguration against AWS's API model (ranges and
// lengths, with AWS's messages) and against the state it configures.
func TestTestStateConfigurationValidation(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const (
		mapState    = `{"Type": "Map", "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": true}}}, "End": true}`
		readerMap   = `{"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": true}}}, "End": true}`
		parallel    = `{"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, {"StartAt": "B", "States": {"B": {"Type": "Map", "ItemProcessor": {"StartAt": "Deep", "States": {"Deep": {"Type": "Pass", "End": true}}}, "End": true}}}], "End": true}`
		taskState   = `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}`
		errorMock   = `"mock": {"errorOutput": {"error": "E", "cause": "C"}}`
		atLeastZero = "failed to satisfy constraint: Member must have value greater than or equal to 0"
	)
	for _, tc := range []struct {
		name, definition, extra string
		message                 string // "" passes validation (and then needs a build)
	}{
		{"negative retry count", taskState, errorMock + `, "stateConfiguration": {"retrierRetryCount": -1}`,
			"1 validation error detected: Value '-1' at 'stateConfiguration.retrierRetryCount' " + atLeastZero},
		{"negative failure count", mapState, `"mock": {"result": "[]"}, "stateConfiguration": {"mapIterationFailureCount": -2}`,
			"1 validation error detected: Value '-2' at 'stateConfiguration.mapIterationFailureCount' " + atLeastZero},
		{"errorCausedByState empty", mapState, errorMock + `, "stateConfiguration": {"errorCausedByState": ""}`,
			"1 validation error detected: Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"errorCausedByState too long", mapState, errorMock + `, "stateConfiguration": {"errorCausedByState": "` + strings.Repeat("s", 81) + `"}`,
			"1 validation error detected: Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length less than or equal to 80"},
		{"errorCausedByState of a Task", taskState, errorMock + `, "stateConfiguration": {"errorCausedByState": "Inner"}`,
			"stateConfiguration.errorCausedByState names the state of a Map or Parallel state's own that a mocked error comes from; this is a Task state"},
		{"errorCausedByState not in the Map", mapState, errorMock + `, "stateConfiguration": {"errorCausedByState": "Elsewhere"}`,
			"stateConfiguration.errorCausedByState: the Map state has no state named 'Elsewhere'"},
		{"errorCausedByState in the Map", mapState, errorMock + `, "stateConfiguration": {"errorCausedByState": "Inner"}`, ""},
		{"errorCausedByState deep in a Parallel", parallel, errorMock + `, "stateConfiguration": {"errorCausedByState": "Deep"}`, ""},
		{"mapItemReaderData without an ItemReader", mapState, `"mock": {"result": "[]"}, "stateConfiguration": {"mapItemReaderData": "[1]"}`,
			"stateConfiguration.mapItemReaderData is the data a Map state's ItemReader reads; this state has no ItemReader"},
		{"mapItemReaderData too long", readerMap, `"mock": {"result": "[]"}, "stateConfiguration": {"mapItemReaderData": "` + strings.Repeat("1", 262145) + `"}`,
			"1 validation error detected: Value at 'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member must have length less than or equal to 262144"},
		{"a Task really called, without a role (AWS's answer)", taskState, `"input": "{}"`, "RoleArn must be specified when testing a Task state"},
		{"a mocked Task needs no role", taskState, errorMock, ""},
		{"mapItemReaderData of a reading Map", readerMap, `"mock": {"result": "[]"}, "stateConfiguration": {"mapItemReaderData": "[1, 2, 3]"}`, ""},
	} {
		def, _ := json.Marshal(tc.definition)
		body := `{"definition": ` + string(def) + `, ` + tc.extra + `}`
		_, _, out := post(s, "AWSStepFunctions.TestState", "", body)
		var got map[string]string
		json.Unmarshal([]byte(out), &got)
		want := map[string]string{"__type": "ValidationException", "message": tc.message}
		if tc.message == "" {
			// Valid: on to the build, which this server has none of.
			want["message"] = "TestState runs the state on a build of it: this server builds no state machines (Config.Builder)"
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
