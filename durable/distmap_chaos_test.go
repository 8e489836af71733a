package durable

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/integrations/s3store"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The Distributed Map chaos tests run a machine built by `sfn-compile
// build --durable` (testdata/dmapchaos.asl.json) whose Distributed Maps
// read their items from a real S3 server (versitygw) or from the input,
// batch them or not, write their results to S3 with a ResultWriter or
// into the state's output, and tolerate some failures; each child calls
// an HTTP Task on a server in this test process that counts the
// invocations and fails some items on purpose. The workers (the built
// binary's worker verb) are killed with -9 at random points and
// restarted. The same executions run first on a store of their own
// with nobody killed: the reference each killed execution must end as.

// dmapChaosEnv sizes the tests: "full" for the size, or
// "ROUNDS,ITEMS,KILLS".
const dmapChaosEnv = "SFN_DMAP_CHAOS"

// dmapChaosSize is the size of a run: rounds of five executions (one
// per form below), items items each (objects in the bucket for the
// reader), kills kills of a worker.
func dmapChaosSize() (rounds, items, kills int) {
	switch s := os.Getenv(dmapChaosEnv); {
	case s == "full":
		return 3, 300, 24
	case s != "":
		if _, err := fmt.Sscanf(s, "%d,%d,%d", &rounds, &items, &kills); err == nil {
			return rounds, items, kills
		}
	}
	return 1, 120, 6
}

// dmapCallTime is how long the HTTP server takes to answer a child: long
// enough that the kills land while the Map Runs run, and in the middle of
// invocations.
const dmapCallTime = 25 * time.Millisecond

// dmapMachineVersion is the revision the workers run and the test's
// client queues executions for.
const dmapMachineVersion = "dmapchaos-test"

// dmapExecution is one execution of the chaos machine.
type dmapExecution struct {
	name, input string
	// keys are the keys of the children (items, or batches by their
	// first item) whose results the Map Run writes or outputs, once each.
	keys []string
}

// dmapExecutions are the executions of a run: per round, each form of
// the machine's Distributed Map (testdata/dmapchaos.asl.json):
//
//   - reader: an ItemReader listing the bucket, 10% of failures
//     tolerated, a ResultWriter (AWS's default transformation);
//   - items: the items of the input, ToleratedFailureCount 20, a COMPACT
//     ResultWriter;
//   - batch: the items of the input in batches of 7 (ItemBatcher), 25%
//     tolerated, the results in the state's output;
//   - items-fail and batch-fail: more failures than tolerated, so that
//     the Map Runs fail (by the count as it happens, leaving PENDING
//     items; by the percentage once all have run).
func dmapExecutions(rounds, items int, api string) []dmapExecution {
	var itemKeys, objectKeys, batchKeys []string
	numbers := make([]int, items)
	for i := range items {
		numbers[i] = i
		itemKeys = append(itemKeys, fmt.Sprintf("item-%d", i))
		objectKeys = append(objectKeys, dmapObjectKey(i))
		if i%7 == 0 {
			batchKeys = append(batchKeys, fmt.Sprintf("batch-%d", i))
		}
	}
	list, _ := json.Marshal(numbers)
	var out []dmapExecution
	for r := range rounds {
		for _, f := range []struct {
			name, form string
			failEvery  int
			keys       []string
		}{
			{"reader", "reader", 23, objectKeys},
			{"items", "items", 23, itemKeys},
			{"batch", "batch", 41, batchKeys},
			{"items-fail", "items", 2, itemKeys},
			{"batch-fail", "batch", 2, nil}, // no ResultWriter: no results once failed
		} {
			input := fmt.Sprintf(`{"form":%q,"api":%q,"bucket":"data","prefix":"in/","results":"results","failEvery":%d,"items":%s}`,
				f.form, api, f.failEvery, list)
			out = append(out, dmapExecution{name: fmt.Sprintf("%s-%d", f.name, r), input: input, keys: f.keys})
		}
	}
	return out
}

func dmapObjectKey(i int) string { return fmt.Sprintf("in/obj-%05d.json", i) }

