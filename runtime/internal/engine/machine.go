package engine

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// SupportsGenVersion3 is referenced by generated code: a build error on it
// means the generated package is newer than this runtime or older. The
// comment above the reference in generated code says what to do: go
// generate again with the sfn-compile that go.mod requires, which is of
// the runtime's version (go get -tool pins both with one line).
//
// Version 2: generated code calls sfnimpl (the runtime split by audience)
// and describes the ordinary path of fused states as data (StateSpec).
// Version 3: JSONata expressions link only the functions they name (a
// jsonata.Library), and a typed Task is called through RunTaskInline and
// RetryTaskInline with its handler as a method expression.
const SupportsGenVersion3 = true

// A Machine is a compiled state machine ready to execute. Generated
// packages build one; users call Start.
type Machine struct {
	// Name is the state machine's name, used in ARNs and by mock configs.
	Name string
	// Program is the top-level state machine.
	Program *Program
	// TimeoutSeconds is the definition's TimeoutSeconds (0: none).
	TimeoutSeconds int64
	// Tasks lists the machine's Task states, nested ones included.
	Tasks []TaskInfo
	// Nested names the programs of the machine's Parallel branches and
	// Map item processors, at every depth, by where they are in the
	// definition: the JSON Pointer of the branch or of the ItemProcessor
	// (or Iterator). With it, a process that did not run the execution
	// up to a Parallel or Map runs one of its branches or iterations
	// from a record (RunChild): a durable execution's child workflows
	// run on whichever worker recovers them. Generated code fills it; a
	// Machine without it runs its branches and iterations under a
	// ChildDriver one after another, as under a plain Driver.
	Nested map[string]*Program
	// PayloadLimit is the default of Options.PayloadLimit for executions
	// started from the command line (Main).
	PayloadLimit int
	// Type is the default of --type for executions started from the
	// command line (Main): "" or STANDARD, or EXPRESS for the binary of a
	// machine built as EXPRESS (sfn-compile build --type EXPRESS).
	Type string

	// arns caches a *machineArns: the ARNs of the last name, account
	// and region executions ran with, which do not change from one
	// execution to the next. (An atomic.Value, unlike atomic.Pointer,
	// leaves Machine copyable; the name in the key keeps a renamed copy
	// from using its original's ARNs.)
	arns atomic.Value
	// callbackStates caches a map[string]bool: the names of the Task
	// states that wait for a task token.
	callbackStates atomic.Value
	// nestedKeys caches a map[*Program]string: Nested, inverted.
	nestedKeys atomic.Value
}

// nestedKey returns the key of p in m.Nested; false when m does not name
// it (or m is nil).
func (m *Machine) nestedKey(p *Program) (string, bool) {
	if m == nil || len(m.Nested) == 0 {
		return "", false
	}
	keys, _ := m.nestedKeys.Load().(map[*Program]string)
	if keys == nil {
		keys = make(map[*Program]string, len(m.Nested))
		for k, q := range m.Nested {
			keys[q] = k
		}
		m.nestedKeys.Store(keys)
	}
	k, ok := keys[p]
	return k, ok
}

// machineArns are a machine's ARNs in one account and region.
type machineArns struct {
	name, account, region string
	machine, role         string
	execution             string // the execution ARN up to the execution name
	express               string // the same for EXPRESS executions
}

// arnsIn returns m's ARNs in account and region.
func (m *Machine) arnsIn(account, region string) *machineArns {
	if a, _ := m.arns.Load().(*machineArns); a != nil && sameString(a.name, m.Name) && sameString(a.account, account) && sameString(a.region, region) {
		return a
	}
	prefix := "arn:aws:states:" + region + ":" + account + ":"
	a := &machineArns{
		name: m.Name, account: account, region: region,
		machine:   prefix + "stateMachine:" + m.Name,
		role:      "arn:aws:iam::" + account + ":role/StepFunctionsRole",
		execution: prefix + "execution:" + m.Name + ":",
		express:   prefix + "express:" + m.Name + ":",
	}
	m.arns.Store(a)
	return a
}

// sameString is a == b, telling first by the address of their bytes:
// the strings arnsIn compares are most often the very ones it stored (the
// machine's name, the default account and region), which == would
// compare byte by byte in a call of its own.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// TaskInfo describes a Task state.
type TaskInfo struct {
	State    string
	Resource string
}

// A TaskInvoker runs Task states that the application did not bind to Go
// code: mocked responses, AWS integrations.
type TaskInvoker interface {
	// InvokeTask runs the Task state named state, whose Resource is
	// resource, on input. attempt counts this state's invocations within
	// the execution from 0, retries included.
	InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error)
}

