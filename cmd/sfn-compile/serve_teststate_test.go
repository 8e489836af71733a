package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sfn-compile/sfn-compile/server"
)

// traceAPI is a local HTTP API for HTTP Tasks: /token grants "tok-1" to
// the OAuth client id:secret; /status/N answers N; any other path echoes
// what the request carried that a connection may add, so that a test
// sees the request was sent with it even where the trace hides it.
func traceAPI(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header()["Date"] = nil // the trace is compared whole
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			if user, pass, _ := r.BasicAuth(); user != "id" || pass != "secret" {
				w.WriteHeader(401)
				return
			}
			io.WriteString(w, `{"access_token":"tok-1","expires_in":3600}`)
			return
		}
		if r.URL.Path == "/status/404" {
			w.WriteHeader(404)
		}
		echo, _ := json.Marshal(map[string]string{"auth": r.Header.Get("Authorization") + r.Header.Get("X-Api-Key"),
			"query": r.URL.RawQuery, "body": string(body)})
		w.Write(echo)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestServeTestStateTrace: TestState's TRACE inspection level shows an
// HTTP Task's request and response, as AWS's documented example shows
// them, taken from the Task's real call to a local API through an API
// key, a basic and an OAuth connection; what the connection adds shows
// only with revealSecrets.
func TestServeTestStateTrace(t *testing.T) {
	api := traceAPI(t)
	const (
		keyConn   = "arn:aws:events:us-east-1:123456789012:connection/key/1"
		basicConn = "arn:aws:events:us-east-1:123456789012:connection/basic/2"
		oauthConn = "arn:aws:events:us-east-1:123456789012:connection/oauth/3"
	)
	connections := filepath.Join(t.TempDir(), "connections.json")
	if err := os.WriteFile(connections, []byte(`{
		"`+keyConn+`": {"AuthorizationType": "API_KEY",
			"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"},
				"InvocationHttpParameters": {"HeaderParameters": [{"Key": "CustomHeader1", "Value": "CustomHeaderValue1"}],
					"QueryStringParameters": [{"Key": "QueryParam1", "Value": "QueryParamValue1"}],
					"BodyParameters": [{"Key": "BodyKey1", "Value": "BodyValue1"}]}}},
		"`+basicConn+`": {"AuthorizationType": "BASIC", "AuthParameters": {"BasicAuthParameters": {"Username": "u", "Password": "p"}}},
		"`+oauthConn+`": {"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {"OAuthParameters": {
			"AuthorizationEndpoint": "`+api.URL+`/token", "HttpMethod": "POST", "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"}}}}
	}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_REGION", "us-east-1")
	c := serveSDK(t, server.Config{Connections: connections})
	ctx := context.Background()
	// One definition (one build): the endpoint and the connection come
	// from the input.
	const task = `{"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
		"Parameters": {"Method": "POST", "ApiEndpoint.$": "$.url", "Authentication": {"ConnectionArn.$": "$.connection"},
			"Headers": {"definitionHeader": "h1"}, "RequestBody": {"message": "Hello from Step Functions!"}, "QueryParameters": {"queryParam": "q1"}},
		"ResultSelector": {"status.$": "$.StatusCode"}, "End": true}`
	input := func(path, conn string) *string {
		return aws.String(`{"url": "` + api.URL + path + `", "connection": "` + conn + `"}`)
	}
	const agent = "User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144"
	response := func(status, message, body string) *types.InspectionDataResponse {
		return &types.InspectionDataResponse{Protocol: aws.String("http"), StatusCode: aws.String(status), StatusMessage: aws.String(message),
			Headers: aws.String(fmt.Sprintf("[content-type: application/json, content-length: %d]", len(body))), Body: aws.String(body)}
	}
	type result struct {
		Status, Output, Error string
		Request               *types.InspectionDataRequest
		Response              *types.InspectionDataResponse
	}
	for _, tc := range []struct {
		name string
		in   sfn.TestStateInput
		want result
	}{
		{"API key, secrets revealed", sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", keyConn),
			InspectionLevel: types.InspectionLevelTrace, RevealSecrets: true},
			result{Status: "SUCCEEDED", Output: `{"status":200}`,
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("POST"),
					Url:     aws.String(api.URL + "/items?queryParam=q1&QueryParam1=QueryParamValue1"),
					Headers: aws.String("[definitionHeader: h1, x-api-key: k3y, CustomHeader1: CustomHeaderValue1, " + agent + "]"),
					Body:    aws.String(`{"message":"Hello from Step Functions!","BodyKey1":"BodyValue1"}`)},
				Response: response("200", "OK", `{"auth":"k3y","body":"{\"message\":\"Hello from Step Functions!\",\"BodyKey1\":\"BodyValue1\"}","query":"queryParam=q1\u0026QueryParam1=QueryParamValue1"}`)}},
		{"API key, secrets left out of the request (the response is as it came)", sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", keyConn),
			InspectionLevel: types.InspectionLevelTrace},
			result{Status: "SUCCEEDED", Output: `{"status":200}`,
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("POST"),
					Url:     aws.String(api.URL + "/items?queryParam=q1"),
					Headers: aws.String("[definitionHeader: h1, " + agent + "]"),
					Body:    aws.String(`{"message":"Hello from Step Functions!"}`)},
				Response: response("200", "OK", `{"auth":"k3y","body":"{\"message\":\"Hello from Step Functions!\",\"BodyKey1\":\"BodyValue1\"}","query":"queryParam=q1\u0026QueryParam1=QueryParamValue1"}`)}},
		{"basic, secrets revealed", sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", basicConn),
			InspectionLevel: types.InspectionLevelTrace, RevealSecrets: true},
			result{Status: "SUCCEEDED", Output: `{"status":200}`,
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("POST"),
					Url:     aws.String(api.URL + "/items?queryParam=q1"),
					Headers: aws.String("[definitionHeader: h1, Authorization: Basic dTpw, " + agent + "]"),
					Body:    aws.String(`{"message":"Hello from Step Functions!"}`)},
				Response: response("200", "OK", `{"auth":"Basic dTpw","body":"{\"message\":\"Hello from Step Functions!\"}","query":"queryParam=q1"}`)}},
		{"OAuth, the token left out; an error status fails the Task", sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/status/404", oauthConn),
			InspectionLevel: types.InspectionLevelTrace},
			result{Status: "FAILED", Error: "States.Http.StatusCode.404",
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("POST"),
					Url:     aws.String(api.URL + "/status/404?queryParam=q1"),
					Headers: aws.String("[definitionHeader: h1, " + agent + "]"),
					Body:    aws.String(`{"message":"Hello from Step Functions!"}`)},
				Response: response("404", "Not Found", `{"auth":"Bearer tok-1","body":"{\"message\":\"Hello from Step Functions!\"}","query":"queryParam=q1"}`)}},
		{"DEBUG: no request or response", sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", basicConn),
			InspectionLevel: types.InspectionLevelDebug},
			result{Status: "SUCCEEDED", Output: `{"status":200}`}},
		{"a state of a machine (stateName)", sfn.TestStateInput{Definition: aws.String(`{"StartAt": "Call", "States": {"Call": ` + task + `}}`), StateName: aws.String("Call"),
			RoleArn: aws.String(serveRole), Input: input("/items", basicConn), InspectionLevel: types.InspectionLevelTrace},
			result{Status: "SUCCEEDED", Output: `{"status":200}`,
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("POST"),
					Url: aws.String(api.URL + "/items?queryParam=q1"), Headers: aws.String("[definitionHeader: h1, " + agent + "]"),
					Body: aws.String(`{"message":"Hello from Step Functions!"}`)},
				Response: response("200", "OK", `{"auth":"Basic dTpw","body":"{\"message\":\"Hello from Step Functions!\"}","query":"queryParam=q1"}`)}},
		{"JSONata: Arguments, a GET without a body", sfn.TestStateInput{Definition: aws.String(`{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::http:invoke",
			"Arguments": {"Method": "GET", "ApiEndpoint": "{% $states.input.url %}", "Authentication": {"ConnectionArn": "{% $states.input.connection %}"},
				"QueryParameters": {"page": "{% $string(2) %}"}}, "Output": "{% $states.result.ResponseBody.query %}", "End": true}`),
			RoleArn: aws.String(serveRole), Input: input("/list", basicConn), InspectionLevel: types.InspectionLevelTrace},
			result{Status: "SUCCEEDED", Output: `"page=2"`,
				Request: &types.InspectionDataRequest{Protocol: aws.String("http"), Method: aws.String("GET"),
					Url: aws.String(api.URL + "/list?page=2"), Headers: aws.String("[" + agent + "]"), Body: aws.String("")},
				Response: response("200", "OK", `{"auth":"Basic dTpw","body":"","query":"page=2"}`)}},
		{"TRACE of another state: its data flow, as DEBUG (AWS answers so)", sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "End": true}`),
			Input: aws.String(`{}`), InspectionLevel: types.InspectionLevelTrace},
			result{Status: "SUCCEEDED", Output: `{}`}},
	} {
		out, err := c.TestState(ctx, &tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := result{Status: string(out.Status), Output: aws.ToString(out.Output), Error: aws.ToString(out.Error)}
		if out.InspectionData != nil {
			got.Request, got.Response = out.InspectionData.Request, out.InspectionData.Response
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.InspectionDataRequest{}, types.InspectionDataResponse{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}

	// The executions' workers get the connections too.
	arn := createMachine(t, c, "caller", "EXPRESS", `{"StartAt": "Call", "States": {"Call": `+task+`}}`)
	run, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: input("/items", basicConn)})
	if err != nil {
		t.Errorf("StartSyncExecution of an HTTP Task: %v", err)
	} else if run.Status != types.SyncExecutionStatusSucceeded || aws.ToString(run.Output) != `{"status":200}` {
		t.Errorf("StartSyncExecution of an HTTP Task: %s %s: %s, output %s", run.Status, aws.ToString(run.Error), aws.ToString(run.Cause), aws.ToString(run.Output))
	}

	awsCLITestStateTrace(t, aws.ToString(c.Options().BaseEndpoint), task, aws.ToString(input("/items", keyConn)), api.URL)

	// revealSecrets shows only in TRACE; a mock sends no request.
	for _, bad := range []sfn.TestStateInput{
		{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", keyConn), InspectionLevel: types.InspectionLevelDebug, RevealSecrets: true},
		// A Task really called needs a role (AWS's answer, recorded).
		{Definition: aws.String(task), Input: input("/items", keyConn), InspectionLevel: types.InspectionLevelTrace},
		{Definition: aws.String(task), RoleArn: aws.String(serveRole), Input: input("/items", keyConn), InspectionLevel: types.InspectionLevelTrace, RevealSecrets: true,
			Mock: &types.MockInput{Result: aws.String(`{}`)}},
	} {
		if _, err := c.TestState(ctx, &bad); apiCode(err) != "ValidationException" {
			t.Errorf("TestState(level %s, role %v, revealSecrets %v, mock %v): %v, want ValidationException", bad.InspectionLevel, bad.RoleArn != nil, bad.RevealSecrets, bad.Mock != nil, err)
		}
	}
}

// awsCLITestStateTrace runs AWS's example of TRACE (Example 3 of "Using
// TestState API to test a state") with the AWS CLI, verbatim apart from
// --endpoint-url, where the CLI installed has test-state (Debian's
// bookworm awscli 2.9 predates the action).
func awsCLITestStateTrace(t *testing.T, endpoint, definition, input, api string) {
	t.Helper()
	cli := func(args ...string) *exec.Cmd {
		cmd := exec.Command("aws", append([]string{"stepfunctions"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(t.TempDir(), "none"), "AWS_PAGER=",
			// TestState goes to a "sync-" host on AWS; a local endpoint
			// has none (botocore 1.36 and later read this).
			"AWS_DISABLE_HOST_PREFIX_INJECTION=true")
		return cmd
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Log("the AWS CLI is not installed: its test-state call is not checked")
		return
	}
	if err := cli("test-state", "help").Run(); err != nil {
		t.Log("the AWS CLI installed has no test-state (Debian's awscli 2.9 predates it): its call is not checked")
		return
	}
	out, err := cli("test-state", "--endpoint-url", endpoint, "--definition", definition, "--role-arn", serveRole,
		"--input", input, "--inspection-level", "TRACE", "--reveal-secrets").CombinedOutput()
	if err != nil {
		t.Fatalf("aws stepfunctions test-state: %v\n%s", err, out)
	}
	var got struct {
		Status         string
		InspectionData struct{ Request, Response map[string]string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("aws stepfunctions test-state: %v\n%s", err, out)
	}
	want := map[string]string{"protocol": "http", "method": "POST", "url": api + "/items?queryParam=q1&QueryParam1=QueryParamValue1",
		"headers": "[definitionHeader: h1, x-api-key: k3y, CustomHeader1: CustomHeaderValue1, User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144]",
		"body":    `{"message":"Hello from Step Functions!","BodyKey1":"BodyValue1"}`}
	if diff := cmp.Diff(want, got.InspectionData.Request); got.Status != "SUCCEEDED" || diff != "" {
		t.Errorf("aws stepfunctions test-state: status %s, request (-want +got):\n%s", got.Status, diff)
	}
	if got.InspectionData.Response["statusCode"] != "200" {
		t.Errorf("aws stepfunctions test-state: response %v", got.InspectionData.Response)
	}
}

// TestServeTestStateConfiguration: stateConfiguration as AWS's recorded
// answers have it (LocalStack's AWS-validated test_state_configuration
// snapshots): a mocked Map's failed iterations beyond its tolerance fail
// it with States.ExceedToleratedFailureThreshold, which its Retry and
// Catch see; a Map without a tolerance succeeds whatever the count; the
// inspection data shows the Map's concurrency and tolerance, evaluated;
// a retrier whose attempts are spent still shows in errorDetails.
func TestServeTestStateConfiguration(t *testing.T) {
	c := serveSDK(t, server.Config{})
	ctx := context.Background()
	const (
		jsonataMap = `{"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.values %}",
			"ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
			"MaxConcurrency": "{% $states.input.limit %}", "ToleratedFailurePercentage": 50,
			"Retry": [{"ErrorEquals": ["MockException"], "MaxAttempts": 3}, {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 2}],
			"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "End": true}`
		jsonPathMap = `{"Type": "Map", "InputPath": "$.order", "ItemsPath": "$.values", "ToleratedFailureCountPath": "$.tolerated",
			"ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}, "ResultPath": "$.done", "Next": "Ship"}`
		selecting = `{"Type": "Map", "InputPath": "$.order", "ItemsPath": "$.lines",
			"ItemSelector": {"sku.$": "$$.Map.Item.Value.sku", "at.$": "$$.Map.Item.Index", "currency.$": "$.currency"},
			"ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}, "ResultPath": "$.priced", "End": true}`
		untolerant    = `{"Type": "Map", "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}}, "End": true}`
		caughtJSONata = `{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
			"Catch": [{"ErrorEquals": ["Other"], "Next": "Elsewhere"},
				{"ErrorEquals": ["States.ALL"], "Output": {"caught": "{% $states.errorOutput.Error %}", "in": "{% $states.input.x %}"}, "Next": "Handle"}], "End": true}`
		caughtJSONPath = `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
			"Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"}], "End": true}`
		retried = `{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
			"Arguments": {"FunctionName": "foo", "Payload": "bar"},
			"Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}], "End": true}`
	)
	three := &types.MockInput{Result: aws.String(`[1, 1, 1]`)}
	mockError := &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("MockException"), Cause: aws.String("Mock the cause of the error.")}}
	failures := func(n int32) *types.TestStateConfiguration {
		return &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(n)}
	}
	jsonataInput := aws.String(`{"values": ["a", "b", "c"], "limit": 2}`)
	const exceeded = "States.ExceedToleratedFailureThreshold"
	type result struct {
		Status, Output, Error, Cause, NextState string
		Data                                    *types.InspectionData
	}
	for _, tc := range []struct {
		name string
		in   sfn.TestStateInput
		want result
	}{
		{"JSONata Map: failures within the tolerance", sfn.TestStateInput{Definition: aws.String(jsonataMap), Input: jsonataInput,
			InspectionLevel: types.InspectionLevelDebug, Mock: three, StateConfiguration: failures(1)},
			result{Status: "SUCCEEDED", Output: `[1, 1, 1]`, Data: &types.InspectionData{Input: jsonataInput,
				MaxConcurrency: aws.Int32(2), ToleratedFailurePercentage: aws.Float32(50)}}},
		{"JSONata Map: failures beyond the tolerance, retried", sfn.TestStateInput{Definition: aws.String(jsonataMap), Input: jsonataInput,
			InspectionLevel: types.InspectionLevelDebug, Mock: three, StateConfiguration: failures(2)},
			result{Status: "RETRIABLE", Error: exceeded, Cause: "The specified tolerated failure threshold was exceeded",
				Data: &types.InspectionData{Input: jsonataInput, MaxConcurrency: aws.Int32(2), ToleratedFailurePercentage: aws.Float32(50),
					ErrorDetails: &types.InspectionErrorDetails{RetryIndex: aws.Int32(1), RetryBackoffIntervalSeconds: aws.Int32(1)}}}},
		{"JSONata Map: retries spent, caught", sfn.TestStateInput{Definition: aws.String(jsonataMap), Input: jsonataInput,
			Mock: three, StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(2), RetrierRetryCount: aws.Int32(2)}},
			result{Status: "CAUGHT_ERROR", Error: exceeded, Cause: "The specified tolerated failure threshold was exceeded", NextState: "Handle",
				Output: `{"Error":"States.ExceedToleratedFailureThreshold","Cause":"The specified tolerated failure threshold was exceeded"}`}},
		{"JSONPath Map: a tolerance from a path, exceeded", sfn.TestStateInput{Definition: aws.String(jsonPathMap),
			Input: aws.String(`{"order": {"values": [1, 2, 3], "tolerated": 1}}`), InspectionLevel: types.InspectionLevelDebug, Mock: three, StateConfiguration: failures(2)},
			result{Status: "FAILED", Error: exceeded, Cause: "The specified tolerated failure threshold was exceeded",
				Data: &types.InspectionData{Input: aws.String(`{"order": {"values": [1, 2, 3], "tolerated": 1}}`),
					AfterInputPath: aws.String(`{"values":[1,2,3],"tolerated":1}`), AfterItemsPath: aws.String(`[1,2,3]`),
					MaxConcurrency: aws.Int32(0), ToleratedFailureCount: aws.Int32(1)}}},
		{"JSONPath Map: within the tolerance", sfn.TestStateInput{Definition: aws.String(jsonPathMap),
			Input: aws.String(`{"order": {"values": [1, 2, 3], "tolerated": 1}}`), Mock: three, StateConfiguration: failures(1)},
			result{Status: "SUCCEEDED", Output: `{"order":{"values":[1,2,3],"tolerated":1},"done":[1,1,1]}`, NextState: "Ship"}},
		{"a Map without a tolerance succeeds (AWS answers so)", sfn.TestStateInput{Definition: aws.String(untolerant), Input: aws.String(`[1, 2, 3]`),
			InspectionLevel: types.InspectionLevelDebug, Mock: three, StateConfiguration: failures(2)},
			// Values the state did not change come back as written (AWS's
			// recorded answer: "[1, 1, 1]").
			result{Status: "SUCCEEDED", Output: `[1, 1, 1]`, Data: &types.InspectionData{Input: aws.String(`[1, 2, 3]`), AfterInputPath: aws.String(`[1, 2, 3]`),
				AfterItemsPath: aws.String(`[1, 2, 3]`), AfterResultSelector: aws.String(`[1, 1, 1]`), AfterResultPath: aws.String(`[1, 1, 1]`), MaxConcurrency: aws.Int32(0)}}},
		{"a Map's items after ItemsPath and ItemSelector", sfn.TestStateInput{Definition: aws.String(selecting),
			Input: aws.String(`{"order": {"lines": [{"sku": "a"}, {"sku": "b"}], "currency": "EUR"}}`), InspectionLevel: types.InspectionLevelDebug, Mock: &types.MockInput{Result: aws.String(`[10, 20]`)}},
			result{Status: "SUCCEEDED", Output: `{"order":{"lines":[{"sku":"a"},{"sku":"b"}],"currency":"EUR"},"priced":[10,20]}`, Data: &types.InspectionData{
				Input:               aws.String(`{"order": {"lines": [{"sku": "a"}, {"sku": "b"}], "currency": "EUR"}}`),
				AfterInputPath:      aws.String(`{"lines":[{"sku":"a"},{"sku":"b"}],"currency":"EUR"}`),
				AfterItemsPath:      aws.String(`[{"sku":"a"},{"sku":"b"}]`),
				AfterItemSelector:   aws.String(`[{"sku":"a","at":0,"currency":"EUR"},{"sku":"b","at":1,"currency":"EUR"}]`),
				AfterResultSelector: aws.String(`[10, 20]`), AfterResultPath: aws.String(`{"order":{"lines":[{"sku":"a"},{"sku":"b"}],"currency":"EUR"},"priced":[10,20]}`),
				MaxConcurrency: aws.Int32(0)}}},
		{"a Map's ItemsPath not at an array fails it, as on AWS", sfn.TestStateInput{Definition: aws.String(selecting),
			Input: aws.String(`{"order": {"lines": {"sku": "a"}}}`), Mock: &types.MockInput{Result: aws.String(`[10]`)}},
			result{Status: "FAILED", Error: "States.Runtime", Cause: `Map state input must be an array but was: {"sku":"a"}`}},
		// The catchers run in the test machine: a JSONata catcher's
		// Output (below, a JSONPath catcher's ResultPath that cannot
		// apply).
		{"a JSONata catcher's Output", sfn.TestStateInput{Definition: aws.String(caughtJSONata), Input: aws.String(`{"x": 1}`), Mock: mockError},
			result{Status: "CAUGHT_ERROR", Error: "MockException", Cause: "Mock the cause of the error.", NextState: "Handle",
				Output: `{"caught":"MockException","in":1}`}},
		{"a retrier with attempts left: its back-off", sfn.TestStateInput{Definition: aws.String(retried), Input: aws.String(`{}`),
			InspectionLevel: types.InspectionLevelDebug, Mock: mockError, StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(4)}},
			result{Status: "RETRIABLE", Error: "MockException", Cause: "Mock the cause of the error.", Data: &types.InspectionData{Input: aws.String(`{}`),
				AfterArguments: aws.String(`{"FunctionName":"foo","Payload":"bar"}`),
				ErrorDetails:   &types.InspectionErrorDetails{RetryIndex: aws.Int32(0), RetryBackoffIntervalSeconds: aws.Int32(16)}}}},
		{"a retrier with its attempts spent still shows", sfn.TestStateInput{Definition: aws.String(retried), Input: aws.String(`{}`),
			InspectionLevel: types.InspectionLevelDebug, Mock: mockError, StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(5)}},
			result{Status: "FAILED", Error: "MockException", Cause: "Mock the cause of the error.", Data: &types.InspectionData{Input: aws.String(`{}`),
				AfterArguments: aws.String(`{"FunctionName":"foo","Payload":"bar"}`),
				ErrorDetails:   &types.InspectionErrorDetails{RetryIndex: aws.Int32(0)}}}},
	} {
		out, err := c.TestState(ctx, &tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := result{Status: string(out.Status), Output: aws.ToString(out.Output), Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause),
			NextState: aws.ToString(out.NextState), Data: out.InspectionData}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.InspectionData{}, types.InspectionErrorDetails{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(caughtJSONPath), Input: aws.String(`"text"`), Mock: mockError})
	if err != nil {
		t.Errorf("a catcher's ResultPath on an input it cannot extend: %v", err)
	} else if out.Status != types.TestExecutionStatusFailed || aws.ToString(out.Error) != "States.ResultPathMatchFailure" ||
		aws.ToString(out.Cause) != `Unable to apply ResultPath '$.error' to input '"text"'` {
		t.Errorf("a catcher's ResultPath on an input it cannot extend: %s %s: %s", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause))
	}
}

