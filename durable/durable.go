// Package durable runs Standard executions of a compiled state machine
// durably on DBOS Transact: an execution is a DBOS workflow whose ID is
// the execution ARN, its Task invocations, waits, callbacks, shown times
// and history events are steps of that workflow, and a worker that
// restarts finishes the executions it was running. The store is SQLite
// (one file, nothing to install) or PostgreSQL (many workers). See
// docs/durable.md for the mapping and its guarantees.
//
// The runtime (sfnrt) knows nothing of DBOS: it calls an sfnrt.Driver,
// which this package implements. Programs that do not ask for durability
// do not import this package, and so not DBOS.
package durable

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	// SQLite stores, through the pure-Go modernc.org/sqlite.
	_ "github.com/dbos-inc/dbos-transact-golang/dbos/driver/sqlite"

	// Links the HMAC of task tokens: a durable store checks the tokens
	// its executions hand out, whichever machines this program holds.
	_ "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Config configures an Executor.
type Config struct {
	// Store is the DBOS system database: sqlite:PATH or a postgres:// URL;
	// "" is DefaultStore().
	Store string
	// Version is the DBOS application version of the machine's
	// executions: a worker runs (and recovers) only executions of its
	// version, as AWS runs an execution on the revision it started with.
	// "" is MachineVersion(m).
	Version string
	// ExecutorID names this worker in the store; a worker that restarts
	// with the same ID recovers the executions it was running. "" is
	// "sfn-worker". Workers sharing a PostgreSQL store need their own IDs.
	ExecutorID string
	// Concurrency bounds the executions a worker runs at once (default 64).
	Concurrency int
	// SkipWaits ends Wait states, retry back-offs and callback timeouts
	// at once, on a fake clock, as --skip-waits does in memory.
	SkipWaits bool
	// Tasks runs the Task states the machine did not bind to Go code.
	Tasks sfnrt.TaskInvoker
	// Objects is where Distributed Maps read items and write results
	// (sfnrt.Options.Objects), e.g. runtime/integrations/s3store.
	Objects sfnrt.ObjectStore
	// PayloadLimit is sfnrt.Options.PayloadLimit.
	PayloadLimit int
	// TakeoverAfter is how long a worker's lease may go unrenewed (it
	// renews it every second) before the other workers of the store take
	// over its pending executions (see takeover.go). Default 15 s. The
	// workers' clocks must agree to well within it.
	TakeoverAfter time.Duration
	// ParkAfter is how long a Wait (or a retry's back-off) waits in
	// memory: a longer one parks the execution, which then holds no
	// goroutine or timer until it wakes (see park.go; callbacks always
	// park). Default 10 s; negative: every wait parks.
	ParkAfter time.Duration
	// SequentialBranches runs Parallel branches and Map iterations one
	// after another, their steps in the execution's workflow, rather
	// than concurrently as child workflows (children.go), which is the
	// default wherever it is correct: not for a machine with a callback
	// or Activity Task inside a Parallel or Map (a child does not park),
	// nor for branches and iterations that cannot block (the runtime
	// runs those one after another anyway). Sequential costs fewer
	// commits for branches of one quick Task each (docs/durable.md,
	// Speed) and gives up their concurrency.
	SequentialBranches bool
	// ConcurrentBranches was the opt-in to child workflows, now the
	// default. Deprecated: it changes nothing; SequentialBranches turns
	// concurrency off.
	ConcurrentBranches bool
	// Logger receives DBOS's log; nil: warnings and errors to stderr are
	// dropped, since verbs print AWS-shaped answers on stdout.
	Logger *slog.Logger
}