// Options configure one execution.
type Options struct {
	Name      string    // execution name; default: a random UUID
	Type      string    // STANDARD (default) or EXPRESS
	Clock     Clock     // default: the real clock, or a fake one under SkipWaits
	SkipWaits bool      // Wait states and retry back-offs end at once, on a fake clock
	StartTime time.Time // default: now
	History   bool      // record the execution history
	// HistoryStream, with History, receives the events as they happen
	// instead of Result.History: memory stays bounded however long the
	// history grows. The caller closes it after Start.
	HistoryStream *EventStream
	Seed          *int64 // seed for MathRandom, UUID and jitter; default random
	Tasks         TaskInvoker
	// Objects is where Distributed Maps read items (ItemReader) and
	// write results (ResultWriter): Amazon S3 through
	// runtime/integrations/s3store, or a MemStore.
	Objects ObjectStore
	// OnMapRun, when set, is called as each Distributed Map starts its Map
	// Run, which can be described (DescribeMapRun) while it runs.
	OnMapRun func(*MapRun)
	// BeforeState, when set, is called before every state of the top-level
	// machine with a Checkpoint from which Resume can continue the
	// execution; an error it returns stops the execution there (status
	// ABORTED). It is the hook for durable executions: save the
	// checkpoint, stop, resume later, even in another process.
	BeforeState func(Checkpoint) error
	// PayloadLimit bounds the JSON size of every state's output and of the
	// execution output, as AWS does: 0 means AWS's 256 KiB, a negative
	// value means no limit (beyond AWS's semantics, for local workloads).
	PayloadLimit int
	// PanicStacks, when set, receives the stack of every panic recovered
	// while the execution runs (a Task handler's, or one in generated or
	// runtime code; see panics.go).
	PanicStacks io.Writer
	Account     string // default 123456789012
	Region      string // default us-east-1
	// Driver, when set, makes the execution durable (see Driver); it
	// implies History.
	Driver Driver
	// TokenKey signs the execution's task tokens; nil: a key drawn once
	// per process, so that only this process can complete them.
	TokenKey []byte
	// TimeoutStart, when set, is when the machine's TimeoutSeconds
	// started counting instead of StartTime: a redriven execution counts
	// from its redrive (AWS resets the machine's timeout on redrive).
	TimeoutStart time.Time
	// RedriveCuts are, for a redriven execution, the ids (as its first
	// run numbers them) of the StateEntered events its redrives resumed
	// from, one per redrive, oldest first: a state entered at or after
	// the n-th runs in the n-th redrive, its $$.Execution.RedriveCount is
	// n and its task token another than the earlier attempts'.
	RedriveCuts []int64
}

// Execution statuses.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// A Result is the outcome of an execution, shaped like DescribeExecution.
type Result struct {
	Status   string
	Output   any // SUCCEEDED only
	Error    string
	Cause    string
	HasError bool
	HasCause bool
	// The execution's name and ARNs are methods (Name, ExecutionArn,
	// MachineArn): their strings are made when first asked for, which
	// most callers never do.
	id         resultID
	machineArn string
	Input      any
	StartDate  time.Time
	StopDate   time.Time
	History    []Event // when Options.History is set
	// MapRuns are the Map Runs of the execution's Distributed Map states
	// (ListMapRuns; DescribeMapRun through each one's Describe).
	MapRuns []*MapRun
}

// Start runs the machine on input to completion and returns its outcome.
// Cancelling ctx aborts the execution.
//
// An execution that AWS's StartExecution would refuse (see CheckStart)
// does not start: its Result is FAILED with the API's error code as
// Error and its message as Cause, and no history.
func (m *Machine) Start(ctx context.Context, input any, opts Options) *Result {
	res := new(Result)
	m.startInto(ctx, input, &opts, res)
	return res
}

// StartInto is Start writing the outcome into res, which it overwrites
// whole, instead of a new Result: a caller that runs many executions and
// keeps one outcome at a time (sfncli's --repeat) allocates none. opts
// is a pointer, which StartInto only reads: Options is large, and each
// copy of it cost every execution about 60 instructions.
func (m *Machine) StartInto(ctx context.Context, input any, opts *Options, res *Result) {
	m.startInto(ctx, input, opts, res)
}

