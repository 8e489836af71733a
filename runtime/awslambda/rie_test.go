package awslambda

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/rietest"
)

// TestUnderEmulator invokes a Go function running under the Lambda
// Runtime Interface Emulator, through the Lambda Invoke API of
// rietest.Front, with the AWS SDK.
func TestUnderEmulator(t *testing.T) {
	rietest.Path(t)
	bootstrap := rietest.BuildFunction(t, ".", "github.com/sfn-compile/sfn-compile/internal/rietest/testfn")
	front := rietest.Front(t, map[string]*rietest.Function{
		"echo": rietest.Start(t, bootstrap, "echo"),
		"slow": rietest.Start(t, bootstrap, "slow", "AWS_LAMBDA_FUNCTION_TIMEOUT=1"),
	})
	inv := newInvoker(t, front.URL)

	tests := []struct {
		name, resource, input string
		want                  string // result, or for errors "Name: Cause"
	}{
		{"direct ARN", "arn:aws:lambda:us-east-1:123456789012:function:echo", `{"x":1,"big":123456789012345678901}`,
			`{"calls":0,"echo":{"x":1,"big":123456789012345678901},"function":"echo"}`},
		{"function error", "arn:aws:lambda:us-east-1:123456789012:function:echo", `{"fail":{"type":"OrderNotFound","message":"no order 7"}}`,
			`OrderNotFound: {"errorMessage":"no order 7","errorType":"OrderNotFound"}`},
		{"lambda:invoke function error", "arn:aws:states:::lambda:invoke", `{"FunctionName":"echo","Payload":{"fail":{"type":"E","message":"m"}}}`,
			`E: {"errorMessage":"m","errorType":"E"}`},
		{"timeout is Lambda.Unknown", "arn:aws:states:::lambda:invoke", `{"FunctionName":"slow","Payload":{"sleepMillis":5000}}`,
			`Lambda.Unknown: Task timed out after 1.00 seconds`},
		{"unknown function", "arn:aws:states:::lambda:invoke", `{"FunctionName":"nope"}`,
			`Lambda.ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoke(t, inv, tt.resource, tt.input)
			if err != nil {
				got = err.Name + ": " + err.Cause
			}
			if strings.HasSuffix(tt.want, "Request ID: ") {
				got = got[:min(len(got), len(tt.want))]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("lambda:invoke result", func(t *testing.T) {
		got, err := invoke(t, inv, "arn:aws:states:::lambda:invoke", `{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:echo:live","Payload":"hi"}`)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`{"ExecutedVersion":"$LATEST","Payload":{"calls":0,"echo":"hi","function":"echo"},"SdkHttpMetadata":{"AllHttpHeaders":{`,
			`"HttpHeaders":{"Content-Length":"`,
			`"X-Amz-Executed-Version":"$LATEST","x-amzn-RequestId":"`,
			`"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"`,
			`"},"StatusCode":200}`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("result %s\nlacks %s", got, want)
			}
		}
	})
}
