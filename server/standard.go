package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/durable"
)

// Standard executions run durably on a store (package durable, on DBOS):
// the server reaches them through a durable.Client, which needs no
// machine's code, and each revision of a STANDARD machine that has
// executions runs as long-lived worker processes of its built binary
// (`BIN worker --store URL`), which take that revision's executions, and
// only those, from the store's queue. An execution so finishes on the
// revision it started on, whatever UpdateStateMachine does meanwhile, and
// a server that restarts (or another server on the same PostgreSQL)
// finishes what was running.

// legacyRevisionsFile is where servers before the store kept its
// revisions kept them, under the data folder: a server that finds one
// copies it into the store once, so that the executions they had
// running still find their workers.
const legacyRevisionsFile = "revisions.json"

// serverIDFile keeps the server's identity under the data folder: its
// workers' executor IDs derive from it, so that the workers of a
// restarted server recover the executions those of the previous run
// were running.
const serverIDFile = "server-id"

// A revision is what an execution runs: one definition of one machine,
// and the test case of the mock config answering its Tasks ("" none).
type revision struct {
	Type       string    `json:"-"`       // the machine's: an EXPRESS one is not recorded, it has no store
	Version    string    `json:"version"` // the DBOS application version of its executions
	Machine    string    `json:"machine"`
	ARN        string    `json:"arn"`
	Definition string    `json:"definition"`
	RoleARN    string    `json:"roleArn"`
	RevisionID string    `json:"revisionId"`
	Updated    time.Time `json:"updated"`
	TestCase   string    `json:"testCase,omitempty"`
	Logging    *logging  `json:"logging,omitempty"`
	Tracing    *tracing  `json:"tracing,omitempty"`
}

// Each revision that has executions is recorded in the store
// (durable.Client.PutMachineVersion, under its version), not in the
// server's data folder: any server on the store can then start workers
// for the executions of any revision, whoever started them, and answer
// DescribeStateMachineForExecution for them. Every adoptInterval the
// server asks the store which versions have work (executions running or
// queued, wakers due) and starts the workers of those it runs none of,
// building their binary from the record (the build cache is by content:
// a definition built before is not built again). So when a server dies
// for good, the others finish its executions: their workers of the
// same revision take over the dead workers' executions once their leases
// expire (durable/takeover.go), whether or not the survivor had ever
// loaded that revision; and a restarted server resumes its own.

// adoptInterval is how often a server looks for revisions with work that
// it runs no workers for.
var adoptInterval = 2 * time.Second

// adoptRetry is how long a server waits before it tries again to start
// the workers of a revision whose build or record failed.
var adoptRetry = time.Minute

// revisionVersion names a revision in the store: the machine's name, its
// definition and its test case decide which code runs an execution.
func revisionVersion(machine, definition, testCase string) string {
	return "rev-" + contentKey(machine+"\x00"+testCase+"\x00"+definition, "STANDARD")[:20]
}

// A standard holds the server's durable side: the client of the store,
// the revisions and their workers. It opens the store on first use.
type standard struct {
	cfg   Config
	id    string // the server's identity, for its workers' executor IDs
	envs  []string
	build func(ctx context.Context, definition string) (string, error) // a STANDARD revision's binary

	mu        sync.Mutex
	client    *durable.Client
	revisions map[string]*revision     // by version: those recorded or read from the store
	legacy    []*revision              // from a legacyRevisionsFile, for the store
	workers   map[string][]*supervisor // by version
	adopting  map[string]bool          // versions whose workers are being started
	failed    map[string]time.Time     // versions whose workers could not start, and when
	closed    bool
	stop      chan struct{} // closed by close: the adopter ends
	adopter   sync.WaitGroup
}

// workersPerRevision is how many worker processes run one revision's
// executions. Measured with 16 clients starting the order machine on
// SQLite, 2 cores: 1 process 37 executions/s, 2 processes 60, 3
// processes 22 (DBOS's work per step is CPU; the store has one writer).
var workersPerRevision = 2