// counter is the HTTP server the children call: it logs every
// invocation (and the test's kills) in the order they happen and answers
// deterministically, 500 for the items that fail.
type counter struct {
	mu  sync.Mutex
	log []counterEvent
}

// A counterEvent is an invocation of exec's child key by worker, or a
// kill of worker.
type counterEvent struct {
	kill              bool
	worker, exec, key string
}

// counterRequest is the RequestBody of the machine's HTTP Tasks.
type counterRequest struct {
	Exec      string `json:"exec"`
	Key       string `json:"key"`
	Items     []int  `json:"items"`
	FailEvery int    `json:"failEvery"`
}

// counterAPIKey is the connection's API key (testdata: the connections
// file the workers get).
const counterAPIKey = "chaos-secret"

// workerHeader names the worker that sent an invocation: each worker's
// connections file adds it (InvocationHttpParameters), so that the
// counter knows which invocations a kill may have left in flight.
const workerHeader = "x-chaos-worker"

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req counterRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Header.Get("x-api-key") != counterAPIKey {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.log = append(c.log, counterEvent{worker: r.Header.Get(workerHeader), exec: req.Exec, key: req.Key})
	c.mu.Unlock()
	time.Sleep(dmapCallTime)
	fails := func(n int) bool { return req.FailEvery > 0 && n%req.FailEvery == req.FailEvery-1 }
	n := trailingNumber(req.Key)
	failed := fails(n)
	sum := 0
	for _, i := range req.Items {
		sum += i
		failed = failed || fails(i)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header()["Date"] = nil // the same response in every run
	if failed {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"key":%q,"error":"rejected"}`, req.Key)
		return
	}
	fmt.Fprintf(w, `{"key":%q,"double":%d,"sum":%d}`, req.Key, 2*n, sum)
}

// trailingNumber is the number a key ends with (in/obj-00042.json: 42).
func trailingNumber(key string) int {
	key = strings.TrimSuffix(key, ".json")
	i := len(key)
	for i > 0 && key[i-1] >= '0' && key[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(key[i:])
	return n
}

func (c *counter) kill(worker string) {
	c.mu.Lock()
	c.log = append(c.log, counterEvent{kill: true, worker: worker})
	c.mu.Unlock()
}

// take returns the log and empties it.
func (c *counter) take() []counterEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	log := c.log
	c.log = nil
	return log
}

// dmapScenario is what both runs of a test share.
type dmapScenario struct {
	bin        string // the built durable binary
	dir        string // where the connections files of the workers go
	counter    *counter
	api        string
	executions []dmapExecution
	items      int
}

func newDMapScenario(t *testing.T, rounds, items int) *dmapScenario {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a durable binary and kills its workers for a while")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	dir := t.TempDir()
	sc := &dmapScenario{counter: &counter{}, items: items, bin: filepath.Join(dir, "dmapchaos")}
	compiler := filepath.Join(dir, "sfn-compile")
	build := exec.Command(goCmd, "build", "-o", compiler, "./cmd/sfn-compile")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sfn-compile: %v\n%s", err, out)
	}
	build = exec.Command(compiler, "build", "--durable", "-o", sc.bin, filepath.Join("testdata", "dmapchaos.asl.json"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("sfn-compile build --durable: %v\n%s", err, out)
	}
	server := httptest.NewServer(sc.counter)
	t.Cleanup(server.Close)
	sc.api = server.URL + "/items"
	sc.dir = dir
	sc.executions = dmapExecutions(rounds, items, sc.api)
	return sc
}

// newS3 starts an S3 server holding the bucket "data" with the
// reader's objects and an empty bucket "results".
func (sc *dmapScenario) newS3(t *testing.T) (endpoint string, store *s3store.Store) {
	t.Helper()
	endpoint = testservers.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", testservers.S3AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testservers.S3SecretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	ctx := context.Background()
	store, err := s3store.New(ctx, s3store.Options{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"data", "results"} {
		if _, err := store.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range sc.items {
		if err := store.PutObject(ctx, "data", dmapObjectKey(i), fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	return endpoint, store
}

// dmapWorker is a worker process of the built binary.
type dmapWorker struct{ cmd *exec.Cmd }

// startWorker starts a worker that runs concurrency executions at once:
// with several workers, few enough that each gets some.
func (sc *dmapScenario) startWorker(t *testing.T, store, id, s3 string, concurrency int) *dmapWorker {
	t.Helper()
	cmd := exec.Command(sc.bin, "worker", "--store", store, "--executor-id", id, "--machine-version", dmapMachineVersion,
		"--endpoint", "s3="+s3, "--connections", sc.connectionsOf(t, id), "--concurrency", strconv.Itoa(concurrency))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &dmapWorker{cmd: cmd}
}

// connectionsOf writes the connections file of worker id: the counter's
// API key, and a header that names the worker.
func (sc *dmapScenario) connectionsOf(t *testing.T, id string) string {
	t.Helper()
	path := filepath.Join(sc.dir, "connections-"+id+".json")
	conns := `{"arn:aws:events:us-east-1:123456789012:connection/counter/1": {"AuthorizationType": "API_KEY",
	  "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "` + counterAPIKey + `"},
	    "InvocationHttpParameters": {"HeaderParameters": [{"Key": "` + workerHeader + `", "Value": "` + id + `"}]}}}}`
	if err := os.WriteFile(path, []byte(conns), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (w *dmapWorker) kill() {
	w.cmd.Process.Signal(syscall.SIGKILL)
	w.cmd.Wait()
}

// dmapOutcome is what a run leaves of an execution, made comparable
// between runs: UUIDs (Map Run ARNs, child execution names) numbered by
// their first appearance and dates blanked (normalizer).
type dmapOutcome struct {
	Description string
	MapRuns     []string // describe-map-run of each listed Map Run
	Files       []string // the ResultWriter's files, manifest first: "KEY: CONTENT"
	History     []string
}

// dmapRun is one run of the scenario's executions.
type dmapRun struct {
	outcomes    map[string]*dmapOutcome
	invocations []counterEvent
	keys        map[string][]string // execution -> result entries' keys, one per entry
	files       []string            // the keys the manifests list, and theirs
	kills       int                 // of a worker running executions
	executors   map[string]int      // executions by the worker that ended them
	elapsed     time.Duration
}

// run runs the scenario's executions on store with workers workers,
// killing one at random kills times.
func (sc *dmapScenario) run(t *testing.T, store string, workers, kills int) *dmapRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	s3URL, objects := sc.newS3(t)
	sc.counter.take()
	client, err := OpenClient(ctx, ClientConfig{Store: store, ExecutorID: "dmap-chaos-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	machine := client.Machine("dmapchaos", dmapMachineVersion)
	concurrency := (len(sc.executions) + workers - 1) / workers
	ws := make([]*dmapWorker, workers)
	for i := range ws {
		ws[i] = sc.startWorker(t, store, fmt.Sprintf("worker-%d", i), s3URL, concurrency)
	}
	defer func() {
		for _, w := range ws {
			w.kill()
		}
	}()
	begin := time.Now()
	arns := make([]string, len(sc.executions))
	for i, x := range sc.executions {
		out, err := machine.StartExecution(ctx, x.name, x.input)
		if err != nil {
			t.Fatal(err)
		}
		arns[i] = out.ExecutionArn
	}
	res := &dmapRun{outcomes: map[string]*dmapOutcome{}, keys: map[string][]string{}, executors: map[string]int{}}
	// Kill, at random points, a worker chosen at random among those
	// running executions, until kills kills.
	for res.kills < kills {
		time.Sleep(time.Duration(100+rand.IntN(500)) * time.Millisecond)
		// Queued, or running on a worker.
		left, err := dbos.ListWorkflows(machine.ctx, dbos.WithFilterName(machine.workflow),
			dbos.WithFilterStatus(dbos.WorkflowStatusEnqueued, dbos.WorkflowStatusPending))
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 0 {
			t.Fatalf("the executions ended after %d kills, before %d: make them longer", res.kills, kills)
		}
		var busy []int
		for i := range ws {
			for _, w := range left {
				if w.Status == dbos.WorkflowStatusPending && w.ExecutorID == fmt.Sprintf("worker-%d", i) {
					busy = append(busy, i)
					break
				}
			}
		}
		if len(busy) == 0 {
			continue // all queued: the workers are starting
		}
		i := busy[rand.IntN(len(busy))]
		ws[i].kill()
		// Requests the killed worker had sent reach the server before
		// the kill is logged.
		time.Sleep(50 * time.Millisecond)
		sc.counter.kill(fmt.Sprintf("worker-%d", i))
		res.kills++
		ws[i] = sc.startWorker(t, store, fmt.Sprintf("worker-%d", i), s3URL, concurrency)
	}
	for i, x := range sc.executions {
		d, err := machine.Wait(ctx, arns[i])
		if err != nil {
			t.Fatalf("%s: %v", arns[i], err)
		}
		res.outcomes[x.name] = sc.outcome(t, ctx, machine, objects, d, res)
		if ws, err := machine.status(arns[i]); err == nil && ws != nil {
			res.executors[ws.ExecutorID]++
		}
	}
	res.elapsed = time.Since(begin)
	res.invocations = sc.counter.take()
	// The ResultWriter wrote nothing but the files the manifests list.
	var written []string
	for cont := ""; ; {
		page, err := objects.ListObjects(ctx, "results", "", cont)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Objects {
			written = append(written, o.Key)
		}
		if cont = page.Next; cont == "" {
			break
		}
	}
	sort.Strings(written)
	sort.Strings(res.files)
	if diff := cmp.Diff(res.files, written); diff != "" {
		t.Errorf("objects in the results bucket (-the manifests' +written):\n%s", diff)
	}
	return res
}

// outcome reads what the run left of one execution.
func (sc *dmapScenario) outcome(t *testing.T, ctx context.Context, e *Executor, objects *s3store.Store, d *Description, res *dmapRun) *dmapOutcome {
	t.Helper()
	var n normalizer
	o := &dmapOutcome{}
	desc := map[string]any{"status": d.Status, "output": deref(d.Output), "error": deref(d.Error), "cause": deref(d.Cause)}
	o.Description = n.text(desc)
	runs, err := e.ListMapRuns(ctx, d.ExecutionArn, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs.MapRuns {
		mr, err := e.DescribeMapRun(ctx, r.MapRunArn)
		if err != nil {
			t.Fatal(err)
		}
		o.MapRuns = append(o.MapRuns, n.text(mr))
	}
	// The results: the ResultWriter's files, or the state's output.
	var entries []any
	if d.Output != nil {
		out := sfnrt.MustParseJSON(*d.Output)
		if a, ok := out.([]any); ok {
			entries = a
		}
		details, _ := sfnrt.Field(out, "ResultWriterDetails")
		if key, ok := sfnrt.Field(details, "Key"); ok {
			entries = sc.resultFiles(t, ctx, objects, key.(string), o, &n, res)
		}
	} else {
		// A failed Map Run with a ResultWriter leaves its files under
		// PREFIX/MAPRUNID/ all the same.
		for _, r := range runs.MapRuns {
			id := r.MapRunArn[strings.LastIndexByte(r.MapRunArn, ':')+1:]
			for _, prefix := range []string{"items/", "objects/"} {
				if r, err := objects.GetObject(ctx, "results", prefix+id+"/manifest.json"); err == nil {
					r.Close()
					entries = sc.resultFiles(t, ctx, objects, prefix+id+"/manifest.json", o, &n, res)
				}
			}
		}
	}
	for _, entry := range entries {
		seen := map[string]bool{}
		for _, k := range dmapKeyPattern.FindAllString(sfnrt.ToJSON(entry), -1) {
			if !seen[k] {
				seen[k] = true
				res.keys[d.Name] = append(res.keys[d.Name], k)
			}
		}
	}
	history, err := e.History(d.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range history {
		o.History = append(o.History, n.replace(untimed(ev)))
	}
	return o
}

// resultFiles reads a ResultWriter's manifest and the files it lists
// into o, returning their entries.
func (sc *dmapScenario) resultFiles(t *testing.T, ctx context.Context, objects *s3store.Store, manifestKey string, o *dmapOutcome, n *normalizer, res *dmapRun) []any {
	t.Helper()
	read := func(key string) string {
		r, err := objects.GetObject(ctx, "results", key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	manifest := read(manifestKey)
	res.files = append(res.files, manifestKey)
	o.Files = append(o.Files, n.replace(manifestKey+": "+manifest))
	var m struct {
		ResultFiles map[string][]struct{ Key string }
	}
	if err := json.Unmarshal([]byte(manifest), &m); err != nil {
		t.Fatalf("%s: %v", manifestKey, err)
	}
	var entries []any
	for _, status := range []string{"SUCCEEDED", "FAILED", "PENDING"} {
		for _, f := range m.ResultFiles[status] {
			body := read(f.Key)
			res.files = append(res.files, f.Key)
			o.Files = append(o.Files, n.replace(f.Key+": "+body))
			entries = append(entries, sfnrt.MustParseJSON(body).([]any)...)
		}
	}
	return entries
}

// normalizer makes the documents of two runs of an execution comparable:
// each UUID becomes uuid-N, N counting the UUIDs in order of first
// appearance (two runs draw the same UUIDs in the same places, from
// different seeds), and dates become DATE.
type normalizer struct{ uuids map[string]string }

var (
	// dmapKeyPattern matches the children's keys in a result entry.
	dmapKeyPattern = regexp.MustCompile(`(item|batch)-[0-9]+|in/obj-[0-9]+\.json`)
	uuidPattern    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	datePattern    = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)`)
)

