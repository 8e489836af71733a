// Package rietest runs Lambda functions under the AWS Lambda Runtime
// Interface Emulator (aws-lambda-rie) for tests, on loopback addresses
// only.
//
// The emulator runs one function's bootstrap and answers invokes of the
// function named "function" only; it neither sets X-Amz-Function-Error on
// a function error nor X-Amz-Executed-Version. Front puts the Lambda
// Invoke API in front of several emulators, routing by function name (or
// ARN) and setting those headers as Lambda does, so that code invoking
// Lambda through the AWS SDK can be tested against real functions.
package rietest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the emulator's module version that .ci/run installs.
const Version = "v0.0.0-20261030222936-bef5c4ba774d"

// Install is the command that installs the emulator.
const Install = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@" + Version

// Path returns the path of aws-lambda-rie, and skips t when it is not on
// PATH or the system is not Linux.
func Path(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("aws-lambda-rie")
	if err != nil {
		t.Skipf("aws-lambda-rie is not on PATH (install it with %s)", Install)
	}
	if !supported {
		t.Skip("the Lambda Runtime Interface Emulator runs on Linux only")
	}
	return p
}

// Env is the environment a function and its invokers get: dummy
// credentials, a region, and no instance metadata lookups.
var Env = []string{
	"AWS_ACCESS_KEY_ID=test",
	"AWS_SECRET_ACCESS_KEY=test",
	"AWS_REGION=us-east-1",
	"AWS_DEFAULT_REGION=us-east-1",
	"AWS_EC2_METADATA_DISABLED=true",
	"AWS_CONFIG_FILE=" + os.DevNull,
	"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
}

// Environ returns the process's environment without its AWS_ variables,
// plus Env.
func Environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, Env...)
}

// A Function is a bootstrap running under the emulator.
type Function struct {
	// URL is the emulator's base URL, http://127.0.0.1:PORT: invoke
	// POST URL/2015-03-31/functions/function/invocations.
	URL string
	// Name is the function's AWS_LAMBDA_FUNCTION_NAME.
	Name string
	log  *lockedBuffer
}

// InvokeURL is where the function's invokes go.
func (f *Function) InvokeURL() string { return f.URL + "/2015-03-31/functions/function/invocations" }

// Log returns what the emulator and the function wrote so far.
func (f *Function) Log() string { return f.log.String() }

// Start runs bootstrap, an executable Lambda bootstrap, under the
// emulator on two free loopback ports, as the function called name with
// Env and env in its environment. The emulator is stopped (SIGTERM, then
// SIGKILL, to its own process group) when the test ends; its output is
// logged when the test failed.
func Start(t testing.TB, bootstrap, name string, env ...string) *Function {
	t.Helper()
	rie := Path(t)
	abs, err := filepath.Abs(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for try := 0; try < 3; try++ {
		invokeAddr, apiAddr := freeAddr(t), freeAddr(t)
		f := &Function{URL: "http://" + invokeAddr, Name: name, log: &lockedBuffer{}}
		cmd := exec.Command(rie,
			"--runtime-interface-emulator-address", invokeAddr,
			"--runtime-api-address", apiAddr,
			abs)
		cmd.Dir = filepath.Dir(abs)
		// No AWS_ variable of the test's environment: AWS_LAMBDA_MAX_CONCURRENCY,
		// even empty, would switch the emulator to another mode.
		cmd.Env = append(Environ(), "AWS_LAMBDA_FUNCTION_NAME="+name, "AWS_LAMBDA_FUNCTION_TIMEOUT=30")
		cmd.Env = append(cmd.Env, env...)
		cmd.Stdout, cmd.Stderr = f.log, f.log
		ownGroup(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting aws-lambda-rie: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			terminate(cmd)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				kill(cmd)
				<-exited
			}
		}
		if lastErr = waitListening(invokeAddr, exited, 15*time.Second); lastErr != nil {
			stop()
			t.Logf("aws-lambda-rie on %s: %v\n%s", invokeAddr, lastErr, f.log.String())
			continue // e.g. a port taken meanwhile: try others
		}
		t.Cleanup(func() {
			stop()
			if t.Failed() {
				t.Logf("aws-lambda-rie %s (%s) output:\n%s", name, invokeAddr, f.log.String())
			}
		})
		return f
	}
	t.Fatalf("aws-lambda-rie did not start: %v", lastErr)
	return nil
}

// freeAddr returns a loopback address with a port that was free.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(addr string, exited <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-exited:
			return fmt.Errorf("exited")
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening after %v: %v", limit, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Invoke posts payload to f's emulator and returns the response body.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.InvokeURL(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("emulator answered %s: %s", resp.Status, body)
	}
	return body, nil
}

