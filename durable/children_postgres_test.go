package durable

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/jackc/pgx/v5"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
)

// A child workflow runs from its record on a worker where its execution
// does not run. Worker w0 runs an execution whose Map iterations 1 to 3
// have recorded their Task and 4 to 6 are in theirs when w0 is killed;
// the execution then belongs to w1 and its children to w2 (the store's
// executor IDs, as when another worker had dequeued them; a worker
// recovers its own when it starts). The children finish on w2 while no
// process runs their execution, then the execution on w1, with the
// output and history of an uninterrupted run, and no recorded Task of a
// child runs again. Before child workflows ran from records, a child on
// w2 found nothing to run and waited for its execution's run.
func TestChildrenOnAnotherWorkerPostgres(t *testing.T) {
	url := testservers.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	logPath, gate := dir+"/invocations.log", dir+"/gate"
	os.WriteFile(logPath, nil, 0o600)
	t.Setenv(gateEnv, gate+"\t3")
	client, err := Open(ctx, testmachine.New(nil), Config{Store: url, ExecutorID: "children-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	// Workers that do not take over others (an hour): each recovers its
	// own executor ID's workflows when it starts.
	w0 := startWorker(t, url, "w0", logPath, "1h")
	start, err := client.StartExecution(ctx, "across", testInput(6, 0))
	if err != nil {
		t.Fatal(err)
	}
	arn := start.ExecutionArn
	children := func(status dbos.WorkflowStatusType) []dbos.WorkflowStatus {
		ws, err := dbos.ListWorkflows(client.ctx, dbos.WithFilterWorkflowIDPrefix(arn+"/Each@"), dbos.WithFilterStatus(status),
			dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	waitFor(t, func() bool { return len(children(dbos.WorkflowStatusSuccess)) == 3 && squares(logPath, "w0") == 6 })
	w0.kill()
	if n := len(children(dbos.WorkflowStatusPending)); n != 3 {
		t.Fatalf("%d children pending after the kill, want 3", n)
	}

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, move := range []struct{ executor, where string }{
		{"w2", "workflow_uuid LIKE $1 || '/%'"},
		{"w1", "workflow_uuid = $1"},
	} {
		if _, err := conn.Exec(ctx, "UPDATE dbos.workflow_status SET executor_id = '"+move.executor+
			"' WHERE status = 'PENDING' AND "+move.where, arn); err != nil {
			t.Fatal(err)
		}
	}
	w2 := startWorker(t, url, "w2", logPath, "1h")
	defer w2.kill()
	// The children run again on w2 (the in-flight Tasks are invoked
	// again there) and end there while no process runs their execution.
	waitFor(t, func() bool { return squares(logPath, "w2") == 3 })
	os.WriteFile(gate, nil, 0o600)
	waitFor(t, func() bool { return len(children(dbos.WorkflowStatusSuccess)) == 6 })
	// w2 gone, w1 is the only worker: the execution, which DBOS puts
	// back on its queue, goes on there, from its records and its
	// children's.
	w2.kill()
	w1 := startWorker(t, url, "w1", logPath, "1h")
	defer w1.kill()
	token := waitForToken(t, logPath)
	if err := client.SendTaskSuccess(ctx, token, `{"approved":"across"}`); err != nil {
		t.Fatal(err)
	}
	d, err := client.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	checkLikeUninterrupted(t, client, d)

	counts, by := map[string]int{}, map[string][]string{}
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); f[0] == "invoke" {
			counts[f[1]]++
			by[f[1]] = append(by[f[1]], f[2])
		}
	}
	for key, n := range counts {
		// Squares of 4 to 6 were in flight at the kill: invoked on w0,
		// then on w2. Every other invocation ran once.
		want := 1
		if strings.HasPrefix(key, "Square/") && len(by[key]) == 2 {
			want = 2
			if by[key][0] != "w0" || by[key][1] != "w2" {
				t.Errorf("%s invoked by %v, want w0 then w2", key, by[key])
			}
		}
		if n != want {
			t.Errorf("%s invoked %d times by %v", key, n, by[key])
		}
	}
	if n := squares(logPath, ""); n != 9 {
		t.Errorf("%d Square invocations, want 6 and the 3 in flight again", n)
	}
	// The execution went on past the Map on w1 (its callback, which a
	// parked execution's wake-up may finish on any worker, came after).
	if who := by["Approve/across/"+approveSeq(logPath)]; len(who) != 1 || who[0] != "w1" {
		t.Errorf("the callback Task after the Map invoked by %v, want w1", who)
	}
	for _, c := range children(dbos.WorkflowStatusSuccess) {
		if c.ExecutorID != "w0" && c.ExecutorID != "w2" {
			t.Errorf("child %s ran on %s", c.ID, c.ExecutorID)
		}
	}
}

// approveSeq is the Seq of the Approve invocation in the log.
func approveSeq(logPath string) string {
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); f[0] == "invoke" && strings.HasPrefix(f[1], "Approve/") {
			return f[1][strings.LastIndexByte(f[1], '/')+1:]
		}
	}
	return ""
}

// squares counts the Square invocations in the log, by worker (all: "").
func squares(logPath, worker string) int {
	n := 0
	for _, line := range readLines(logPath) {
		f := strings.Fields(line)
		if f[0] == "invoke" && strings.HasPrefix(f[1], "Square/") && (worker == "" || f[2] == worker) {
			n++
		}
	}
	return n
}
