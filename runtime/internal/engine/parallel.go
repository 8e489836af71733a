package engine

import (
	"context"
	"sync"
	"sync/atomic"
)

// Parallel runs every branch on input and returns their outputs in branch
// order. Branches run concurrently, except that the calling goroutine
// works alone for its first tick or two (see helpers.go) and that all-Inline branches, which
// cannot block, run one after another. When a branch fails, the others are
// cancelled and the branch's error is returned once every goroutine has
// finished.
func (f *Frame) Parallel(ctx context.Context, input any, branches []*Program) (any, error) {
	x := f.X
	x.Event("ParallelStateStarted", "", nil)
	var out []any
	var result any // out, boxed once: boxing a slice allocates
	var err error
	if allInline(branches) {
		out, err = f.runInline(ctx, input, branches)
		result = out
	} else if cd := x.childDriverFor(branches...); cd != nil {
		// Each branch with records of its own, concurrently (children.go).
		out, err = f.parallelChildren(ctx, cd, input, branches)
		result = out
	} else {
		r := x.getParallelRun(len(branches))
		// What outlives the Parallel (its result, and the context its
		// branches' handlers were given, which they may keep) is
		// allocated; the rest is reused from one Parallel to the next.
		kept := new(parallelKept)
		if len(branches) <= len(kept.few) {
			kept.results = kept.few[:len(branches):len(branches)]
		} else {
			kept.results = make([]any, len(branches))
		}
		r.parent, r.input, r.branches = f, input, branches
		// Field by field: assigning a whole pool rewrote the 300-odd
		// bytes new had just cleared, a write barrier check per pointer.
		r.pool.n, r.pool.limit, r.pool.job, r.pool.state = len(branches), len(branches), r, f
		r.pool.results, r.pool.ctxp = kept.results, &kept.ctx
		if x.driver != nil {
			r.pool.limit = 1 // a plain Driver records a sequence (see Driver)
		}
		out, err = r.pool.run(ctx)
		// Every branch has stopped (pool.run waits for them).
		if err == nil {
			// Boxed where it lies, in kept: boxing the slice took one
			// more allocation. No worker writes the results any more.
			kept.results = out
			result = boxArray(&kept.results)
			f.boundOutputs(result, out, r.frames)
		}
		x.putParallelRun(r)
	}
	if err != nil {
		x.Event("ParallelStateFailed", "", nil)
		return nil, err
	}
	x.Event("ParallelStateSucceeded", "", nil)
	return result, nil
}

// boundOutputs bounds the size of the branches' outputs out, the
// Parallel's result (result is out, boxed), from the bounds their frames keep of what they last checked
// (each branch's output, which its last state checked), so that ResultPath
// does not walk the outputs again (see SetResult).
func (f *Frame) boundOutputs(result any, out []any, frames []Frame) {
	n := 1 // as arrayBound counts: the brackets, less a comma
	for i := range frames {
		fr := &frames[i]
		if fr.madeBound <= 0 || !samePayload(out[i], fr.made) {
			return
		}
		n += fr.madeBound + 1
	}
	f.made, f.madeBound = result, n
}

// A parallelRun is what a Parallel's workers share, the pool and the
// branches' frames included. It is reused from one Parallel to the next,
// as a top-level execution's frames are (see started): states do not
// keep their frame, a Parallel returns only once every branch has
// stopped, and what may outlive it is in a parallelKept. Allocated for
// every Parallel, it was a quarter of the bytes an order execution
// allocated.
type parallelRun struct {
	pool
	parent   *Frame
	input    any
	branches []*Program
	frames   []Frame // each serves as its branch's state frame too (see runFrom)
	few      [2]Frame
}

// parallelKept is what a Parallel allocates: its result, boxed where it
// lies, and its branches' context, which a handler may keep (and ask
// for Err) after the Parallel ended.
type parallelKept struct {
	ctx     poolCtx
	results []any
	few     [4]any
}

// parallelRunPool holds parallelRuns for executions with none spare (see
// Execution.spareRun).
var parallelRunPool sync.Pool

// getParallelRun returns a parallelRun with n frames: the execution's
// spare one, or one from the pool. The spare costs one atomic swap where
// the pool cost about 100 instructions a Parallel (pinning the P, its
// per-P lists); an execution's Parallels nest or run at once only in
// branches, which then take from the pool.
func (x *Execution) getParallelRun(n int) *parallelRun {
	r := x.spareRun.Swap(nil)
	if r == nil {
		r, _ = parallelRunPool.Get().(*parallelRun)
		if r == nil {
			r = new(parallelRun)
			r.frames = r.few[:0]
		}
	}
	if cap(r.frames) < n {
		r.frames = make([]Frame, 0, n)
	}
	r.frames = r.frames[:n]
	return r
}

