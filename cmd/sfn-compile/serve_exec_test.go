package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/server"
)

// waitMachine waits $.seconds, then answers a greeting.
const waitMachine = `{"StartAt": "Pause", "States": {
  "Pause": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Greet"},
  "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.who)"}, "End": true}}}`

// waitFor describes the execution until it has ended (or the deadline).
func waitFor(t testing.TB, c *sfn.Client, arn string, within time.Duration) *sfn.DescribeExecutionOutput {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		d, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still RUNNING after %v", arn, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startExec(t testing.TB, c *sfn.Client, machineARN, name, input string) string {
	t.Helper()
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(input)}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := c.StartExecution(context.Background(), in)
	if err != nil {
		t.Fatalf("StartExecution %s: %v", name, err)
	}
	return aws.ToString(out.ExecutionArn)
}

// Every execution action of a Standard machine through the Go SDK, on
// the durable store the server keeps under its data folder.
func TestServeStandardExecutions(t *testing.T) {
	needGo(t)
	isolateCache(t)
	ctx := context.Background()
	c := serveSDK(t, server.Config{DataDir: t.TempDir()})
	arn := createMachine(t, c, "greeter", "STANDARD", waitMachine)

	// An execution runs to SUCCEEDED; its description and history say so.
	first := startExec(t, c, arn, "first", `{"seconds": 0, "who": "SDK"}`)
	if want := "arn:aws:states:us-east-1:123456789012:execution:greeter:first"; first != want {
		t.Errorf("executionArn %s, want %s", first, want)
	}
	d := waitFor(t, c, first, 2*time.Minute)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"greeting":"Hello, SDK!"}` ||
		aws.ToString(d.Input) != `{"seconds": 0, "who": "SDK"}` || aws.ToString(d.StateMachineArn) != arn || aws.ToString(d.Name) != "first" {
		t.Errorf("describe: %s %q %q %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Input), aws.ToString(d.StateMachineArn), aws.ToString(d.Name))
	}
	if d.StartDate == nil || d.StopDate == nil || d.StopDate.Before(*d.StartDate) || time.Since(*d.StartDate) > time.Hour {
		t.Errorf("dates: start %v, stop %v", d.StartDate, d.StopDate)
	}
	if d.StateMachineVersionArn != nil || d.StateMachineAliasArn != nil {
		t.Errorf("an unqualified start has version %v, alias %v", d.StateMachineVersionArn, d.StateMachineAliasArn)
	}
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first)})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []types.HistoryEventType
	for _, ev := range hist.Events {
		kinds = append(kinds, ev.Type)
	}
	want := []types.HistoryEventType{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if ev := hist.Events[0]; ev.Timestamp == nil || ev.Timestamp.Sub(*d.StartDate).Abs() > time.Second ||
		ev.ExecutionStartedEventDetails == nil || aws.ToString(ev.ExecutionStartedEventDetails.Input) != `{"seconds":0,"who":"SDK"}` {
		t.Errorf("first event: %+v", ev)
	}
	// Reversed, a page at a time, without data.
	page, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first), ReverseOrder: true, MaxResults: 4, IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 4 || page.Events[0].Type != "ExecutionSucceeded" || page.NextToken == nil ||
		page.Events[0].ExecutionSucceededEventDetails == nil || page.Events[0].ExecutionSucceededEventDetails.Output != nil {
		t.Errorf("reversed page: %d events, first %+v, next %v", len(page.Events), page.Events[0], page.NextToken)
	}
	rest, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first), ReverseOrder: true, MaxResults: 4, NextToken: page.NextToken})
	if err != nil || len(rest.Events) != 2 || rest.Events[1].Type != "ExecutionStarted" || rest.NextToken != nil {
		t.Errorf("second page: %+v, %v", rest, err)
	}

	// AWS's idempotency: the same name and input while it runs is the same
	// execution; another input, or once it has ended, ExecutionAlreadyExists.
	long := startExec(t, c, arn, "long", `{"seconds": 600, "who": "stop"}`)
	if again := startExec(t, c, arn, "long", `{"seconds": 600, "who": "stop"}`); again != long {
		t.Errorf("same start again: %s, want %s", again, long)
	}
	for _, in := range []struct{ name, input string }{{"long", `{}`}, {"first", `{"seconds": 0, "who": "SDK"}`}} {
		_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(in.name), Input: aws.String(in.input)})
		var exists *types.ExecutionAlreadyExists
		if !errors.As(err, &exists) {
			t.Errorf("start %s with %s: %v, want ExecutionAlreadyExists", in.name, in.input, err)
		}
	}

	// Listing, filtered and paged, newest first.
	running, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: types.ExecutionStatusRunning})
	if err != nil || len(running.Executions) != 1 || aws.ToString(running.Executions[0].ExecutionArn) != long || running.Executions[0].StopDate != nil {
		t.Errorf("running: %+v, %v", running, err)
	}
	all, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: 1})
	if err != nil || len(all.Executions) != 1 || aws.ToString(all.Executions[0].Name) != "long" || all.NextToken == nil {
		t.Fatalf("first page: %+v, %v", all, err)
	}
	next, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: 1, NextToken: all.NextToken})
	if err != nil || len(next.Executions) != 1 || aws.ToString(next.Executions[0].Name) != "first" {
		t.Errorf("second page: %+v, %v", next, err)
	}

	// Redrive is refused as AWS refuses a running execution.
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(long)})
	var notRedrivable *types.ExecutionNotRedrivable
	if !errors.As(err, &notRedrivable) {
		t.Errorf("redrive of a running execution: %v", err)
	}

	// An update while it runs: the running execution keeps its revision.
	forExec, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(long)})
	if err != nil || aws.ToString(forExec.Definition) != waitMachine || aws.ToString(forExec.Name) != "greeter" {
		t.Fatalf("DescribeStateMachineForExecution: %+v, %v", forExec, err)
	}
	mid := startExec(t, c, arn, "mid-update", `{"seconds": 2, "who": "mid"}`)
	updated := strings.Replace(waitMachine, "Hello", "Goodbye", 1)
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(updated), Publish: true}); err != nil {
		t.Fatal(err)
	}
	forExec, err = c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(long)})
	if err != nil || aws.ToString(forExec.Definition) != waitMachine {
		t.Errorf("after the update, DescribeStateMachineForExecution: %+v, %v", forExec, err)
	}

	if d := waitFor(t, c, mid, time.Minute); aws.ToString(d.Output) != `{"greeting":"Hello, mid!"}` {
		t.Errorf("an execution running during the update: %s %q, want the revision it started on", d.Status, aws.ToString(d.Output))
	}

	// Stop: ABORTED, with the error and cause asked for, and the history's
	// last event says so.
	stopped, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(long), Error: aws.String("Operator"), Cause: aws.String("changed my mind")})
	if err != nil || stopped.StopDate == nil {
		t.Fatalf("stop: %+v, %v", stopped, err)
	}
	d = waitFor(t, c, long, time.Minute)
	if d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Operator" || aws.ToString(d.Cause) != "changed my mind" {
		t.Errorf("stopped: %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	last, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(long), ReverseOrder: true, MaxResults: 1})
	if err != nil || len(last.Events) != 1 || last.Events[0].Type != types.HistoryEventTypeExecutionAborted {
		t.Errorf("last event of a stopped execution: %+v, %v", last, err)
	}
	// Redrive: the aborted execution runs again from its Wait, counted.
	redriven, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(long)})
	if err != nil || redriven.RedriveDate == nil {
		t.Fatalf("redrive of an aborted execution: %+v, %v", redriven, err)
	}
	if d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(long)}); err != nil ||
		d.Status != types.ExecutionStatusRunning || aws.ToInt32(d.RedriveCount) != 1 {
		t.Errorf("after the redrive: %+v, %v", d, err)
	}
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(long)}); err != nil {
		t.Errorf("stop after the redrive: %v", err)
	}

	// The updated revision, its version 1 and an alias on it.
	after := startExec(t, c, arn, "after-update", `{"seconds": 0, "who": "SDK"}`)
	if d := waitFor(t, c, after, 2*time.Minute); aws.ToString(d.Output) != `{"greeting":"Goodbye, SDK!"}` {
		t.Errorf("after the update: %s %q", d.Status, aws.ToString(d.Output))
	}
	alias, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	byVersion := startExec(t, c, arn+":1", "by-version", `{"seconds": 0, "who": "v1"}`)
	byAlias := startExec(t, c, aws.ToString(alias.StateMachineAliasArn), "by-alias", `{"seconds": 0, "who": "alias"}`)
	for _, tc := range []struct {
		arn, version, alias, output string
	}{
		{byVersion, arn + ":1", "", `{"greeting":"Goodbye, v1!"}`},
		{byAlias, arn + ":1", arn + ":live", `{"greeting":"Goodbye, alias!"}`},
	} {
		d := waitFor(t, c, tc.arn, time.Minute)
		if aws.ToString(d.StateMachineVersionArn) != tc.version || aws.ToString(d.StateMachineAliasArn) != tc.alias || aws.ToString(d.Output) != tc.output {
			t.Errorf("%s: version %q, alias %q, output %q", tc.arn, aws.ToString(d.StateMachineVersionArn), aws.ToString(d.StateMachineAliasArn), aws.ToString(d.Output))
		}
		fe, err := c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(tc.arn)})
		if err != nil || aws.ToString(fe.Definition) != updated {
			t.Errorf("DescribeStateMachineForExecution(%s): %+v, %v", tc.arn, fe, err)
		}
	}
	for _, tc := range []struct{ arn, want string }{{arn + ":1", "by-alias by-version"}, {arn + ":live", "by-alias"}} {
		l, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(tc.arn)})
		var names []string
		for _, e := range l.Executions {
			names = append(names, aws.ToString(e.Name))
		}
		if err != nil || strings.Join(names, " ") != tc.want {
			t.Errorf("executions of %s: %v, %v; want %s", tc.arn, names, err, tc.want)
		}
	}

	// AWS's errors.
	errs := []struct {
		name string
		call func() error
		want string
	}{
		{"unknown execution", func() error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn[:strings.LastIndex(arn, "stateMachine")] + "execution:greeter:nope")})
			return err
		}, "ExecutionDoesNotExist"},
		{"not an execution ARN", func() error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			return err
		}, "InvalidArn"},
		{"unknown machine", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "-nope")})
			return err
		}, "StateMachineDoesNotExist"},
		{"bad name", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String("a b")})
			return err
		}, "InvalidName"},
		{"bad input", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String("{")})
			return err
		}, "InvalidExecutionInput"},
		{"bad status filter", func() error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), StatusFilter: "DONE"})
			return err
		}, "ValidationException"},
		{"bad token", func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("forged"), Output: aws.String("{}")})
			return err
		}, "InvalidToken"},
		{"bad next token", func() error {
			_, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first), NextToken: aws.String("!!")})
			return err
		}, "InvalidToken"},
	}
	for _, tc := range errs {
		if got := apiCode(tc.call()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A callback Task's token completed through SendTaskHeartbeat,
// SendTaskSuccess and SendTaskFailure: the Task publishes it to SNS
// (goaws, a real local server), and the test reads it where a worker
// could, in the Task's parameters in the history.
func TestServeStandardCallbacks(t *testing.T) {
	needGo(t)
	awsEnv(t)
	isolateCache(t)
	ctx := context.Background()
	// The workers get the server's environment: its AWS configuration.
	t.Setenv("AWS_ENDPOINT_URL_SNS", testservers.Goaws(t))
	c := serveSDK(t, server.Config{DataDir: t.TempDir()})
	arn := createMachine(t, c, "approval", "STANDARD", `{"StartAt": "Ask", "States": {
  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
    "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:`+testservers.GoawsAccount+`:news", "Message": {"token.$": "$$.Task.Token"}},
    "HeartbeatSeconds": 600, "End": true}}}`)

	// token returns the execution's task token once its Task waits: the
	// first heartbeat that its Task takes.
	token := func(exec string) string {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec)})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range h.Events {
				if ev.TaskScheduledEventDetails != nil {
					var p struct{ Message struct{ Token string } }
					json.Unmarshal([]byte(aws.ToString(ev.TaskScheduledEventDetails.Parameters)), &p)
					_, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(p.Message.Token)})
					if err == nil {
						return p.Message.Token
					}
					if apiCode(err) != "TaskDoesNotExist" {
						t.Fatalf("heartbeat: %v", err)
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		d, _ := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(exec)})
		t.Fatalf("%s waits for no token: %s %s %s", exec, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		return ""
	}
	ok := startExec(t, c, arn, "approved", `{}`)
	tok := token(ok)
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{"approved": true}`)}); err != nil {
		t.Fatal(err)
	}
	if d := waitFor(t, c, ok, time.Minute); d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"approved":true}` {
		t.Errorf("approved: %s %q", d.Status, aws.ToString(d.Output))
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{}`)}); apiCode(err) != "TaskDoesNotExist" {
		t.Errorf("a used token: %v", err)
	}
	no := startExec(t, c, arn, "refused", `{}`)
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(token(no)), Error: aws.String("Refused"), Cause: aws.String("no budget")}); err != nil {
		t.Fatal(err)
	}
	if d := waitFor(t, c, no, time.Minute); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Refused" || aws.ToString(d.Cause) != "no budget" {
		t.Errorf("refused: %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}

// apiCode returns the error code of an SDK error, "" for nil.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

// A Standard execution of "ARN#TestCase" answers its Task states from
// that test case of the mock config (Step Functions Local's convention),
// on workers of its own; the same machine without the suffix calls
// Lambda (here: no endpoint, so the Task fails).
func TestServeStandardMock(t *testing.T) {
	needGo(t)
	awsEnv(t)
	isolateCache(t)
	mock := writeFile(t, t.TempDir(), "mock.json", `{
  "StateMachines": {"greet": {"TestCases": {"Happy": {"Call": "Hello"}, "Sad": {"Call": "Oops"}}}},
  "MockedResponses": {
    "Hello": {"0": {"Return": {"greeting": "hello from the mock"}}},
    "Oops": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "mocked failure"}}}}
}`)
	c := serveSDK(t, server.Config{DataDir: t.TempDir(), MockConfig: mock})
	arn := createMachine(t, c, "greet", "STANDARD", `{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet", "End": true}}}`)
	for _, tc := range []struct{ suffix, status, output, errName string }{
		{"#Happy", "SUCCEEDED", `{"greeting":"hello from the mock"}`, ""},
		{"#Sad", "FAILED", "", "Lambda.ServiceException"},
	} {
		exec := startExec(t, c, arn+tc.suffix, "", `{}`)
		d := waitFor(t, c, exec, 2*time.Minute)
		if string(d.Status) != tc.status || aws.ToString(d.Output) != tc.output || aws.ToString(d.Error) != tc.errName {
			t.Errorf("%s: %s %q %s %s", tc.suffix, d.Status, aws.ToString(d.Output), aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	}
	_, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#Nope")})
	if apiCode(err) != "ValidationException" || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("an unknown test case: %v", err)
	}
}
