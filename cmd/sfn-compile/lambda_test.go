package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/internal/rietest"
	"github.com/sfn-compile/sfn-compile/runtime/awslambda"
	"github.com/sfn-compile/sfn-compile/runtime/integrations"
)

// runCLI runs sfn-compile with args in-process, failing the test when it
// takes longer than limit, and returns the exit code and output.
func runCLI(t *testing.T, limit time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		done <- result{code, stdout.String(), stderr.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(limit):
		t.Fatalf("sfn-compile %s: still running after %v", strings.Join(args, " "), limit)
	}
	return 0, "", ""
}

// needGo skips tests that build programs when the go command is absent.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	if testing.Short() {
		t.Skip("builds the AWS SDK")
	}
}

// awsEnv gives the test, and the programs it runs, dummy AWS credentials
// and no configuration from the machine.
func awsEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for _, kv := range rietest.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// isolateCache gives sfn-compile a cache of its own, keeping go's build
// and module caches (which default to the same XDG_CACHE_HOME).
func isolateCache(t *testing.T) {
	t.Helper()
	for k, v := range goEnvVars(t, "GOCACHE", "GOMODCACHE", "GOPATH") {
		t.Setenv(k, v)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o666); err != nil {
		t.Fatal(err)
	}
	return p
}

// testFunction builds internal/rietest/testfn, the Lambda function the
// tests host under the emulator.
func testFunction(t *testing.T) string {
	return rietest.BuildFunction(t, filepath.Join("..", ".."), "./internal/rietest/testfn")
}

// orderMachine fails on {"fail": ...} with a Fail state, and otherwise
// invokes the function "echo" with its input through lambda:invoke.
const orderMachine = `{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.invalid", "IsPresent": true, "Next": "Invalid"}], "Default": "Call"},
    "Call": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "echo", "Payload.$": "$"},
      "ResultSelector": {"payload.$": "$.Payload", "status.$": "$.StatusCode", "version.$": "$.ExecutedVersion"},
      "End": true
    },
    "Invalid": {"Type": "Fail", "Error": "Order.Invalid", "Cause": "the order is invalid"}
  }
}`