// putParallelRun makes r the execution's spare, or returns it to the pool,
// cleared of what refers to this Parallel's values. What its frames still
// refer to stays alive until they are reused, or the execution is
// dropped, or the pool drops them at a garbage collection.
func (x *Execution) putParallelRun(r *parallelRun) {
	r.parent, r.input, r.branches = nil, nil, nil
	p := &r.pool
	p.results, p.job, p.state, p.ctxp, p.firstErr = nil, nil, nil, nil, nil
	p.current = 0
	p.next.Store(0)
	p.failed.Store(false)
	if !x.spareRun.CompareAndSwap(nil, r) {
		parallelRunPool.Put(r)
	}
}

// runItem runs branch i.
func (r *parallelRun) runItem(ctx context.Context, i int) (any, error) {
	bf, b := &r.frames[i], r.branches[i]
	*bf = Frame{X: r.parent.X, Vars: b.scopeFor(r.parent.Vars)}
	return bf.runOn(ctx, bf, b, b.Start, r.input)
}

// allInline reports whether every program is Inline.
func allInline(progs []*Program) bool {
	for _, p := range progs {
		if !p.Inline {
			return false
		}
	}
	return true
}

// runInline runs the branches one after another on this goroutine, with
// one frame for all their states; the first failure ends the Parallel.
func (f *Frame) runInline(ctx context.Context, input any, branches []*Program) (out []any, err error) {
	results := make([]any, len(branches))
	// The branches' frame comes from the pool the concurrent branches'
	// frames come from: a new one per Parallel was an eighth of what the
	// parallel workload allocated per execution, kept until the first
	// collection (peak RSS). States do not keep their frame.
	run := f.X.getParallelRun(1)
	sf := &run.frames[0]
	*sf = Frame{X: f.X}
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, sf.runtimePanicked(v)
		}
		*sf = Frame{}
		f.X.putParallelRun(run)
	}()
	for i, b := range branches {
		sf.Vars = b.scopeFor(f.Vars)
		v, err := sf.runOn(ctx, sf, b, b.Start, input)
		if err != nil {
			return nil, err
		}
		results[i] = v
	}
	return results, nil
}

// An itemRunner runs item i of a Parallel or Map: a *parallelRun runs a
// branch, a job a Map iteration. (The *parallelRun itself goes into the
// pool: a method value of it took an allocation on every Parallel.)
type itemRunner interface {
	runItem(ctx context.Context, i int) (any, error)
}

// A job runs item i of a Parallel or Map.
type job func(ctx context.Context, i int) (any, error)

func (j job) runItem(ctx context.Context, i int) (any, error) { return j(ctx, i) }

// runAllWith runs items 0..n-1 on at most limit goroutines, as pool.run
// does, with a job per goroutine, made by newJob when the goroutine
// starts, so that a job can reuse what it allocates from one item to the
// next.
func runAllWith(ctx context.Context, n, limit int, state *Frame, newJob func() job) ([]any, error) {
	p := &pool{n: n, limit: limit, newJob: newJob, state: state}
	return p.run(ctx)
}

// run runs job(0..n-1) on at most limit goroutines, with p.job or else a
// job per worker from p.newJob, and collects the results in order. The
// first failure cancels the rest; run returns only after every goroutine
// has stopped. p holds what the workers share, their context and the
// results of a few items included, in one allocation (closures over
// separate variables took one each).
func (p *pool) run(ctx context.Context) (out []any, err error) {
	signedOn := false
	defer func() {
		if v := recover(); v != nil {
			// Of an item on this goroutine. Helpers recover their own
			// (see helperDone), and are waited for: the error is the
			// first.
			p.recordPanic(v, p.current)
			if signedOn && watcher.signOff(p) {
				p.wg.Wait()
			}
			out, err = nil, p.firstErr
		}
	}()
	n := p.n
	if n == 0 {
		return []any{}, nil
	}
	if p.limit <= 0 || p.limit > n {
		p.limit = n
	}
	if p.limit == 1 {
		results := p.results
		if results == nil {
			results = make([]any, n)
		}
		job := p.job
		if job == nil {
			job = p.newJob()
		}
		for i := 0; i < n; i++ {
			p.current = i
			v, err := job.runItem(ctx, i)
			if err != nil {
				return nil, err
			}
			results[i] = v
		}
		return results, nil
	}
	if p.ctxp == nil {
		p.ctxp = &p.ctx
	}
	pc := p.ctxp
	pc.parent = ctx
	defer pc.release()
	ctx = pc
	if p.results != nil {
		// Given by the caller (a Parallel's, which outlive the pool).
	} else if n <= len(p.few) {
		p.results = p.few[:n:n]
	} else {
		p.results = make([]any, n)
	}
	// The calling goroutine is a worker, and at first the only one; the
	// others join if the work goes on (see helpers.go).
	watcher.signOn(p)
	signedOn = true
	p.work(ctx, false)
	if watcher.signOff(p) {
		p.wg.Wait() // for the helpers
	}
	if p.firstErr != nil {
		return nil, p.firstErr
	}
	return p.results, nil
}