func newStandard(cfg Config, envs []string, build func(ctx context.Context, definition string) (string, error)) (*standard, error) {
	if err := CheckStore(cfg.Store); err != nil {
		return nil, err
	}
	st := &standard{cfg: cfg, envs: envs, build: build, revisions: map[string]*revision{}, workers: map[string][]*supervisor{},
		adopting: map[string]bool{}, failed: map[string]time.Time{}, stop: make(chan struct{})}
	if cfg.DataDir == "" {
		st.id = randomHex(6)
		return st, nil
	}
	b, err := os.ReadFile(filepath.Join(cfg.DataDir, serverIDFile))
	switch {
	case err == nil && len(b) > 0:
		st.id = string(b)
	case err == nil || errors.Is(err, fs.ErrNotExist):
		st.id = randomHex(6)
		if err := writeFileAtomic(filepath.Join(cfg.DataDir, serverIDFile), []byte(st.id)); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	b, err = os.ReadFile(filepath.Join(cfg.DataDir, legacyRevisionsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &st.legacy); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(cfg.DataDir, legacyRevisionsFile), err)
		}
	}
	return st, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// store returns the store's URL: Config.Store, else an SQLite file in the
// data folder. A server with neither keeps no Standard executions.
func (st *standard) store() (string, error) {
	switch {
	case st.cfg.Store != "":
		return st.cfg.Store, nil
	case st.cfg.DataDir != "":
		abs, err := filepath.Abs(filepath.Join(st.cfg.DataDir, "executions.db"))
		return "sqlite:" + abs, err
	}
	return "", errorf(codeValidation, "this server keeps no Standard executions: it has neither a data folder nor a store (--data, --store)")
}

// CheckStore reports why url ("" for none) is no store, or nil.
func CheckStore(url string) error {
	if url == "" {
		return nil
	}
	return durable.CheckStore(url)
}

// DefaultStore is the store of a server without a data folder: durable's
// default (SFN_STORE, else an SQLite file in the user's state folder).
func DefaultStore() (string, error) { return durable.DefaultStore() }

// open returns the client of the store, opening it.
func (st *standard) open() (*durable.Client, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.openLocked()
}

func (st *standard) openLocked() (*durable.Client, error) {
	if st.closed {
		return nil, errors.New("the server is shutting down")
	}
	if st.client != nil {
		return st.client, nil
	}
	url, err := st.store()
	if err != nil {
		return nil, err
	}
	c, err := durable.OpenClient(context.Background(), durable.ClientConfig{Store: url, ExecutorID: "sfn-serve-" + st.id})
	if err != nil {
		return nil, err
	}
	st.client = c
	return c, nil
}

// startAdopting starts the server's adopter: at once when the store is
// there already (a PostgreSQL URL, or the SQLite file of an earlier
// run), else once a request has opened it.
func (st *standard) startAdopting() {
	st.adopter.Add(1)
	go func() {
		defer st.adopter.Done()
		tick := time.NewTicker(adoptInterval)
		defer tick.Stop()
		for {
			if st.storeInUse() {
				if err := st.adopt(); err != nil && !st.isClosed() {
					fmt.Fprintf(os.Stderr, "sfn-compile serve: looking for executions to run: %v\n", err)
				}
			}
			select {
			case <-st.stop:
				return
			case <-tick.C:
			}
		}
	}()
}

// storeInUse reports whether the server has executions to look after:
// its store is open, or was used before (a PostgreSQL store, an SQLite
// file that exists). A server that never runs a Standard execution
// creates no store.
func (st *standard) storeInUse() bool {
	st.mu.Lock()
	open := st.client != nil
	st.mu.Unlock()
	if open {
		return true
	}
	url, err := st.store()
	if err != nil {
		return false
	}
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		_, err := os.Stat(strings.TrimPrefix(path, "//"))
		return err == nil
	}
	return true
}