func (n *normalizer) replace(s string) string {
	s = uuidPattern.ReplaceAllStringFunc(s, func(u string) string {
		if n.uuids == nil {
			n.uuids = map[string]string{}
		}
		if _, ok := n.uuids[u]; !ok {
			n.uuids[u] = fmt.Sprintf("uuid-%d", len(n.uuids))
		}
		return n.uuids[u]
	})
	return datePattern.ReplaceAllString(s, "DATE")
}

func (n *normalizer) text(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return n.replace(string(data))
}

// TestDistributedMapChaos runs the scenario uninterrupted on SQLite,
// then with kills on SQLite (1 worker) and on PostgreSQL (3 workers, one
// killed at a time), and compares each with the uninterrupted run.
func TestDistributedMapChaos(t *testing.T) {
	rounds, items, kills := dmapChaosSize()
	sc := newDMapScenario(t, rounds, items)
	want := sc.run(t, sqliteStore(t), 1, 0)
	t.Logf("uninterrupted: %d executions, %d items each, in %v", len(sc.executions), items, want.elapsed.Round(time.Millisecond))
	t.Run("SQLite", func(t *testing.T) { sc.chaos(t, want, sqliteStore(t), 1, kills) })
	t.Run("PostgreSQL", func(t *testing.T) { sc.chaos(t, want, testservers.Postgres(t), 3, kills) })
}

