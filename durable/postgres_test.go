package durable

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Three workers share a PostgreSQL store; one at a time is killed and
// restarted.
func TestChaosPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills worker processes for a while")
	}
	url := testservers.Postgres(t)
	executions, items, kills := chaosSize()
	chaos(t, url, executions, items, kills, 3)
}

// Three workers share a PostgreSQL store and one is killed for good
// while it runs executions (in their Wait): the other two take them over
// once its lease expires, and every execution ends as it should.
func TestTakeoverPostgres(t *testing.T) {
	url := testservers.Postgres(t)
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

// Processes that open one fresh PostgreSQL store at the same moment
// (servers and workers started together) all open it: DBOS's migrations
// of a new store collide in PostgreSQL's catalog when two run at once
// (lockMigrations).
func TestOpenNewPostgresStoreAtOnce(t *testing.T) {
	url := testservers.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 4
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			dctx, err := openStore(ctx, url, "v1", fmt.Sprintf("open-%d", i), nil)
			if err == nil {
				err = dbos.Launch(dctx)
				shutdownStore(dctx, 5*time.Second)
			}
			errs <- err
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