// An Executor runs and answers for the durable executions of one machine
// in one store. Open one per process; Work makes it a worker.
type Executor struct {
	m            *sfnrt.Machine
	cfg          Config
	ctx          dbos.Context
	workflow     string // the DBOS workflow name of the machine's executions
	wakeWorkflow string // the DBOS workflow name of the wakers of parked executions
	queue        string // the DBOS queue executions are started on
	key          []byte // signs task tokens; kept in the store
	working      bool
	// stopLease ends the worker's lease (see takeover.go).
	stopLease context.CancelFunc
	// runs holds the executions this worker started itself and runs
	// (arn → *localRun) until their first run ends.
	runs sync.Map
	// activities is the store's activity table, for a machine with
	// Activity Task states (activities.go); nil for the others.
	activities *activityStore
	// childWorkflow is the DBOS workflow name of the children that run
	// Parallel branches and Map iterations (children.go), when
	// concurrent; children are those this process runs and awaits.
	childWorkflow string
	concurrent    bool
	// mapChildWorkflow is the DBOS workflow name of Distributed Maps'
	// child executions, run from mapQueue, which every worker serves
	// (mapchildren.go); mapQueue is nil until Work.
	mapChildWorkflow string
	mapQueue         dbos.Queue
	mapChildrenHere  atomic.Int64 // the Map Run children started here at once, running
	children         childRegistry
	// live holds the executions this process runs (arn → *execContext),
	// whose children started here share their clock (children.go).
	live sync.Map
}

// A localRun is the first run of an execution a worker started itself.
type localRun struct {
	done chan struct{} // closed when the run ends (or parks)
}

