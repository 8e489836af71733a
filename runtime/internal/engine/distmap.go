package engine

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DistributedMapConfig holds a Distributed Map's settings, evaluated for
// this run.
type DistributedMapConfig struct {
	// MaxConcurrency bounds the child executions running at once; 0 is
	// AWS's default for a Distributed Map, 10,000. Worker goroutines are
	// started only as items wait for one, so a fast processor uses few.
	MaxConcurrency int
	// ToleratedFailureCount and ToleratedFailurePercentage allow that
	// many failed child executions; 0 and 0 allow none. When both are
	// set, exceeding either fails the Map Run.
	ToleratedFailureCount      int
	ToleratedFailurePercentage float64
	// Label names the Map Run and its child executions (default: the
	// state's name).
	Label string
	// ExecutionType of the child executions: STANDARD or EXPRESS.
	ExecutionType string
	// Length is the item count of MapStateStarted: the length of an
	// ItemsPath array, 0 for an ItemReader (as AWS reports it).
	Length int
	// Batcher, when set, groups the items into batches (ItemBatcher).
	Batcher *BatcherConfig
	// Writer, when set, is the ResultWriter.
	Writer *ResultWriterConfig
}

// BatcherConfig is an ItemBatcher, evaluated: each child's input is
// {"BatchInput": …, "Items": [...]} with at most MaxItems items (0: no
// limit) of at most MaxBytes bytes of JSON (0: 256 KiB).
type BatcherConfig struct {
	MaxItems   int
	MaxBytes   int
	BatchInput any // nil: none
}

// ResultWriterConfig is a ResultWriter, evaluated.
type ResultWriterConfig struct {
	// Export writes the results to Bucket under Prefix (Resource
	// s3:putObject); without it, WriterConfig only shapes the state's
	// output.
	Export bool
	// Args is the evaluated Parameters (or Arguments): Bucket and Prefix.
	Args           any
	Transformation string // NONE (default when exporting), COMPACT or FLATTEN
	OutputType     string // JSON (default) or JSONL

	bucket, prefix string // read from Args by target
}

// spawnAfter is how long an item waits for a busy worker before a Map
// Run starts another.
const spawnAfter = 100 * time.Microsecond

// MaxResultFileBytes is the size past which a ResultWriter starts a new
// SUCCEEDED_n.json (FAILED_n, PENDING_n) file. AWS starts one at 5 GB;
// sfn-compile holds a file in memory until it is written, so it starts
// one sooner and keeps a Map Run's memory bounded. Readers follow
// manifest.json's ResultFiles, as AWS tells them to.
var MaxResultFileBytes = 8 << 20

// Map Run statuses (DescribeMapRun).
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// A MapRun is the set of child executions one Distributed Map state
// starts. It is safe to Describe while it runs.
type MapRun struct {
	Arn             string
	ExecutionArn    string // the parent execution
	StateMachineArn string // the child executions' state machine
	StartDate       time.Time

	label             string
	maxConcurrency    int
	toleratedCount    int
	toleratedPercent  float64
	mu                sync.Mutex
	status            string
	stopDate          time.Time
	pending, running  atomic.Int64
	succeeded, failed atomic.Int64
	aborted, total    atomic.Int64
	resultsWritten    atomic.Int64
}

// MapRunCounts are DescribeMapRun's itemCounts and executionCounts.
type MapRunCounts struct {
	Pending               int64 `json:"pending"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	Failed                int64 `json:"failed"`
	TimedOut              int64 `json:"timedOut"`
	Aborted               int64 `json:"aborted"`
	Total                 int64 `json:"total"`
	ResultsWritten        int64 `json:"resultsWritten"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	PendingRedrive        int64 `json:"pendingRedrive"`
}