func (m *Machine) startInto(ctx context.Context, input any, opts *Options, res *Result) {
	if err := checkStart(input, opts.Name, opts.PayloadLimit); err != nil {
		*res = *m.refused(input, err)
		return
	}
	p := m.Program
	s := p.ended.Swap(nil)
	if s == nil {
		s, _ = startedPool.Get().(*started)
		if s == nil {
			s = new(started)
		}
	}
	m.initExecution(&s.x, input, opts)
	m.run(ctx, s, p.Start, input, nil, res)
	if s.x.History == nil {
		// Nothing refers to the execution once it has run (a history
		// would): the next one may reuse it.
		// Its spare parallelRun serves the next one too.
		spare := s.x.spareRun.Load()
		*s = started{}
		s.x.spareRun.Store(spare)
		if !p.ended.CompareAndSwap(nil, s) {
			startedPool.Put(s)
		}
	}
}

// startedPool holds executions that have ended, for reuse: an execution
// of a small machine cost less than allocating and clearing its state.
// The last one a program's executions ended with waits first on the
// program itself (Program.ended), for the next to take with one atomic
// swap: the pool's Get and Put cost 120 instructions an execution; only
// executions run at once go to the pool.
var startedPool sync.Pool

// started is what an execution needs from start to end, allocated at
// once: the execution, its top-level frames and scope.
type started struct {
	x     Execution
	f, sf Frame
	vars  Scope
}

// A Checkpoint is where a top-level execution stands at a state boundary:
// the state to run next, its input, and the top-level variables. Together
// with the execution's name, start time and original input (kept by the
// caller), it is enough to resume the execution.
type Checkpoint struct {
	State string
	Input any
	Vars  *Object
}

// Resume continues an execution of m from cp: execInput is the
// execution's original input ($$.Execution.Input); opts should carry the
// execution's Name and StartTime so that the context object reads as
// before.
func (m *Machine) Resume(ctx context.Context, cp Checkpoint, execInput any, opts Options) *Result {
	state := -1
	for i, s := range m.Program.States {
		if s.Name == cp.State {
			state = i
		}
	}
	s := new(started)
	m.initExecution(&s.x, execInput, &opts)
	res := new(Result)
	m.run(ctx, s, state, cp.Input, func(f *Frame) error {
		if state < 0 {
			return NewError(ErrRuntime, "cannot resume: the machine has no state '"+cp.State+"'")
		}
		f.Vars.restore(cp.Vars)
		return nil
	}, res)
	return res
}

// NewExecution prepares an execution of m on input without running it.
func (m *Machine) NewExecution(input any, opts Options) *Execution {
	x := new(Execution)
	m.initExecution(x, input, &opts)
	return x
}

// initExecution prepares x, a zero Execution, for a run of m on input.
// opts is a pointer: Options is large, and copying it once more cost
// every execution about 60 instructions.
func (m *Machine) initExecution(x *Execution, input any, opts *Options) {
	account, region := opts.Account, opts.Region
	if account == "" {
		account = "123456789012"
	}
	if region == "" {
		region = "us-east-1"
	}
	clock := opts.Clock
	if clock == nil {
		if opts.SkipWaits {
			clock = NewFakeClock(opts.StartTime)
		} else {
			clock = RealClock{}
		}
	}
	x.Input = input
	if opts.StartTime.IsZero() {
		x.StartTime = nowUTCMillis(clock)
	} else {
		x.StartTime = truncateMillis(opts.StartTime.UTC())
	}
	x.Clock = clock
	x.Type = opts.Type
	x.StateMachineName = m.Name
	x.tasks = opts.Tasks
	x.objects, x.onMapRun = opts.Objects, opts.OnMapRun
	x.payloadLimit = opts.PayloadLimit
	if x.payloadLimit == 0 {
		x.payloadLimit = MaxPayloadBytes
	}
	if x.Type == "" {
		x.Type = "STANDARD"
	}
	if x.Type != "EXPRESS" {
		x.maxEvents = MaxHistoryEvents
	}
	if opts.Seed != nil {
		x.Seed(*opts.Seed)
	}
	arns := m.arnsIn(account, region)
	x.StateMachineID, x.RoleArn = arns.machine, arns.role
	x.id.parts = idParts{prefix: arns.execution, given: opts.Name}
	if x.Type == "EXPRESS" {
		// Express execution ARNs carry the execution name and an id.
		x.id.parts.prefix, x.id.parts.express = arns.express, true
	}
	x.id.parts.draw(x)
	x.machine, x.driver, x.TokenKey, x.timeoutStart = m, opts.Driver, opts.TokenKey, opts.TimeoutStart
	x.redriveCuts = opts.RedriveCuts
	if opts.History || opts.Driver != nil {
		x.History = &History{x: x, stream: opts.HistoryStream}
	}
	x.before = opts.BeforeState
	x.panicLog = opts.PanicStacks
}

