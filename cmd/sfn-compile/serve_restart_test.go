package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/jackc/pgx/v5"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
)

// A serveProcess is `sfn-compile serve` run as a process of its own, so
// that a test can kill it outright.
type serveProcess struct {
	cmd    *exec.Cmd
	client *sfn.Client
}

// startServe runs sfn-compile serve with args on a free loopback port
// and returns it with the Go SDK's client of it.
func startServe(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	bin, err := exec.LookPath("sfn-compile") // the test binary, as testscript.Main installs it
	if err != nil {
		t.Fatal(err)
	}
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--addr-file", addrFile}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := os.ReadFile(addrFile)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			return &serveProcess{cmd: cmd, client: sfn.New(sfn.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String("http://" + strings.TrimSpace(string(b))),
				Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
				Retryer:      aws.NopRetryer{},
			})}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve wrote no address in a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// children returns the process IDs whose parent is pid.
func children(pid int) []int {
	var kids []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so after ')'.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/proc/"), "/stat"))
			kids = append(kids, n)
		}
	}
	return kids
}

// killHard kills the server and its workers with SIGKILL: no shutdown.
func (p *serveProcess) killHard(t *testing.T) {
	t.Helper()
	workers := children(p.cmd.Process.Pid)
	if len(workers) == 0 {
		t.Error("the server runs no worker process")
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
	for _, pid := range workers {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// A server killed with its workers (kill -9) while an execution waits
// loses nothing: restarted on the same data, it finishes the execution,
// whose history shows one run.
func TestServeRestartLosesNoExecution(t *testing.T) {
	needGo(t)
	isolateCache(t)
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("finds the workers through /proc")
	}
	ctx := context.Background()
	data := t.TempDir()
	srv := startServe(t, "--data", data)
	arn := createMachine(t, srv.client, "patient", "STANDARD", waitMachine)
	exec := startExec(t, srv.client, arn, "survivor", `{"seconds": 4, "who": "restart"}`)
	// Wait until a worker runs it: it has entered its Wait state.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		h, err := srv.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec)})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Events) >= 2 && h.Events[1].Type == types.HistoryEventTypeWaitStateEntered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the execution did not start: %d events", len(h.Events))
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.killHard(t)

	again := startServe(t, "--data", data)
	d := waitFor(t, again.client, exec, 2*time.Minute)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"greeting":"Hello, restart!"}` {
		t.Fatalf("after the restart: %s %q %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
	if took := d.StopDate.Sub(*d.StartDate); took < 4*time.Second {
		t.Errorf("the 4-second Wait took %v", took)
	}
	h, err := again.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec)})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range h.Events {
		kinds = append(kinds, string(ev.Type))
	}
	if got := strings.Join(kinds, " "); got != "ExecutionStarted WaitStateEntered WaitStateExited PassStateEntered PassStateExited ExecutionSucceeded" {
		t.Errorf("history: %s", got)
	}
}

// Two servers on one PostgreSQL store share the executions of a
// machine both serve: each one's workers run some of them.
func TestServeServersShareWork(t *testing.T) {
	needGo(t)
	isolateCache(t)
	ctx := context.Background()
	store := testservers.Postgres(t)
	a := startServe(t, "--data", t.TempDir(), "--store", store)
	b := startServe(t, "--data", t.TempDir(), "--store", store)
	def := `{"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 1, "End": true}}}`
	arnA := createMachine(t, a.client, "shared", "STANDARD", def)
	arnB := createMachine(t, b.client, "shared", "STANDARD", def)
	if arnA != arnB {
		t.Fatalf("ARNs %s and %s", arnA, arnB)
	}
	// Each server starts the first of its executions, which starts its
	// workers; then every execution goes through server a. Server b's
	// first execution ends before a starts any: a has no workers until
	// then, so b's run it from the shared store. (Started at once, a's
	// workers, built first, could take every execution from the queue,
	// b's included, before b's were up: the test failed so under load.)
	// Which workers take a's executions is then up to DBOS's queue:
	// whichever polls first dequeues as many as it has room for.
	var arns []string
	arns = append(arns, startExec(t, b.client, arnB, "via-b", `{}`))
	if d := waitFor(t, b.client, arns[0], 2*time.Minute); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("%s: %s", arns[0], d.Status)
	}
	for i := range 40 {
		arns = append(arns, startExec(t, a.client, arnA, "e"+strconv.Itoa(i), `{}`))
	}
	for _, e := range arns {
		if d := waitFor(t, b.client, e, 2*time.Minute); d.Status != types.ExecutionStatusSucceeded {
			t.Errorf("%s: %s", e, d.Status)
		}
	}
	conn, err := pgx.Connect(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT executor_id, count(*) FROM dbos.workflow_status WHERE name = 'sfn:shared' GROUP BY executor_id`)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		ran[id] = n
	}
	// A worker's executor ID is serve-SERVER-REVISION-N.
	servers := map[string]bool{}
	for id := range ran {
		if parts := strings.Split(id, "-"); len(parts) > 2 && parts[0] == "serve" {
			servers[parts[1]] = true
		} else {
			t.Errorf("executor %s ran executions: not a worker", id)
		}
	}
	if len(servers) != 2 {
		t.Errorf("executions by executor: %v, want the workers of both servers", ran)
	}
	t.Logf("executions by executor: %v", ran)
}

// Two servers share a PostgreSQL store; one is killed (kill -9, with
// its workers) while its executions wait, on a revision the other was
// never asked about (its registry lacks the machine): the survivor finds
// the revision in the store, builds it and starts its workers, which
// take the executions over once the dead workers' leases expire. It then
// answers for them as the dead server would have: the version and alias
// they were started through, the definition they ran.
func TestServeTakeoverAfterKill(t *testing.T) {
	needGo(t)
	isolateCache(t)
	ctx := context.Background()
	store := testservers.Postgres(t)
	a := startServe(t, "--data", t.TempDir(), "--store", store)
	b := startServe(t, "--data", t.TempDir(), "--store", store)
	arn := createMachine(t, a.client, "relay", "STANDARD", waitMachine)
	if _, err := a.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	alias, err := a.client.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	aliasARN := aws.ToString(alias.StateMachineAliasArn)
	execs := []struct{ arn, version, alias, output string }{
		{startExec(t, a.client, arn, "plain", `{"seconds": 8, "who": "plain"}`), "", "", `{"greeting":"Hello, plain!"}`},
		{startExec(t, a.client, aliasARN, "via-alias", `{"seconds": 8, "who": "alias"}`), arn + ":1", aliasARN, `{"greeting":"Hello, alias!"}`},
	}
	// Kill a once both executions are in their Wait.
	deadline := time.Now().Add(2 * time.Minute)
	for _, e := range execs {
		for {
			h, err := a.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(e.arn)})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Events) >= 2 && h.Events[1].Type == types.HistoryEventTypeWaitStateEntered {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not start: %d events", e.arn, len(h.Events))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	a.killHard(t)
	killed := time.Now()

	if _, err := b.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); err == nil {
		t.Fatal("server b knows the machine: the test shows nothing")
	}
	for _, e := range execs {
		d := waitFor(t, b.client, e.arn, 3*time.Minute)
		if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != e.output {
			t.Errorf("%s: %s %q %s", e.arn, d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
		}
		if aws.ToString(d.StateMachineVersionArn) != e.version || aws.ToString(d.StateMachineAliasArn) != e.alias {
			t.Errorf("%s: version %q, alias %q; want %q, %q", e.arn, aws.ToString(d.StateMachineVersionArn), aws.ToString(d.StateMachineAliasArn), e.version, e.alias)
		}
		h, err := b.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(e.arn)})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ev := range h.Events {
			kinds = append(kinds, string(ev.Type))
		}
		if got := strings.Join(kinds, " "); got != "ExecutionStarted WaitStateEntered WaitStateExited PassStateEntered PassStateExited ExecutionSucceeded" {
			t.Errorf("%s: history %s", e.arn, got)
		}
		m, err := b.client.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(e.arn)})
		if err != nil {
			t.Fatalf("DescribeStateMachineForExecution on the survivor: %v", err)
		}
		if aws.ToString(m.StateMachineArn) != arn || aws.ToString(m.Name) != "relay" || aws.ToString(m.Definition) != waitMachine || aws.ToString(m.RoleArn) != serveRole {
			t.Errorf("DescribeStateMachineForExecution: %s %s %s %q", aws.ToString(m.StateMachineArn), aws.ToString(m.Name), aws.ToString(m.RoleArn), aws.ToString(m.Definition))
		}
	}
	t.Logf("both executions ended %v after the kill", time.Since(killed).Round(time.Second))
}
