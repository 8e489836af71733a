package integrations

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The tests of this package call real servers, each started by the test
// that needs it and skipped with a message where it is not installed
// (.ci/run installs them): versitygw for S3, dynalite for DynamoDB, goaws
// for SQS and SNS. EventBridge has no local server: its test checks the
// requests the SDK sends.

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

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs a server command until the test ends and waits for it
// to accept connections on port.
func startServer(t *testing.T, name string, port int, env []string, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	log := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		f.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			out, _ := os.ReadFile(log)
			t.Fatalf("%s did not start on port %d: %s", name, port, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lookPath finds a server's command, or skips the test.
func lookPath(t *testing.T, name, install string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s is not installed (%s; .ci/run installs it)", name, install)
	return ""
}

// startS3 starts versitygw on a bucket directory and returns its endpoint.
func startS3(t *testing.T) string {
	bin := lookPath(t, "versitygw", "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	port := freePort(t)
	startServer(t, "versitygw", port, []string{"ROOT_ACCESS_KEY=test", "ROOT_SECRET_KEY=test"}, "",
		bin, "--port", fmt.Sprintf("127.0.0.1:%d", port), "posix", t.TempDir())
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// startDynamoDB starts dynalite (in memory) and returns its endpoint.
func startDynamoDB(t *testing.T) string {
	cli, err := filepath.Abs("testdata/dynalite/node_modules/dynalite/cli.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skip("dynalite is not installed (npm ci --prefix runtime/integrations/testdata/dynalite; .ci/run does it)")
	}
	node := lookPath(t, "node", "Node.js")
	port := freePort(t)
	startServer(t, "dynalite", port, nil, "", node, cli, "--host", "127.0.0.1", "--port", fmt.Sprint(port), "--createTableMs", "0", "--deleteTableMs", "0")
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// startGoaws starts goaws, which serves SQS and SNS on one port, with a
// queue "orders" and a topic "news" whose messages go to queue "inbox".
func startGoaws(t *testing.T) string {
	bin := lookPath(t, "goaws", "go install github.com/Admiral-Piett/goaws/app/cmd@v0.4.5, renamed goaws")
	port := freePort(t)
	dir := t.TempDir()
	conf := fmt.Sprintf(`Local:
  Host: 127.0.0.1
  Port: %d
  Region: us-east-1
  AccountId: "100010001000"
  LogToFile: false
  Queues:
    - Name: orders
  Topics:
    - Name: news
      Subscriptions:
        - QueueName: inbox
          Raw: true
`, port)
	path := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(path, []byte(conf), 0o666); err != nil {
		t.Fatal(err)
	}
	startServer(t, "goaws", port, nil, dir, bin, "-config", path, "Local")
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

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

// taskMachine is a state machine of one Task state, Call, on resource.
func taskMachine(name, resource string) *sfnrt.Machine {
	p := &sfnrt.Program{States: []sfnrt.StateInfo{{Name: "Call", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnrt.Frame, state int, input any) (int, any, error) {
		out, err := f.RunTask(ctx, resource, 0, 0, input, nil)
		return sfnrt.End, out, err
	}
	return &sfnrt.Machine{Name: name, Program: p}
}

func sfnrtJSON(v any) string { return sfnrt.ToJSON(v) }