// adopt starts, in the background, the workers of the revisions that
// have work in the store and none here.
func (st *standard) adopt() error {
	c, err := st.open()
	if err != nil {
		return err
	}
	ctx := context.Background()
	st.mu.Lock()
	legacy := st.legacy
	st.legacy = nil
	st.mu.Unlock()
	for _, r := range legacy {
		if err := st.record(r); err != nil {
			return err
		}
	}
	versions, err := c.PendingVersions(ctx)
	if err != nil {
		return err
	}
	for _, version := range versions {
		st.mu.Lock()
		skip := st.workers[version] != nil || st.adopting[version] || time.Since(st.failed[version]) < adoptRetry || st.closed
		if !skip {
			st.adopting[version] = true
		}
		st.mu.Unlock()
		if skip {
			continue
		}
		r := st.revision(ctx, version)
		if r == nil {
			// Not a server's revision (a worker of `sfn-compile build
			// --durable` runs it), or the store lost its record.
			st.adopted(version, false)
			continue
		}
		go func() {
			// The build may take a while; requests go on meanwhile.
			err := st.startWorkers(ctx, r)
			if err != nil && !st.isClosed() {
				fmt.Fprintf(os.Stderr, "sfn-compile serve: running the executions of %s (revision %s): %v\n", r.ARN, r.Version, err)
			}
			st.adopted(version, err == nil)
		}()
	}
	return nil
}

func (st *standard) isClosed() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.closed
}

// adopted ends the adoption of version; a failed one is tried again
// after adoptRetry.
func (st *standard) adopted(version string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.adopting, version)
	if ok {
		delete(st.failed, version)
	} else {
		st.failed[version] = time.Now()
	}
}

// startWorkers builds the revision's binary and starts its workers.
func (st *standard) startWorkers(ctx context.Context, r *revision) error {
	if r.TestCase != "" && st.cfg.MockConfig == "" {
		return fmt.Errorf("its executions answer test case %q of a mock config, and this server has none (--mock-config)", r.TestCase)
	}
	bin, err := st.build(ctx, r.Definition)
	if err != nil {
		return err
	}
	return st.work(r, bin)
}

// record keeps a revision that has executions, in the store (where every
// server finds it) and here.
func (st *standard) record(r *revision) error {
	st.mu.Lock()
	_, known := st.revisions[r.Version]
	st.mu.Unlock()
	if known {
		return nil
	}
	c, err := st.open()
	if err != nil {
		return err
	}
	rec, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := c.PutMachineVersion(context.Background(), r.Version, rec); err != nil {
		return err
	}
	st.mu.Lock()
	st.revisions[r.Version] = r
	st.mu.Unlock()
	return nil
}

// revision returns the revision of a version, from the store when this
// server has not seen it; nil when unknown.
func (st *standard) revision(ctx context.Context, version string) *revision {
	st.mu.Lock()
	r := st.revisions[version]
	st.mu.Unlock()
	if r != nil || version == "" {
		return r
	}
	c, err := st.open()
	if err != nil {
		return nil
	}
	rec, ok, err := c.MachineVersion(ctx, version)
	if err != nil || !ok {
		return nil
	}
	r = &revision{}
	if json.Unmarshal(rec, r) != nil || r.Version != version {
		return nil
	}
	st.mu.Lock()
	st.revisions[version] = r
	st.mu.Unlock()
	return r
}

// work makes sure the revision's workers run, from its binary.
func (st *standard) work(r *revision, bin string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return errors.New("the server is shutting down")
	}
	if st.workers[r.Version] != nil {
		return nil
	}
	url, err := st.store()
	if err != nil {
		return err
	}
	for i := range workersPerRevision {
		args := []string{"worker", "--store", url, "--machine-name", r.Machine, "--machine-version", r.Version,
			"--executor-id", fmt.Sprintf("serve-%s-%s-%d", st.id, r.Version, i), "--starts-on-stdin"}
		if r.TestCase != "" {
			args = append(args, "--mock-config", st.cfg.MockConfig, "--test-case", r.TestCase)
		}
		sv := &supervisor{bin: bin, args: args, env: st.envs, stop: make(chan struct{}), done: make(chan struct{}), pending: map[int64]chan durable.StartAnswer{}}
		go sv.run()
		st.workers[r.Version] = append(st.workers[r.Version], sv)
	}
	return nil
}

