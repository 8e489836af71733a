package integrations

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// taskError turns an SDK call's failure into the error Step Functions
// fails the Task with, so that Retry and Catch written for AWS match it:
//
//   - an error response of the service: PREFIX.CODE, with "Exception"
//     added when the code lacks it (S3's NoSuchKey is S3.NoSuchKeyException,
//     DynamoDB's ConditionalCheckFailedException keeps its name);
//   - no response at all (network, credentials, a request the SDK refused
//     to send): States.TaskFailed.
//
// The cause is the service's message followed by the request's details, as
// the AWS SDK for Java (which Step Functions runs) writes them.
func taskError(ctx context.Context, svc *service, optimized bool, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var se *sfnrt.Error
	if errors.As(err, &se) {
		return se
	}
	var pe *paramError
	if errors.As(err, &pe) {
		return sfnrt.NewError(sfnrt.ErrRuntime, "The parameters of "+svc.name+" do not fit its API: "+pe.Error())
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return sfnrt.NewError(sfnrt.ErrTaskFailed, "Unable to execute HTTP request: "+innermost(err))
	}
	code := errorCode(api)
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	requestID := ""
	var rid interface{ ServiceRequestID() string }
	if errors.As(err, &rid) {
		requestID = rid.ServiceRequestID()
	}
	prefix := svc.errorPrefix
	javaName := svc.javaName
	if optimized && svc.optimizedPrefix != "" {
		prefix = svc.optimizedPrefix
	}
	name := prefix + "." + code
	if !strings.HasSuffix(code, "Exception") {
		name += "Exception"
	}
	msg := api.ErrorMessage()
	if msg == "" {
		msg = code
	}
	var cause string
	if optimized {
		// The optimized integrations run the AWS SDK for Java v1.
		cause = msg + " (Service: " + javaName + "; Status Code: " + strconv.Itoa(status) +
			"; Error Code: " + api.ErrorCode() + "; Request ID: " + requestID + "; Proxy: null)"
	} else {
		cause = msg + " (Service: " + prefix + ", Status Code: " + strconv.Itoa(status) + ", Request ID: " + requestID + ")"
	}
	return sfnrt.NewError(name, cause)
}

// errorCode names a service error as the AWS SDK for Java's exception
// classes do: after the error's shape when the SDK models it (SQS's
// QueueDoesNotExist, whose wire code may be the query protocol's
// AWS.SimpleQueueService.NonExistentQueue), else after its code without
// the namespaces some protocols put before it (a#Shape).
func errorCode(api smithy.APIError) string {
	if t := reflect.TypeOf(api); t.Kind() == reflect.Pointer && strings.HasSuffix(t.Elem().PkgPath(), "/types") {
		return t.Elem().Name()
	}
	code := api.ErrorCode()
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.LastIndexByte(code, '.'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		return "Unknown"
	}
	return code
}

// innermost is the message of the innermost wrapped error: the SDK's
// wrapping repeats the operation name at each level.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// requestID is the request ID of an SDK call's result.
func requestID(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}