// chaos runs the scenario on store with workers workers, killing one
// kills times, and compares it with the uninterrupted run want.
func (sc *dmapScenario) chaos(t *testing.T, want *dmapRun, store string, workers, kills int) {
	got := sc.run(t, store, workers, kills)
	t.Logf("with %d workers, %d kills of a worker running executions: %v; executions ended by worker: %v",
		workers, got.kills, got.elapsed.Round(time.Millisecond), got.executors)
	for _, x := range sc.executions {
		if mapRunFails(x.name) {
			// Its children run MaxConcurrency at once (as on AWS): how
			// many had started, or ended, when the failures passed the
			// tolerance is a matter of timing, killed or not. The
			// execution's end is not.
			if diff := cmp.Diff(want.outcomes[x.name].Description, got.outcomes[x.name].Description); diff != "" {
				t.Errorf("%s (-uninterrupted +killed):\n%s", x.name, diff)
			}
			if len(got.outcomes[x.name].MapRuns) != 1 {
				t.Errorf("%s: %d Map Runs, want 1", x.name, len(got.outcomes[x.name].MapRuns))
			}
			continue
		}
		if diff := cmp.Diff(want.outcomes[x.name], got.outcomes[x.name]); diff != "" {
			t.Errorf("%s (-uninterrupted +killed):\n%s", x.name, diff)
		}
		// Each child's result once in the output or the files.
		keys := append([]string(nil), got.keys[x.name]...)
		sort.Strings(keys)
		wantKeys := append([]string(nil), x.keys...)
		sort.Strings(wantKeys)
		if diff := cmp.Diff(wantKeys, keys); diff != "" {
			t.Errorf("%s: the results' keys (-each once +got):\n%s", x.name, diff)
		}
		if len(got.outcomes[x.name].MapRuns) != 1 {
			t.Errorf("%s: %d Map Runs, want 1", x.name, len(got.outcomes[x.name].MapRuns))
		}
	}
	// The Maps' MaxConcurrency bounds the children of an execution in
	// flight at a kill (8 at most); the batches' Map has none, and runs
	// as many at once as the workers start: each up to --concurrency at
	// once, and as many again from the Map Runs' queue.
	concurrency := (len(sc.executions) + workers - 1) / workers
	inFlight := func(exec string) int {
		if strings.HasPrefix(exec, "batch") {
			return 2 * concurrency * workers
		}
		return 8
	}
	again := checkInvocations(t, want.invocations, got.invocations, inFlight)
	t.Logf("%d invocations uninterrupted, %d with kills: %d in flight at a kill ran again",
		len(want.invocations), len(got.invocations)-got.kills, again)
}