// start starts an execution of the revision on one of its worker
// processes, which runs it at once; where none can take it, through the
// store's queue, from which a worker takes it at its next poll.
func (st *standard) start(ctx context.Context, r *revision, name, input string, attrs map[string]string) (*durable.StartExecutionOutput, error) {
	st.mu.Lock()
	svs := st.workers[r.Version]
	c := st.client
	st.mu.Unlock()
	if len(svs) > 0 {
		if why := failing(svs); why != "" {
			// Queued, the execution would wait for a worker that cannot run.
			return nil, &apiError{Code: codeInternal, Message: "the workers of " + r.ARN + " keep failing: " + why, status: 500}
		}
		sv := svs[int(time.Now().UnixNano()%int64(len(svs)))]
		ans, err := sv.start(ctx, durable.StartRequest{Name: name, Input: input, Attributes: attrs})
		switch {
		case err == nil && ans.Code != "":
			return nil, &apiError{Code: ans.Code, Message: ans.Message, status: statusOf(ans.Code)}
		case err == nil:
			return &durable.StartExecutionOutput{ExecutionArn: ans.ExecutionArn, StartDate: ans.StartDate}, nil
		case !errors.Is(err, errNoWorker):
			return nil, err
		}
	}
	out, err := c.Machine(r.Machine, r.Version).StartExecutionWith(ctx, name, input, attrs)
	return out, fromDurable(err)
}

// failing returns the last words of a revision's workers when none runs
// and each has died three times or more, else "".
func failing(svs []*supervisor) string {
	why := ""
	for _, sv := range svs {
		sv.mu.Lock()
		up, restarts, last := sv.cmd != nil, sv.restarts, sv.lastErr
		sv.mu.Unlock()
		if up || restarts < 3 {
			return ""
		}
		why = last
	}
	return why
}

// statusOf is the HTTP status of an error a worker answered: 500 for
// its internal failures, else 400.
func statusOf(code string) int {
	if code == codeInternal {
		return 500
	}
	return 0
}

// close stops the workers, leaving their executions in the store for
// the next server, and closes the store.
func (st *standard) close() {
	st.mu.Lock()
	if !st.closed {
		close(st.stop)
	}
	st.closed = true
	workers := st.workers
	st.workers = nil
	c := st.client
	st.mu.Unlock()
	var wg sync.WaitGroup
	for _, svs := range workers {
		for _, sv := range svs {
			wg.Add(1)
			go func() { defer wg.Done(); sv.close() }()
		}
	}
	wg.Wait()
	st.adopter.Wait()
	if c != nil {
		c.Close()
	}
}

// A supervisor keeps one worker process running: it starts it again when
// it dies, after a pause that grows while it keeps dying. The server
// sends it StartExecution requests on its standard input (see
// durable.StartRequest), so that an execution starts at once rather than
// at the worker's next poll of the store's queue.
type supervisor struct {
	bin  string
	args []string
	env  []string
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	pending  map[int64]chan durable.StartAnswer // requests sent, by ID
	nextID   int64
	lastErr  string
	restarts int
	stopping bool // close was called: a process started now ends at once
}

// errNoWorker says that a start could not be handed to a worker process:
// it goes through the store's queue instead.
var errNoWorker = errors.New("no worker process")

