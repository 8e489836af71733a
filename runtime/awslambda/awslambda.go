// Package awslambda runs the Task states of a compiled state machine that
// invoke AWS Lambda functions, through the AWS SDK for Go v2, with the
// results and error names AWS Step Functions gives them.
//
// Two Resource forms are Lambda invocations:
//
//   - a function ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]:
//     the state's effective input is the function's payload and its result
//     is the function's response;
//   - the optimized integration arn:aws:states:::lambda:invoke, whose
//     effective input holds FunctionName and optionally Payload,
//     InvocationType, Qualifier, ClientContext and LogType: its result is
//     the invoke response, {"ExecutedVersion", "Payload", "SdkHttpMetadata",
//     "SdkResponseMetadata", "StatusCode"}, with Payload parsed from JSON;
//   - its callback form arn:aws:states:::lambda:invoke.waitForTaskToken,
//     whose request is the same (the machine puts $$.Task.Token in the
//     Payload): the runtime then waits for SendTaskSuccess or
//     SendTaskFailure with the token, whose outcome is the Task's result.
//
// A function error (the response carries X-Amz-Function-Error) fails the
// task with the ASL error named by the error payload's errorType, or
// Lambda.Unknown when it has none (a timeout, an out-of-memory kill), and
// the error payload as the cause. A failure of the Lambda service or of
// the SDK fails it with Lambda.<ErrorCode> for the errors the Lambda API
// models (Lambda.ServiceException, Lambda.TooManyRequestsException,
// Lambda.ResourceNotFoundException, ...), Lambda.AWSLambdaException for
// any other error response, and Lambda.SdkClientException when no
// response came back (network, credentials, request errors).
//
// This package imports the AWS SDK; the runtime package sfnrt does not, so
// programs that invoke no Lambda function do not link it.
package awslambda

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	// Links the task tokens' HMAC: the functions this package invokes
	// answer .waitForTaskToken Tasks through it (SendTaskSuccess), and the
	// AWS SDK links the crypto packages anyway.
	_ "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Client is the part of the Lambda API an Invoker calls; *lambda.Client
