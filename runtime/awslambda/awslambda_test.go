package awslambda

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// isolate gives the test an AWS configuration of its own: dummy
// credentials, a region, no config files, no instance metadata.
func isolate(t *testing.T) {
	t.Helper()
	for _, kv := range []string{
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=",
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=", "AWS_PROFILE=", "AWS_DEFAULT_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
		"AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_LAMBDA=",
	} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// A fakeResponse is what the fake Lambda API answers to one invoke.
type fakeResponse struct {
	status int
	header map[string]string
	body   string
}

// fakeLambda serves the Lambda Invoke API on a loopback port, answering
// with respond; it records the requests' paths and bodies.
type fakeLambda struct {
	*httptest.Server
	paths, bodies, headers []string
}

func newFake(t *testing.T, respond func(r *http.Request) fakeResponse) *fakeLambda {
	f := &fakeLambda{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.paths = append(f.paths, r.URL.EscapedPath())
		f.bodies = append(f.bodies, string(body))
		f.headers = append(f.headers, r.Header.Get("X-Amz-Invocation-Type")+"|"+r.Header.Get("X-Amz-Log-Type")+"|"+r.Header.Get("X-Amz-Client-Context")+"|"+r.URL.RawQuery)
		resp := respond(r)
		for k, v := range resp.header {
			w.Header()[k] = []string{v} // as given, not canonicalised
		}
		w.WriteHeader(resp.status)
		io.WriteString(w, resp.body)
	}))
	t.Cleanup(f.Close)
	return f
}

