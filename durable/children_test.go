package durable

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// meeting handlers: Left waits for Right to have started, and each Map
// iteration for another to run at the same time. Run one after another
// (as before children.go), they would wait in vain.
type meeting struct {
	*handlers
	right     chan struct{}
	mu        sync.Mutex
	running   int
	overlap   bool
	seenRight sync.Once
}

func (m *meeting) Left(ctx context.Context, in any) (any, error) {
	select {
	case <-m.right:
	case <-time.After(10 * time.Second):
		return nil, errors.New("Right never ran while Left did")
	}
	return m.handlers.Left(ctx, in)
}

func (m *meeting) Right(ctx context.Context, in any) (any, error) {
	m.seenRight.Do(func() { close(m.right) })
	return m.handlers.Right(ctx, in)
}

func (m *meeting) Square(ctx context.Context, in any) (any, error) {
	m.mu.Lock()
	m.running++
	m.mu.Unlock()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		m.mu.Lock()
		if m.running > 1 {
			m.overlap = true
		}
		done := m.overlap
		m.mu.Unlock()
		if done {
			break
		}
	}
	out, err := m.handlers.Square(ctx, in)
	m.mu.Lock()
	m.running--
	m.mu.Unlock()
	return out, err
}

// Under DBOS, Parallel branches and Map iterations run concurrently (as
// child workflows), and the execution ends with the output and history
// of an uninterrupted run.
func TestBranchesRunConcurrently(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m := &meeting{handlers: newHandlers(), right: make(chan struct{})}
	e, err := Open(ctx, testmachine.New(m), Config{Store: sqliteStore(t), SkipWaits: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "c1", testInput(6, 0))
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan *Description, 1)
	go func() {
		d, err := e.Wait(ctx, start.ExecutionArn)
		if err != nil {
			t.Error(err)
		}
		ended <- d
	}()
	var d *Description
	select {
	case token := <-m.tokens:
		if err := e.SendTaskSuccess(ctx, token, `{"approved":"c1"}`); err != nil {
			t.Fatal(err)
		}
		d = <-ended
	case d = <-ended: // failed before its callback
	}
	if d == nil {
		t.FailNow()
	}
	if d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%s %v %v", d.Status, deref(d.Error), deref(d.Cause))
	}
	if !m.overlap {
		t.Error("no two Map iterations ran at the same time")
	}
	checkLikeUninterrupted(t, e, d)
	for k, n := range m.counts() {
		if n != 1 {
			t.Errorf("%s invoked %d times", k, n)
		}
	}
}

// childWorkflows counts the child workflows of the execution arn.
func childWorkflows(t *testing.T, e *Executor, arn string) int {
	t.Helper()
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDPrefix(arn+"/"), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil {
		t.Fatal(err)
	}
	return len(ws)
}

// With Config.SequentialBranches, branches and iterations in the
// execution's own workflow, one after another, with the same outcome.
func TestSequentialBranches(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, sequential := range []bool{false, true} {
		h := newHandlers()
		e := openWorker(t, sqliteStore(t), h, Config{SkipWaits: true, SequentialBranches: sequential})
		start, err := e.StartExecution(ctx, "s1", testInput(3, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SendTaskSuccess(ctx, <-h.tokens, `{"approved":"s1"}`); err != nil {
			t.Fatal(err)
		}
		d, err := e.Wait(ctx, start.ExecutionArn)
		if err != nil {
			t.Fatal(err)
		}
		checkLikeUninterrupted(t, e, d)
		// Both's 2 branches and Each's 3 iterations, or none.
		want := 5
		if sequential {
			want = 0
		}
		if n := childWorkflows(t, e, start.ExecutionArn); n != want {
			t.Errorf("sequential %v: %d child workflows, want %d", sequential, n, want)
		}
		e.Close()
	}
}