// A pool is the state its workers share.
type pool struct {
	n     int
	limit int // workers, the calling goroutine included
	// watch is the pool's phase for the watcher and the tick it signed on
	// (see poolWatcher); signedAs what its caller stored there when it
	// signed on (the caller's alone). listed: the pool is on the
	// watcher's stack or list; nextSigned links the stack.
	watch      atomic.Uint64
	signedAs   uint64
	listed     atomic.Bool
	nextSigned *pool
	results    []any
	few        [4]any     // results, when there are few
	job        itemRunner // every worker's job; nil: newJob makes one per worker
	newJob     func() job
	// A panic in an item fails the pool with States.Runtime naming the
	// state that the item's branch was running (a Parallel's item on the
	// calling goroutine), or else the state of frame state (the Map or
	// Parallel).
	state   *Frame
	current int // the item the calling goroutine runs (it alone uses this)
	// ctxp is the items' context, cancelled when one fails: ctx, unless
	// the caller gave one that outlives the pool (a Parallel's).
	ctxp *poolCtx
	ctx  poolCtx

	next     atomic.Int64 // the next item to take
	failed   atomic.Bool  // firstErr is set: take no more items
	mu       sync.Mutex   // guards firstErr
	firstErr error
	wg       sync.WaitGroup
}

// take returns the next item to run, or -1. Workers take items with one
// atomic add each: a lock per item costs more than a small iteration.
func (p *pool) take() int {
	if p.failed.Load() {
		return -1
	}
	if i := int(p.next.Add(1) - 1); i < p.n {
		return i
	}
	return -1
}

// work runs items until none is left or one fails; a worker on its own
// goroutine (spawned) marks itself done.
func (p *pool) work(ctx context.Context, spawned bool) {
	if spawned {
		defer p.helperDone()
	}
	job := p.job
	if job == nil {
		job = p.newJob()
	}
	for i := p.take(); i >= 0; i = p.take() {
		if !spawned {
			p.current = i
		}
		v, err := job.runItem(ctx, i)
		if err != nil {
			p.fail(err)
			return
		}
		p.results[i] = v
	}
}

// helperDone ends a helper goroutine's work: a panic in one of its items
// fails the pool, as an error would (naming the Map or Parallel state: a
// helper's item is not known).
func (p *pool) helperDone() {
	if v := recover(); v != nil {
		p.recordPanic(v, -1)
	}
	p.wg.Done()
}

// recordPanic makes a recovered panic, in item i if known (else -1), the
// pool's error if it has none, and cancels the other items.
func (p *pool) recordPanic(v any, i int) {
	f := p.state
	if r, ok := p.job.(*parallelRun); ok && i >= 0 && i < len(r.frames) {
		f = &r.frames[i]
	}
	var err error
	if f != nil {
		err = f.runtimePanicked(v)
	} else {
		err = NewError(ErrRuntime, "A state panicked: "+panicText(v))
	}
	p.fail(err)
}

// fail makes err the pool's error if it has none yet, stops the taking
// of items and cancels the items that run: the first failure is the one
// the Map or Parallel state fails with.
func (p *pool) fail(err error) {
	p.mu.Lock()
	if p.firstErr == nil {
		p.firstErr = err
		p.failed.Store(true)
		if p.ctxp != nil { // nil: run works alone (limit 1), with no context of its own
			p.ctxp.cancel(&errCanceled)
		}
	}
	p.mu.Unlock()
}