// TestServeTestStateContext: a context given with a mock is the whole
// context object of the tested state ($$, $states.context), as AWS's
// recorded answers have it: exactly what was given, {} for {}.
func TestServeTestStateContext(t *testing.T) {
	c := serveSDK(t, server.Config{})
	ctx := context.Background()
	const (
		full = `{"Execution": {"Id": "arn:aws:states:::execution:MyStateMachine:execution-name-12345",
			"Input": {"input-value": 0, "message": "test data", "values": ["charizard", "pikachu", "bulbasaur"]},
			"Name": "execution-name-12345", "RoleArn": "arn:aws:iam:::role/StepFunctionsRole", "StartTime": "2025-01-15T10:30:00.000Z"},
			"State": {"EnteredTime": "2025-01-15T10:30:01.500Z", "Name": "MyTaskState", "RetryCount": 0},
			"StateMachine": {"Id": "arn:aws:states:::stateMachine:MyStateMachine", "Name": "MyStateMachine"}}`
		task = `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"Parameters": {"FunctionName.$": "$.FunctionName", "Payload": {"Input.$": "$"}},
			"ResultSelector": {"LambdaOutput.$": "$", "ContextObjectValue.$": "$$", "Values.$": "$$.Execution.Input.values",
				"Said.$": "States.Format('{} ($$)', $$.Execution.Name)"}, "End": true}`
		items = `{"Type": "Map", "ItemsPath": "$$.Execution.Input.values", "MaxConcurrency": 1,
			"ItemProcessor": {"StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": true}}}, "End": true}`
		jsonata = `{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
			"Arguments": {"FunctionName": "f", "Payload": "{% $states.context %}"},
			"Output": {"all": "{% $states.context %}", "said": "{% $states.context.State.Name & ' $states.context' %}"}, "End": true}`
	)
	compact := func(s string) string {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(v)
		return string(out)
	}
	pokemon := &types.MockInput{Result: aws.String(`{"pokemon": ["charizard", "pikachu", "bulbasaur"]}`)}
	for _, tc := range []struct {
		name string
		in   sfn.TestStateInput
		want string // the output, compared as JSON values
	}{
		{"JSONPath: $$, a path into it, an intrinsic", sfn.TestStateInput{Definition: aws.String(task), Context: aws.String(full), Mock: pokemon,
			Input: aws.String(`{"FunctionName": "lambda_function_name", "Payload": {"input-value": 0}}`)},
			`{"LambdaOutput": {"pokemon": ["charizard", "pikachu", "bulbasaur"]}, "ContextObjectValue": ` + full + `,
				"Values": ["charizard", "pikachu", "bulbasaur"], "Said": "execution-name-12345 ($$)"}`},
		{"a Map's items from the context", sfn.TestStateInput{Definition: aws.String(items), Context: aws.String(full),
			Input: aws.String(`["fire", "electricity", "grass"]`), Mock: &types.MockInput{Result: aws.String(`["CHARIZARD", "PIKACHU", "BULBASAUR"]`)}},
			`["CHARIZARD", "PIKACHU", "BULBASAUR"]`},
		{"JSONata: $states.context, a literal kept", sfn.TestStateInput{Definition: aws.String(jsonata), Context: aws.String(full), Mock: pokemon},
			`{"all": ` + full + `, "said": "MyTaskState $states.context"}`},
		{"an empty context is all there is", sfn.TestStateInput{Definition: aws.String(jsonata), Context: aws.String(`{}`), Mock: pokemon},
			`{"all": {}, "said": " $states.context"}`},
	} {
		out, err := c.TestState(ctx, &tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := aws.ToString(out.Output); out.Status != types.TestExecutionStatusSucceeded || compact(got) != compact(tc.want) {
			t.Errorf("%s: %s %s: %s\noutput %s\nwant   %s", tc.name, out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), got, compact(tc.want))
		}
	}
	// With the Map's inspection data: its items came from the context.
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(items), Context: aws.String(full), InspectionLevel: types.InspectionLevelDebug,
		Input: aws.String(`["fire"]`), Mock: &types.MockInput{Result: aws.String(`[1, 2, 3]`)}})
	if err != nil || out.InspectionData == nil || aws.ToInt32(out.InspectionData.MaxConcurrency) != 1 {
		t.Errorf("a Map with a context, DEBUG: %v, %+v", err, out)
	}
}
