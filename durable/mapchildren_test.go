package durable

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/distmachine"
	"github.com/sfn-compile/sfn-compile/durable/internal/distnested"
	"github.com/sfn-compile/sfn-compile/durable/internal/distwriter"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// distFileHandlers are the Distributed Map machine's Tasks in a worker
// process, logged as fileHandlers log theirs: Work takes a while, so
// that a kill lands while children run.
type distFileHandlers struct{ *fileHandlers }

func (h distFileHandlers) Work(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(150 * time.Millisecond):
	}
	v, _ := sfnrt.Field(in, "n")
	n, _ := sfnrt.Int(v)
	return n * 10, nil
}

func (h distFileHandlers) Finish(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	v, _ := sfnrt.Field(in, "worked")
	n, _ := sfnrt.Int(v)
	return n + 1, nil
}

// distInput is the Map's input, items 1 to n, and the output an
// uninterrupted run gives.
func distInput(n int) (input, output string) {
	var items, outs []string
	for i := 1; i <= n; i++ {
		items = append(items, fmt.Sprint(i))
		outs = append(outs, fmt.Sprint(i*10+1))
	}
	return `{"items":[` + strings.Join(items, ",") + `]}`, "[" + strings.Join(outs, ",") + "]"
}

// countingHandlers are the machine's Tasks in this process: they count
// the children running at once.
type countingHandlers struct {
	mu            sync.Mutex
	running, most int
	calls         map[string]int
}

func (h *countingHandlers) Work(ctx context.Context, in any) (any, error) {
	h.mu.Lock()
	h.calls["Work "+callKey(ctx, in)]++
	h.running++
	h.most = max(h.most, h.running)
	h.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	h.mu.Lock()
	h.running--
	h.mu.Unlock()
	v, _ := sfnrt.Field(in, "n")
	n, _ := sfnrt.Int(v)
	return n * 10, nil
}

func (h *countingHandlers) Finish(ctx context.Context, in any) (any, error) {
	h.mu.Lock()
	h.calls["Finish "+callKey(ctx, in)]++
	h.mu.Unlock()
	v, _ := sfnrt.Field(in, "worked")
	n, _ := sfnrt.Int(v)
	return n + 1, nil
}

// callKey names a child's invocation: by its execution under a Driver
// (in memory, an invocation has no TaskCall), else by its item.
func callKey(ctx context.Context, in any) string {
	if call, ok := sfnrt.TaskCallFrom(ctx); ok {
		return call.ExecutionArn
	}
	return sfnrt.ToJSON(in)
}

// A Distributed Map's child executions run as workflows of their own
// from the Map Run's queue, at most MaxConcurrency (12) at once; the
// output, the Map Run (DescribeMapRun, ListMapRuns) and the history are
// those of an in-memory run.
func TestDistributedMapChildWorkflows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h := &countingHandlers{calls: map[string]int{}}
	m := distmachine.New(h)
	e, err := Open(ctx, m, Config{Store: sqliteStore(t), SkipWaits: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	input, output := distInput(40)
	start, err := e.StartExecution(ctx, "spread", input)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Wait(ctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || deref(d.Output) != output {
		t.Fatalf("%s %s %s", d.Status, deref(d.Output), deref(d.Cause))
	}
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.mapChildWorkflow), dbos.WithFilterParentWorkflowID(start.ExecutionArn),
		dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(ws) != 40 {
		t.Fatalf("%d child workflows, want 40 (%v)", len(ws), err)
	}
	if h.most > 12 || h.most < 2 {
		t.Errorf("%d children ran at once, want 2 to MaxConcurrency (12)", h.most)
	}
	for k, n := range h.calls {
		if n != 1 {
			t.Errorf("%s invoked %d times", k, n)
		}
	}
	runs, err := e.ListMapRuns(ctx, start.ExecutionArn, 0, "")
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("%+v %v", runs, err)
	}
	desc, err := e.DescribeMapRun(ctx, runs.MapRuns[0].MapRunArn)
	if err != nil {
		t.Fatal(err)
	}
	want := sfnrt.MapRunCounts{Succeeded: 40, Total: 40, ResultsWritten: 40}
	if diff := cmp.Diff(want, desc.ItemCounts); desc.Status != sfnrt.MapRunSucceeded || desc.MaxConcurrency != 12 || diff != "" {
		t.Errorf("map run %s, max %d, item counts (-want +got):\n%s", desc.Status, desc.MaxConcurrency, diff)
	}
	// The history is the in-memory run's.
	mem := m.Start(ctx, mustParse(t, input), sfnrt.Options{Name: "spread", History: true, SkipWaits: true})
	if mem.Status != sfnrt.StatusSucceeded || sfnrt.ToJSON(mem.Output) != output {
		t.Fatalf("in memory: %s %v %s %s", mem.Status, mem.Output, mem.Error, mem.Cause)
	}
	hist, err := e.GetExecutionHistory(ctx, start.ExecutionArn, false, 0, "", true)
	if err != nil {
		t.Fatal(err)
	}
	var got, wantTypes []string
	for _, raw := range hist.Events {
		var ev struct{ Type string }
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Type)
	}
	for _, ev := range mem.History {
		wantTypes = append(wantTypes, ev.Type)
	}
	if diff := cmp.Diff(wantTypes, got); diff != "" {
		t.Errorf("history (-in memory +durable):\n%s", diff)
	}
}

