package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sfn-compile/sfn-compile/internal/rietest"
	"github.com/sfn-compile/sfn-compile/server"
)

const serveRole = "arn:aws:iam::123456789012:role/R"

// serveSDK starts serve's handler, with run's build cache, on a loopback
// port and returns the Go SDK's client of it.
func serveSDK(t testing.TB, cfg server.Config) *sfn.Client {
	t.Helper()
	cfg.Builder = cacheBuilder{}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	// SFN_BENCH_IDLE_CONNS=N keeps N idle connections to the server
	// rather than the SDK's 10 (DefaultHTTPTransportMaxIdleConnsPerHost):
	// with more clients than that, the SDK closes and opens connections
	// all the time.
	var hc sfn.HTTPClient
	if n, err := strconv.Atoi(os.Getenv("SFN_BENCH_IDLE_CONNS")); err == nil && n > 0 {
		hc = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.MaxIdleConnsPerHost = n })
	}
	return sfn.New(sfn.Options{
		HTTPClient:   hc,
		Region:       "us-east-1",
		BaseEndpoint: aws.String(hs.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		// StartSyncExecution goes to a "sync-" host on AWS; a local
		// endpoint has no such name.
		APIOptions: []func(*middleware.Stack) error{noHostPrefix},
	})
}

func noHostPrefix(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

func createMachine(t testing.TB, c *sfn.Client, name, typ, def string) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String(serveRole), Type: types.StateMachineType(typ)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

func TestServeStartSyncExecution(t *testing.T) {
	needGo(t)
	isolateCache(t)
	ctx := context.Background()
	mock := writeFile(t, t.TempDir(), "mock.json", `{
  "StateMachines": {"greet": {"TestCases": {"Happy": {"Call": "Hello"}}}},
  "MockedResponses": {"Hello": {"0": {"Return": {"greeting": "hello from the mock"}}}}
}`)
	c := serveSDK(t, server.Config{MockConfig: mock})
	arn := createMachine(t, c, "greet", "EXPRESS", `{"StartAt": "Call", "States": {
  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet", "Next": "Check"},
  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.greeting", "IsPresent": true, "Next": "Done"}], "Default": "Boom"},
  "Boom": {"Type": "Fail", "Error": "NoGreeting", "Cause": "the task said nothing"},
  "Done": {"Type": "Pass", "End": true}}}`)
	pass := createMachine(t, c, "echo", "EXPRESS", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": true}}}`)

	// The first execution waits for the build.
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String(`{"x": [1, 2]}`), Name: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || aws.ToString(out.Output) != `{"got":[1,2]}` || aws.ToString(out.Name) != "first" ||
		aws.ToString(out.StateMachineArn) != pass || out.StartDate == nil || out.StopDate == nil || out.StopDate.Before(*out.StartDate) {
		t.Errorf("StartSyncExecution = status %s output %s name %s machine %s", out.Status, aws.ToString(out.Output), aws.ToString(out.Name), aws.ToString(out.StateMachineArn))
	}
	if got, want := aws.ToString(out.ExecutionArn), "arn:aws:states:us-east-1:123456789012:express:echo:first:"; len(got) <= len(want) || got[:len(want)] != want {
		t.Errorf("executionArn %q, want %s...", got, want)
	}

	// A Task with the mock's answer, through "#TestCase".
	out, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn + "#Happy")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || aws.ToString(out.Output) != `{"greeting":"hello from the mock"}` {
		t.Errorf("mocked execution: %s %s %s", out.Status, aws.ToString(out.Output), aws.ToString(out.Cause))
	}

	// A failed execution is an answer, not an error.
	failing := createMachine(t, c, "fails", "EXPRESS", `{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "on purpose"}}}`)
	out, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(failing)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "Oops" || aws.ToString(out.Cause) != "on purpose" || out.Output != nil {
		t.Errorf("failed execution: %s %s %s", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause))
	}

	// After an update, executions run the new revision.
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(pass),
		Definition: aws.String(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"now.$": "$.x"}, "End": true}}}`)}); err != nil {
		t.Fatal(err)
	}
	out, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String(`{"x": 3}`)})
	if err != nil || aws.ToString(out.Output) != `{"now":3}` {
		t.Errorf("after the update: %v, %v", out, err)
	}

	// Errors.
	standard := createMachine(t, c, "std", "STANDARD", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	for _, tt := range []struct {
		name string
		in   *sfn.StartSyncExecutionInput
		want string
	}{
		{"standard machine", &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(standard)}, "StateMachineTypeNotSupported"},
		{"input not JSON", &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String("{")}, "InvalidExecutionInput"},
		{"input too large", &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String(`"` + string(make([]byte, 262144)) + `"`)}, "InvalidExecutionInput"},
		{"bad name", &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass), Name: aws.String("a/b")}, "InvalidName"},
		{"no machine", &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(pass + "x")}, "StateMachineDoesNotExist"},
	} {
		_, err := c.StartSyncExecution(ctx, tt.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestServeSyncConcurrent: executions from many clients at once each get
// their own answer.
func TestServeSyncConcurrent(t *testing.T) {
	needGo(t)
	isolateCache(t)
	c := serveSDK(t, server.Config{})
	arn := createMachine(t, c, "id", "EXPRESS", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	var wg sync.WaitGroup
	errs := make(chan error, 16*20)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				in := `{"g":` + itoa(g) + `,"i":` + itoa(i) + `}`
				out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(in)})
				if err == nil && aws.ToString(out.Output) != in {
					err = errors.New("input " + in + " answered " + aws.ToString(out.Output))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// BenchmarkServeStartSync measures StartSyncExecution of a one-Pass
// Express machine through the Go SDK: go test -bench ServeStartSync
// -benchtime 5000x ./cmd/sfn-compile -cpu 1 (one client) or with
// SFN_BENCH_CLIENTS=16 (and SFN_BENCH_IDLE_CONNS=16: see serveSDK). It
// reports p50 and p99 latencies, executions per second and the CPU time
// an execution costs (client, server and worker processes together).
func BenchmarkServeStartSync(b *testing.B) {
	c := serveSDK(b, server.Config{})
	arn := createMachine(b, c, "bench", "EXPRESS", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	ctx := context.Background()
	in := &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"a":1}`)}
	if _, err := c.StartSyncExecution(ctx, in); err != nil { // waits for the build
		b.Fatal(err)
	}
	benchClients(b, func() error { _, err := c.StartSyncExecution(ctx, in); return err })
}

