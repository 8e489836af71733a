package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// parentMachine writes its input's text to S3, starts the machine "child"
// (linked in with --with) to read it back, calls an HTTP API through a
// connection, and catches S3's error for a missing key by the name Step
// Functions gives it.
const parentMachine = `{
  "StartAt": "Bucket",
  "States": {
    "Bucket": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:createBucket", "Parameters": {"Bucket": "data"}, "ResultPath": null, "Next": "Put"},
    "Put": {
      "Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:putObject",
      "Parameters": {"Bucket": "data", "Key": "note.txt", "Body.$": "$.text"}, "ResultPath": null, "Next": "Child"
    },
    "Child": {
      "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child",
        "Input": {"Key": "note.txt", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
      "ResultSelector": {"read.$": "$.Output.Body", "parent.$": "$.Output.Parent"}, "ResultPath": "$.child", "Next": "Call"
    },
    "Call": {
      "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
      "Parameters": {"ApiEndpoint.$": "$.api", "Method": "POST", "RequestBody": {"text.$": "$.text"},
        "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/api/1"}},
      "ResultSelector": {"status.$": "$.StatusCode", "echo.$": "$.ResponseBody"}, "ResultPath": "$.http", "Next": "Missing"
    },
    "Missing": {
      "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "data", "Key": "absent"},
      "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.caught", "Next": "Done"}], "Next": "Done"
    },
    "Done": {"Type": "Pass", "Parameters": {"child.$": "$.child", "http.$": "$.http", "caught.$": "$.caught.Error"}, "End": true}
  }
}`

const childMachine = `{
  "StartAt": "Get",
  "States": {
    "Get": {
      "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "data", "Key.$": "$.Key"},
      "ResultSelector": {"Body.$": "$.Body"}, "ResultPath": "$.got", "Next": "Out"
    },
    "Out": {"Type": "Pass", "Parameters": {"Body.$": "$.got.Body", "Parent.$": "$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"}, "End": true}
  }
}`

// TestRunIntegrations runs a machine that calls S3 (versitygw), an HTTP
// API and a nested machine, with sfn-compile run: --endpoint,
// --connections and --with, and nothing on stderr.
func TestRunIntegrations(t *testing.T) {
	needGo(t)
	s3 := testservers.S3(t)
	awsEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", testservers.S3AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testservers.S3SecretKey)
	t.Setenv("AWS_REGION", "")
	isolateCache(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"key":"`+r.Header.Get("X-Api-Key")+`","got":`+string(body)+`}`)
	}))
	defer api.Close()
	dir := t.TempDir()
	parent := writeFile(t, dir, "parent.asl.json", parentMachine)
	child := writeFile(t, dir, "child.asl.json", childMachine)
	conns := writeFile(t, dir, "connections.json", `{"arn:aws:events:us-east-1:123456789012:connection/api/1":
		{"AuthorizationType": "API_KEY", "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "X-Api-Key", "ApiKeyValue": "k"}}}}`)

	code, stdout, stderr := runCLI(t, 8*time.Minute, "run", "--endpoint", "s3="+s3, "--connections", conns, "--with", child,
		"--name", "parent", "--input", `{"text":"hi there","api":"`+api.URL+`"}`, parent)
	if code != 0 || stderr != "" {
		t.Fatalf("run: exit %d, stderr:\n%s", code, stderr)
	}
	out := sfnrt.MustParseJSON(stdout)
	want := `{"child":{"read":"hi there","parent":"arn:aws:states:us-east-1:123456789012:execution:parent:X"},` +
		`"http":{"status":200,"echo":{"key":"k","got":{"text":"hi there"}}},"caught":"S3.NoSuchKeyException"}`
	// The execution name is random: compare up to it.
	got := sfnrt.ToJSON(out)
	if i := strings.Index(got, ":execution:parent:"); i > 0 {
		j := strings.IndexByte(got[i:], '"')
		got = got[:i] + ":execution:parent:X" + got[i+j:]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}

}