func mustParse(t *testing.T, s string) any {
	t.Helper()
	v, err := sfnrt.ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Three workers share a PostgreSQL store and a Distributed Map's
// children: they run on more than one worker; the worker that runs the
// execution is killed (-9) mid-Map Run, and the others take over the
// execution and its children. Each item's result comes once, in item
// order, and no Task a child recorded runs again: a Task invoked twice
// was in flight on the killed worker.
func TestDistributedMapOverWorkersPostgres(t *testing.T) {
	url := testservers.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	logPath := t.TempDir() + "/invocations.log"
	os.WriteFile(logPath, nil, 0o600)
	client, err := Open(ctx, distmachine.New(nil), Config{Store: url, ExecutorID: "dist-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ws := map[string]*worker{}
	for i := range 3 {
		id := fmt.Sprintf("d%d", i)
		ws[id] = startWorker(t, url, id, logPath, "2s", "dist")
	}
	defer func() {
		for _, w := range ws {
			w.kill()
		}
	}()
	waitFor(t, func() bool {
		leases, err := dbos.ListWorkflows(client.ctx, dbos.WithFilterWorkflowIDPrefix(leasePrefix+"d"),
			dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
		return err == nil && len(leases) == 3
	})
	const items = 60
	input, output := distInput(items)
	start, err := client.StartExecution(ctx, "over-workers", input)
	if err != nil {
		t.Fatal(err)
	}
	arn := start.ExecutionArn
	// Mid-Map Run: a third of the children worked, on more than one
	// worker (on a loaded machine the others' first polls of the queue
	// may come after the first third).
	waitFor(t, func() bool { return invocations(logPath, "Work") >= items/3 && len(invokers(logPath)) >= 2 })
	st, err := dbos.ListWorkflows(client.ctx, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(st) != 1 || ws[st[0].ExecutorID] == nil {
		t.Fatalf("the execution's workflow: %+v %v", st, err)
	}
	killed := st[0].ExecutorID
	ws[killed].kill()
	before := invokers(logPath) // the workers that ran children before the kill
	delete(ws, killed)
	t.Logf("killed %s, which ran the execution, after %d Work invocations", killed, invocations(logPath, "Work"))

	d, err := client.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || deref(d.Output) != output {
		t.Fatalf("%s %s %s", d.Status, deref(d.Output), deref(d.Cause))
	}
	by := map[string][]string{}
	workers := map[string]bool{}
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); f[0] == "invoke" {
			by[f[1]] = append(by[f[1]], f[2])
			workers[f[2]] = true
		}
	}
	if len(by) != 2*items {
		t.Errorf("%d distinct invocations, want %d", len(by), 2*items)
	}
	again := 0
	for key, who := range by {
		switch {
		case len(who) == 1:
		case len(who) == 2 && who[0] == killed:
			again++ // in flight at the kill
		default:
			t.Errorf("%s invoked by %v", key, who)
		}
	}
	if len(before) < 2 {
		t.Errorf("before the kill, the children ran on %v only", before)
	}
	t.Logf("children ran on %d workers before the kill, %d in all; %d invocations in flight at the kill ran again", len(before), len(workers), again)
	runs, err := client.ListMapRuns(ctx, arn, 0, "")
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("%+v %v", runs, err)
	}
	desc, err := client.DescribeMapRun(ctx, runs.MapRuns[0].MapRunArn)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Status != sfnrt.MapRunSucceeded || desc.ItemCounts.Succeeded != items || desc.ItemCounts.Total != items {
		t.Errorf("map run: %+v", desc)
	}
}

// invokers returns the workers that have invoked a Task so far.
func invokers(logPath string) map[string]bool {
	who := map[string]bool{}
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "invoke" {
			who[f[2]] = true
		}
	}
	return who
}

// invocations counts the invocations of a Task state in the log.
func invocations(logPath, state string) int {
	n := 0
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); f[0] == "invoke" && strings.HasPrefix(f[1], state+"/") {
			n++
		}
	}
	return n
}