// TestLambdaZip builds a zip with sfn-compile lambda, runs its bootstrap
// under the Lambda Runtime Interface Emulator and invokes it with the AWS
// SDK. The machine's Task invokes another function under the emulator,
// whose endpoint the bootstrap reads from AWS_ENDPOINT_URL_LAMBDA, the
// standard configuration chain.
func TestLambdaZip(t *testing.T) {
	rietest.Path(t)
	needGo(t)
	awsEnv(t)
	isolateCache(t)
	dir := t.TempDir()
	def := writeFile(t, dir, "order.asl.json", orderMachine)
	zipPath := filepath.Join(dir, "order.zip")

	code, stdout, stderr := runCLI(t, 8*time.Minute, "lambda", "-o", zipPath, "--arch", "amd64", def)
	if code != 0 {
		t.Fatalf("sfn-compile lambda: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("zip entries %v, want bootstrap alone", zr.File)
	}
	f := zr.File[0]
	if f.Mode() != 0o755 || !f.Mode().IsRegular() || !f.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("bootstrap: mode %v, modified %v; want -rwxr-xr-x, 1980-01-01", f.Mode(), f.Modified)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	var exe bytes.Buffer
	_, err = exe.ReadFrom(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(exe.Bytes(), []byte("\x7fELF")) {
		t.Fatal("bootstrap is not an ELF executable")
	}
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(bootstrap, exe.Bytes(), f.Mode()); err != nil {
		t.Fatal(err)
	}

	echo := rietest.Start(t, testFunction(t), "echo")
	front := rietest.Front(t, map[string]*rietest.Function{"echo": echo})
	order := rietest.Start(t, bootstrap, "order", "AWS_ENDPOINT_URL_LAMBDA="+front.URL)

	client := lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(order.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	tests := []struct {
		name, input string
		want        string
	}{
		{"output", `{"order":7,"amount":12.50}`,
			`{"payload":{"calls":0,"echo":{"order":7,"amount":12.5},"function":"echo"},"status":200,"version":"$LATEST"}`},
		{"Fail state", `{"invalid":true}`,
			`{"errorMessage":"the order is invalid","errorType":"Order.Invalid"}`},
		{"function error of the Task", `{"fail":{"type":"Payment.Declined","message":"card expired"}}`,
			`{"errorMessage":"{\"errorMessage\":\"card expired\",\"errorType\":\"Payment.Declined\"}","errorType":"Payment.Declined"}`},
		{"event that is not an object", `[1,2]`,
			`{"payload":{"calls":0,"echo":[1,2],"function":"echo"},"status":200,"version":"$LATEST"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("function"), Payload: []byte(tt.input)})
			if err != nil {
				t.Fatal(err)
			}
			if out.StatusCode != 200 {
				t.Errorf("status %d", out.StatusCode)
			}
			if diff := cmp.Diff(tt.want, compactJSON(t, out.Payload)); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
		})
	}
	if n := front.Count("echo"); n != 3 {
		t.Errorf("echo invoked %d times, want 3", n)
	}
}

func compactJSON(t *testing.T, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatalf("not JSON: %s", data)
	}
	return b.String()
}

// retryMachine invokes the function "flaky" by its ARN, retrying its
// errors, then "echo" through lambda:invoke, and catches a function error
// of "echo" by its errorType.
const retryMachine = `{
  "StartAt": "Flaky",
  "States": {
    "Flaky": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
      "Parameters": {"failTimes": 2, "key.$": "$.key"},
      "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 3}],
      "ResultSelector": {"calls.$": "$.calls"},
      "ResultPath": "$.flaky",
      "Next": "Echo"
    },
    "Echo": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:echo", "Payload.$": "$.echo"},
      "Catch": [{"ErrorEquals": ["Payment.Declined"], "ResultPath": "$.caught", "Next": "Done"}],
      "ResultSelector": {"status.$": "$.StatusCode", "echoed.$": "$.Payload.echo"},
      "ResultPath": "$.echo",
      "Next": "Done"
    },
    "Done": {"Type": "Pass", "End": true}
  }
}`

// TestRunInvokesLambda runs a machine whose Task states invoke functions
// hosted by the emulator, with sfn-compile run: a Retry after two function
// errors, lambda:invoke, a Catch of a function error; --mock-config wins.
func TestRunInvokesLambda(t *testing.T) {
	rietest.Path(t)
	needGo(t)
	awsEnv(t)
	isolateCache(t)
	fn := testFunction(t)
	front := rietest.Front(t, map[string]*rietest.Function{
		"flaky": rietest.Start(t, fn, "flaky"),
		"echo":  rietest.Start(t, fn, "echo"),
	})
	dir := t.TempDir()
	def := writeFile(t, dir, "retry.asl.json", retryMachine)

	code, stdout, stderr := runCLI(t, 8*time.Minute, "run", "--lambda-endpoint", front.URL, "--skip-waits",
		"--input", `{"key":"a","echo":{"fail":{"type":"Payment.Declined","message":"card expired"}}}`, def)
	want := `{"key":"a","echo":{"fail":{"type":"Payment.Declined","message":"card expired"}},"flaky":{"calls":3},` +
		`"caught":{"Error":"Payment.Declined","Cause":"{\"errorMessage\":\"card expired\",\"errorType\":\"Payment.Declined\"}"}}` + "\n"
	if code != 0 || stdout != want || stderr != "" {
		t.Errorf("exit %d\nstdout %s\nstderr %s\nwant stdout %s", code, stdout, stderr, want)
	}
	if f, e := front.Count("flaky"), front.Count("echo"); f != 3 || e != 1 {
		t.Errorf("flaky invoked %d times, echo %d; want 3 and 1", f, e)
	}

	// Too few retries: the function's error fails the execution.
	t.Run("retries exhausted", func(t *testing.T) {
		def := writeFile(t, dir, "noretry.asl.json", strings.Replace(retryMachine, `"MaxAttempts": 3`, `"MaxAttempts": 1`, 1))
		code, stdout, stderr := runCLI(t, 8*time.Minute, "run", "--lambda-endpoint", front.URL, "--skip-waits", "--input", `{"key":"b","echo":1}`, def)
		want := `Flaky: {"errorMessage":"call 2 of \"b\" fails","errorType":"Flaky"}` + "\n"
		if code != 1 || stdout != "" || stderr != want {
			t.Errorf("exit %d\nstdout %s\nstderr %s\nwant stderr %s", code, stdout, stderr, want)
		}
	})

	t.Run("mock config wins", func(t *testing.T) {
		before := front.Count("flaky") + front.Count("echo")
		mock := writeFile(t, dir, "mock.json", `{"StateMachines":{"retry":{"TestCases":{"T":{"Flaky":"F","Echo":"E"}}}},
			"MockedResponses":{"F":{"0":{"Return":{"calls":42}}},"E":{"0":{"Return":{"StatusCode":201,"Payload":{"echo":"hi"}}}}}}`)
		code, stdout, stderr := runCLI(t, 8*time.Minute, "run", "--lambda-endpoint", front.URL, "--mock-config", mock, "--test-case", "T", "--input", `{"key":"c","echo":{}}`, def)
		if want := `{"key":"c","echo":{"status":201,"echoed":"hi"},"flaky":{"calls":42}}` + "\n"; code != 0 || stdout != want {
			t.Errorf("exit %d\nstdout %s\nstderr %s\nwant %s", code, stdout, stderr, want)
		}
		if after := front.Count("flaky") + front.Count("echo"); after != before {
			t.Errorf("%d invokes with a mock config", after-before)
		}
	})

	t.Run("unknown function", func(t *testing.T) {
		def := writeFile(t, dir, "unknown.asl.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:nope","End":true}}}`)
		code, _, stderr := runCLI(t, 8*time.Minute, "run", "--lambda-endpoint", front.URL, def)
		if code != 1 || !strings.HasPrefix(stderr, "Lambda.ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope (Service: AWSLambda; Status Code: 404;") {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})
}

// TestRunWithoutLambda checks that a machine with no Lambda Task builds
// offline, without the AWS SDK, and that --lambda-endpoint is then
// ignored.
func TestRunWithoutLambda(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	isolateCache(t)
	t.Setenv("GOPROXY", "off")
	dir := t.TempDir()
	def := writeFile(t, dir, "pass.asl.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"End":true}}}`)
	code, stdout, stderr := runCLI(t, 5*time.Minute, "run", "--lambda-endpoint", "http://127.0.0.1:1", def)
	if code != 0 || stdout != "1\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	bin := filepath.Join(dir, "pass")
	if code, _, stderr := runCLI(t, 5*time.Minute, "build", "-o", bin, def); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "github.com/aws/") {
		t.Errorf("the binary links AWS modules:\n%s", out)
	}
}

func TestIsLambdaResourceAgrees(t *testing.T) {
	for _, r := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f:alias",
		"arn:aws-cn:lambda:cn-north-1:1:function:f", "arn:aws:states:::lambda:invoke", "arn:aws-us-gov:states:::lambda:invoke",
		"arn:aws:states:::lambda:invoke.waitForTaskToken", "arn:aws:states:::aws-sdk:lambda:invoke", "arn:aws:lambda:::function:f",
		"arn:aws:lambda:us-east-1:1:layer:l", "arn:aws:states:::sqs:sendMessage", "arn:aws:states:us-east-1:1:activity:a",
		"", "arn", "arn::lambda:r:a:function:f", "arn:aws:lambda:r:a:function:", "arn:aws:states:::lambda:invoke:x",
	} {
		if got, want := isLambdaResource(r), awslambda.IsLambdaResource(r); got != want {
			t.Errorf("isLambdaResource(%q) = %v, awslambda says %v", r, got, want)
		}
	}
}