// mapRunFails reports whether the execution named (or the invocation
// keyed "EXECUTION KEY") is one whose Map Run fails on purpose: which of
// its children run before the failures pass the tolerance depends on
// timing, as its children run concurrently.
func mapRunFails(name string) bool { return strings.Contains(name, "-fail-") }

// checkInvocations compares the invocations of a run with kills with
// those of the uninterrupted run: the same children ran, and a child ran
// again only when it was in flight at a kill, that is, among the last
// invocations of its execution by the killed worker (as many as the
// Map's children may run at once: at most maxInFlight). Counted over all
// workers, a killed worker's children in flight could be older than the
// last few invocations: the others' children go on while they wait. It
// returns how many ran again.
func checkInvocations(t *testing.T, want, got []counterEvent, maxInFlight func(exec string) int) int {
	t.Helper()
	count := func(log []counterEvent) map[string]int {
		c := map[string]int{}
		for _, ev := range log {
			if !ev.kill {
				c[ev.exec+" "+ev.key]++
			}
		}
		return c
	}
	wantCount, gotCount := count(want), count(got)
	for k, n := range wantCount {
		if n != 1 {
			t.Errorf("%s ran %d times uninterrupted", k, n)
		}
		if gotCount[k] == 0 && !mapRunFails(k) {
			t.Errorf("%s never ran with kills", k)
		}
	}
	for k := range gotCount {
		if wantCount[k] == 0 && !mapRunFails(k) {
			t.Errorf("%s ran with kills, not uninterrupted", k)
		}
	}
	// since[worker][exec] is the invocations of exec by worker since it
	// was last killed, and inFlight the keys that were among the last
	// maxInFlight of their execution by a worker at its kill, not yet run
	// again.
	since := map[string]map[string][]string{}
	inFlight := map[string]bool{}
	ran := map[string]bool{}
	again := 0
	for _, ev := range got {
		if ev.kill {
			for exec, keys := range since[ev.worker] {
				for _, k := range keys[max(0, len(keys)-maxInFlight(exec)):] {
					inFlight[exec+" "+k] = true
				}
			}
			delete(since, ev.worker)
			continue
		}
		if ev.worker == "" {
			t.Fatalf("%s %s: the invocation names no worker (%s)", ev.exec, ev.key, workerHeader)
		}
		k := ev.exec + " " + ev.key
		if ran[k] {
			if !inFlight[k] {
				t.Errorf("%s ran again, its result recorded before a kill", k)
			}
			again++
		}
		ran[k] = true
		delete(inFlight, k)
		if since[ev.worker] == nil {
			since[ev.worker] = map[string][]string{}
		}
		since[ev.worker][ev.exec] = append(since[ev.worker][ev.exec], ev.key)
	}
	return again
}