// checkHandlers fail the items that are multiples of 10.
type checkHandlers struct{}

func (checkHandlers) Check(ctx context.Context, in any) (any, error) {
	n, _ := sfnrt.Int(in)
	if n%10 == 0 {
		return nil, &sfnrt.Error{Name: "Bad", Cause: fmt.Sprint(n), HasCause: true}
	}
	return n * 2, nil
}

// A Distributed Map whose children are workflows keeps its tolerated
// failures and ResultWriter: two failed children of 20 are tolerated and
// the results files list 18 and 2; three of 30 fail the Map Run.
func TestDistributedMapChildWorkflowsToleranceAndWriter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	objects := &sfnrt.MemStore{}
	e, err := Open(ctx, distwriter.New(checkHandlers{}), Config{Store: sqliteStore(t), SkipWaits: true, Objects: objects})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name              string
		items             int
		status            string
		succeeded, failed int64
	}{
		{"tolerated", 20, sfnrt.StatusSucceeded, 18, 2},
		{"exceeded", 30, sfnrt.StatusFailed, 27, 3},
	} {
		input, _ := distInput(tc.items)
		start, err := e.StartExecution(ctx, tc.name, input)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.Wait(ctx, start.ExecutionArn)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != tc.status {
			t.Fatalf("%s: %s %s %s", tc.name, d.Status, deref(d.Error), deref(d.Cause))
		}
		if tc.status == sfnrt.StatusFailed && deref(d.Error) != sfnrt.ErrExceedToleratedFailure {
			t.Errorf("%s: error %s", tc.name, deref(d.Error))
		}
		ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.mapChildWorkflow), dbos.WithFilterParentWorkflowID(start.ExecutionArn),
			dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
		if err != nil || len(ws) < int(tc.succeeded) {
			t.Fatalf("%s: %d child workflows (%v)", tc.name, len(ws), err)
		}
		runs, err := e.ListMapRuns(ctx, start.ExecutionArn, 0, "")
		if err != nil || len(runs.MapRuns) != 1 {
			t.Fatalf("%+v %v", runs, err)
		}
		desc, err := e.DescribeMapRun(ctx, runs.MapRuns[0].MapRunArn)
		if err != nil {
			t.Fatal(err)
		}
		if tc.status == sfnrt.StatusSucceeded {
			if c := desc.ItemCounts; c.Succeeded != tc.succeeded || c.Failed != tc.failed || c.Total != int64(tc.items) {
				t.Errorf("%s: item counts %+v", tc.name, c)
			}
			key, _ := sfnrt.Field(sfnrt.MustParseJSON(*d.Output), "ResultWriterDetails")
			key, _ = sfnrt.Field(key, "Key")
			prefix := strings.TrimSuffix(key.(string), "manifest.json")
			for file, want := range map[string]int{"SUCCEEDED_0.json": 18, "FAILED_0.json": 2} {
				data, ok := objects.Object("results", prefix+file)
				var entries []any
				if !ok || json.Unmarshal(data, &entries) != nil || len(entries) != want {
					t.Errorf("%s: %s%s: %d entries, want %d (%s)", tc.name, prefix, file, len(entries), want, data)
				}
			}
		} else if desc.Status != sfnrt.MapRunFailed || desc.ItemCounts.Failed != tc.failed {
			t.Errorf("%s: map run %s, item counts %+v", tc.name, desc.Status, desc.ItemCounts)
		}
	}
}

// leftHandlers answer Left with the execution ARN it sees.
type leftHandlers struct{}

func (leftHandlers) Left(ctx context.Context, in any) (any, error) {
	call, _ := sfnrt.TaskCallFrom(ctx)
	return call.ExecutionArn, nil
}

