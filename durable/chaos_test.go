package durable

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sfn-compile/sfn-compile/durable/internal/distmachine"
	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The chaos tests run the test machine's executions on worker processes
// (this test binary, re-run with workerEnv set) and kill -9 them at random
// points. Each Task invocation appends a line to a file outside the
// worker, so that the test can count invocations across the kills.

const (
	workerEnv = "SFN_DURABLE_TEST_WORKER" // store URL, executor ID and log file, tab-separated
	chaosEnv  = "SFN_CHAOS"               // "full": the 200 executions, 20 kills
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(workerEnv); spec != "" {
		runWorker(spec)
		return
	}
	testscript.Main(m, map[string]func(){
		// machine is a durable binary of the test machine, as sfn-compile
		// build --durable makes one (script_test.go).
		"machine": scriptMachine,
	})
}

// fileHandlers are the test machine's Tasks in a worker process: every
// invocation appends "invoke KEY" to the log, the callback's token
// "token NAME TOKEN".
type fileHandlers struct {
	mu     sync.Mutex
	log    *os.File
	worker string // its executor ID, at the end of each invoke line
	// gate, when set, holds Square's invocations of items above
	// gateAbove until the file gate exists (gateEnv).
	gate      string
	gateAbove int64
}

// gateEnv sets a worker's fileHandlers' gate: "PATH\tN".
const gateEnv = "SFN_DURABLE_TEST_GATE"

func (h *fileHandlers) write(line string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log.WriteString(line + "\n") // a write(2): it survives a kill -9
}

func (h *fileHandlers) invoke(ctx context.Context, key string) {
	call, _ := sfnrt.TaskCallFrom(ctx)
	name := call.ExecutionArn[strings.LastIndexByte(call.ExecutionArn, ':')+1:]
	h.write(fmt.Sprintf("invoke %s/%s/%d%s %s", call.State, name, call.Seq, key, h.worker))
}

