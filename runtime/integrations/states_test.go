package integrations

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// childMachine is a machine "Child" of one Task state that a Go handler
// answers: it doubles n, and fails with Odd on an odd n.
func childMachine() *sfnrt.Machine {
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Double", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, input any) (int, any, error) {
		out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, input, func(ctx context.Context, in any) (any, error) {
			v, _ := sfnrt.Field(in, "n")
			n, _ := sfnrt.Int(v)
			if n%2 != 0 {
				return nil, sfnrt.NewError("Odd", "n is odd")
			}
			return sfnrt.ObjectOf(sfnrt.Member{Key: "n", Value: 2 * n}), nil
		})
		return sfnimpl.End, out, err
	}
	return &sfnrt.Machine{Name: "Child", Program: p}
}

func TestStartExecution(t *testing.T) {
	isolate(t)
	inv, err := New(t.Context(), Options{Machines: map[string]*sfnrt.Machine{"Child": childMachine()}})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Child"
	out, e := invoke(t, inv, "arn:aws:states:::states:startExecution.sync", `{"StateMachineArn":"`+arn+`","Name":"c1","Input":{"n":2}}`)
	if e != nil {
		t.Fatalf("%s: %s", e.Name, e.Cause)
	}
	for k, want := range map[string]any{"Output": `{"n":4}`, "Input": `{"n":2}`, "Status": "SUCCEEDED", "Name": "c1",
		"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:Child:c1", "StateMachineArn": arn} {
		if diff := cmp.Diff(want, member(t, out, k)); diff != "" {
			t.Errorf(".sync %s (-want +got):\n%s", k, diff)
		}
	}
	if _, ok := member(t, out, "StartDate").(int64); !ok {
		t.Errorf(".sync StartDate is not epoch milliseconds: %s", out)
	}
	// .sync:2 parses Output; an Input given as a string is the child's JSON input.
	out, e = invoke(t, inv, "arn:aws:states:::states:startExecution.sync:2", `{"StateMachineArn":"`+arn+`","Input":"{\"n\":4}"}`)
	if e != nil {
		t.Fatalf("%s: %s", e.Name, e.Cause)
	}
	if diff := cmp.Diff(`{"n":8}`, sfnrtJSON(member(t, out, "Output"))); diff != "" {
		t.Errorf(".sync:2 Output (-want +got):\n%s", diff)
	}
	_, e = invoke(t, inv, "arn:aws:states:::states:startExecution.sync", `{"StateMachineArn":"`+arn+`","Input":{"n":3}}`)
	if e == nil || e.Name != sfnrt.ErrTaskFailed || !strings.Contains(e.Cause, `"Error":"Odd"`) || !strings.Contains(e.Cause, `"Status":"FAILED"`) {
		t.Errorf("a failed child: %v, want States.TaskFailed with its description", e)
	}
	out, e = invoke(t, inv, "arn:aws:states:::states:startExecution", `{"StateMachineArn":"`+arn+`","Name":"bg","Input":{"n":2}}`)
	if e != nil || member(t, out, "ExecutionArn") != "arn:aws:states:us-east-1:123456789012:execution:Child:bg" {
		t.Errorf("request-response: %s, %v", out, e)
	}
	_, e = invoke(t, inv, "arn:aws:states:::states:startExecution.sync", `{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"}`)
	if e == nil || e.Name != "StepFunctions.StateMachineDoesNotExistException" || !strings.Contains(e.Cause, "machines linked in: Child") {
		t.Errorf("a machine not linked in: %v", e)
	}
}

