package lambdahandler

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

var _ lambda.Handler = (*Handler)(nil)

// testMachine fails on {"fail": true}, runs its Task on {"task": true}
// and otherwise echoes its input and execution ARN.
func testMachine() *sfnrt.Machine {
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Work", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, input any) (int, any, error) {
		if v, _ := sfnrt.Field(input, "fail"); v == true {
			return 0, nil, sfnrt.NewError("Boom", "it broke")
		}
		if v, _ := sfnrt.Field(input, "task"); v == true {
			out, err := f.RunTask(ctx, "arn:aws:lambda:us-east-1:1:function:f", 0, 0, input, nil)
			return sfnimpl.End, out, err
		}
		return sfnimpl.End, sfnrt.ObjectOf(sfnrt.Member{Key: "input", Value: input}, sfnrt.Member{Key: "execution", Value: f.X.ID()}), nil
	}
	return &sfnrt.Machine{Name: "Test", Program: p}
}

type constInvoker struct{ v any }

func (c constInvoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	return c.v, nil
}

func TestInvoke(t *testing.T) {
	lc := &lambdacontext.LambdaContext{AwsRequestID: "req-1", InvokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:fn"}
	tests := []struct {
		name    string
		ctx     context.Context
		opts    sfnrt.Options
		payload string
		want    string
		wantErr *messages.InvokeResponse_Error
	}{
		{"output", lambdacontext.NewContext(context.Background(), lc), sfnrt.Options{}, `{"a":1.50,"b":[true,null]}`,
			`{"input":{"a":1.5,"b":[true,null]},"execution":"arn:aws:states:eu-west-1:111122223333:execution:Test:req-1"}`, nil},
		{"options win", lambdacontext.NewContext(context.Background(), lc), sfnrt.Options{Name: "n", Account: "9", Region: "r"}, `1`,
			`{"input":1,"execution":"arn:aws:states:r:9:execution:Test:n"}`, nil},
		{"empty event is {}", lambdacontext.NewContext(context.Background(), lc), sfnrt.Options{}, ` `,
			`{"input":{},"execution":"arn:aws:states:eu-west-1:111122223333:execution:Test:req-1"}`, nil},
		{"no Lambda context", context.Background(), sfnrt.Options{Name: "x"}, `{}`,
			`{"input":{},"execution":"arn:aws:states:us-east-1:123456789012:execution:Test:x"}`, nil},
		{"failure", context.Background(), sfnrt.Options{}, `{"fail":true}`, "",
			&messages.InvokeResponse_Error{Type: "Boom", Message: "it broke"}},
		{"unbound task without invoker", context.Background(), sfnrt.Options{}, `{"task":true}`, "",
			&messages.InvokeResponse_Error{Type: "States.Runtime", Message: "No handler is bound to Task state 'Work' (resource arn:aws:lambda:us-east-1:1:function:f): " + sfncli.BindingHelp}},
		{"unbound task with invoker", context.Background(), sfnrt.Options{Tasks: constInvoker{"done"}}, `{"task":true}`, `"done"`, nil},
		{"not JSON", context.Background(), sfnrt.Options{}, `{`, "",
			&messages.InvokeResponse_Error{Type: "InvalidExecutionInput", Message: "The execution input is not valid JSON: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := New(testMachine(), tt.opts).Invoke(tt.ctx, []byte(tt.payload))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if diff := cmp.Diff(tt.want, string(out)); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
				return
			}
			var ie messages.InvokeResponse_Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an InvokeResponse_Error", err, err)
			}
			if tt.name == "not JSON" {
				ie.Message = ie.Message[:len(tt.wantErr.Message)]
			}
			if diff := cmp.Diff(*tt.wantErr, ie); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFailure(t *testing.T) {
	tests := []struct {
		res  sfnrt.Result
		want messages.InvokeResponse_Error
	}{
		{sfnrt.Result{Status: sfnrt.StatusFailed, Error: "E", HasError: true, Cause: "c", HasCause: true}, messages.InvokeResponse_Error{Type: "E", Message: "c"}},
		{sfnrt.Result{Status: sfnrt.StatusFailed, Error: "E", HasError: true}, messages.InvokeResponse_Error{Type: "E"}},
		{sfnrt.Result{Status: sfnrt.StatusFailed, Cause: "only a cause", HasCause: true}, messages.InvokeResponse_Error{Type: "States.TaskFailed", Message: "only a cause"}},
		{sfnrt.Result{Status: sfnrt.StatusTimedOut}, messages.InvokeResponse_Error{Type: "States.Timeout", Message: "execution timed out"}},
		{sfnrt.Result{Status: sfnrt.StatusAborted}, messages.InvokeResponse_Error{Type: "ExecutionAborted", Message: "execution aborted"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, failure(&tt.res)); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.res, diff)
		}
	}
}
