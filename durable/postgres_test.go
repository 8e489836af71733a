package durable

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// postgresEnv names a PostgreSQL URL for the tests to use instead of
// starting a server of their own.
const postgresEnv = "SFN_TEST_POSTGRES"

// startPostgres starts a throwaway PostgreSQL server (initdb into a
// temporary directory, pg_ctl on a free local port) for the test and
// returns its URL; it stops and removes it when the test ends. initdb
// refuses to run as root: as root, the server runs as the postgres user
// that Debian's package creates (.ci/run installs it). The test skips
// where PostgreSQL is not installed.
func startPostgres(t *testing.T) string {
	t.Helper()
	if url := os.Getenv(postgresEnv); url != "" {
		return url
	}
	if why := postgresMissing(); why != "" {
		t.Skip(why)
	}
	initdb, pgctl := findPostgresTool("initdb"), findPostgresTool("pg_ctl")
	var owner *user.User
	if os.Geteuid() == 0 {
		owner, _ = user.Lookup("postgres")
	}
	dir, err := os.MkdirTemp("", "sfn-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	run := func(tool string, args ...string) {
		t.Helper()
		cmd := exec.Command(tool, args...)
		if owner != nil {
			cmd = exec.Command("runuser", append([]string{"-u", owner.Username, "--", tool}, args...)...)
		}
		// Output to a file, not a pipe: the server that pg_ctl starts
		// inherits the descriptors and would hold a pipe open.
		out, err := os.CreateTemp("", "sfn-postgres-out-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(out.Name())
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("%s %v: %v\n%s", filepath.Base(tool), args, err, b)
		}
	}
	data := filepath.Join(dir, "data")
	run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	port := freePort(t)
	run(pgctl, "-D", data, "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300", port, dir),
		"-l", filepath.Join(dir, "log"), "-w", "start")
	t.Cleanup(func() { run(pgctl, "-D", data, "-m", "immediate", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

// postgresMissing says why startPostgres cannot start a server, or "".
func postgresMissing() string {
	if os.Getenv(postgresEnv) != "" {
		return ""
	}
	if findPostgresTool("initdb") == "" || findPostgresTool("pg_ctl") == "" {
		return "PostgreSQL is not installed (no initdb, pg_ctl): .ci/run installs Debian's postgresql; or set " + postgresEnv
	}
	if _, err := user.Lookup("postgres"); os.Geteuid() == 0 && err != nil {
		return "running as root and there is no postgres user to run PostgreSQL as (initdb refuses root)"
	}
	return ""
}

// findPostgresTool finds a PostgreSQL program on PATH or where Debian
// installs it (/usr/lib/postgresql/VERSION/bin, not on PATH).
func findPostgresTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return ""
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Three workers share a PostgreSQL store; one at a time is killed and
// restarted.
func TestChaosPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills worker processes for a while")
	}
	url := startPostgres(t)
	executions, items, kills := chaosSize()
	chaos(t, url, executions, items, kills, 3)
}

// Three workers share a PostgreSQL store and one is killed for good
// while it runs executions (in their Wait): the other two take them over
// once its lease expires, and every execution ends as it should.
func TestTakeoverPostgres(t *testing.T) {
	url := startPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logPath := t.TempDir() + "/invocations.log"
	os.WriteFile(logPath, nil, 0o600)
	client, err := Open(ctx, testmachine.New(nil), Config{Store: url, ExecutorID: "takeover-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var ws []*worker
	for i := range 3 {
		ws = append(ws, startWorker(t, url, fmt.Sprintf("w%d", i), logPath, "2s"))
	}
	defer func() {
		for _, w := range ws[1:] {
			w.kill()
		}
	}()
	// Every worker up (its lease written) before the executions start.
	waitFor(t, func() bool {
		leases, err := dbos.ListWorkflows(client.ctx, dbos.WithFilterWorkflowIDPrefix(leasePrefix),
			dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
		n := 0
		for _, l := range leases {
			if _, ok := l.Attributes["seen"]; ok {
				n++
			}
		}
		return err == nil && n == 3
	})
	const executions = 24
	arns := make([]string, executions)
	for i := range arns {
		// A Wait of 3 s, in memory (shorter than ParkAfter): the
		// executions are pending on their worker during it.
		out, err := client.StartExecution(ctx, fmt.Sprintf("t%02d", i), testInput(2, 3))
		if err != nil {
			t.Fatal(err)
		}
		arns[i] = out.ExecutionArn
	}
	pendingOn := func(executor string) int {
		wfs, err := dbos.ListWorkflows(client.ctx, dbos.WithFilterName(client.workflow), dbos.WithFilterExecutorIDs(executor),
			dbos.WithFilterStatus(dbos.WorkflowStatusPending), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
		if err != nil {
			t.Fatal(err)
		}
		return len(wfs)
	}
	waitFor(t, func() bool { return pendingOn("w0") > 0 })
	ws[0].kill()
	t.Logf("killed w0 with %d executions pending", pendingOn("w0"))

	sent := map[string]bool{}
	for _, arn := range arns {
		for {
			d, err := client.DescribeExecution(ctx, arn)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != StatusRunning {
				if d.Status != sfnrt.StatusSucceeded {
					t.Errorf("%s: %s %s", arn, d.Status, deref(d.Cause))
				}
				break
			}
			for _, line := range readLines(logPath) {
				if f := strings.Fields(line); f[0] == "token" && !sent[f[2]] {
					if err := client.SendTaskSuccess(ctx, f[2], `{}`); err == nil || apiCode(err) == "TaskDoesNotExist" {
						sent[f[2]] = true
					}
				}
			}
			if ctx.Err() != nil {
				t.Fatalf("%s still running; pending on the killed worker: %d", arn, pendingOn("w0"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if n := pendingOn("w0"); n != 0 {
		t.Errorf("%d executions still pending on the killed worker", n)
	}
}