// MachineVersion is the default application version of m's executions: a
// hash of what a resumed execution depends on (the machine's name, its
// states and its Tasks' resources), so that rebuilding a binary of the
// same machine keeps its executions, and a changed machine does not run
// the executions of the old one.
func MachineVersion(m *sfnrt.Machine) string {
	h := sha256.New()
	io.WriteString(h, m.Name+"\x00")
	for _, s := range m.Program.States {
		io.WriteString(h, s.Name+"\x00"+s.Kind+"\x00")
	}
	for _, t := range m.Tasks {
		io.WriteString(h, t.State+"\x00"+t.Resource+"\x00")
	}
	return "sfn-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// Open connects to the store (creating its tables when new) and readies
// the executor to start, describe and complete executions of m. It does
// not run any: call Work for that.
func Open(ctx context.Context, m *sfnrt.Machine, cfg Config) (*Executor, error) {
	var err error
	if cfg.Store, err = resolveStore(cfg.Store); err != nil {
		return nil, err
	}
	if cfg.Version == "" {
		cfg.Version = MachineVersion(m)
	}
	if cfg.ExecutorID == "" {
		cfg.ExecutorID = "sfn-worker"
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 64
	}
	if cfg.TakeoverAfter <= 0 {
		cfg.TakeoverAfter = 15 * time.Second
	}
	switch {
	case cfg.ParkAfter == 0:
		cfg.ParkAfter = 10 * time.Second
	case cfg.ParkAfter < 0:
		cfg.ParkAfter = 0
	}
	dctx, err := openStore(ctx, cfg.Store, cfg.Version, cfg.ExecutorID, cfg.Logger)
	if err != nil {
		return nil, err
	}
	// An execution's queue is named as its workflow: a process that
	// reaches the store with no machine wakes a parked execution there
	// (callbacks.unpark).
	e := &Executor{m: m, cfg: cfg, ctx: dctx, workflow: executionWorkflowPrefix + m.Name, wakeWorkflow: "sfn-wake:" + m.Name, queue: executionWorkflowPrefix + m.Name}
	dbos.RegisterWorkflow(dctx, e.run, dbos.WithWorkflowName(e.workflow))
	dbos.RegisterWorkflow(dctx, e.wake, dbos.WithWorkflowName(e.wakeWorkflow))
	e.childWorkflow, e.concurrent = "sfn-branch:"+m.Name, !cfg.SequentialBranches && concurrentChildren(m)
	dbos.RegisterWorkflow(dctx, e.runChild, dbos.WithWorkflowName(e.childWorkflow))
	e.mapChildWorkflow = "sfn-map-child:" + m.Name
	dbos.RegisterWorkflow(dctx, e.runMapChild, dbos.WithWorkflowName(e.mapChildWorkflow))
	if e.key, err = storeTokenKey(dctx); err != nil {
		shutdownStore(dctx, time.Second)
		return nil, err
	}
	if hasActivities(m) {
		if e.activities, err = openActivityStore(ctx, cfg.Store); err != nil {
			shutdownStore(dctx, time.Second)
			return nil, err
		}
	}
	return e, nil
}

// Work makes the executor a worker: it runs the executions started on
// the machine's queue and finishes those this worker (its ExecutorID) was
// running when it stopped. It returns at once; Close stops the work.
func (e *Executor) Work() error {
	// A short polling interval: an execution started by another process
	// (start-execution) waits for the next poll.
	if _, err := dbos.RegisterQueue(e.ctx, e.queue, dbos.WithWorkerConcurrency(e.cfg.Concurrency),
		dbos.WithQueueBasePollingInterval(100*time.Millisecond)); err != nil {
		return err
	}
	// Distributed Maps' child executions, which any worker runs.
	var err error
	if e.mapQueue, err = dbos.RegisterQueue(e.ctx, mapQueuePrefix+e.m.Name, dbos.WithWorkerConcurrency(e.cfg.Concurrency),
		dbos.WithQueueBasePollingInterval(100*time.Millisecond)); err != nil {
		return err
	}
	if err := dbos.Launch(e.ctx); err != nil {
		return err
	}
	e.working = true
	ctx, stop := context.WithCancel(context.Background())
	e.stopLease = stop
	go e.lease(ctx)
	return nil
}

// Close stops the executor; executions it was running stay in the store
// and a worker with its ExecutorID finishes them (or, after
// TakeoverAfter, the other workers do).
func (e *Executor) Close() {
	if e.stopLease != nil {
		e.stopLease()
	}
	shutdownStore(e.ctx, 5*time.Second)
	if e.activities != nil {
		e.activities.db.close()
	}
}

// tokenKeyID is the store's row that holds the task-token key: the input
// of a DBOS workflow record that never runs (its queue has no worker).
// The first process to open a store writes it; every other reads it, so
// that any process reaching the store can check a token.
const (
	tokenKeyID    = "sfn-compile:task-token-key"
	tokenKeyQueue = "sfn-compile:keys"
)

func storeTokenKey(c dbos.Client) ([]byte, error) {
	read := func() ([]byte, error) {
		ws, err := dbos.ListWorkflows(c, dbos.WithFilterWorkflowIDs(tokenKeyID), dbos.WithFilterLoadInput(true))
		if err != nil || len(ws) == 0 {
			return nil, err
		}
		var s string
		recode(ws[0].Input, &s)
		return base64.StdEncoding.DecodeString(s)
	}
	if k, err := read(); err != nil || k != nil {
		return k, err
	}
	k := make([]byte, 32)
	rand.Read(k)
	// Two processes may race here: the first record wins and both read it.
	_, _ = dbos.Enqueue[string](c, tokenKeyQueue, tokenKeyWorkflow, base64.StdEncoding.EncodeToString(k), dbos.WithEnqueueWorkflowID(tokenKeyID))
	k, err := read()
	if err == nil && k == nil {
		err = errors.New("the store keeps no task-token key")
	}
	return k, err
}

// execInput is the input of an execution's workflow: with it, a worker
// runs the execution again from its start and, through the recorded
// steps, to where it was.
type execInput struct {
	Name      string `json:"name"`
	Input     string `json:"input"`     // JSON
	StartTime int64  `json:"startTime"` // Unix ms
	Seed      int64  `json:"seed"`      // of States.UUID, MathRandom, jitter
}

// execOutput is the outcome of an execution's workflow: the execution's,
// or where it parked (Status PARKED).
type execOutput struct {
	Status   string      `json:"status"`
	Park     *parkRecord `json:"park,omitempty"`
	Output   string      `json:"output,omitempty"`
	Error    *string     `json:"error,omitempty"`
	Cause    *string     `json:"cause,omitempty"`
	StopDate int64       `json:"stopDate"` // Unix ms
}

// run is the workflow of one execution.
func (e *Executor) run(ctx dbos.Context, in execInput) (execOutput, error) {
	input, err := sfnrt.ParseJSON([]byte(in.Input))
	if err != nil {
		return execOutput{}, err
	}
	start := time.UnixMilli(in.StartTime).UTC()
	arn, err := dbos.GetWorkflowID(ctx)
	if err != nil {
		return execOutput{}, err
	}
	d := &driver{e: e, arn: arn, wctx: ctx, skipWaits: e.cfg.SkipWaits, parkAfter: e.cfg.ParkAfter}
	first := false
	if r, ok := e.runs.Load(arn); ok {
		// Started here a moment ago: its first run, which Wait awaits.
		first = true
		defer func() {
			if e.runs.CompareAndDelete(arn, r) {
				close(r.(*localRun).done)
			}
		}()
	}
	d.mayReplay = !first
	switch {
	case e.cfg.SkipWaits:
		d.clock = sfnrt.NewFakeClock(start)
	case !first:
		// The execution's deadline (the machine's TimeoutSeconds, at
		// most a year) applies from where the run stopped.
		if d.recorded, err = e.recordedSteps(arn); err != nil {
			return execOutput{}, err
		}
		d.live = make(chan struct{})
		d.clock = &replayClock{live: d.live}
		d.goLive()
	default:
		d.clock = sfnrt.RealClock{}
	}
	clock := d.clock
	if !first {
		// A redriven execution numbers its events on from the stored
		// ones. (An execution's first run is no redrive.)
		if d.redrive, err = e.readRedrive(arn); err != nil {
			return execOutput{}, err
		}
	}
	// The machine's TimeoutSeconds counts from the execution's start,
	// however often a worker runs it again, or from its last redrive.
	timeoutStart := start
	if d.redrive != nil && !e.cfg.SkipWaits {
		timeoutStart = time.UnixMilli(d.redrive.Date)
	}
	if !e.cfg.SkipWaits {
		d.deadline = timeoutStart.Add(executionTimeout(e.m))
	}
	seed := in.Seed
	// The run's context, which a park ends.
	rctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	d.stop = stop
	var driver sfnrt.Driver = d
	if e.concurrent {
		driver = childrenDriver{d}
		xc := &execContext{name: in.Name, input: input, start: start, clock: clock}
		e.live.Store(arn, xc)
		defer e.live.CompareAndDelete(arn, xc)
	}
	res := e.m.Start(rctx, input, sfnrt.Options{
		Name: in.Name, StartTime: start, Clock: clock, Seed: &seed, Tasks: e.cfg.Tasks, Objects: e.cfg.Objects,
		Driver: driver, TokenKey: e.key, PayloadLimit: e.cfg.PayloadLimit, OnMapRun: d.mapRunStarted, TimeoutStart: timeoutStart,
		RedriveCuts: d.redrive.cuts(),
	})
	if p := d.parked; p != nil {
		if !e.cfg.SkipWaits {
			// Parked, the execution has no timer: its waker keeps the
			// execution's deadline too, the one the runtime's timer
			// keeps while it runs.
			deadline := d.deadline.UnixMilli()
			if p.WakeAt == 0 || deadline < p.WakeAt {
				p.WakeAt = deadline
			}
		}
		if err := e.enqueueWaker(arn, p); err != nil {
			return execOutput{}, err
		}
		return execOutput{Status: statusParked, Park: p}, nil
	}
	d.writeEndedMapRuns()
	if err := d.flush(ctx); err != nil {
		return execOutput{}, err
	}
	out := execOutput{Status: res.Status, StopDate: res.StopDate.UnixMilli()}
	if res.Status == sfnrt.StatusSucceeded {
		out.Output = sfnrt.ToJSON(res.Output)
	}
	if res.HasError {
		out.Error = &res.Error
	}
	if res.HasCause {
		out.Cause = &res.Cause
	}
	return out, nil
}

// executionTimeout is how long a durable (so Standard) execution of m
// may run, as the runtime counts it under a Driver: the machine's
// TimeoutSeconds, or AWS's year for Standard executions when it has none
// or a longer one (sfnrt.MaxStandardSeconds).
func executionTimeout(m *sfnrt.Machine) time.Duration {
	t := m.TimeoutSeconds
	if t <= 0 || t > sfnrt.MaxStandardSeconds {
		t = sfnrt.MaxStandardSeconds
	}
	return time.Duration(t) * time.Second
}

// arn returns the ARN of m's execution named name.
func (e *Executor) arn(name string) string {
	return e.m.NewExecution(nil, sfnrt.Options{Name: name}).ID()
}

// validName checks an execution name as StartExecution does: 1 to 80
// characters, none of whitespace, brackets, wildcards, punctuation AWS
// reserves, or control characters.
func validName(name string) error {
	if len(name) == 0 || len([]rune(name)) > 80 {
		return &sfnrt.APIError{Code: "InvalidName", Message: "Invalid Name: '" + name + "' (1 to 80 characters)"}
	}
	for _, r := range name {
		if r <= 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return &sfnrt.APIError{Code: "InvalidName", Message: "Invalid Name: '" + name + "'"}
		}
	}
	return nil
}