func TestParseResource(t *testing.T) {
	for _, tt := range []struct {
		arn  string
		want Resource
		ok   bool
	}{
		{"arn:aws:states:::aws-sdk:s3:getObject", Resource{Partition: "aws", SDK: true, Service: "s3", Action: "getObject"}, true},
		{"arn:aws:states:us-east-1:123456789012:dynamodb:getItem", Resource{Partition: "aws", Region: "us-east-1", Account: "123456789012", Service: "dynamodb", Action: "getItem"}, true},
		{"arn:aws:states:::states:startExecution.sync:2", Resource{Partition: "aws", Service: "states", Action: "startExecution", Pattern: ".sync:2"}, true},
		{"arn:aws-cn:states:::sqs:sendMessage.waitForTaskToken", Resource{Partition: "aws-cn", Service: "sqs", Action: "sendMessage", Pattern: ".waitForTaskToken"}, true},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", Resource{}, false},
		{"arn:aws:states:us-east-1:123456789012:activity:a", Resource{}, false},
		{"arn:aws:states:::aws-sdk:s3", Resource{}, false},
		{"arn:aws:states:::s3:.sync", Resource{}, false},
	} {
		got, ok := ParseResource(tt.arn)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseResource(%q) = %+v, %v; want %+v, %v", tt.arn, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseResource(f *testing.F) {
	for _, s := range []string{"arn:aws:states:::aws-sdk:s3:getObject", "arn:aws:states:us-east-1:1:states:startExecution.sync:2", "arn:::::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		r, ok := ParseResource(arn)
		if !ok {
			return
		}
		again, ok := ParseResource(r.String())
		if !ok || again.Service != r.Service || again.Action != r.Action || again.Pattern != r.Pattern || again.SDK != r.SDK {
			t.Errorf("%q parses to %+v, whose String %q parses to %+v, %v", arn, r, r.String(), again, ok)
		}
	})
}

// TestUnbound checks the error of a Task that nothing runs: it names the
// fixes.
func TestUnbound(t *testing.T) {
	inv := newInvoker(t, nil)
	for _, tt := range []struct{ resource, want string }{
		{"arn:aws:states:::aws-sdk:ec2:describeInstances", "(resource arn:aws:states:::aws-sdk:ec2:describeInstances): the AWS SDK integration of service 'ec2' is not linked in: register its client in Go with integrations.Register(\"ec2\", ...), or bind a Go handler (sfn-compile gen -handlers)"},
		{"arn:aws:states:::ecs:runTask.sync", "No handler is bound to Task state 'Call' (resource arn:aws:states:::ecs:runTask.sync): bind a Go handler (sfn-compile gen -handlers), answer it with a mock (--mock-config FILE --test-case NAME), or run it as an integration with an endpoint (--endpoint SERVICE=URL)"},
	} {
		_, e := invoke(t, inv, tt.resource, `{}`)
		if e == nil || e.Name != sfnrt.ErrRuntime || !strings.Contains(e.Cause, tt.want) {
			t.Errorf("%s: %v, want States.Runtime with %q", tt.resource, e, tt.want)
		}
	}
}

// TestAwaitTaskToken checks the .waitForTaskToken pattern: the request
// goes out as in request-response, and the Task's result is what
// SendTaskSuccess sends for its token, not the service's response. The
// receiver here completes the token once the request has arrived, as a
// consumer of the event would.
func TestAwaitTaskToken(t *testing.T) {
	var sent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sent = string(b)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Entries":[{"EventId":"e-1"}],"FailedEntryCount":0}`)
	}))
	defer srv.Close()
	isolate(t)
	inv, err := New(t.Context(), Options{Endpoints: map[string]string{"events": srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	completing := completeToken{inv: inv, output: `{"approved":true}`}
	out, e := invoke(t, completing, "arn:aws:states:::events:putEvents.waitForTaskToken", `{"Entries":[{"Source":"s","DetailType":"d","Detail":{"token":"T"}}]}`)
	if e != nil || out != `{"approved":true}` {
		t.Errorf("result %s, %v; want the output sent for the token", out, e)
	}
	if !strings.Contains(sent, `"Detail":"{\"token\":\"T\"}"`) {
		t.Errorf("the request was not sent: %q", sent)
	}
}

// completeToken invokes inv, then, once the request is sent, completes
// the Task's token with output from another goroutine.
type completeToken struct {
	inv    sfnrt.TaskInvoker
	output string
}

func (c completeToken) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	call, ok := sfnrt.TaskCallFrom(ctx)
	if !ok || call.Token == "" {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "no task token in the Task's context")
	}
	out, err := c.inv.InvokeTask(ctx, state, resource, input, attempt)
	if err == nil {
		go sfnrt.SendTaskSuccess(call.Token, c.output)
	}
	return out, err
}