// TestBindingAgrees checks bindingOf, which sfn-compile uses without
// linking the AWS SDK, against what runtime/integrations runs.
func TestBindingAgrees(t *testing.T) {
	resources := []string{
		"arn:aws:states:::aws-sdk:ec2:describeInstances", "arn:aws:states:::http:invoke", "arn:aws:states:::http:invoke.sync",
		"arn:aws:states:::states:startExecution.waitForTaskToken", "arn:aws:states:::ecs:runTask.sync", "arn:aws:states:::glue:startJobRun",
		"arn:aws:states:us-east-1:123456789012:activity:a", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken",
	}
	for s := range builtinSDKServices {
		resources = append(resources, "arn:aws:states:::aws-sdk:"+s+":anyAction", "arn:aws:states:eu-west-1:123456789012:aws-sdk:"+s+":x")
	}
	for k := range builtinOptimized {
		resources = append(resources, "arn:aws:states:::"+k, "arn:aws:states:us-east-1:123456789012:"+k)
	}
	for _, svc := range []string{"dynamodb:query", "sns:publish.sync", "lambda:invoke", "events:putEvents.sync"} {
		resources = append(resources, "arn:aws:states:::"+svc)
	}
	for _, r := range resources {
		b, _ := bindingOf(r)
		if got, want := b == viaBuiltin, integrations.Runs(r); got != want {
			t.Errorf("bindingOf(%q) built in: %v, runtime/integrations runs it: %v", r, got, want)
		}
	}
}