// BenchmarkServeDescribe measures DescribeStateMachine, which runs
// nothing, the same way: the cost of the client, HTTP and the server's
// protocol, below which StartSyncExecution cannot go.
func BenchmarkServeDescribe(b *testing.B) {
	c := serveSDK(b, server.Config{})
	arn := createMachine(b, c, "bench", "EXPRESS", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	ctx := context.Background()
	in := &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}
	benchClients(b, func() error { _, err := c.DescribeStateMachine(ctx, in); return err })
}

// benchClients runs call b.N times from SFN_BENCH_CLIENTS goroutines (1
// by default) and reports p50 and p99 latencies, calls per second and
// the CPU time of a call.
func benchClients(b *testing.B, call func() error) {
	clients := 1
	if n, err := parseClients(os.Getenv("SFN_BENCH_CLIENTS")); err == nil {
		clients = n
	}
	lat := make([]time.Duration, b.N)
	cpu0 := cpuTicks()
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < clients; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= b.N {
					return
				}
				t0 := time.Now()
				if err := call(); err != nil {
					b.Error(err)
					return
				}
				lat[k] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "exec/s")
	if cpu0 >= 0 {
		// CPU time per execution, the test process's (client and server)
		// and its children's (the workers): unlike the wall times, it
		// hardly depends on what else the machine runs.
		b.ReportMetric(float64(cpuTicks()-cpu0)*1e6/100/float64(b.N), "cpu-µs/exec")
	}
}

