package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Express executions run in long-lived worker processes: a built
// machine's binary in its JSON-lines mode (--describe: one
// DescribeExecution-shaped line on stdout per input line on stdin), so
// that an execution costs a pipe round trip, not a process start.

// A workerKey names the pool of one binary run as one machine name, with
// one mock test case ("" none).
type workerKey struct {
	bin, name, testCase string
}

// A pools holds the worker pools, started on first use.
type pools struct {
	mockConfig string   // Step Functions Local MockConfigFile, "" none
	waitScale  []string // the workers' --wait-time-scale flag, or none
	env        []string // added to the workers' environment
	mu         sync.Mutex
	byKey      map[workerKey]*pool
	closed     bool
	reaping    bool // the reaper of idle workers runs
}

// idleTimeout is how long a worker may wait for an execution before it
// is stopped: the machines no one runs keep no processes.
var idleTimeout = time.Minute

// A pool is the workers of one key; at most size run at once, each one
// execution at a time.
type pool struct {
	key   workerKey
	args  []string
	env   []string
	slots chan struct{}
	mu    sync.Mutex
	idle  []*worker
	all   map[*worker]bool
}

// A worker is one process. The request that holds it reads its answer
// line from stdout itself (no goroutine in between: a hand-over less per
// execution); lines the process writes on stderr (an input it refused, a
// crash) come on errs, and each ends the read under way.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *os.File
	out    *bufio.Reader
	errs   chan string
	used   time.Time // when it last finished an execution
}

// poolSize is how many executions of one machine run at once: enough to
// keep the cores busy while others wait on their pipes.
var poolSize = 2 * runtime.NumCPU()

func newPools(mockConfig, lambdaEndpoint, connections string, waitScale *float64) *pools {
	ps := &pools{mockConfig: mockConfig, byKey: map[workerKey]*pool{}}
	if waitScale != nil {
		ps.waitScale = []string{"--wait-time-scale", strconv.FormatFloat(*waitScale, 'g', -1, 64)}
	}
	if lambdaEndpoint != "" {
		// Binaries that invoke Lambda read the AWS SDK's configuration;
		// the others ignore it (they have no --lambda-endpoint flag).
		ps.env = []string{"AWS_ENDPOINT_URL_LAMBDA=" + lambdaEndpoint}
	}
	if connections != "" {
		// The same for the connections of HTTP Tasks: binaries that link
		// runtime/integrations read it (integrations.ConnectionsEnv, their
		// --connections default; the server does not link that package).
		ps.env = append(ps.env, "SFN_CONNECTIONS="+connections)
	}
	return ps
}

// get returns the pool of key, starting it.
func (ps *pools) get(key workerKey) (*pool, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return nil, errors.New("the server is shutting down")
	}
	if p := ps.byKey[key]; p != nil {
		return p, nil
	}
	args := []string{"--describe", "--type", "EXPRESS", "--name", key.name}
	args = append(args, ps.waitScale...)
	if key.testCase != "" {
		args = append(args, "--mock-config", ps.mockConfig, "--test-case", key.testCase)
	}
	p := &pool{key: key, args: args, env: ps.env, slots: make(chan struct{}, poolSize), all: map[*worker]bool{}}
	ps.byKey[key] = p
	if !ps.reaping {
		ps.reaping = true
		go ps.reap()
	}
	return p, nil
}

// reap stops the workers idle for idleTimeout, until the pools close.
func (ps *pools) reap() {
	tick := time.NewTicker(idleTimeout / 4)
	defer tick.Stop()
	for range tick.C {
		ps.mu.Lock()
		if ps.closed {
			ps.mu.Unlock()
			return
		}
		all := make([]*pool, 0, len(ps.byKey))
		for _, p := range ps.byKey {
			all = append(all, p)
		}
		ps.mu.Unlock()
		for _, p := range all {
			p.stopIdle(time.Now().Add(-idleTimeout))
		}
	}
}

// stopIdle stops the idle workers last used before cutoff.
func (p *pool) stopIdle(cutoff time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.idle[:0]
	for _, w := range p.idle {
		if w.used.Before(cutoff) {
			w.stop()
			delete(p.all, w)
		} else {
			kept = append(kept, w)
		}
	}
	p.idle = kept
}

// close ends every worker.
func (ps *pools) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.closed = true
	for _, p := range ps.byKey {
		p.mu.Lock()
		for w := range p.all {
			w.stop()
		}
		p.mu.Unlock()
	}
}

// run runs one execution on input (compact JSON, one line) and returns
// its description line.
func (p *pool) run(ctx context.Context, input []byte) (string, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-p.slots }()
	w, err := p.take()
	if err != nil {
		return "", err
	}
	line, err := w.do(ctx, input)
	if err != nil {
		p.drop(w)
		if err == errWorkerSpent {
			return line, nil
		}
		return "", err
	}
	w.used = time.Now()
	p.mu.Lock()
	p.idle = append(p.idle, w)
	p.mu.Unlock()
	return line, nil
}

// take returns an idle worker, or starts one.
func (p *pool) take() (*worker, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.mu.Unlock()
	w, err := startWorker(p.key.bin, p.args, p.env)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.all[w] = true
	p.mu.Unlock()
	return w, nil
}

func (p *pool) drop(w *worker) {
	w.stop()
	p.mu.Lock()
	delete(p.all, w)
	p.mu.Unlock()
}

func startWorker(bin string, args, env []string) (*worker, error) {
	cmd := exec.Command(bin, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the machine's binary: %w", err)
	}
	out, ok := stdout.(*os.File)
	if !ok {
		cmd.Process.Kill()
		go cmd.Wait()
		return nil, errors.New("the worker's stdout is not a pipe")
	}
	w := &worker{cmd: cmd, stdin: stdin, stdout: out, out: bufio.NewReaderSize(out, 64<<10), errs: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case w.errs <- sc.Text():
			default: // nobody is asking: a line of a process going down
			}
			// Wake the read under way: no answer will come.
			w.stdout.SetReadDeadline(time.Now())
		}
	}()
	return w, nil
}

// do sends one input line and reads its answer. An error leaves the
// worker in no known state: the caller drops it.
func (w *worker) do(ctx context.Context, input []byte) (string, error) {
	if _, err := w.stdin.Write(append(input, '\n')); err != nil {
		return "", fmt.Errorf("the machine's worker process is gone: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { w.stdout.SetReadDeadline(time.Now()) })
	line, err := w.out.ReadString('\n')
	if !stop() && err == nil {
		// The request ended as the answer came: the deadline may still
		// be set on the pipe, so this worker reads no more.
		return line, errWorkerSpent
	}
	if err == nil {
		if strings.HasPrefix(line, `{"error":`) {
			// The runtime refused the input: its answer line, then a
			// line on stderr, which ends this worker's next read (the
			// caller drops it).
			var refused struct{ Error, Cause string }
			json.Unmarshal([]byte(line), &refused)
			return "", errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", refused.Cause)
		}
		return line, nil
	}
	select {
	case msg := <-w.errs:
		// "line N: invalid input: ...": an input the runtime refuses.
		if _, after, ok := strings.Cut(msg, ": invalid input: "); ok {
			return "", errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", after)
		}
		return "", fmt.Errorf("the machine's worker process failed: %s", msg)
	default:
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	return "", fmt.Errorf("the machine's worker process ended: %v", err)
}

// errWorkerSpent is do's error for an answer read while its request
// ended: the answer is good, the worker is not kept.
var errWorkerSpent = errors.New("worker spent")

func (w *worker) stop() {
	w.stdin.Close()
	w.cmd.Process.Kill()
	go w.cmd.Wait()
}