// start hands a start request to the worker process and waits for its
// answer.
func (sv *supervisor) start(ctx context.Context, req durable.StartRequest) (durable.StartAnswer, error) {
	sv.mu.Lock()
	if sv.stdin == nil {
		sv.mu.Unlock()
		return durable.StartAnswer{}, errNoWorker
	}
	sv.nextID++
	req.ID = sv.nextID
	ch := make(chan durable.StartAnswer, 1)
	sv.pending[req.ID] = ch
	line, err := json.Marshal(req)
	if err == nil {
		_, err = sv.stdin.Write(append(line, '\n'))
	}
	sv.mu.Unlock()
	if err != nil {
		sv.forget(req.ID)
		return durable.StartAnswer{}, errNoWorker
	}
	select {
	case ans, ok := <-ch:
		if !ok {
			return durable.StartAnswer{}, errNoWorker
		}
		return ans, nil
	case <-ctx.Done():
		sv.forget(req.ID)
		return durable.StartAnswer{}, ctx.Err()
	}
}

func (sv *supervisor) forget(id int64) {
	sv.mu.Lock()
	delete(sv.pending, id)
	sv.mu.Unlock()
}

// answers delivers the worker's answer lines to their requests.
func (sv *supervisor) answers(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var ans durable.StartAnswer
		if json.Unmarshal(sc.Bytes(), &ans) != nil || ans.ID == 0 {
			continue
		}
		sv.mu.Lock()
		ch := sv.pending[ans.ID]
		delete(sv.pending, ans.ID)
		sv.mu.Unlock()
		if ch != nil {
			ch <- ans
		}
	}
}

func (sv *supervisor) run() {
	defer close(sv.done)
	pause := 100 * time.Millisecond
	for {
		sv.mu.Lock()
		stopping := sv.stopping
		sv.mu.Unlock()
		if stopping {
			return
		}
		cmd := exec.Command(sv.bin, sv.args...)
		cmd.Env = append(os.Environ(), sv.env...)
		cmd.SysProcAttr = dieWithParent()
		tail := &tailWriter{}
		cmd.Stderr = tail
		stdin, err := cmd.StdinPipe()
		var stdout io.ReadCloser
		if err == nil {
			stdout, err = cmd.StdoutPipe()
		}
		started := time.Now()
		if err == nil {
			err = cmd.Start()
		}
		if err == nil {
			read := make(chan struct{})
			go func() { sv.answers(stdout); close(read) }()
			sv.mu.Lock()
			sv.cmd, sv.stdin = cmd, stdin
			if sv.stopping {
				// close came while the process started: it did not see
				// it, so it is told here.
				cmd.Process.Signal(os.Interrupt)
				stdin.Close()
			}
			sv.mu.Unlock()
			<-read // stdout ends when the process does
			err = cmd.Wait()
		}
		sv.mu.Lock()
		sv.cmd, sv.stdin = nil, nil
		for id, ch := range sv.pending {
			close(ch) // the requests go through the queue instead
			delete(sv.pending, id)
		}
		sv.lastErr = fmt.Sprintf("%v: %s", err, tail.String())
		sv.restarts++
		sv.mu.Unlock()
		if time.Since(started) > time.Minute {
			pause = 100 * time.Millisecond
		}
		select {
		case <-sv.stop:
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
	}
}

// close ends the worker: an interrupt lets it leave its executions
// pending for the next worker with its executor ID.
func (sv *supervisor) close() {
	close(sv.stop)
	sv.mu.Lock()
	sv.stopping = true
	if sv.cmd != nil {
		sv.cmd.Process.Signal(os.Interrupt)
		sv.stdin.Close() // the worker's cue that its server is gone
	}
	sv.mu.Unlock()
	select {
	case <-sv.done:
	case <-time.After(10 * time.Second):
		sv.mu.Lock()
		if sv.cmd != nil {
			sv.cmd.Process.Kill()
		}
		sv.mu.Unlock()
		<-sv.done
	}
}

// pid returns the process ID of the running worker, 0 when none runs.
func (sv *supervisor) pid() int {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.cmd == nil || sv.cmd.Process == nil {
		return 0
	}
	return sv.cmd.Process.Pid
}

// tailWriter keeps the last 4 KiB written to it: a worker's last words.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// writeFileAtomic writes a file through a temporary one renamed into
// place, so that a crash leaves the old content or the new.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