// Front serves the Lambda Invoke API on a loopback port for the functions
// in fns, keyed by function name, and returns its base URL (the endpoint
// for the AWS SDK). It routes POST /2015-03-31/functions/NAME/invocations,
// where NAME may be a name, NAME:QUALIFIER or a function ARN, to the
// function's emulator, and answers as Lambda does: X-Amz-Executed-Version
// and x-amzn-RequestId on every response, X-Amz-Function-Error: Unhandled
// when the function failed (its response is an error object, the only
// way the emulator tells), and a ResourceNotFoundException for an unknown
// function. Count tells how often each function was invoked.
func Front(t testing.TB, fns map[string]*Function) *FrontServer {
	t.Helper()
	pools := map[string][]*Function{}
	for name, fn := range fns {
		pools[name] = []*Function{fn}
	}
	return FrontPool(t, pools)
}

// FrontPool is Front for functions that run as several instances, as
// Lambda scales a function out: an emulator runs one invocation at a
// time, so each invoke waits for a free instance of its function.
func FrontPool(t testing.TB, fns map[string][]*Function) *FrontServer {
	t.Helper()
	fs := &FrontServer{fns: map[string]chan *Function{}, requests: map[string]int{}}
	for name, instances := range fns {
		free := make(chan *Function, len(instances))
		for _, fn := range instances {
			free <- fn
		}
		fs.fns[name] = free
	}
	srv := httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(srv.Close)
	fs.URL = srv.URL
	return fs
}

// A FrontServer is the Lambda Invoke API that Front serves.
type FrontServer struct {
	URL string
	fns map[string]chan *Function // the free instances of each function

	mu       sync.Mutex
	requests map[string]int // invokes per function name
}

// Count returns the number of invokes of the function called name.
func (fs *FrontServer) Count(name string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests[name]
}

func (fs *FrontServer) serve(w http.ResponseWriter, r *http.Request) {
	const prefix, suffix = "/2015-03-31/functions/", "/invocations"
	p := r.URL.EscapedPath()
	if r.Method != http.MethodPost || !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) {
		apiError(w, http.StatusNotFound, "UnknownOperationException", "Unknown operation "+r.Method+" "+p)
		return
	}
	raw, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(p, prefix), suffix))
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	name := raw
	if parts := strings.Split(raw, ":"); len(parts) >= 7 && parts[0] == "arn" {
		name = parts[6] // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
	} else if i := strings.IndexByte(raw, ':'); i >= 0 {
		name = raw[:i] // NAME:QUALIFIER
	}
	free := fs.fns[name]
	fs.mu.Lock()
	fs.requests[name]++
	fs.mu.Unlock()
	if free == nil {
		apiError(w, http.StatusNotFound, "ResourceNotFoundException",
			"Function not found: arn:aws:lambda:us-east-1:123456789012:function:"+name)
		return
	}
	var fn *Function
	select {
	case fn = <-free:
		defer func() { free <- fn }()
	case <-r.Context().Done():
		return
	}
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequestContentException", err.Error())
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, fn.InvokeURL(), bytes.NewReader(payload))
	if err != nil {
		apiError(w, http.StatusInternalServerError, "ServiceException", err.Error())
		return
	}
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		req.Header.Set("X-Amz-Client-Context", cc)
	}
	id := requestID()
	req.Header.Set("X-Amzn-RequestId", id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		apiError(w, http.StatusBadGateway, "ServiceException", err.Error())
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		apiError(w, http.StatusBadGateway, "ServiceException", err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amz-Executed-Version", "$LATEST")
	h.Set("X-Amzn-RequestId", id)
	if isFunctionError(body) {
		h.Set("X-Amz-Function-Error", "Unhandled")
	}
	if r.Header.Get("X-Amz-Invocation-Type") == "Event" {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// isFunctionError reports whether an emulator's response is the error
// object of a failed function ({"errorMessage": ..., "errorType": ...}),
// or its text for a timeout.
func isFunctionError(body []byte) bool {
	if bytes.HasPrefix(body, []byte("Task timed out after")) {
		return true
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return false
	}
	_, msg := obj["errorMessage"]
	_, typ := obj["errorType"]
	for k := range obj {
		switch k {
		case "errorMessage", "errorType", "stackTrace", "requestId":
		default:
			return false
		}
	}
	return msg || typ
}

// apiError writes an error response of the Lambda API.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", code)
	h.Set("X-Amzn-RequestId", requestID())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}

func requestID() string {
	var b [16]byte
	rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// BuildFunction builds the Go main package pkg (an import path or a
// directory, resolved in dir's module) as a Lambda bootstrap for this
// machine, into a temporary directory, and returns its path.
func BuildFunction(t testing.TB, dir, pkg string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-tags", "lambda.norpc", "-trimpath", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, output)
	}
	return out
}