func (h *fileHandlers) Prepare(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	return "prepared", nil
}
func (h *fileHandlers) Left(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	return "L", nil
}
func (h *fileHandlers) Right(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	return "R", nil
}
func (h *fileHandlers) Square(ctx context.Context, in any) (any, error) {
	n, _ := sfnrt.Int(in)
	h.invoke(ctx, "")
	for h.gate != "" && n > h.gateAbove {
		if _, err := os.Stat(h.gate); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return n * n, nil
}
func (h *fileHandlers) Approve(ctx context.Context, in any) (any, error) {
	h.invoke(ctx, "")
	call, _ := sfnrt.TaskCallFrom(ctx)
	name := call.ExecutionArn[strings.LastIndexByte(call.ExecutionArn, ':')+1:]
	h.write("token " + name + " " + call.Token)
	return nil, nil
}

func runWorker(spec string) {
	parts := strings.Split(spec, "\t")
	log, err := os.OpenFile(parts[2], os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The worker verb of a durable binary: until killed, or stopped
	// gracefully by SIGTERM.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	h := &fileHandlers{log: log, worker: parts[1]}
	if gate, above, ok := strings.Cut(os.Getenv(gateEnv), "\t"); ok {
		h.gate = gate
		h.gateAbove, _ = strconv.ParseInt(above, 10, 64)
	}
	m := testmachine.New(h)
	if len(parts) > 4 && parts[4] == "dist" {
		m = distmachine.New(distFileHandlers{h})
	}
	if len(parts) > 3 {
		// A worker that takes over stopped workers' executions after
		// parts[3] (the verb's default is longer than tests wait), 8
		// executions at a time (so that every worker gets some).
		after, _ := time.ParseDuration(parts[3])
		e, err := Open(ctx, m, Config{Store: parts[0], ExecutorID: parts[1], TakeoverAfter: after, Concurrency: 8})
		if err == nil {
			err = e.Work()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		<-ctx.Done()
		e.Close()
		return
	}
	os.Exit(MainArgs(ctx, m, sfncli.MainOptions{},
		[]string{"worker", "--store", parts[0], "--executor-id", parts[1]}, io.Discard, os.Stderr))
}

// worker is a worker process.
type worker struct {
	cmd *exec.Cmd
}

func startWorker(t *testing.T, store, id, logPath string, extra ...string) *worker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+strings.Join(append([]string{store, id, logPath}, extra...), "\t"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &worker{cmd: cmd}
}

func (w *worker) kill() {
	w.cmd.Process.Signal(syscall.SIGKILL)
	w.cmd.Wait()
}

// chaos runs executions executions of the test machine with items Map
// items on workers worker processes, killing one at random kills times,
// and checks that every execution ends as an uninterrupted run does.
func chaos(t *testing.T, store string, executions, items, kills, workers int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	logPath := t.TempDir() + "/invocations.log"
	os.WriteFile(logPath, nil, 0o600)
	client, err := Open(ctx, testmachine.New(nil), Config{Store: store, ExecutorID: "chaos-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ws := make([]*worker, workers)
	for i := range ws {
		ws[i] = startWorker(t, store, fmt.Sprintf("worker-%d", i), logPath)
	}
	defer func() {
		for _, w := range ws {
			w.kill()
		}
	}()
	begin := time.Now()
	arns := make([]string, executions)
	for i := range arns {
		// A pause of 1 s: some kills land in a durable sleep.
		out, err := client.StartExecution(ctx, fmt.Sprintf("e%03d", i), testInput(items, 1))
		if err != nil {
			t.Fatal(err)
		}
		arns[i] = out.ExecutionArn
	}
	// Complete callbacks as their tokens appear, from this process.
	stop := make(chan struct{})
	var answered sync.WaitGroup
	answered.Add(1)
	go func() {
		defer answered.Done()
		sent := map[string]bool{}
		for {
			for _, line := range readLines(logPath) {
				f := strings.Fields(line)
				if f[0] != "token" || sent[f[2]] {
					continue
				}
				err := client.SendTaskSuccess(ctx, f[2], `{"approved":"`+f[1]+`"}`)
				if err == nil || apiCode(err) == "TaskDoesNotExist" {
					// TaskDoesNotExist: a token written by an invocation
					// the kill cut off, replaced by its re-invocation's.
					sent[f[2]] = true
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(100+rand.IntN(900)) * time.Millisecond)
		i := rand.IntN(workers)
		ws[i].kill()
		ws[i] = startWorker(t, store, fmt.Sprintf("worker-%d", i), logPath)
	}
	t.Logf("%d kills done after %v", kills, time.Since(begin).Round(time.Millisecond))
	for _, arn := range arns {
		d, err := client.Wait(ctx, arn)
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		checkLikeUninterrupted(t, client, d)
	}
	t.Logf("all ended after %v", time.Since(begin).Round(time.Millisecond))
	close(stop)
	answered.Wait()
	// Every invocation the history records ran once, but for those in
	// flight at a kill, of which there are at most one per running
	// execution per kill.
	counts := map[string]int{}
	for _, line := range readLines(logPath) {
		if f := strings.Fields(line); f[0] == "invoke" {
			counts[f[1]]++
		}
	}
	again := 0
	for _, n := range counts {
		again += n - 1
	}
	wantInvocations := executions * (items + 4)
	if len(counts) != wantInvocations {
		t.Errorf("%d distinct invocations, want %d", len(counts), wantInvocations)
	}
	if again > kills*executions {
		t.Errorf("%d invocations ran again after %d kills", again, kills)
	}
	t.Logf("%d executions, %d kills: %d invocations in flight at a kill ran again", executions, kills, again)
}

func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		if line := s.Text(); strings.Count(line, " ") >= 1 {
			lines = append(lines, line)
		}
	}
	return lines
}

// checkLikeUninterrupted compares a durable execution's output and
// history with an in-memory run of the same execution (same name, start
// time and seed), apart from timestamps.
func checkLikeUninterrupted(t *testing.T, e *Executor, d *Description) {
	t.Helper()
	if d.Status != sfnrt.StatusSucceeded {
		t.Errorf("%s: %s %v %v", d.Name, d.Status, deref(d.Error), deref(d.Cause))
		return
	}
	ws, err := e.status(d.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	var in execInput
	recode(ws.Input, &in)
	input, _ := sfnrt.ParseJSON([]byte(in.Input))
	seed := in.Seed
	clock := sfnrt.NewFakeClock(time.UnixMilli(in.StartTime))
	res := testmachine.New(newHandlers()).Start(context.Background(), input, sfnrt.Options{
		Name: in.Name, StartTime: time.UnixMilli(in.StartTime), Seed: &seed, TokenKey: e.key, Clock: clock,
		Driver: uninterrupted{clock: clock, callback: `{"approved":"` + in.Name + `"}`},
	})
	if got, want := *d.Output, sfnrt.ToJSON(res.Output); got != want {
		t.Errorf("%s: output\n%s\nwant\n%s", d.Name, got, want)
	}
	durable, err := e.History(d.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, ev := range res.History {
		want = append(want, untimed(ev.JSON()))
	}
	for _, ev := range durable {
		got = append(got, untimed(ev))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: history (-uninterrupted +durable):\n%s", d.Name, diff)
	}
}

// uninterrupted is the Driver of a reference run: it runs everything at
// once, in memory, in the order a durable execution does (Parallel and
// Map one item at a time), and answers the callback with callback.
type uninterrupted struct {
	clock    sfnrt.Clock
	callback string
}

func (u uninterrupted) Task(ctx context.Context, call *sfnrt.TaskCall, invoke func(context.Context) (any, error)) (any, error) {
	return invoke(ctx)
}

func (u uninterrupted) AwaitCallback(ctx context.Context, call *sfnrt.TaskCall, timeout, heartbeat time.Duration) (any, error) {
	return sfnrt.ParseJSON([]byte(u.callback))
}

func (u uninterrupted) Sleep(ctx context.Context, d time.Duration) error {
	return u.clock.Sleep(ctx, d)
}
func (u uninterrupted) Now() time.Time    { return u.clock.Now() }
func (u uninterrupted) Event(sfnrt.Event) {}

// untimed is an event's JSON without its timestamp.
func untimed(ev *sfnrt.Object) string {
	o := sfnrt.NewObject(ev.Len())
	for _, m := range ev.Members() {
		if m.Key != "timestamp" {
			o.Set(m.Key, m.Value)
		}
	}
	return string(sfnrt.AppendJSON(nil, o))
}

// chaosSize is the chaos test's size: modest in `go test`, the issue's
// with SFN_CHAOS=full, any with SFN_CHAOS=EXECUTIONS,ITEMS,KILLS.
func chaosSize() (executions, items, kills int) {
	switch s := os.Getenv(chaosEnv); {
	case s == "full":
		return 200, 50, 20
	case s != "":
		if _, err := fmt.Sscanf(s, "%d,%d,%d", &executions, &items, &kills); err == nil {
			return executions, items, kills
		}
	}
	return 12, 8, 5
}

func TestChaosSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("kills worker processes for a while")
	}
	executions, items, kills := chaosSize()
	chaos(t, sqliteStore(t), executions, items, kills, 1)
}