// cpuTicks returns the CPU time (user and system, in clock ticks of
// 1/100 s) of this process and of its running children, from /proc; -1
// where there is none.
func cpuTicks() int64 {
	stat := func(pid string) (ppid string, ticks int64, ok bool) {
		data, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return "", 0, false
		}
		// pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces.
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		if len(f) < 13 {
			return "", 0, false
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		return f[1], u + s, true
	}
	self := strconv.Itoa(os.Getpid())
	_, total, ok := stat(self)
	if !ok {
		return -1
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if ppid, t, ok := stat(e.Name()); ok && ppid == self && e.Name() != self {
			total += t
		}
	}
	return total
}

func parseClients(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errors.New("bad SFN_BENCH_CLIENTS")
	}
	return n, nil
}

// TestServeLambdaEndpoint: with a Lambda endpoint, an Express machine's
// Lambda Task states invoke functions there (the Runtime Interface
// Emulator), as Step Functions Local's LAMBDA_ENDPOINT does.
func TestServeLambdaEndpoint(t *testing.T) {
	rietest.Path(t)
	needGo(t)
	awsEnv(t)
	isolateCache(t)
	fn := testFunction(t)
	front := rietest.Front(t, map[string]*rietest.Function{"echo": rietest.Start(t, fn, "echo")})
	c := serveSDK(t, server.Config{LambdaEndpoint: front.URL})
	arn := createMachine(t, c, "callecho", "EXPRESS", `{"StartAt": "Echo", "States": {
  "Echo": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:echo", "End": true}}}`)
	out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"echo": {"hello": "lambda"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || !strings.Contains(aws.ToString(out.Output), `"echo":{"echo":{"hello":"lambda"}}`) || front.Count("echo") != 1 {
		t.Errorf("status %s, output %s, cause %s; echo invoked %d times", out.Status, aws.ToString(out.Output), aws.ToString(out.Cause), front.Count("echo"))
	}
}

// TestServeWaitTimeScale: with a wait-time scale (Step Functions Local's
// WAIT_TIME_SCALE), an Express machine's Wait state lasts that fraction
// of its time, on the real clock.
func TestServeWaitTimeScale(t *testing.T) {
	const def = `{"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3, "End": true}}}`
	for _, tc := range []struct {
		scale    float64
		min, max time.Duration
	}{
		{0, 0, time.Second},
		{0.2, 500 * time.Millisecond, 2 * time.Second},
	} {
		scale := tc.scale
		c := serveSDK(t, server.Config{WaitTimeScale: &scale})
		arn := createMachine(t, c, "nap", "EXPRESS", def)
		ctx := context.Background()
		// The first execution waits for the build: time the second.
		if _, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn)})
		took := time.Since(start)
		if err != nil || out.Status != types.SyncExecutionStatusSucceeded {
			t.Fatalf("scale %v: %v %v", scale, err, out)
		}
		if took < tc.min || took > tc.max {
			t.Errorf("scale %v: a 3 s Wait took %v, want between %v and %v", scale, took, tc.min, tc.max)
		}
	}
}

