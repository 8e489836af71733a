package sfnrt

import (
	"context"
	"sync"
	"sync/atomic"
)

// Parallel runs every branch on input at once and returns their outputs in
// branch order. When a branch fails, the others are cancelled and the
// branch's error is returned once every goroutine has finished.
func (f *Frame) Parallel(ctx context.Context, input any, branches []*Program) (any, error) {
	x := f.X
	x.Event("ParallelStateStarted", "", nil)
	var out []any
	var err error
	if allInline(branches) {
		out, err = f.runInline(ctx, input, branches)
	} else {
		out, err = runAll(ctx, len(branches), len(branches), func(ctx context.Context, i int) (any, error) {
			bf := &Frame{X: x, Vars: branches[i].scopeFor(f.Vars)}
			return bf.Run(ctx, branches[i], input)
		})
	}
	if err != nil {
		x.Event("ParallelStateFailed", "", nil)
		return nil, err
	}
	x.Event("ParallelStateSucceeded", "", nil)
	return out, nil
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
func (f *Frame) runInline(ctx context.Context, input any, branches []*Program) ([]any, error) {
	results := make([]any, len(branches))
	sf := &Frame{X: f.X}
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

// A job runs item i of a Parallel or Map.
type job func(ctx context.Context, i int) (any, error)

// runAll runs job(0..n-1) on at most limit goroutines and collects the
// results in order. The first failure cancels the rest; runAll returns only
// after every goroutine has stopped.
func runAll(ctx context.Context, n, limit int, j job) ([]any, error) {
	return runAllWith(ctx, n, limit, func() job { return j })
}

// runAllWith is runAll with a job per goroutine, made by newJob when the
// goroutine starts, so that a job can reuse what it allocates from one
// item to the next.
func runAllWith(ctx context.Context, n, limit int, newJob func() job) ([]any, error) {
	results := make([]any, n)
	if n == 0 {
		return results, nil
	}
	if limit <= 0 || limit > n {
		limit = n
	}
	if limit == 1 {
		job := newJob()
		for i := 0; i < n; i++ {
			v, err := job(ctx, i)
			if err != nil {
				return nil, err
			}
			results[i] = v
		}
		return results, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64 // the next item to take
		failed   atomic.Bool  // firstErr is set: take no more items
		mu       sync.Mutex   // guards firstErr
		firstErr error
		wg       sync.WaitGroup
	)
	// Workers take items with one atomic add each: a lock per item
	// costs more than a small iteration.
	take := func() int {
		if failed.Load() {
			return -1
		}
		if i := int(next.Add(1) - 1); i < n {
			return i
		}
		return -1
	}
	work := func() {
		job := newJob()
		for i := take(); i >= 0; i = take() {
			v, err := job(ctx, i)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					failed.Store(true)
					cancel()
				}
				mu.Unlock()
				return
			}
			results[i] = v
		}
	}
	// The calling goroutine is one of the workers: one goroutine fewer to
	// start, and its stack has already grown.
	for w := 1; w < limit; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return results, nil
}
