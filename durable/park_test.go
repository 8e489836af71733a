package durable

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// parkEnv sets how many executions TestParkedExecutionsHoldNoGoroutines
// parks (make bench-durable parks 10,000).
const parkEnv = "SFN_PARK_EXECUTIONS"

// rssKiB returns the process's resident set size, 0 where /proc is not.
func rssKiB() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

// heapKiB returns the Go heap in use.
func heapKiB() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse / 1024
}

// countParked returns how many of e's executions are parked.
func countParked(t *testing.T, e *Executor) int {
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.workflow), dbos.WithFilterStatus(dbos.WorkflowStatusSuccess),
		dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(true))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range ws {
		if parkedAt(&ws[i]) != nil {
			n++
		}
	}
	return n
}

// Parked executions (callbacks waiting, with an hour's TimeoutSeconds,
// so each has a waker) hold no goroutine or timer in the worker: the
// worker's goroutines do not grow with them. Then every callback is
// completed from another process's executor and every execution ends.
func TestParkedExecutionsHoldNoGoroutines(t *testing.T) {
	n := 200
	if s := os.Getenv(parkEnv); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	store := sqliteStore(t)
	tokens := make(chan string, n)
	m := oneCallback("parked", 3600, 0, tokens)
	w, err := Open(ctx, m, Config{Store: store, ExecutorID: "parker"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Work(); err != nil {
		t.Fatal(err)
	}
	client, err := Open(ctx, m, Config{Store: store, ExecutorID: "client"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	runtime.GC()
	baseGoroutines, baseRSS, baseHeap := runtime.NumGoroutine(), rssKiB(), heapKiB()

	began := time.Now()
	arns := make([]string, n)
	for i := range arns {
		out, err := client.StartExecution(ctx, "p"+strconv.Itoa(i), `{}`)
		if err != nil {
			t.Fatal(err)
		}
		arns[i] = out.ExecutionArn
	}
	for countParked(t, w) < n {
		if ctx.Err() != nil {
			t.Fatalf("%d of %d parked", countParked(t, w), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	parkedIn := time.Since(began)
	runtime.GC()
	goroutines, rss, heap := runtime.NumGoroutine(), rssKiB(), heapKiB()
	t.Logf("%d executions parked in %v: goroutines %d -> %d, Go heap in use %d -> %d KiB, RSS %d -> %d KiB",
		n, parkedIn.Round(time.Millisecond), baseGoroutines, goroutines, baseHeap, heap, baseRSS, rss)
	if goroutines > baseGoroutines+20 {
		t.Errorf("%d parked executions: %d goroutines, %d before", n, goroutines, baseGoroutines)
	}

	// Complete every callback, a few senders at a time.
	began = time.Now()
	var wg sync.WaitGroup
	send := make(chan string)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tok := range send {
				if err := client.SendTaskSuccess(ctx, tok, `{"done":true}`); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range n {
		send <- <-tokens
	}
	close(send)
	wg.Wait()
	for _, arn := range arns {
		d, err := client.Wait(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != sfnrt.StatusSucceeded || *d.Output != `{"done":true}` {
			t.Fatalf("%s: %s %s", arn, d.Status, deref(d.Output))
		}
	}
	t.Logf("%d executions completed in %v", n, time.Since(began).Round(time.Millisecond))
}

// A Wait longer than ParkAfter parks: its worker can go away, and
// another worker (another executor ID) ends the Wait at its deadline,
// which a waker row kept meanwhile.
func TestParkedWaitAcrossRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := sqliteStore(t)
	h := newHandlers()
	w := openWorker(t, store, h, Config{ExecutorID: "first", ParkAfter: time.Second})
	began := time.Now()
	start, err := w.StartExecution(ctx, "long", testInput(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return w.parkOf(start.ExecutionArn) != nil })
	w.Close()
	w = openWorker(t, store, h, Config{ExecutorID: "second", ParkAfter: time.Second})
	defer w.Close()
	token := <-h.tokens
	if took := time.Since(began); took < 3*time.Second || took > 6*time.Second {
		t.Errorf("the Wait of 3 s ended after %v", took)
	}
	if err := w.SendTaskSuccess(ctx, token, `{}`); err != nil {
		t.Fatal(err)
	}
	if d, err := w.Wait(ctx, start.ExecutionArn); err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	for k, n := range h.counts() {
		if n != 1 {
			t.Errorf("%s ran %d times", k, n)
		}
	}
}
