package integrations

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The tests of this package call real servers, each started by the test
// that needs it and skipped with a message where it is not installed
// (.ci/run installs them): versitygw for S3, dynalite for DynamoDB,
// fauxqs for SQS, goaws for SNS. EventBridge, which has no local server,
// is checked against the requests the SDK sends.

// isolate gives the test an AWS configuration of its own: dummy
// credentials, a region, no config files, no instance metadata, no
// endpoints from the environment.
func isolate(t *testing.T) {
	t.Helper()
	for _, kv := range []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=",
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=", "AWS_PROFILE=", "AWS_DEFAULT_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
		"AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_S3=", "AWS_ENDPOINT_URL_DYNAMODB=", "AWS_ENDPOINT_URL_SQS=",
		"AWS_ENDPOINT_URL_SNS=", "AWS_ENDPOINT_URL_EVENTBRIDGE=",
	} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// The servers, started by internal/testservers.
var (
	startS3       = testservers.S3
	startDynamoDB = testservers.DynamoDB
	startGoaws    = testservers.Goaws
	startSQS      = testservers.SQS
)

// newInvoker returns an Invoker calling the given endpoints.
func newInvoker(t *testing.T, endpoints map[string]string) *Invoker {
	t.Helper()
	isolate(t)
	inv, err := New(context.Background(), Options{Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// invoke runs one Task of resource on the JSON input, inside an
// execution of a one-Task machine, and returns its result as JSON or its
// error.
func invoke(t *testing.T, inv sfnrt.TaskInvoker, resource, input string) (string, *sfnrt.Error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := taskMachine("Test", resource).Start(ctx, sfnrt.MustParseJSON(input), sfnrt.Options{Tasks: inv, Name: "exec-1", PayloadLimit: -1})
	if res.Status != sfnrt.StatusSucceeded {
		return "", &sfnrt.Error{Name: res.Error, Cause: res.Cause, HasCause: res.HasCause}
	}
	return sfnrt.ToJSON(res.Output), nil
}

// mustInvoke is invoke for a Task that must succeed.
func mustInvoke(t *testing.T, inv sfnrt.TaskInvoker, resource, input string) string {
	t.Helper()
	out, err := invoke(t, inv, resource, input)
	if err != nil {
		t.Fatalf("%s %s: %s: %s", resource, input, err.Name, err.Cause)
	}
	return out
}

// A failure is a Task that must fail with an error and a cause holding
// a text.
type failure struct {
	name, resource, input, wantError, wantCause string
}

// checkFailures runs failing Tasks and checks their errors.
func checkFailures(t *testing.T, inv sfnrt.TaskInvoker, failures []failure) {
	t.Helper()
	for _, tt := range failures {
		out, err := invoke(t, inv, tt.resource, tt.input)
		if err == nil {
			t.Errorf("%s: succeeded with %s, want %s", tt.name, out, tt.wantError)
			continue
		}
		if err.Name != tt.wantError || !strings.Contains(err.Cause, tt.wantCause) {
			t.Errorf("%s: error %s: %s\nwant %s with %q", tt.name, err.Name, err.Cause, tt.wantError, tt.wantCause)
		}
	}
}

// taskMachine is a state machine of one Task state, Call, on resource.
func taskMachine(name, resource string) *sfnrt.Machine {
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Call", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, input any) (int, any, error) {
		out, err := f.RunTask(ctx, resource, 0, 0, input, nil)
		return sfnimpl.End, out, err
	}
	return &sfnrt.Machine{Name: name, Program: p}
}

func sfnrtJSON(v any) string { return sfnrt.ToJSON(v) }