// implements it.
type Client interface {
	Invoke(ctx context.Context, params *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Options configure an Invoker.
type Options struct {
	// Client invokes the functions. Default: a client built from the
	// standard AWS configuration chain (environment, shared config and
	// credentials files, IAM role), with the SDK's own retries turned off
	// so that the state machine's Retry fields decide, as they do on AWS.
	Client Client
	// Endpoint, when set, is the base URL of the Lambda API the default
	// client calls, e.g. http://127.0.0.1:3001 for a local emulator of the
	// Lambda Invoke API. Without it the endpoint comes from the
	// configuration chain (AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, or
	// the region's) and a function ARN's region selects the region called.
	Endpoint string
	// Next answers the Task states whose Resource is not a Lambda
	// invocation. Default: they fail with States.Runtime.
	Next sfnrt.TaskInvoker
}

// An Invoker is an sfnrt.TaskInvoker that invokes Lambda functions.
type Invoker struct {
	client   Client
	endpoint string
	next     sfnrt.TaskInvoker
	// noRegion is set when the configuration names no region: only
	// function ARNs, which name theirs, can then be invoked.
	noRegion bool
}

// New returns an Invoker. Without o.Client it loads the AWS configuration
// with config.LoadDefaultConfig; with o.Endpoint and no region configured
// it uses us-east-1 (a local endpoint does not care), and with neither it
// calls the region a function ARN names; invokes of a function by name
// then fail with Lambda.SdkClientException. The SDK's log output is off:
// nothing but the machine's own output reaches stderr.
func New(ctx context.Context, o Options) (*Invoker, error) {
	inv := &Invoker{client: o.Client, endpoint: o.Endpoint, next: o.Next}
	if inv.client != nil {
		return inv, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		config.WithLogger(logging.Nop{}))
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		if o.Endpoint == "" {
			// Fail the Lambda Tasks that name no region, not the
			// program: an execution may never reach one.
			inv.noRegion = true
		} else {
			cfg.Region = "us-east-1"
		}
	}
	inv.client = lambda.NewFromConfig(cfg, func(lo *lambda.Options) {
		if o.Endpoint != "" {
			lo.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	return inv, nil
}

// errNoRegion is the error of an invoke with no region to call.
var errNoRegion = errors.New("Unable to find a region via the region provider chain: set AWS_REGION, a region in the AWS config file, or an endpoint, or name the function by its ARN")

// IsLambdaResource reports whether a Task state's Resource is one that an
// Invoker invokes: a Lambda function ARN or arn:aws:states:::lambda:invoke
// (in any partition), with or without .waitForTaskToken.
func IsLambdaResource(resource string) bool {
	_, ok := parseResource(resource)
	return ok
}

// resourceKind is the form of a Lambda resource.
type resourceKind int

const (
	directARN      resourceKind = iota + 1 // arn:aws:lambda:...:function:NAME
	invokeIntegr                           // arn:aws:states:::lambda:invoke
	invokeCallback                         // arn:aws:states:::lambda:invoke.waitForTaskToken
)

func parseResource(resource string) (resourceKind, bool) {
	parts := strings.SplitN(resource, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" {
		return 0, false
	}
	switch {
	case parts[2] == "lambda" && len(parts) == 7 && parts[3] != "" && parts[4] != "" && parts[5] == "function" && parts[6] != "":
		return directARN, true
	case parts[2] == "states" && parts[3] == "" && parts[4] == "" && len(parts) == 7 && parts[5] == "lambda" && parts[6] == "invoke":
		return invokeIntegr, true
	case parts[2] == "states" && parts[3] == "" && parts[4] == "" && len(parts) == 7 && parts[5] == "lambda" && parts[6] == "invoke.waitForTaskToken":
		return invokeCallback, true
	}
	return 0, false
}

// InvokeTask invokes the Lambda function of a Task state. See the package
// documentation for the forms, results and errors.
func (inv *Invoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	kind, ok := parseResource(resource)
	if !ok {
		if inv.next != nil {
			return inv.next.InvokeTask(ctx, state, resource, input, attempt)
		}
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "No handler is bound to Task state '"+state+"' (resource "+resource+"), and it is not a Lambda invocation: "+sfncli.BindingHelp)
	}
	var in *lambda.InvokeInput
	if kind == directARN {
		in = &lambda.InvokeInput{FunctionName: aws.String(resource), Payload: sfnrt.AppendJSON(nil, input)}
	} else {
		var err error
		if in, err = invokeParameters(input); err != nil {
			return nil, err
		}
	}
	if inv.noRegion && arnRegion(aws.ToString(in.FunctionName)) == "" {
		return nil, serviceError(errNoRegion)
	}
	out, err := inv.client.Invoke(ctx, in, inv.regionOf(aws.ToString(in.FunctionName)))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, serviceError(err)
	}
	if out.FunctionError != nil && *out.FunctionError != "" {
		return nil, functionError(out.Payload)
	}
	if kind == directARN {
		return parsePayload(out.Payload, nil), nil
	}
	return invokeResult(out), nil
}

// regionOf returns an option that calls the region of a function ARN,
// when the client talks to AWS's regional endpoints or knows no region.
func (inv *Invoker) regionOf(functionName string) func(*lambda.Options) {
	return func(o *lambda.Options) {
		if (inv.endpoint != "" || o.BaseEndpoint != nil) && o.Region != "" {
			return
		}
		if r := arnRegion(functionName); r != "" {
			o.Region = r
		}
	}
}

// arnRegion is the region of a function ARN, "" for a function name.
func arnRegion(functionName string) string {
	parts := strings.SplitN(functionName, ":", 7)
	if len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" {
		return parts[3]
	}
	return ""
}

// invokeParameters reads the effective parameters of a lambda:invoke Task.
func invokeParameters(input any) (*lambda.InvokeInput, error) {
	obj, ok := input.(*sfnrt.Object)
	if !ok {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The parameters of arn:aws:states:::lambda:invoke must be a JSON object, got "+sfnrt.TypeName(input))
	}
	in := &lambda.InvokeInput{}
	str := func(field string, v any) (string, error) {
		s, ok := v.(string)
		if !ok {
			return "", sfnrt.NewError(sfnrt.ErrRuntime, "The field '"+field+"' of arn:aws:states:::lambda:invoke must be a string, got "+sfnrt.TypeName(v))
		}
		return s, nil
	}
	for _, m := range obj.Members() {
		var s string
		var err error
		switch m.Key {
		case "FunctionName", "InvocationType", "Qualifier", "ClientContext", "LogType":
			if s, err = str(m.Key, m.Value); err != nil {
				return nil, err
			}
		case "Payload":
		default:
			return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The field '"+m.Key+"' is not supported by Step Functions for arn:aws:states:::lambda:invoke")
		}
		switch m.Key {
		case "FunctionName":
			in.FunctionName = aws.String(s)
		case "Payload":
			in.Payload = sfnrt.AppendJSON(nil, m.Value)
		case "InvocationType":
			in.InvocationType = types.InvocationType(s)
		case "Qualifier":
			in.Qualifier = aws.String(s)
		case "ClientContext":
			in.ClientContext = aws.String(s)
		case "LogType":
			in.LogType = types.LogType(s)
		}
	}
	if in.FunctionName == nil || *in.FunctionName == "" {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The field 'FunctionName' is required for arn:aws:states:::lambda:invoke")
	}
	return in, nil
}

// parsePayload returns a function's response as a JSON value: empty is
// empty, and a response that is not JSON is kept as a string.
func parsePayload(payload []byte, empty any) any {
	if len(payload) == 0 {
		return empty
	}
	v, err := sfnrt.ParseJSON(payload)
	if err != nil {
		return string(payload)
	}
	return v
}

// invokeResult shapes the result of a lambda:invoke Task as Step Functions
// does: the fields of the Invoke response in alphabetical order, Payload
// parsed, and the HTTP response's metadata as the AWS SDK for Java shows
// it.
func invokeResult(out *lambda.InvokeOutput) any {
	res := sfnrt.NewObject(6)
	if out.ExecutedVersion != nil {
		res.Set("ExecutedVersion", *out.ExecutedVersion)
	}
	if out.LogResult != nil {
		res.Set("LogResult", *out.LogResult)
	}
	res.Set("Payload", parsePayload(out.Payload, ""))
	status := int64(out.StatusCode)
	var header map[string][]string
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); ok && raw != nil && raw.Response != nil {
		header = raw.Header
		status = int64(raw.StatusCode)
	}
	res.Set("SdkHttpMetadata", HTTPMetadata(header, status))
	rm := sfnrt.NewObject(1)
	if id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); ok {
		rm.Set("RequestId", id)
	}
	res.Set("SdkResponseMetadata", rm)
	res.Set("StatusCode", int64(out.StatusCode))
	return res
}
