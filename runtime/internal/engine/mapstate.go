package engine

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
)

// MapConfig holds a Map state's settings, evaluated for this run.
type MapConfig struct {
	// MaxConcurrency bounds the iterations running at once; 0 means no
	// bound, which runs at most DefaultMapWorkers goroutines.
	MaxConcurrency int
	// ToleratedFailureCount and ToleratedFailurePercentage allow that
	// many failed iterations; negative means unset. (AWS allows them on
	// Distributed Maps only, which DistributedMap runs.)
	ToleratedFailureCount      int
	ToleratedFailurePercentage float64
}

// DefaultMapWorkers is how many goroutines an unbounded Map uses: enough
// to overlap waiting Tasks, without one goroutine per item.
const DefaultMapWorkers = 40

// MapSelector builds one iteration's input from the Map's effective input
// (ItemSelector); f.mapItem holds $$.Map.Item.
type MapSelector func(f *Frame, item any, index int) (any, error)

// Map runs proc once for every item, at most cfg.MaxConcurrency at once,
// and returns the outputs in item order.
func (f *Frame) Map(ctx context.Context, items []any, cfg MapConfig, sel MapSelector, proc *Program) ([]any, error) {
	x := f.X
	if x.History != nil {
		x.Event("MapStateStarted", "mapStateStartedEventDetails", ObjectOf(Member{"length", int64(len(items))}))
	} else {
		x.events.next()
	}
	limit := cfg.MaxConcurrency
	if limit <= 0 || limit > MaxInlineMapConcurrency {
		// AWS runs an inline Map's iterations 40 at most at once (and
		// a goroutine per item of a large Map would not end well).
		// A Distributed Map runs through DistributedMap.
		limit = DefaultMapWorkers
	}
	tolerate := cfg.ToleratedFailureCount > 0 || cfg.ToleratedFailurePercentage > 0
	cd := x.childDriverFor(proc)
	if x.driver != nil && (cd == nil || tolerate || proc.Inline) {
		// A plain Driver records a sequence (see Driver); tolerated
		// failures count them as they run; and iterations that cannot
		// block (Inline) gain nothing from running concurrently that
		// would pay for a child workflow each.
		limit, cd = 1, nil
	}
	var failed []bool
	if tolerate {
		failed = make([]bool, len(items))
	}
	w := mapWork{f: f, items: items, tolerate: tolerate, failed: failed, sel: sel, proc: proc}
	// Fused code may run an iteration's selector and first states
	// (FromItem) where it would run the processor's states: no history.
	w.fused = sel != nil && proc.Fast != nil && x.History == nil
	if sel != nil {
		// Read once here: the iterations run concurrently.
		w.entered = f.enteredTime()
	}
	var out []any
	var err error
	if cd != nil {
		// Each iteration with records of its own, at most limit at once
		// (children.go).
		out, err = w.mapChildren(ctx, cd, limit)
	} else {
		out, err = w.runAll(ctx, limit)
	}
	if err == nil && tolerate {
		n := 0
		for _, b := range failed {
			if b {
				n++
			}
		}
		if n > 0 && n > cfg.ToleratedFailureCount &&
			(len(items) == 0 || float64(n)*100/float64(len(items)) > cfg.ToleratedFailurePercentage) {
			err = NewError(ErrExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
		}
	}
	if err != nil {
		x.Event("MapStateFailed", "", nil)
		return nil, err
	}
	x.Event("MapStateSucceeded", "", nil)
	return out, nil
}

// runAll runs the iterations on this process's goroutines, at most limit
// at once.
func (w *mapWork) runAll(ctx context.Context, limit int) ([]any, error) {
	// A panic in an iteration fails the Map (see pool.recoverItem).
	return runAllWith(ctx, len(w.items), limit, w.f, func() job {
		// Each worker goroutine reuses its frames from item to item:
		// neither the selector nor a state keeps its frame.
		var fr mapFrames
		return func(ctx context.Context, i int) (any, error) { return w.iteration(ctx, &fr, i) }
	})
}

// Batch groups items for an ItemBatcher: each batch is {"BatchInput": …,
// "Items": [...]} with at most maxItems items (0: no limit) and at most
// maxBytes bytes of items JSON (0: no limit).
func Batch(items []any, maxItems, maxBytes int, batchInput any) []any {
	if maxItems <= 0 {
		maxItems = math.MaxInt
	}
	if maxBytes <= 0 {
		maxBytes = MaxPayloadBytes
	}
	var out []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		b := NewObject(2)
		if batchInput != nil {
			b.Set("BatchInput", batchInput)
		}
		b.Set("Items", cur)
		out = append(out, b)
		cur, size = nil, 0
	}
	for _, it := range items {
		n := len(AppendJSON(nil, it)) + 1
		if len(cur) > 0 && (len(cur) >= maxItems || size+n > maxBytes) {
			flush()
		}
		cur = append(cur, it)
		size += n
	}
	flush()
	if out == nil {
		out = []any{}
	}
	return out
}

// IntField reads an integer setting (MaxConcurrencyPath, …) found at a
// path: v is the value, found false when the path selected nothing. Like
// AWS, it accepts a number or a string holding an integer.
func (f *Frame) IntField(field, source string, v any, found bool) (int, error) {
	text := plain(v)
	if found {
		if n, ok := Int(v); ok && IsInteger(v) {
			return int(n), nil
		}
		if s, ok := v.(string); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32); err == nil {
				return int(n), nil
			}
		}
	}
	return 0, f.Fail(ErrRuntime, "The "+field+" field refers to value \""+text+"\" which is not a valid integer: "+source)
}