// TestServeTestState: TestState through the Go SDK, one state at a time,
// each compiled and built like any revision; the inspection data is each
// step of the state's data flow, as AWS's TestState reports it.
func TestServeTestState(t *testing.T) {
	c := serveSDK(t, server.Config{})
	ctx := context.Background()
	const task = `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
		"InputPath": "$.order",
		"Parameters": {"FunctionName": "price", "Payload": {"id.$": "$.id"}},
		"ResultSelector": {"price.$": "$.Payload.price"},
		"ResultPath": "$.priced",
		"OutputPath": "$.priced",
		"Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}],
		"Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
		"Next": "Ship"}`
	const input = `{"order": {"id": "o-1"}, "user": "ann"}`
	mockResult := func(v string) *types.MockInput { return &types.MockInput{Result: aws.String(v)} }
	mockError := func(e, cause string) *types.MockInput {
		return &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String(e), Cause: aws.String(cause)}}
	}
	type result struct {
		Status, Output, Error, Cause, NextState string
		Data                                    *types.InspectionData
	}
	tests := []struct {
		name string
		in   sfn.TestStateInput
		want result
	}{
		{"task, DEBUG: every step", sfn.TestStateInput{Definition: aws.String(task), Input: aws.String(input),
			InspectionLevel: types.InspectionLevelDebug, Mock: mockResult(`{"Payload": {"price": 12}, "StatusCode": 200}`)},
			result{Status: "SUCCEEDED", Output: `{"price":12}`, NextState: "Ship", Data: &types.InspectionData{
				Input:               aws.String(input),
				AfterInputPath:      aws.String(`{"id":"o-1"}`),
				AfterParameters:     aws.String(`{"FunctionName":"price","Payload":{"id":"o-1"}}`),
				Result:              aws.String(`{"Payload": {"price": 12}, "StatusCode": 200}`),
				AfterResultSelector: aws.String(`{"price":12}`),
				AfterResultPath:     aws.String(`{"order":{"id":"o-1"},"user":"ann","priced":{"price":12}}`),
			}}},
		{"task, INFO: no inspection data", sfn.TestStateInput{Definition: aws.String(task), Input: aws.String(input),
			Mock: mockResult(`{"Payload": {"price": 12}}`)},
			result{Status: "SUCCEEDED", Output: `{"price":12}`, NextState: "Ship"}},
		{"retrier matches: RETRIABLE", sfn.TestStateInput{Definition: aws.String(task), Input: aws.String(input),
			InspectionLevel: types.InspectionLevelDebug, Mock: mockError("Throttled", "slow down"),
			StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(1)}},
			result{Status: "RETRIABLE", Error: "Throttled", Cause: "slow down", Data: &types.InspectionData{
				Input:          aws.String(input),
				AfterInputPath: aws.String(`{"id":"o-1"}`), AfterParameters: aws.String(`{"FunctionName":"price","Payload":{"id":"o-1"}}`),
				ErrorDetails: &types.InspectionErrorDetails{RetryIndex: aws.Int32(0), RetryBackoffIntervalSeconds: aws.Int32(6)},
			}}},
		{"retries spent, catcher: CAUGHT_ERROR", sfn.TestStateInput{Definition: aws.String(task), Input: aws.String(input),
			Mock: mockError("Throttled", "slow down"), StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(2)}},
			result{Status: "CAUGHT_ERROR", Error: "Throttled", Cause: "slow down", NextState: "Recover",
				Output: `{"order":{"id":"o-1"},"user":"ann","error":{"Error":"Throttled","Cause":"slow down"}}`}},
		{"key order: a catcher's output, the input's order kept", sfn.TestStateInput{Definition: aws.String(`{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"Parameters": {"FunctionName": "f"}, "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.m.err", "Next": "Recover"}], "End": true}`),
			Input: aws.String(`{"z": 1, "m": {"y": 2, "b": 3}, "a": 4}`), Mock: mockError("Boom", "why")},
			result{Status: "CAUGHT_ERROR", Error: "Boom", Cause: "why", NextState: "Recover",
				Output: `{"z":1,"m":{"y":2,"b":3,"err":{"Error":"Boom","Cause":"why"}},"a":4}`}},
		{"pass with variables", sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hi {}', $who)"}, "Assign": {"said.$": "$.greeting"}, "End": true}`),
			Input: aws.String(`{}`), Variables: aws.String(`{"who": "ann"}`), InspectionLevel: types.InspectionLevelDebug},
			result{Status: "SUCCEEDED", Output: `{"greeting":"hi ann"}`, Data: &types.InspectionData{
				Input: aws.String(`{}`), AfterInputPath: aws.String(`{}`), AfterParameters: aws.String(`{"greeting":"hi ann"}`),
				Result: aws.String(`{"greeting":"hi ann"}`), AfterResultPath: aws.String(`{"greeting":"hi ann"}`),
				Variables: aws.String(`{"said":"hi ann","who":"ann"}`),
			}}},
		{"choice: the state it chose", sfn.TestStateInput{Definition: aws.String(`{"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"}`),
			Input: aws.String(`{"n": 5}`)},
			result{Status: "SUCCEEDED", Output: `{"n": 5}`, NextState: "Big"}},
		{"wait: no waiting, its paths applied", sfn.TestStateInput{Definition: aws.String(`{"Type": "Wait", "Seconds": 3600, "InputPath": "$.a", "OutputPath": "$.b", "Next": "After"}`),
			Input: aws.String(`{"a": {"b": 1}, "b": 2}`), InspectionLevel: types.InspectionLevelDebug},
			result{Status: "SUCCEEDED", Output: `1`, NextState: "After", Data: &types.InspectionData{
				Input: aws.String(`{"a": {"b": 1}, "b": 2}`), AfterInputPath: aws.String(`{"b":1}`),
			}}},
		{"JSONata task: arguments, result, variables", sfn.TestStateInput{Definition: aws.String(`{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
			"Arguments": {"FunctionName": "price", "Payload": {"id": "{% $states.input.id %}"}}, "Assign": {"price": "{% $states.result.Payload.price %}"},
			"Output": "{% $states.result.Payload %}", "End": true}`),
			Input: aws.String(`{"id": "o-2"}`), InspectionLevel: types.InspectionLevelDebug, Mock: mockResult(`{"Payload": {"price": 7}}`)},
			result{Status: "SUCCEEDED", Output: `{"price":7}`, Data: &types.InspectionData{
				Input:          aws.String(`{"id": "o-2"}`),
				AfterArguments: aws.String(`{"FunctionName":"price","Payload":{"id":"o-2"}}`),
				Result:         aws.String(`{"Payload": {"price": 7}}`),
				Variables:      aws.String(`{"price":7}`),
			}}},
		{"parallel with a mock", sfn.TestStateInput{Definition: aws.String(`{"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}],
			"ResultSelector": {"first.$": "$[0]"}, "ResultPath": "$.both", "Next": "Join"}`),
			Input: aws.String(`{"x": 1}`), InspectionLevel: types.InspectionLevelDebug, Mock: mockResult(`[{"a": 1}, {"b": 2}]`)},
			result{Status: "SUCCEEDED", Output: `{"x":1,"both":{"first":{"a":1}}}`, NextState: "Join", Data: &types.InspectionData{
				Input: aws.String(`{"x": 1}`), AfterInputPath: aws.String(`{"x": 1}`), AfterParameters: aws.String(`{"x": 1}`),
				Result: aws.String(`[{"a": 1}, {"b": 2}]`), AfterResultSelector: aws.String(`{"first":{"a":1}}`),
				AfterResultPath: aws.String(`{"x":1,"both":{"first":{"a":1}}}`),
			}}},
		{"map with a mock: its result stands for the iterations", sfn.TestStateInput{Definition: aws.String(`{"Type": "Map", "ItemsPath": "$.orders",
			"ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
			"ResultSelector": {"first.$": "$[0]", "n.$": "States.ArrayLength($)"}, "ResultPath": "$.done", "Next": "Ship"}`),
			Input: aws.String(`{"orders": [1, 2]}`), Mock: mockResult(`[10, 20]`)},
			result{Status: "SUCCEEDED", Output: `{"orders":[1,2],"done":{"first":10,"n":2}}`, NextState: "Ship"}},
		// Templates keep the order their keys are written in, as on AWS.
		{"key order: JSONPath Pass Parameters and Result", sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass",
			"Parameters": {"zeta.$": "$.x", "alpha": 2, "mid": {"y": 1, "b": 2}}, "Result": {"z": 1, "a": [{"n": 1, "m": 2}]}, "ResultPath": "$.r", "End": true}`),
			Input: aws.String(`{"x": 1}`), InspectionLevel: types.InspectionLevelDebug},
			result{Status: "SUCCEEDED", Output: `{"x":1,"r":{"z":1,"a":[{"n":1,"m":2}]}}`, Data: &types.InspectionData{
				Input: aws.String(`{"x": 1}`), AfterInputPath: aws.String(`{"x": 1}`),
				AfterParameters: aws.String(`{"zeta":1,"alpha":2,"mid":{"y":1,"b":2}}`),
				Result:          aws.String(`{"z":1,"a":[{"n":1,"m":2}]}`),
				AfterResultPath: aws.String(`{"x":1,"r":{"z":1,"a":[{"n":1,"m":2}]}}`),
			}}},
		{"key order: JSONPath Task ResultSelector", sfn.TestStateInput{Definition: aws.String(`{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"Parameters": {"FunctionName": "price", "Payload": {"z": 1, "a": 2}}, "ResultSelector": {"total.$": "$.Payload.price", "currency": "EUR"}, "End": true}`),
			Input: aws.String(`{}`), Mock: mockResult(`{"Payload": {"price": 12}}`)},
			result{Status: "SUCCEEDED", Output: `{"total":12,"currency":"EUR"}`}},
		{"key order: JSONata Pass Output", sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "QueryLanguage": "JSONata",
			"Output": {"zeta": "{% $states.input.x %}", "alpha": 2, "kept": "{% $v %}"}, "End": true}`),
			Input: aws.String(`{"x": 1}`), Variables: aws.String(`{"v": {"y": 1, "b": 2}}`)},
			result{Status: "SUCCEEDED", Output: `{"zeta":1,"alpha":2,"kept":{"y":1,"b":2}}`}},
		{"key order: JSONata Task Arguments", sfn.TestStateInput{Definition: aws.String(`{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
			"Arguments": {"Payload": {"z": "{% $states.input.x %}", "a": 2}, "FunctionName": "price"}, "Output": "{% $states.result %}", "End": true}`),
			Input: aws.String(`{"x": 1}`), InspectionLevel: types.InspectionLevelDebug, Mock: mockResult(`{"y": 1, "b": 2}`)},
			result{Status: "SUCCEEDED", Output: `{"y": 1, "b": 2}`, Data: &types.InspectionData{
				Input:          aws.String(`{"x": 1}`),
				AfterArguments: aws.String(`{"Payload":{"z":1,"a":2},"FunctionName":"price"}`),
				Result:         aws.String(`{"y": 1, "b": 2}`),
			}}},
		{"fail", sfn.TestStateInput{Definition: aws.String(`{"Type": "Fail", "Error": "Nope", "Cause": "said no"}`)},
			result{Status: "FAILED", Error: "Nope", Cause: "said no"}},
		{"a state of a machine", sfn.TestStateInput{Definition: aws.String(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": {"b": 1}, "ResultPath": "$.r", "End": true}}}`),
			StateName: aws.String("B"), Input: aws.String(`{"a": 0}`)},
			result{Status: "SUCCEEDED", Output: `{"a":0,"r":{"b":1}}`}},
	}
	for _, tc := range tests {
		out, err := c.TestState(ctx, &tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := result{Status: string(out.Status), Output: aws.ToString(out.Output), Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause),
			NextState: aws.ToString(out.NextState), Data: out.InspectionData}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.InspectionData{}, types.InspectionErrorDetails{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, bad := range []struct {
		in   sfn.TestStateInput
		code string
	}{
		{sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "End": true}`), InspectionLevel: "LOUD"}, "ValidationException"},
		{sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "Next": 3}`)}, "InvalidDefinition"},
		{sfn.TestStateInput{Definition: aws.String(`{"Type": "Pass", "End": true}`), Mock: mockResult(`{}`)}, "ValidationException"},
		{sfn.TestStateInput{Definition: aws.String(`{"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}`)}, "InvalidDefinition"},
	} {
		_, err := c.TestState(ctx, &bad.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != bad.code {
			t.Errorf("TestState(%s): %v, want %s", aws.ToString(bad.in.Definition), err, bad.code)
		}
	}
}
