package awslambda

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Error names of Lambda invocations that Step Functions reports.
const (
	// ErrUnknown is a function error whose payload names no errorType:
	// a timeout or an out-of-memory kill.
	ErrUnknown = "Lambda.Unknown"
	// ErrAWSLambdaException is an error response of the Lambda API that
	// the API does not model (access denied, an unknown error code, an
	// unreadable error response).
	ErrAWSLambdaException = "Lambda.AWSLambdaException"
	// ErrSdkClientException is a failure with no response from the Lambda
	// API: network, credentials, an invalid request.
	ErrSdkClientException = "Lambda.SdkClientException"
	// ErrServiceException is Lambda's internal error
	// (Lambda.<ErrorCode>, like every error the Lambda API models).
	ErrServiceException = "Lambda.ServiceException"
	// ErrTooManyRequestsException is Lambda's throttling error.
	ErrTooManyRequestsException = "Lambda.TooManyRequestsException"
)

// functionError is the ASL error of a function error: its errorType
// names it (Lambda.Unknown when it has none) and the whole error payload
// is the cause.
func functionError(payload []byte) *sfnrt.Error {
	name := ErrUnknown
	if v, err := sfnrt.ParseJSON(payload); err == nil {
		if obj, ok := v.(*sfnrt.Object); ok {
			if t, ok := obj.Get("errorType"); ok {
				if s, ok := t.(string); ok && s != "" {
					name = s
				}
			}
		}
	}
	return sfnrt.NewError(name, string(payload))
}

// serviceError maps an error of the Lambda client to the ASL error Step
// Functions reports for it. Error responses the Lambda API models keep
// their code (Lambda.ResourceNotFoundException, ...); other responses are
// Lambda.AWSLambdaException; no response at all is
// Lambda.SdkClientException. The cause follows the AWS SDK for Java's
// message, which is what Step Functions shows:
// "MESSAGE (Service: AWSLambda; Status Code: N; Error Code: CODE; Request ID: ID; Proxy: null)".
func serviceError(err error) *sfnrt.Error {
	var re *awshttp.ResponseError
	if errors.Is(err, errNoRegion) {
		return sfnrt.NewError(ErrSdkClientException, err.Error())
	}
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil || re.HTTPStatusCode() == 0 {
		return sfnrt.NewError(ErrSdkClientException, "Unable to execute HTTP request: "+innermost(err))
	}
	status := re.HTTPStatusCode()
	requestID := re.ServiceRequestID()
	if requestID == "" {
		requestID = "null"
	}
	name, code, msg := ErrAWSLambdaException, "", ""
	var api smithy.APIError
	var generic *smithy.GenericAPIError
	switch {
	case errors.As(err, &generic):
		code, msg = generic.ErrorCode(), generic.ErrorMessage()
	case errors.As(err, &api):
		code, msg = api.ErrorCode(), api.ErrorMessage()
		name = "Lambda." + code
	}
	if code == "" {
		code = "null"
		if t := http.StatusText(status); t != "" {
			msg = t
		}
	}
	if msg == "" {
		msg = "null"
	}
	return sfnrt.NewError(name, fmt.Sprintf("%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		msg, status, code, requestID))
}

// innermost returns the message of the deepest error in err's chain that
// says something, without the SDK's "operation error Lambda: Invoke,"
// wrapping.
func innermost(err error) string {
	msg := err.Error()
	var op *smithy.OperationError
	if errors.As(err, &op) && op.Err != nil {
		msg = op.Err.Error()
	}
	return strings.TrimSpace(msg)
}
