// Package testservers starts, for tests, the real servers that stand in
// for AWS services locally: versitygw for S3, dynalite for DynamoDB,
// fauxqs for SQS (its JSON protocol, which the AWS SDKs speak), goaws
// for SNS, and PostgreSQL for durable executions' store. Each Start function runs its
// server on a free loopback port until the test ends, or skips the test
// with a message saying how to install the server (.ci/run installs them
// all).
package testservers

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Versions of the servers, as .ci/run installs them.
const (
	VersitygwModule = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"
	GoawsModule     = "github.com/Admiral-Piett/goaws/app/cmd@v0.4.5" // installed as "cmd": .ci/run renames it goaws
)

// freePort returns a loopback port nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs a server command until the test ends and waits for it to
// accept connections on port. The command runs in a process group of its
// own, killed whole at the end (node's children included).
func start(t testing.TB, name string, port int, env []string, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	logPath := filepath.Join(t.TempDir(), name+".log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		log.Close()
	})
	deadline := time.Now().Add(60 * time.Second) // a loaded CI machine
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited before serving on port %d: %s", name, port, out)
		default:
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logPath)
			t.Fatalf("%s did not serve on port %d within a minute: %s", name, port, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lookPath finds a server's command on PATH or in GOPATH/bin, or skips
// the test.
func lookPath(t testing.TB, name, install string) string {
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

// Credentials of the S3 server's root user.
const (
	S3AccessKey = "test"
	S3SecretKey = "test"
)

// S3 starts versitygw serving buckets from a temporary directory and
// returns its endpoint. Clients sign with S3AccessKey and S3SecretKey and
// address buckets by path.
func S3(t testing.TB) string {
	bin := lookPath(t, "versitygw", "go install "+VersitygwModule)
	port := freePort(t)
	start(t, "versitygw", port, []string{"ROOT_ACCESS_KEY=" + S3AccessKey, "ROOT_SECRET_KEY=" + S3SecretKey}, "",
		bin, "--port", fmt.Sprintf("127.0.0.1:%d", port), "posix", t.TempDir())
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// DynamoDB starts dynalite (tables in memory, created and deleted at once)
// and returns its endpoint.
func DynamoDB(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	cli := filepath.Join(filepath.Dir(file), "dynalite", "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		t.Skip("dynalite is not installed (npm ci --prefix internal/testservers/dynalite; .ci/run does it)")
	}
	node := lookPath(t, "node", "Node.js")
	port := freePort(t)
	start(t, "dynalite", port, nil, "", node, cli, "--host", "127.0.0.1", "--port", fmt.Sprint(port), "--createTableMs", "0", "--deleteTableMs", "0")
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// SQS starts fauxqs (queues in memory) and returns its endpoint. Queue
// URLs are http://sqs.REGION.localhost:PORT/000000000000/NAME: clients
// send them as they are to the endpoint.
func SQS(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "fauxqs")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "fauxqs", "package.json")); err != nil {
		t.Skip("fauxqs is not installed (npm ci --prefix internal/testservers/fauxqs; .ci/run does it)")
	}
	node := lookPath(t, "node", "Node.js")
	port := freePort(t)
	start(t, "fauxqs", port, nil, dir, node, "serve.mjs", fmt.Sprint(port))
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// GoawsAccount is the account of goaws's queues and topics.
const GoawsAccount = "100010001000"

// Goaws starts goaws, which serves SNS and SQS on one port, with a queue
// "orders" and a topic "news" whose messages go to queue "inbox", and
// returns its endpoint. goaws listens on every interface: it has no
// setting for the address.
func Goaws(t testing.TB) string {
	bin := lookPath(t, "goaws", "go install "+GoawsModule+", renamed goaws")
	port := freePort(t)
	dir := t.TempDir()
	conf := fmt.Sprintf(`Local:
  Host: 127.0.0.1
  Port: %d
  Region: us-east-1
  AccountId: "%s"
  LogToFile: false
  Queues:
    - Name: orders
  Topics:
    - Name: news
      Subscriptions:
        - QueueName: inbox
          Raw: true
`, port, GoawsAccount)
	path := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(path, []byte(conf), 0o666); err != nil {
		t.Fatal(err)
	}
	start(t, "goaws", port, nil, dir, bin, "-config", path, "Local")
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}