// The branches of a Distributed Map's child execution run as children of
// the child's workflow and see the child execution as theirs, as in
// memory: its ARN, not the Map's execution's.
func TestDistributedMapChildBranches(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m := distnested.New(leftHandlers{})
	e, err := Open(ctx, m, Config{Store: sqliteStore(t), SkipWaits: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "nested", `{"items":[1,2,3]}`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	out, _ := sfnrt.MustParseJSON(*d.Output).([]any)
	if len(out) != 3 {
		t.Fatalf("output %s", *d.Output)
	}
	prefix := strings.Replace(start.ExecutionArn, ":execution:distnested:nested", ":execution:distnested/nested:", 1)
	for i, o := range out {
		pair, _ := o.([]any)
		if len(pair) != 2 {
			t.Fatalf("item %d: %s", i, sfnrt.ToJSON(o))
		}
		left, _ := pair[0].(string)
		id, _ := sfnrt.Field(pair[1], "id")
		n, _ := sfnrt.Field(pair[1], "n")
		if !strings.HasPrefix(left, prefix) || id != left || sfnrt.ToJSON(n) != fmt.Sprint(i+1) {
			t.Errorf("item %d: %s, want the child execution's ARN (%s...) in both branches", i, sfnrt.ToJSON(o), prefix)
		}
	}
	// The branches ran as children of the child executions' workflows.
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.childWorkflow), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil || len(ws) != 6 {
		t.Errorf("%d branch workflows, want 6 (%v)", len(ws), err)
	}
}

// stallingHandlers hold the first invocation of every item from 30 on
// until the worker stops (uncounted); the others answer at once.
type stallingHandlers struct {
	countingHandlers
	stalled chan struct{} // closed at the first stall
	once    sync.Once
	held    sync.Map // item → held once
}

func (h *stallingHandlers) Work(ctx context.Context, in any) (any, error) {
	v, _ := sfnrt.Field(in, "n")
	if n, _ := sfnrt.Int(v); n >= 30 {
		if _, again := h.held.LoadOrStore(n, true); !again {
			h.once.Do(func() { close(h.stalled) })
			<-ctx.Done()
			return nil, ctx.Err()
		}
	}
	return h.countingHandlers.Work(ctx, in)
}

// heldCount is how many items have had their first invocation held.
func (h *stallingHandlers) heldCount() int {
	n := 0
	h.held.Range(func(any, any) bool { n++; return true })
	return n
}

// A resumed execution awaits again the Map Run children its first run
// started, some of which ended long before (here, more than the margin
// of the store's poll of recent ends, and more of them than
// MaxConcurrency): each is found, no recorded Task runs again (those in
// flight at the stop, from item 30 on, are not counted), and the Map Run
// ends with every result.
func TestDistributedMapResumeAfterChildrenEnded(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the children's ends to age")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	store := sqliteStore(t)
	h := &stallingHandlers{countingHandlers: countingHandlers{calls: map[string]int{}}, stalled: make(chan struct{})}
	e1, err := Open(ctx, distmachine.New(h), Config{Store: store, ExecutorID: "w", SkipWaits: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Work(); err != nil {
		t.Fatal(err)
	}
	input, output := distInput(40)
	start, err := e1.StartExecution(ctx, "resume", input)
	if err != nil {
		t.Fatal(err)
	}
	<-h.stalled
	waitFor(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.calls) >= 2*29 // the Work and Finish of 1 to 29
	})
	// And every item from 30 on in flight: an item whose first Work
	// came only after the stop would be held by the second worker, for
	// good (this handler's hold, not the store's, which is what hung
	// this test on a loaded machine, its stop racing the last starts).
	waitFor(t, func() bool { return h.heldCount() == 40-29 })
	e1.Close()
	time.Sleep(7 * time.Second)
	e2, err := Open(ctx, distmachine.New(h), Config{Store: store, ExecutorID: "w", SkipWaits: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if err := e2.Work(); err != nil {
		t.Fatal(err)
	}
	d, err := e2.Wait(ctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || deref(d.Output) != output {
		t.Fatalf("%s %s: %s (%s)", d.Status, deref(d.Output), deref(d.Error), deref(d.Cause))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, n := range h.calls {
		if n != 1 {
			t.Errorf("%s invoked %d times", k, n)
		}
	}
}