// truncateMillis is t.Truncate(time.Millisecond) for a t without a
// monotonic reading (UTC strips it), less Truncate's general division:
// every execution's start goes through it.
func truncateMillis(t time.Time) time.Time {
	return t.Add(-time.Duration(t.Nanosecond() % int(time.Millisecond)))
}

// run runs s.x from state on input and writes its outcome into res;
// prepare, if set, readies the top-level frame first or fails the
// execution.
func (m *Machine) run(ctx context.Context, s *started, state int, input any, prepare func(*Frame) error, res *Result) {
	x := &s.x
	// Zeroed, then set: a literal with these fields is built aside and
	// copied, which cost every execution about 60 instructions more.
	*res = Result{}
	res.machineArn, res.Input, res.StartDate = x.StateMachineID, x.Input, x.StartTime
	timeout := m.TimeoutSeconds
	if x.Type == "EXPRESS" && (timeout <= 0 || timeout > MaxExpressSeconds) {
		timeout = MaxExpressSeconds
	}
	if x.Type != "EXPRESS" && (timeout <= 0 || timeout > MaxStandardSeconds) && !onWallClockInMemory(x) {
		timeout = MaxStandardSeconds
	}
	if timeout > 0 {
		// From the execution's start, which a durable execution resumed
		// by another worker, or a Resume, has in the past; from its
		// redrive for a redriven one (Options.TimeoutStart).
		from := x.StartTime
		if !x.timeoutStart.IsZero() {
			from = x.timeoutStart
		}
		d := from.Add(time.Duration(timeout) * time.Second).Sub(x.Clock.Now())
		var cancel context.CancelFunc
		ctx, cancel = x.Clock.WithTimeout(ctx, d, &Error{Name: ErrTimeout, HasCause: false})
		defer cancel()
	}
	x.endable = ctx.Done() != nil
	if x.driver != nil {
		ctx = context.WithValue(ctx, drawsKey{}, durableDraws{x})
	}
	x.event(EventExecutionStarted, nil)
	// s is zero but for its execution (new, or cleared before it went
	// back to startedPool): set the frames' fields rather than write
	// whole frames again.
	f := &s.f
	f.X, f.Vars, f.before, f.ctxEndless = x, &s.vars, x.before, !x.endable
	var out any
	var err error
	if prepare != nil {
		err = prepare(f)
	}
	if err == nil {
		// One frame serves every state of the run: states do not keep it.
		s.sf.X, s.sf.Vars = x, f.Vars
		out, err = f.runTop(ctx, &s.sf, m.Program, state, input)
	}
	if err == nil && x.payloadLimit > 0 && !(s.sf.madeBound > 0 && samePayload(out, s.sf.made) && s.sf.madeBound <= x.payloadLimit) && !fitsIn(out, x.payloadLimit) {
		err = NewError(ErrDataLimitExceeded, "The execution output has a size exceeding the maximum number of bytes service limit.")
	}
	res.StopDate = nowUTC(x.Clock)
	if err == nil {
		res.Status = StatusSucceeded
		res.Output = out
		x.event(EventExecutionSucceeded, out)
	} else {
		e := AsError(err)
		switch {
		case e.Name == errExecutionCancelledInternal:
			res.Status = StatusAborted
			x.event(EventExecutionAborted, nil)
		case e.Name == ErrTimeout && ctx.Err() != nil && timeout > 0:
			// AWS reports a timed-out execution with no error or cause.
			res.Status = StatusTimedOut
			x.event(EventExecutionTimedOut, e)
		default:
			res.Status = StatusFailed
			if e.Name != "" {
				res.Error, res.HasError = cutText(e.Name, MaxErrorLength), true
			}
			if e.HasCause && e.Cause != "" || e.HasCause && e.Name != "" {
				res.Cause, res.HasCause = cutText(e.Cause, MaxCauseLength), true
			}
			x.event(EventExecutionFailed, e)
		}
	}
	if x.History != nil {
		res.History = x.History.Events()
	}
	if len(x.mapRuns) > 0 {
		res.MapRuns = x.MapRuns()
	}
	res.id.parts, res.id.made = x.id.parts, x.id.made.Load()
}

// MaxPayloadBytes is AWS's limit on a state's or execution's input and
// output: 256 KiB.
const MaxPayloadBytes = 262144

// eventCounter hands out history event ids; AWS's error causes quote the
// id of the event that entered the failing state, so ids are counted even
// when no history is recorded.
type eventCounter struct {
	n atomic.Int64
	// base is where the numbering of a branch run on an execution of its
	// own starts (see branchExecution); 0 for an execution's.
	base int64
}

func (c *eventCounter) next() int64 { return c.n.Add(1) }