// MapRunDescription is DescribeMapRun's response.
type MapRunDescription struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  time.Time    `json:"startDate"`
	StopDate                   *time.Time   `json:"stopDate,omitempty"`
	MaxConcurrency             int          `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int          `json:"toleratedFailureCount"`
	ItemCounts                 MapRunCounts `json:"itemCounts"`
	ExecutionCounts            MapRunCounts `json:"executionCounts"`
	RedriveCount               int          `json:"redriveCount"`
}

// MapRunListItem is an entry of ListMapRuns' mapRuns.
type MapRunListItem struct {
	ExecutionArn    string     `json:"executionArn"`
	MapRunArn       string     `json:"mapRunArn"`
	StateMachineArn string     `json:"stateMachineArn"`
	StartDate       time.Time  `json:"startDate"`
	StopDate        *time.Time `json:"stopDate,omitempty"`
}

// Describe returns the Map Run as DescribeMapRun does. Its itemCounts
// count child executions too: with an ItemBatcher, a batch counts once.
func (r *MapRun) Describe() MapRunDescription {
	r.mu.Lock()
	status, stop := r.status, r.stopDate
	r.mu.Unlock()
	c := MapRunCounts{
		Pending: r.pending.Load(), Running: r.running.Load(), Succeeded: r.succeeded.Load(),
		Failed: r.failed.Load(), Aborted: r.aborted.Load(), Total: r.total.Load(),
		ResultsWritten: r.resultsWritten.Load(),
	}
	d := MapRunDescription{
		MapRunArn: r.Arn, ExecutionArn: r.ExecutionArn, Status: status, StartDate: r.StartDate,
		MaxConcurrency: r.maxConcurrency, ToleratedFailurePercentage: r.toleratedPercent,
		ToleratedFailureCount: r.toleratedCount, ItemCounts: c, ExecutionCounts: c,
	}
	if !stop.IsZero() {
		d.StopDate = &stop
	}
	return d
}

// ListItem returns the Map Run as an entry of ListMapRuns.
func (r *MapRun) ListItem() MapRunListItem {
	d := r.Describe()
	return MapRunListItem{ExecutionArn: r.ExecutionArn, MapRunArn: r.Arn, StateMachineArn: r.StateMachineArn,
		StartDate: r.StartDate, StopDate: d.StopDate}
}

func (r *MapRun) finish(status string, at time.Time) {
	r.mu.Lock()
	r.status, r.stopDate = status, at
	r.mu.Unlock()
}

// MapRuns returns the Map Runs the execution has started so far, in the
// order they started (ListMapRuns).
func (x *Execution) MapRuns() []*MapRun {
	x.mapRunsMu.Lock()
	defer x.mapRunsMu.Unlock()
	return append([]*MapRun(nil), x.mapRuns...)
}

// newMapRun starts the Map Run of a Distributed Map state.
func (f *Frame) newMapRun(cfg *DistributedMapConfig) *MapRun {
	x := f.X
	label := cfg.Label
	if label == "" {
		label = f.State
	}
	// arn:aws:states:REGION:ACCOUNT:stateMachine:NAME gives the prefix.
	prefix, name := x.StateMachineID, x.StateMachineName
	if i := strings.Index(prefix, ":stateMachine:"); i >= 0 {
		prefix = prefix[:i+1]
	}
	r := &MapRun{
		Arn:              prefix + "mapRun:" + name + "/" + label + ":" + x.UUID(),
		ExecutionArn:     x.ID(),
		StateMachineArn:  x.StateMachineID + "/" + label,
		StartDate:        x.Clock.Now().UTC(),
		maxConcurrency:   cfg.MaxConcurrency,
		toleratedCount:   cfg.ToleratedFailureCount,
		toleratedPercent: cfg.ToleratedFailurePercentage,
		status:           MapRunRunning,
	}
	x.mapRunsMu.Lock()
	x.mapRuns = append(x.mapRuns, r)
	x.mapRunsMu.Unlock()
	if x.onMapRun != nil {
		x.onMapRun(r)
	}
	return r
}

// childExecPrefix is the ARN of the Map Run's child executions up to
// their names: execution:NAME/LABEL: (express: for EXPRESS children).
func (r *MapRun) childExecPrefix(express bool) string {
	kind := "execution:"
	if express {
		kind = "express:"
	}
	i := strings.Index(r.Arn, "mapRun:")
	rest := r.Arn[i+len("mapRun:"):]
	return r.Arn[:i] + kind + rest[:strings.LastIndexByte(rest, ':')+1]
}

// mapRunID is the UUID that ends a Map Run ARN (ResultWriter keys use it).
func (r *MapRun) id() string { return r.Arn[strings.LastIndexByte(r.Arn, ':')+1:] }

// A childResult is the outcome of one child execution.
type childResult struct {
	index      int // of the item (or batch)
	item       any // as read, before ItemSelector
	name       string
	input      any
	output     any
	err        *Error
	aborted    bool // stopped by the Map Run's failure or end
	start, end time.Time
	done       chan struct{}
	// collected is closed once the Map Run has taken the result in
	// (sequential runs only: see mapRun).
	collected chan struct{}
}

// DistributedMap runs proc as a child execution for every item (or batch)
// of items, at most cfg.MaxConcurrency at once, streaming: items are read
// as workers free up, and results are written as they complete (with a
// ResultWriter) or gathered in item order into the state's result. The
// execution history gets MapRunStarted and MapRunSucceeded or
// MapRunFailed, as AWS's does; children's states are not in it.
//
// open opens the items once the Map Run has started: an ItemReader's
// failure fails the Map Run (MapRunFailed), as on AWS.
func (f *Frame) DistributedMap(ctx context.Context, open func(context.Context) (ItemIterator, error), cfg DistributedMapConfig, sel MapSelector, proc *Program) (any, error) {
	x := f.X
	x.Event("MapStateStarted", "mapStateStartedEventDetails", ObjectOf(Member{"length", int64(cfg.Length)}))
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = MaxDistributedMapConcurrency
	}
	run := f.newMapRun(&cfg)
	// AWS runs at most 10,000 child executions of a Map Run at once,
	// whatever MaxConcurrency says (DescribeMapRun reports the setting).
	cfg.MaxConcurrency = min(cfg.MaxConcurrency, MaxDistributedMapConcurrency)
	md := x.mapRunDriverFor(proc)
	if x.driver != nil && md == nil {
		// A Driver records a sequence of effects (see Driver): children
		// one after another, so that a recovered execution finds each
		// finished child's outcomes where it left them. A MapRunDriver
		// runs them apart, each with records of its own
		// (distmap_children.go).
		cfg.MaxConcurrency = 1
	}
	x.Event("MapRunStarted", "mapRunStartedEventDetails", ObjectOf(Member{"mapRunArn", run.Arn}))
	items, err := open(ctx)
	var out any
	if err == nil {
		out, err = f.mapRun(ctx, run, items, &cfg, sel, proc, md)
		items.Close()
	}
	now := x.Clock.Now().UTC()
	if err != nil {
		e := AsError(err)
		if ctx.Err() != nil {
			run.aborted.Add(run.pending.Swap(0))
			run.finish(MapRunAborted, now)
			x.Event("MapRunAborted", "", nil)
		} else {
			run.finish(MapRunFailed, now)
			x.Event("MapRunFailed", "mapRunFailedEventDetails", ObjectOf(Member{"error", e.Name}, Member{"cause", e.Cause}))
		}
		x.Event("MapStateFailed", "", nil)
		return nil, err
	}
	run.finish(MapRunSucceeded, now)
	x.Event("MapRunSucceeded", "", nil)
	x.Event("MapStateSucceeded", "", nil)
	return out, nil
}

// mapRun dispatches the items to workers and collects their results.
func (f *Frame) mapRun(parent context.Context, run *MapRun, items ItemIterator, cfg *DistributedMapConfig, sel MapSelector, proc *Program, md MapRunDriver) (any, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if cfg.Batcher != nil {
		items = &batchItems{src: items, cfg: *cfg.Batcher}
	}
	w := &distWork{f: f, run: run, sel: sel, proc: proc, express: cfg.ExecutionType == "EXPRESS",
		tolerate: cfg.ToleratedFailureCount > 0 || cfg.ToleratedFailurePercentage > 0}
	w.execPrefix = run.childExecPrefix(w.express)
	if sel != nil {
		w.entered = f.enteredTime()
	}
	var sink resultSink
	if cfg.Writer != nil && cfg.Writer.Export {
		if f.X.objects == nil {
			return nil, NewError(ErrResultWriterFailed, ErrNoObjectStore)
		}
		if err := cfg.Writer.target(); err != nil {
			return nil, err
		}
		sink = newFileSink(f, run, cfg.Writer)
	} else {
		sink = &arraySink{writer: cfg.Writer, execPrefix: w.execPrefix, machineArn: run.StateMachineArn}
	}

	// The window bounds the results held: the dispatcher waits once it is
	// that far ahead of the collector.
	window := cfg.MaxConcurrency * 2
	if window < 64 {
		window = 64
	}
	pending := make(chan *childResult, window)
	work := make(chan workItem)
	var workers sync.WaitGroup
	started := 0
	var spawnTimer *time.Timer
	var readErr error
	// For PENDING_n.json once the run stops: an item the dispatcher read
	// but did not hand on, and the index of the next unread one. Both are
	// written before the dispatcher closes pending, and read after.
	var unread *workItem
	nextIndex := 0
	var panicked atomic.Pointer[Error] // a panic on a worker or the dispatcher
	// Under a Driver the children run one after another and the course
	// of the run must not depend on how goroutines are scheduled: a
	// recovered durable execution replays it, and its Map Run counts and
	// the children it invokes must be the same. So the dispatcher reads
	// an item only once the previous child's result has been taken in
	// (and the run stopped, if that result exceeded the tolerated
	// failures), rather than running ahead.
	sequential := f.X.driver != nil
	var prev *childResult
	recoverTo := func(sf *Frame) {
		if v := recover(); v != nil {
			panicked.CompareAndSwap(nil, AsError(sf.runtimePanicked(v)))
			cancel()
		}
	}
	go func() {
		defer close(pending)
		defer close(work)
		// Recovery once per goroutine (see panics.go): an item reader's
		// panic fails the Map Run with States.Runtime.
		defer recoverTo(&Frame{X: f.X, State: f.State, enteredEventID: f.enteredEventID})
		if md != nil {
			dp := w.dispatchChildren(ctx, md, items, pending, cfg.MaxConcurrency, &workers)
			readErr, unread, nextIndex = dp.readErr, dp.unread, dp.nextIndex
			if readErr != nil {
				cancel()
			}
			return
		}
		for index := 0; ; index++ {
			nextIndex = index
			if prev != nil {
				select {
				case <-prev.collected:
				case <-ctx.Done():
				}
				if ctx.Err() != nil {
					return // the item at index is unread: PENDING_n.json
				}
			}
			item, ok, err := items.Next(ctx)
			if err != nil {
				readErr = err
				cancel()
				return
			}
			if !ok {
				return
			}
			nextIndex = index + 1
			if ctx.Err() != nil {
				unread = &workItem{index: index, item: item}
				return
			}
			r := &childResult{index: index, item: item, done: make(chan struct{})}
			if sequential {
				r.collected = make(chan struct{})
				prev = r
			}
			run.total.Add(1)
			run.pending.Add(1)
			select {
			case pending <- r:
			case <-ctx.Done():
				unread = &workItem{index: index, item: item}
				return
			}
			wi := workItem{index: index, item: item, res: r}
			// Start a worker only when no worker takes the item within
			// spawnAfter: a quick processor keeps a few busy rather than
			// MaxConcurrency goroutines, while children that block
			// (Wait, Task) get workers up to MaxConcurrency, 10,000 in
			// a second at most.
			if started > 0 {
				select {
				case work <- wi:
					continue
				default:
				}
				if spawnTimer == nil {
					spawnTimer = time.NewTimer(spawnAfter)
				} else {
					spawnTimer.Reset(spawnAfter)
				}
				select {
				case work <- wi:
					if !spawnTimer.Stop() {
						<-spawnTimer.C
					}
					continue
				case <-spawnTimer.C:
				case <-ctx.Done():
					close(r.done)
					return
				}
			}
			if started < cfg.MaxConcurrency {
				started++
				workers.Add(1)
				go func() {
					defer workers.Done()
					// A child's own panics fail the child (runFrom
					// recovers them); one in its ItemSelector, on this
					// goroutine, fails the Map Run with States.Runtime.
					defer recoverTo(&Frame{X: f.X, State: f.State, enteredEventID: f.enteredEventID})
					var sf Frame
					for wi := range work {
						w.iteration(ctx, &sf, wi)
					}
				}()
			}
			select {
			case work <- wi:
			case <-ctx.Done():
				close(r.done)
				return
			}
		}
	}()

	var firstErr error
	failed, total := 0, 0
	// The results are written even once the run has failed or stopped
	// (AWS writes what ran, and what did not in PENDING_n.json), so not
	// under ctx.
	writeCtx := context.WithoutCancel(ctx)
	_, exporting := sink.(*fileSink) // only exported results list pending items
	writing := true
	write := func(err error) {
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			writing = false
			cancel()
		}
	}
	collect := func(r *childResult) {
		if !writing {
			return
		}
		switch {
		case r.err == nil && r.name == "":
			// Never run: the run had stopped.
			if exporting {
				write(sink.pending(writeCtx, w.childInput(r.index, r.item)))
			}
			return
		case r.err != nil && ctx.Err() != nil:
			// Stopped by the run's failure or the parent's end, which
			// are the Map Run's outcome, not this child's: aborted.
			r.aborted = true
			run.aborted.Add(1)
			write(sink.add(writeCtx, r))
			return
		}
		total++
		if r.err != nil {
			failed++
			run.failed.Add(1)
		} else {
			run.succeeded.Add(1)
		}
		if write(sink.add(writeCtx, r)); !writing {
			return
		}
		run.resultsWritten.Add(1)
		// A count, or no tolerance at all, is exceeded as it happens.
		if firstErr == nil && r.err != nil && (!w.tolerate || cfg.ToleratedFailureCount > 0 && failed > cfg.ToleratedFailureCount) {
			firstErr = errExceedTolerated()
			cancel()
		}
	}
	for r := range pending {
		<-r.done
		collect(r)
		if r.collected != nil {
			close(r.collected)
		}
	}
	workers.Wait()
	switch {
	case panicked.Load() != nil:
		firstErr = panicked.Load()
	case parent.Err() != nil:
		firstErr = contextError(parent)
	case readErr != nil:
		firstErr = readErr
	case firstErr == nil && failed > 0 && cfg.ToleratedFailurePercentage > 0 &&
		float64(failed)*100/float64(total) > cfg.ToleratedFailurePercentage:
		// The percentage is known once every item has run.
		firstErr = errExceedTolerated()
	}
	// A ResultWriter writes what ran even when the run fails, and the
	// items it never started (not after a reader's failure or a panic:
	// the reader cannot go on).
	if exporting && firstErr != nil && writing && readErr == nil && panicked.Load() == nil {
		if err := w.writePending(writeCtx, sink, unread, items, nextIndex); err != nil {
			return nil, firstErr
		}
	}
	out, err := sink.finish(writeCtx)
	if firstErr != nil {
		return nil, firstErr
	}
	return out, err
}

// errExceedTolerated is a Map Run's failure once its failed children
// exceed the tolerated count or percentage (either, when both are set),
// both 0 by default: a child's own error does not fail the parent.
func errExceedTolerated() *Error {
	return NewError(ErrExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
}

type workItem struct {
	index int
	item  any
	res   *childResult
}

// distWork is what the workers of a Map Run share.
type distWork struct {
	f          *Frame
	run        *MapRun
	sel        MapSelector
	proc       *Program
	express    bool
	tolerate   bool
	entered    time.Time
	execPrefix string
}

// iteration runs one child execution: ItemSelector, then the processor.
func (w *distWork) iteration(ctx context.Context, sf *Frame, wi workItem) {
	r := wi.res
	defer close(r.done)
	x := w.f.X
	w.run.pending.Add(-1)
	w.run.running.Add(1)
	defer w.run.running.Add(-1)
	input := wi.item
	r.start = x.Clock.Now()
	if w.sel != nil {
		item := MapItem{Index: wi.index, Value: wi.item}
		*sf = Frame{X: x, State: w.f.State, entered: w.entered, enteredEventID: w.f.enteredEventID, Vars: w.f.Vars, mapItem: &item}
		v, err := w.sel(sf, wi.item, wi.index)
		if err != nil {
			r.name, r.input, r.err, r.end = x.UUID(), wi.item, AsError(err), x.Clock.Now()
			return
		}
		input = v
	}
	name := x.UUID()
	child := x.child()
	child.setIdentity(name, w.execPrefix+name)
	child.Input = input
	child.StateMachineID, child.StateMachineName = w.run.StateMachineArn, x.StateMachineName+"/"+w.run.label
	child.StartTime = truncateMillis(r.start.UTC())
	if w.express {
		child.Type = "EXPRESS"
	} else {
		child.Type = "STANDARD"
	}
	cf := &Frame{X: child, Vars: w.proc.scopeFor(nil)}
	v, err := cf.Run(ctx, w.proc, input)
	r.name, r.input, r.end = name, input, x.Clock.Now()
	if err != nil {
		r.err = AsError(err)
		return
	}
	r.output = v
}

// A resultSink receives the child executions' results in item order.
type resultSink interface {
	add(ctx context.Context, r *childResult) error
	// pending takes the input of a child the Map Run never started.
	pending(ctx context.Context, input any) error
	finish(ctx context.Context) (any, error)
}

// arraySink gathers the results into the state's result, shaped by a
// WriterConfig's Transformation when there is one.
type arraySink struct {
	writer                 *ResultWriterConfig
	execPrefix, machineArn string
	out                    []any
}

func (s *arraySink) add(_ context.Context, r *childResult) error {
	transformation := "COMPACT"
	if s.writer != nil && s.writer.Transformation != "" {
		transformation = s.writer.Transformation
	}
	switch {
	case r.err != nil && s.writer == nil:
		s.out = append(s.out, r.err.ErrorOutput())
	case r.err != nil, transformation == "NONE":
		s.out = append(s.out, resultEntry(r, s.execPrefix, s.machineArn))
	case transformation == "FLATTEN":
		if a, ok := r.output.([]any); ok {
			s.out = append(s.out, a...)
		} else {
			s.out = append(s.out, r.output)
		}
	default:
		s.out = append(s.out, r.output)
	}
	return nil
}

func (s *arraySink) finish(context.Context) (any, error) {
	if s.out == nil {
		return []any{}, nil
	}
	return s.out, nil
}

// resultEntry is a child execution as a ResultWriter's NONE
// transformation writes it: DescribeExecution's fields, input and output
// as JSON strings.
func resultEntry(r *childResult, execPrefix, machineArn string) *Object {
	o := NewObject(16)
	if r.err != nil && !r.aborted {
		o.Set("Cause", r.err.Cause)
		o.Set("Error", r.err.Name)
	}
	o.Set("ExecutionArn", execPrefix+r.name)
	o.Set("Input", ToJSON(r.input))
	o.Set("InputDetails", ObjectOf(Member{"Included", true}))
	o.Set("Name", r.name)
	if r.err == nil {
		o.Set("Output", ToJSON(r.output))
		o.Set("OutputDetails", ObjectOf(Member{"Included", true}))
	}
	o.Set("RedriveCount", int64(0))
	if r.err == nil {
		o.Set("RedriveStatus", "NOT_REDRIVABLE")
		o.Set("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven")
	} else {
		o.Set("RedriveStatus", "REDRIVABLE")
	}
	o.Set("StartDate", r.start.UTC().Format(resultDateLayout))
	o.Set("StateMachineArn", machineArn)
	switch {
	case r.err == nil:
		o.Set("Status", StatusSucceeded)
	case r.aborted:
		o.Set("Status", StatusAborted)
	default:
		o.Set("Status", StatusFailed)
	}
	o.Set("StopDate", r.end.UTC().Format(resultDateLayout))
	return o
}

const resultDateLayout = "2006-01-02T15:04:05.000Z07:00"

// fileSink writes SUCCEEDED_n.json, FAILED_n.json and PENDING_n.json
// under PREFIX/MAPRUNID/ as results arrive, and manifest.json at the end.
type fileSink struct {
	f          *Frame
	run        *MapRun
	cfg        *ResultWriterConfig
	dir        string
	execPrefix string
	files      map[string]*resultFile
	listed     map[string][]any // status -> [{"Key","Size"}]
}

type resultFile struct {
	n     int
	buf   []byte
	count int
}

// target reads Bucket and Prefix from the writer's Args.
func (w *ResultWriterConfig) target() error {
	args, _ := w.Args.(*Object)
	b, _ := member(args, "Bucket").(string)
	if b == "" {
		return NewError(ErrResultWriterFailed, "The ResultWriter parameters must include a Bucket string")
	}
	p, isStr := member(args, "Prefix").(string)
	if !isStr && member(args, "Prefix") != nil {
		return NewError(ErrResultWriterFailed, "The ResultWriter parameter Prefix must be a string")
	}
	w.bucket, w.prefix = b, p
	return nil
}

func newFileSink(f *Frame, run *MapRun, cfg *ResultWriterConfig) *fileSink {
	prefix := cfg.prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	s := &fileSink{f: f, run: run, cfg: cfg, dir: prefix + run.id() + "/",
		files: map[string]*resultFile{}, listed: map[string][]any{}}
	s.execPrefix = run.childExecPrefix(false)
	return s
}

func (s *fileSink) add(ctx context.Context, r *childResult) error {
	status := StatusSucceeded
	var entries []any
	switch {
	case r.err != nil:
		status = StatusFailed
		entries = []any{resultEntry(r, s.execPrefix, s.run.StateMachineArn)}
	case s.cfg.Transformation == "COMPACT":
		entries = []any{r.output}
	case s.cfg.Transformation == "FLATTEN":
		if a, ok := r.output.([]any); ok {
			entries = a
		} else {
			entries = []any{r.output}
		}
	default:
		entries = []any{resultEntry(r, s.execPrefix, s.run.StateMachineArn)}
	}
	return s.write(ctx, status, entries)
}

// write appends entries to the current file of status, and writes it
// out once it is MaxResultFileBytes long.
func (s *fileSink) write(ctx context.Context, status string, entries []any) error {
	rf := s.files[status]
	if rf == nil {
		rf = &resultFile{}
		s.files[status] = rf
	}
	for _, e := range entries {
		if s.cfg.OutputType == "JSONL" {
			rf.buf = AppendJSON(rf.buf, e)
			rf.buf = append(rf.buf, '\n')
		} else {
			if rf.count == 0 {
				rf.buf = append(rf.buf, '[')
			} else {
				rf.buf = append(rf.buf, ',')
			}
			rf.buf = AppendJSON(rf.buf, e)
		}
		rf.count++
	}
	if len(rf.buf) >= MaxResultFileBytes {
		return s.flush(ctx, status, rf)
	}
	return nil
}

// flush writes a status's current file and starts the next.
func (s *fileSink) flush(ctx context.Context, status string, rf *resultFile) error {
	if rf.count == 0 {
		return nil
	}
	if s.cfg.OutputType != "JSONL" {
		rf.buf = append(rf.buf, ']')
	}
	// AWS names the files .json whatever the OutputType.
	key := s.dir + status + "_" + itoa(rf.n) + ".json"
	if err := s.f.X.objects.PutObject(ctx, s.cfg.bucket, key, rf.buf); err != nil {
		return NewError(ErrResultWriterFailed, err.Error())
	}
	s.listed[status] = append(s.listed[status], ObjectOf(Member{"Key", key}, Member{"Size", int64(len(rf.buf))}))
	rf.n++
	rf.buf, rf.count = rf.buf[:0], 0
	return nil
}

func (s *fileSink) finish(ctx context.Context) (any, error) {
	if s.f.X.objects == nil {
		return nil, NewError(ErrResultWriterFailed, ErrNoObjectStore)
	}
	for _, status := range []string{StatusSucceeded, StatusFailed, statusPending} {
		if rf := s.files[status]; rf != nil {
			if err := s.flush(ctx, status, rf); err != nil {
				return nil, err
			}
		}
	}
	list := func(status string) []any {
		if l := s.listed[status]; l != nil {
			return l
		}
		return []any{}
	}
	manifest := ObjectOf(
		Member{"DestinationBucket", s.cfg.bucket},
		Member{"MapRunArn", s.run.Arn},
		Member{"ResultFiles", ObjectOf(
			Member{"FAILED", list(StatusFailed)},
			Member{"PENDING", list(statusPending)},
			Member{"SUCCEEDED", list(StatusSucceeded)},
		)},
	)
	key := s.dir + "manifest.json"
	if err := s.f.X.objects.PutObject(ctx, s.cfg.bucket, key, AppendJSON(nil, manifest)); err != nil {
		return nil, NewError(ErrResultWriterFailed, err.Error())
	}
	return ObjectOf(
		Member{"MapRunArn", s.run.Arn},
		Member{"ResultWriterDetails", ObjectOf(Member{"Bucket", s.cfg.bucket}, Member{"Key", key})},
	), nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// batchItems groups the items of src as an ItemBatcher does, streaming.
type batchItems struct {
	src     ItemIterator
	cfg     BatcherConfig
	held    any // an item read that did not fit the last batch
	hasHeld bool
	done    bool
}

func (b *batchItems) Close() error { return b.src.Close() }

func (b *batchItems) Next(ctx context.Context) (any, bool, error) {
	maxItems, maxBytes := b.cfg.MaxItems, b.cfg.MaxBytes
	if maxItems <= 0 {
		maxItems = int(^uint(0) >> 1)
	}
	if maxBytes <= 0 {
		maxBytes = MaxPayloadBytes
	}
	var cur []any
	size := 0
	for {
		var item any
		if b.hasHeld {
			item, b.hasHeld = b.held, false
			b.held = nil
		} else {
			if b.done {
				break
			}
			v, ok, err := b.src.Next(ctx)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				b.done = true
				break
			}
			item = v
		}
		n := len(AppendJSON(nil, item)) + 1
		if len(cur) > 0 && (len(cur) >= maxItems || size+n > maxBytes) {
			b.held, b.hasHeld = item, true
			break
		}
		cur = append(cur, item)
		size += n
	}
	if len(cur) == 0 {
		return nil, false, nil
	}
	o := NewObject(2)
	if b.cfg.BatchInput != nil {
		o.Set("BatchInput", b.cfg.BatchInput)
	}
	o.Set("Items", cur)
	return o, true, nil
}

// ReadItems opens the items of the state's ItemReader from the
// execution's object store (see the package function ReadItems).
func (f *Frame) ReadItems(ctx context.Context, cfg ItemReaderConfig, args any) (ItemIterator, error) {
	return ReadItems(ctx, f.X.objects, cfg, args)
}