func TestCallsAWS(t *testing.T) {
	tests := []struct {
		def  string
		want bool
	}{
		{`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, false},
		{`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":"m"},"End":true}}}`, true},
		{`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:ec2:describeInstances","End":true}}}`, false},
		{`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","End":true}}}`, false},
		{`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`, true},
		{`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}]}}}`, true},
		{`{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`, true},
	}
	for _, tt := range tests {
		m, diags := compiler.Compile([]byte(tt.def), compiler.Options{Filename: "t.asl.json"})
		if m == nil {
			t.Fatalf("%s: %v", tt.def, diags)
		}
		if got := callsAWS(m); got != tt.want {
			t.Errorf("%s: callsAWS = %v, want %v", tt.def, got, tt.want)
		}
	}
}

func TestAWSRequirements(t *testing.T) {
	rt, err := embeddedRuntime()
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := awsRequirements(rt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"require github.com/aws/aws-lambda-go v1.54.0\n", "require github.com/aws/aws-sdk-go-v2/service/lambda v"} {
		if !strings.Contains(reqs, want) {
			t.Errorf("requirements lack %q:\n%s", want, reqs)
		}
	}
	if strings.Contains(reqs, "go-cmp") || strings.Contains(reqs, "indirect") {
		t.Errorf("requirements hold more than the AWS modules:\n%s", reqs)
	}
}

func TestLambdaZipFormat(t *testing.T) {
	mtime := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	files := []zipFile{{"z.txt", []byte("z"), 0o644}, {"bootstrap", []byte("\x7fELF..."), 0o755}}
	a, err := lambdaZip(files, mtime)
	if err != nil {
		t.Fatal(err)
	}
	b, err := lambdaZip([]zipFile{files[1], files[0]}, mtime)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the zip depends on the order of its files")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name+" "+f.Mode().String()+" "+f.Modified.UTC().Format(time.RFC3339)+" "+string(rune('0'+f.CreatorVersion>>8)))
	}
	want := []string{"bootstrap -rwxr-xr-x 1980-01-01T00:00:00Z 3", "z.txt -rw-r--r-- 1980-01-01T00:00:00Z 3"} // 3: made on Unix
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}

	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if got := zipTime(); !got.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("zipTime with SOURCE_DATE_EPOCH = %v", got)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "5")
	if got := zipTime(); !got.Equal(mtime) {
		t.Errorf("zipTime before 1980 = %v, want 1980-01-01", got)
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.zip")
	if err := writeAtomic(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "two" {
		t.Errorf("content %q", data)
	}
	if err := writeAtomic(filepath.Join(dir, "missing", "out.zip"), []byte("x")); err == nil {
		t.Error("no error writing into a missing directory")
	}
	// A directory in the way: the rename fails, and the temporary file goes.
	if err := os.Mkdir(filepath.Join(dir, "taken.zip"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(filepath.Join(dir, "taken.zip"), []byte("x")); err == nil {
		t.Error("no error renaming over a directory")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"out.zip", "taken.zip"}, names); diff != "" {
		t.Errorf("files left (-want +got):\n%s", diff)
	}
}
