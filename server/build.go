package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
)

// builds runs and remembers the builds of revisions, one per content
// (type and definition), one at a time: a build takes a core, and the
// machine has few.
type builds struct {
	builder Builder
	sem     chan struct{}
	wg      sync.WaitGroup

	mu   sync.Mutex
	byID map[string]*buildResult
}

// A buildResult is a build, done once done is closed.
type buildResult struct {
	done chan struct{}
	bin  string
	err  error
}

func newBuilds(b Builder) *builds {
	return &builds{builder: b, sem: make(chan struct{}, 1), byID: map[string]*buildResult{}}
}

func contentKey(definition, machineType string) string {
	h := sha256.Sum256([]byte(machineType + "\x00" + definition))
	return hex.EncodeToString(h[:])
}

// start starts the build of a revision unless it was started before.
func (b *builds) start(definition, machineType string) *buildResult {
	key := contentKey(definition, machineType)
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.byID[key]; r != nil {
		return r
	}
	r := &buildResult{done: make(chan struct{})}
	b.byID[key] = r
	if b.builder == nil {
		r.err = errors.New("this server builds no state machines")
		close(r.done)
		return r
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer close(r.done)
		b.sem <- struct{}{}
		defer func() { <-b.sem }()
		r.bin, r.err = b.builder.Build(context.Background(), []byte(definition), machineType)
		if r.err != nil {
			// The requests waiting get the error; a later one builds
			// again, since the cause (a toolchain, a download) may pass.
			b.mu.Lock()
			delete(b.byID, key)
			b.mu.Unlock()
		}
	}()
	return r
}

// binary waits for the build of a revision (starting it if needed) and
// returns its binary.
func (b *builds) binary(ctx context.Context, definition, machineType string) (string, error) {
	r := b.start(definition, machineType)
	select {
	case <-r.done:
		return r.bin, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (b *builds) wait() { b.wg.Wait() }