// FloatField reads a number setting (ToleratedFailurePercentagePath) found
// at a path; a number or a string holding one.
func (f *Frame) FloatField(field, source string, v any, found bool) (float64, error) {
	text := plain(v)
	if found {
		if n, ok := Float(v); ok {
			return n, nil
		}
		if s, ok := v.(string); ok {
			if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
				return n, nil
			}
		}
	}
	return 0, f.Fail(ErrRuntime, "The "+field+" field refers to value \""+text+"\" which is not a valid float: "+source)
}

// mapWork is what every iteration of a Map state shares.
type mapWork struct {
	f        *Frame // the Map state's
	items    []any
	entered  time.Time
	tolerate bool
	failed   []bool // per item, when failures are tolerated
	sel      MapSelector
	proc     *Program
	fused    bool // try proc.Fast from each item (FromItem)
}

// mapFrames are one worker goroutine's frames, reused for its items: set
// up for the first, they change only in the item and the processor's
// scope after that (rewriting a whole frame cost a write barrier per
// pointer field on every item). runOn resets what a state may change.
type mapFrames struct {
	sel, step Frame
	item      MapItem
	ready     bool
}

// iteration runs item i: its ItemSelector, then the item processor.
func (w *mapWork) iteration(ctx context.Context, fr *mapFrames, i int) (any, error) {
	if !fr.ready {
		w.readyFrames(fr)
	}
	if w.fused {
		if v, ran, err := w.fusedIteration(ctx, fr, i); ran {
			return v, err
		}
	}
	input := w.items[i]
	if w.sel != nil {
		v, err := w.selectInput(fr, i)
		if err != nil {
			return nil, err
		}
		input = v
	}
	return w.process(ctx, fr, i, input)
}

// readyFrames sets up a worker's frames for its first item.
func (w *mapWork) readyFrames(fr *mapFrames) {
	f := w.f
	fr.sel = Frame{X: f.X, State: f.State, entered: w.entered, enteredEventID: f.enteredEventID, Vars: f.Vars, mapItem: &fr.item}
	fr.step = Frame{X: f.X}
	fr.ready = true
}

// selectInput runs the ItemSelector of item i.
func (w *mapWork) selectInput(fr *mapFrames, i int) (any, error) {
	fr.item = MapItem{Index: i, Value: w.items[i]}
	return w.sel(&fr.sel, w.items[i], i)
}

// fusedIteration runs item i's selector and processor from the item in
// fused code (FromItem), and the rest the ordinary way from the state it
// hands over. ran is false where fused code did not start: the ordinary
// path then runs the iteration whole, the selector's error included.
func (w *mapWork) fusedIteration(ctx context.Context, fr *mapFrames, i int) (v any, ran bool, err error) {
	x := w.f.X
	if ctx.Err() != nil {
		return nil, false, nil // the ordinary path reports it, as runOn does first
	}
	w.enterScope(fr)
	// MapIterationStarted's id, counted first as process counts it, so
	// that a quota check in fused code sees it.
	x.events.next()
	next, v := w.proc.Fast(ctx, &fr.step, FromItem, w.items[i])
	if next == FromItem {
		x.events.n.Add(-1) // not started: process counts it again
		return nil, false, nil
	}
	if next == End {
		// As runOn ends after fused code.
		if x.overEventLimit(x.events.n.Load()) {
			return nil, true, historyFull()
		}
		fr.step.madeBound = 0
		x.events.next() // MapIterationSucceeded's
		return v, true, nil
	}
	v, err = w.runProcessor(ctx, fr, i, next, v)
	return v, true, err
}

// enterScope gives the processor's frame its variables' scope.
func (w *mapWork) enterScope(fr *mapFrames) {
	if vars := w.proc.scopeFor(w.f.Vars); fr.step.Vars != vars {
		fr.step.Vars = vars
	}
}

// process runs the item processor on input, iteration i's.
func (w *mapWork) process(ctx context.Context, fr *mapFrames, i int, input any) (any, error) {
	f, x := w.f, w.f.X
	if x.History != nil {
		x.Event("MapIterationStarted", "mapIterationStartedEventDetails", ObjectOf(Member{"name", f.State}, Member{"index", int64(i)}))
	} else {
		x.events.next()
	}
	w.enterScope(fr)
	return w.runProcessor(ctx, fr, i, w.proc.Start, input)
}

// runProcessor runs the item processor from state on input, iteration
// i's, whose MapIterationStarted is recorded, and records how it ended.
func (w *mapWork) runProcessor(ctx context.Context, fr *mapFrames, i, state int, input any) (any, error) {
	f, x := w.f, w.f.X
	v, err := fr.step.runOn(ctx, &fr.step, w.proc, state, input)
	if err != nil {
		if x.History != nil {
			x.Event("MapIterationFailed", "mapIterationFailedEventDetails", ObjectOf(Member{"name", f.State}, Member{"index", int64(i)}))
		}
		if w.tolerate && ctx.Err() == nil && AsError(err).Name != ErrRuntime {
			w.failed[i] = true
			return AsError(err).ErrorOutput(), nil
		}
		return nil, err
	}
	if x.History != nil {
		x.Event("MapIterationSucceeded", "mapIterationSucceededEventDetails", ObjectOf(Member{"name", f.State}, Member{"index", int64(i)}))
	} else {
		x.events.next()
	}
	return v, nil
}