func newInvoker(t *testing.T, endpoint string) *Invoker {
	t.Helper()
	isolate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	inv, err := New(ctx, Options{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func invoke(t *testing.T, inv *Invoker, resource, input string) (string, *sfnrt.Error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := inv.InvokeTask(ctx, "State", resource, sfnrt.MustParseJSON(input), 0)
	if err != nil {
		return "", sfnrt.AsError(err)
	}
	return sfnrt.ToJSON(out), nil
}

const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:greet"

func TestInvokeResults(t *testing.T) {
	ok := func(body string) func(*http.Request) fakeResponse {
		return func(*http.Request) fakeResponse {
			return fakeResponse{200, map[string]string{
				"Date":                           "Mon, 02 Jan 2006 15:04:05 GMT",
				"Content-Type":                   "application/json",
				"x-amzn-RequestId":               "11111111-2222-3333-4444-555555555555",
				"x-amzn-Remapped-Content-Length": "0",
				"X-Amz-Executed-Version":         "$LATEST",
				"X-Amzn-Trace-Id":                "Root=1-abc;Parent=def;Sampled=0",
				"Connection":                     "keep-alive",
			}, body}
		}
	}
	tests := []struct {
		name, resource, input, respond string
		want                           string
		wantPath, wantBody             string
		payloadOnly                    bool // compare the Payload of a lambda:invoke result
	}{
		{
			name: "direct ARN: the payload is the result", resource: fnARN,
			input: `{"who":"you","n":1.50}`, respond: `{"greeting":"hi you","big":12345678901234567890}`,
			want:     `{"greeting":"hi you","big":12345678901234567890}`,
			wantPath: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Agreet/invocations",
			wantBody: `{"who":"you","n":1.5}`,
		},
		{
			name: "direct ARN with a qualifier", resource: fnARN + ":prod",
			input: `[1,2]`, respond: `"text"`, want: `"text"`,
			wantPath: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Agreet%3Aprod/invocations",
			wantBody: `[1,2]`,
		},
		{
			name: "direct ARN: an empty response is null", resource: fnARN, input: `{}`, respond: ``, want: `null`,
			wantPath: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Agreet/invocations",
			wantBody: `{}`,
		},
		{
			name: "lambda:invoke wraps the response", resource: "arn:aws:states:::lambda:invoke",
			input: `{"FunctionName":"greet","Payload":{"who":"me"}}`, respond: `{"greeting":"hi me"}`,
			want: `{"ExecutedVersion":"$LATEST","Payload":{"greeting":"hi me"},"SdkHttpMetadata":{"AllHttpHeaders":{` +
				`"X-Amz-Executed-Version":["$LATEST"],"x-amzn-Remapped-Content-Length":["0"],"Connection":["keep-alive"],` +
				`"x-amzn-RequestId":["11111111-2222-3333-4444-555555555555"],"Content-Length":["20"],"Date":["Mon, 02 Jan 2006 15:04:05 GMT"],` +
				`"X-Amzn-Trace-Id":["Root=1-abc;Parent=def;Sampled=0"],"Content-Type":["application/json"]},` +
				`"HttpHeaders":{"Connection":"keep-alive","Content-Length":"20","Content-Type":"application/json","Date":"Mon, 02 Jan 2006 15:04:05 GMT",` +
				`"X-Amz-Executed-Version":"$LATEST","x-amzn-Remapped-Content-Length":"0","x-amzn-RequestId":"11111111-2222-3333-4444-555555555555",` +
				`"X-Amzn-Trace-Id":"Root=1-abc;Parent=def;Sampled=0"},"HttpStatusCode":200},` +
				`"SdkResponseMetadata":{"RequestId":"11111111-2222-3333-4444-555555555555"},"StatusCode":200}`,
			wantPath: "/2015-03-31/functions/greet/invocations",
			wantBody: `{"who":"me"}`,
		},
		{
			name: "lambda:invoke: a payload that is not JSON stays a string", resource: "arn:aws:states:::lambda:invoke",
			input: `{"FunctionName":"greet","Payload":"plain"}`, respond: `not json`,
			want:     `"not json"`,
			wantPath: "/2015-03-31/functions/greet/invocations",
			wantBody: `"plain"`, payloadOnly: true,
		},
		{
			name: "lambda:invoke with Qualifier and no Payload", resource: "arn:aws-cn:states:::lambda:invoke",
			input: `{"FunctionName":"greet","Qualifier":"7"}`, respond: `1`, want: `1`,
			wantPath: "/2015-03-31/functions/greet/invocations",
			wantBody: ``, payloadOnly: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t, ok(tt.respond))
			inv := newInvoker(t, fake.URL)
			got, err := invoke(t, inv, tt.resource, tt.input)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if tt.payloadOnly {
				p, _ := sfnrt.MustParseJSON(got).(*sfnrt.Object).Get("Payload")
				got = sfnrt.ToJSON(p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if len(fake.paths) != 1 || fake.paths[0] != tt.wantPath || fake.bodies[0] != tt.wantBody {
				t.Errorf("requests %q with bodies %q, want %q with %q", fake.paths, fake.bodies, tt.wantPath, tt.wantBody)
			}
		})
	}
}

func TestInvokeParameters(t *testing.T) {
	fake := newFake(t, func(*http.Request) fakeResponse { return fakeResponse{202, nil, ""} })
	inv := newInvoker(t, fake.URL)
	got, err := invoke(t, inv, "arn:aws:states:::lambda:invoke",
		`{"FunctionName":"greet","InvocationType":"Event","LogType":"None","ClientContext":"e30=","Qualifier":"live","Payload":{"a":[1]}}`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `"Payload":"",`) || !strings.HasSuffix(got, `"StatusCode":202}`) || strings.Contains(got, "ExecutedVersion") {
		t.Errorf("result %s", got)
	}
	if want := "Event|None|e30=|Qualifier=live"; fake.headers[0] != want {
		t.Errorf("request headers %q, want %q", fake.headers[0], want)
	}

	bad := []struct{ input, cause string }{
		{`{"Payload":{}}`, "The field 'FunctionName' is required"},
		{`{"FunctionName":""}`, "The field 'FunctionName' is required"},
		{`{"FunctionName":7}`, "The field 'FunctionName' of arn:aws:states:::lambda:invoke must be a string, got number"},
		{`{"FunctionName":"f","Extra":1}`, "The field 'Extra' is not supported"},
		{`[1]`, "must be a JSON object, got array"},
	}
	for _, b := range bad {
		_, err := invoke(t, inv, "arn:aws:states:::lambda:invoke", b.input)
		if err == nil || err.Name != sfnrt.ErrRuntime || !strings.Contains(err.Cause, b.cause) {
			t.Errorf("%s: error %v, want States.Runtime with %q", b.input, err, b.cause)
		}
	}
	if len(fake.paths) != 1 {
		t.Errorf("%d requests, want 1", len(fake.paths))
	}
}

func TestInvokeErrors(t *testing.T) {
	apiErr := func(status int, code, msg string) fakeResponse {
		return fakeResponse{status, map[string]string{"Content-Type": "application/json", "X-Amzn-ErrorType": code, "x-amzn-RequestId": "req-1"},
			`{"Type":"User","message":"` + msg + `"}`}
	}
	tests := []struct {
		name        string
		resp        fakeResponse
		wantName    string
		wantCause   string
		causePrefix bool
	}{
		{"function error names the error by errorType",
			fakeResponse{200, map[string]string{"X-Amz-Function-Error": "Unhandled"}, `{"errorMessage":"no such order","errorType":"OrderNotFound","stackTrace":[]}`},
			"OrderNotFound", `{"errorMessage":"no such order","errorType":"OrderNotFound","stackTrace":[]}`, false},
		{"handled function error",
			fakeResponse{200, map[string]string{"X-Amz-Function-Error": "Handled"}, `{"errorMessage":"x","errorType":"Custom"}`},
			"Custom", `{"errorMessage":"x","errorType":"Custom"}`, false},
		{"function error without errorType is Lambda.Unknown",
			fakeResponse{200, map[string]string{"X-Amz-Function-Error": "Unhandled"}, `{"errorMessage":"2024-01-01T00:00:00.000Z abc Task timed out after 3.00 seconds"}`},
			"Lambda.Unknown", `{"errorMessage":"2024-01-01T00:00:00.000Z abc Task timed out after 3.00 seconds"}`, false},
		{"function error that is not JSON",
			fakeResponse{200, map[string]string{"X-Amz-Function-Error": "Unhandled"}, `Task timed out after 1.00 seconds`},
			"Lambda.Unknown", `Task timed out after 1.00 seconds`, false},
		{"an error object without X-Amz-Function-Error is a result",
			fakeResponse{200, nil, `{"errorMessage":"x","errorType":"Custom"}`}, "", "", false},
		{"throttling", apiErr(429, "TooManyRequestsException", "Rate Exceeded."),
			"Lambda.TooManyRequestsException", "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: req-1; Proxy: null)", false},
		{"service exception", apiErr(500, "ServiceException", "internal"),
			"Lambda.ServiceException", "internal (Service: AWSLambda; Status Code: 500; Error Code: ServiceException; Request ID: req-1; Proxy: null)", false},
		{"modeled error keeps its code", apiErr(404, "ResourceNotFoundException", "Function not found: greet"),
			"Lambda.ResourceNotFoundException", "Function not found: greet (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: req-1; Proxy: null)", false},
		{"unmodeled error is AWSLambdaException", apiErr(403, "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/r is not authorized to perform: lambda:InvokeFunction"),
			"Lambda.AWSLambdaException", "User: arn:aws:sts::1:assumed-role/r is not authorized to perform: lambda:InvokeFunction (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: req-1; Proxy: null)", false},
		{"an unreadable error response is AWSLambdaException", fakeResponse{502, nil, "<html>bad gateway</html>"},
			"Lambda.AWSLambdaException", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t, func(*http.Request) fakeResponse { return tt.resp })
			inv := newInvoker(t, fake.URL)
			for _, resource := range []string{fnARN, "arn:aws:states:::lambda:invoke"} {
				_, err := invoke(t, inv, resource, `{"FunctionName":"greet"}`)
				switch {
				case tt.wantName == "" && err != nil:
					t.Errorf("%s: error %v, want none", resource, err)
				case tt.wantName == "":
				case err == nil:
					t.Errorf("%s: no error, want %s", resource, tt.wantName)
				case err.Name != tt.wantName || !tt.causePrefix && err.Cause != tt.wantCause:
					t.Errorf("%s: error %q cause %q, want %q cause %q", resource, err.Name, err.Cause, tt.wantName, tt.wantCause)
				case tt.causePrefix && !strings.Contains(err.Cause, "(Service: AWSLambda; Status Code: 502;"):
					t.Errorf("%s: cause %q", resource, err.Cause)
				}
			}
		})
	}
}

func TestSdkClientException(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	inv := newInvoker(t, "http://"+addr)
	_, e := invoke(t, inv, fnARN, `{}`)
	if e == nil || e.Name != ErrSdkClientException || !strings.HasPrefix(e.Cause, "Unable to execute HTTP request: ") {
		t.Errorf("error %v, want %s", e, ErrSdkClientException)
	}
}

func TestContextEnds(t *testing.T) {
	release := make(chan struct{})
	fake := newFake(t, func(r *http.Request) fakeResponse {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return fakeResponse{200, nil, `{}`}
	})
	defer close(release)
	inv := newInvoker(t, fake.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := inv.InvokeTask(ctx, "S", fnARN, sfnrt.NewObject(0), 0)
	if err != context.DeadlineExceeded {
		t.Errorf("error %v, want the context's", err)
	}
}

type nextInvoker struct{ got string }

func (n *nextInvoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	n.got = state + " " + resource
	return "next", nil
}

func TestNotLambda(t *testing.T) {
	isolate(t)
	inv, err := New(context.Background(), Options{Client: &lambda.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	_, e := invoke(t, inv, "arn:aws:states:::sqs:sendMessage", `{}`)
	if e == nil || e.Name != sfnrt.ErrRuntime || !strings.Contains(e.Cause, "'State'") {
		t.Errorf("error %v, want States.Runtime naming the state", e)
	}
	next := &nextInvoker{}
	inv, _ = New(context.Background(), Options{Client: &lambda.Client{}, Next: next})
	out, e := invoke(t, inv, "arn:aws:states:::sqs:sendMessage", `{}`)
	if e != nil || out != `"next"` || next.got != "State arn:aws:states:::sqs:sendMessage" {
		t.Errorf("got %s %v %q, want Next's answer", out, e, next.got)
	}
}

func TestIsLambdaResource(t *testing.T) {
	for resource, want := range map[string]bool{
		"arn:aws:lambda:us-east-1:123456789012:function:f":         true,
		"arn:aws:lambda:us-east-1:123456789012:function:f:alias":   true,
		"arn:aws-us-gov:lambda:us-gov-west-1:1:function:f":         true,
		"arn:aws:states:::lambda:invoke":                           true,
		"arn:aws-cn:states:::lambda:invoke":                        true,
		"arn:aws:states:::lambda:invoke.waitForTaskToken":          true,
		"arn:aws:states:::aws-sdk:lambda:invoke":                   false,
		"arn:aws:lambda:us-east-1:123456789012:layer:l":            false,
		"arn:aws:lambda:::function:f":                              false,
		"arn:aws:states:us-east-1:123456789012:activity:a":         false,
		"arn:aws:states:::sqs:sendMessage":                         false,
		"":                                                         false,
		"lambda":                                                   false,
		"arn:aws:lambda:us-east-1:123456789012:function:":          false,
		"arn:aws:states:::lambda:invoke:extra":                     false,
		"arn::lambda:us-east-1:123456789012:function:f":            false,
		"arn:aws:lambda:us-east-1:123456789012:function:f:1:extra": true, // the service rejects it
	} {
		if got := IsLambdaResource(resource); got != want {
			t.Errorf("IsLambdaResource(%q) = %v, want %v", resource, got, want)
		}
	}
}

func TestRegionOf(t *testing.T) {
	inv := &Invoker{}
	for name, want := range map[string]string{
		"arn:aws:lambda:eu-west-3:123456789012:function:f":   "eu-west-3",
		"arn:aws:lambda:eu-west-3:123456789012:function:f:1": "eu-west-3",
		"f":             "us-east-1",
		"123:function:": "us-east-1",
	} {
		o := lambda.Options{Region: "us-east-1"}
		inv.regionOf(name)(&o)
		if o.Region != want {
			t.Errorf("%s: region %s, want %s", name, o.Region, want)
		}
	}
	inv.endpoint = "http://127.0.0.1:1"
	o := lambda.Options{Region: "us-east-1"}
	inv.regionOf("arn:aws:lambda:eu-west-3:123456789012:function:f")(&o)
	if o.Region != "us-east-1" {
		t.Errorf("with an endpoint, region %s, want the configured one", o.Region)
	}
}

// TestNoRegion checks an Invoker with no region configured: a function
// ARN's region is called, a function named without one fails before any
// call.
func TestNoRegion(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_REGION", "")
	var auth string
	f := newFake(t, func(r *http.Request) fakeResponse {
		auth = r.Header.Get("Authorization")
		return fakeResponse{200, nil, `{"ok":true}`}
	})
	// The environment's endpoint, not Options.Endpoint: the SDK then has
	// no region of its own, which the ARN must give.
	t.Setenv("AWS_ENDPOINT_URL_LAMBDA", f.URL)
	inv, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out, e := invoke(t, inv, "arn:aws:lambda:eu-west-3:123456789012:function:greet", `{}`); e != nil || out != `{"ok":true}` {
		t.Errorf("invoking by ARN: %s, %v", out, e)
	}
	if !strings.Contains(auth, "/eu-west-3/lambda/") {
		t.Errorf("the request was signed for %q, want the ARN's region eu-west-3", auth)
	}
	in := `{"FunctionName":"greet","Payload":{}}`
	if _, e := invoke(t, inv, "arn:aws:states:::lambda:invoke", in); e == nil || e.Name != ErrSdkClientException || !strings.HasPrefix(e.Cause, "Unable to find a region") {
		t.Errorf("error %v, want %s for the missing region", e, ErrSdkClientException)
	}
	if len(f.paths) != 1 {
		t.Errorf("%d calls, want 1: a function without a region must not be called", len(f.paths))
	}
	if _, err := New(context.Background(), Options{Endpoint: "http://127.0.0.1:1"}); err != nil {
		t.Errorf("with an endpoint: %v", err)
	}
}

// TestJavaHashMapOrder checks the order of AllHttpHeaders against a
// response Step Functions documents.
func TestJavaHashMapOrder(t *testing.T) {
	wire := []string{"Date", "Content-Type", "Content-Length", "Connection", "x-amzn-RequestId",
		"x-amzn-Remapped-Content-Length", "X-Amz-Executed-Version", "X-Amzn-Trace-Id"}
	var got []string
	for _, i := range javaHashMapOrder(len(wire), func(i int) string { return wire[i] }) {
		got = append(got, wire[i])
	}
	want := []string{"X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length", "Connection", "x-amzn-RequestId",
		"Content-Length", "Date", "X-Amzn-Trace-Id", "Content-Type"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if h := javaStringHash("Date"); h != 2122702 {
		t.Errorf(`"Date".hashCode() = %d, want 2122702`, h)
	}
	if h := javaStringHash("\U0001F600"); h != 0xD83D*31+0xDE00 {
		t.Errorf("hash of a supplementary character: %d", h)
	}
	// More than 12 names grow the table to 32 buckets.
	var many []string
	for i := 0; i < 13; i++ {
		many = append(many, string(rune('a'+i)))
	}
	order := javaHashMapOrder(len(many), func(i int) string { return many[i] })
	if len(order) != 13 {
		t.Fatalf("%d entries", len(order))
	}
	b, _ := json.Marshal(order)
	if string(b) != "[0,1,2,3,4,5,6,7,8,9,10,11,12]" { // 'a'..'m' hash to 97..109: buckets in order
		t.Errorf("order %s", b)
	}
}
