// Package lambdahandler runs a compiled state machine as an AWS Lambda
// function (github.com/aws/aws-lambda-go): the function's event is the
// execution input and its response the execution output. An execution
// that does not succeed fails the invocation with an error whose
// errorType is the ASL error and whose errorMessage is the cause, which is
// what a Step Functions Task that invokes this function then sees as its
// Error and Cause.
//
// sfn-compile lambda builds a zip whose bootstrap calls Start. A program
// of one's own binds the Task states to Go code first:
//
//	func main() {
//		m := order.New(handlers{}) // the generated package
//		lambdahandler.Start(m, sfnrt.Options{})
//	}
//
// Task states left unbound run through Options.Tasks, e.g. the Lambda
// invoker of package awslambda.
package lambdahandler

import (
	"context"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Error types of invocations that fail before or outside the machine's
// own errors.
const (
	// ErrInvalidInput is the errorType of an event that is not JSON,
	// named after the StartExecution error for the same mistake.
	ErrInvalidInput = "InvalidExecutionInput"
	// ErrExecutionAborted is the errorType of an execution that was
	// aborted, which happens when the invocation's context ends first.
	ErrExecutionAborted = "ExecutionAborted"
)

// A Handler runs a state machine once per invocation. It implements
// lambda.Handler.
type Handler struct {
	m    *sfnrt.Machine
	opts sfnrt.Options
}

// New returns a Handler that runs m with opts for every invocation. When
// opts.Name is empty the execution is named after the invocation's
// request ID; when opts.Account or opts.Region is empty it is read from
// the invoked function's ARN.
func New(m *sfnrt.Machine, opts sfnrt.Options) *Handler {
	return &Handler{m: m, opts: opts}
}

// Start runs m as the Lambda function of this process: lambda.Start with
// New(m, opts). It does not return.
func Start(m *sfnrt.Machine, opts sfnrt.Options) {
	lambda.Start(New(m, opts))
}

// Invoke runs one execution on payload and returns its output as JSON. A
// failed, timed-out or aborted execution returns a
// messages.InvokeResponse_Error, whose Type and Message aws-lambda-go
// reports as errorType and errorMessage: the ASL error and cause
// (States.Timeout for a timed-out execution, which has none).
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var input any = sfnrt.NewObject(0)
	if len(strings.TrimSpace(string(payload))) > 0 {
		v, err := sfnrt.ParseJSON(payload)
		if err != nil {
			return nil, messages.InvokeResponse_Error{Type: ErrInvalidInput, Message: "The execution input is not valid JSON: " + err.Error()}
		}
		input = v
	}
	opts := h.opts
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		if opts.Name == "" {
			opts.Name = lc.AwsRequestID
		}
		// arn:aws:lambda:REGION:ACCOUNT:function:NAME
		if parts := strings.SplitN(lc.InvokedFunctionArn, ":", 7); len(parts) == 7 && parts[2] == "lambda" {
			if opts.Region == "" {
				opts.Region = parts[3]
			}
			if opts.Account == "" {
				opts.Account = parts[4]
			}
		}
	}
	// The outcome is read here and dropped: a Result on the stack, not
	// one allocated per invocation.
	var res sfnrt.Result
	h.m.StartInto(ctx, input, &opts, &res)
	if res.Status == sfnrt.StatusSucceeded {
		return sfnrt.AppendJSON(nil, res.Output), nil
	}
	return nil, failure(&res)
}

// failure is the invocation error of an execution that did not succeed.
func failure(res *sfnrt.Result) messages.InvokeResponse_Error {
	e := messages.InvokeResponse_Error{Type: res.Error, Message: res.Cause}
	if !res.HasError {
		switch res.Status {
		case sfnrt.StatusTimedOut:
			e.Type = sfnrt.ErrTimeout
		case sfnrt.StatusAborted:
			e.Type = ErrExecutionAborted
		default:
			e.Type = sfnrt.ErrTaskFailed
		}
	}
	if !res.HasError && !res.HasCause {
		e.Message = "execution " + strings.ToLower(strings.ReplaceAll(res.Status, "_", " "))
	}
	return e
}
