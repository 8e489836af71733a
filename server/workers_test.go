package server

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// TestMain makes the test binary a stand-in worker when asked: it echoes
// each input line as the "output" of a DescribeExecution-shaped line,
// and refuses the line "bad" as the runtime refuses an invalid input.
// With SFN_SERVER_TEST_RAN set, it also appends each line to that file.
func TestMain(m *testing.M) {
	if os.Getenv("SFN_SERVER_TEST_WORKER") == "1" {
		sc := bufio.NewScanner(os.Stdin)
		for n := 1; sc.Scan(); n++ {
			if ran := os.Getenv("SFN_SERVER_TEST_RAN"); ran != "" {
				f, err := os.OpenFile(ran, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
				if err == nil {
					fmt.Fprintln(f, sc.Text())
					f.Close()
				}
			}
			if sc.Text() == "bad" {
				// As the runtime: an answer line, then a line on stderr.
				fmt.Println(`{"error":"InvalidExecutionInput","cause":"not JSON"}`)
				fmt.Fprintf(os.Stderr, "line %d: invalid input: not JSON\n", n)
				continue
			}
			fmt.Printf("{\"status\":\"SUCCEEDED\",\"output\":%q}\n", sc.Text())
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestWorkerPool: workers answer concurrent executions in order, a
// refused input is InvalidExecutionInput for its request alone (the
// runtime's stderr line about it reaches no later request: the worker is
// replaced), idle workers are stopped, and closing stops the rest.
func TestWorkerPool(t *testing.T) {
	t.Setenv("SFN_SERVER_TEST_WORKER", "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ps := newPools("", "", "", nil)
	defer ps.close()
	p, err := ps.get(workerKey{bin: exe, name: "m"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				in := fmt.Sprintf(`{"g":%d,"i":%d}`, g, i)
				line, err := p.run(context.Background(), []byte(in))
				if want := fmt.Sprintf("{\"status\":\"SUCCEEDED\",\"output\":%q}\n", in); err != nil || line != want {
					t.Errorf("run %s = %q, %v; want %q", in, line, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, err := p.run(context.Background(), []byte("bad")); err == nil || asAPIError(err).Code != "InvalidExecutionInput" {
		t.Errorf("refused input: %v, want InvalidExecutionInput", err)
	}
	if line, err := p.run(context.Background(), []byte("{}")); err != nil || line == "" {
		t.Errorf("after a refused input: %q, %v", line, err)
	}
	p.mu.Lock()
	n := len(p.all)
	p.mu.Unlock()
	if n == 0 || n > poolSize {
		t.Errorf("%d workers, want 1 to %d", n, poolSize)
	}
	p.stopIdle(time.Now().Add(time.Second))
	p.mu.Lock()
	n = len(p.all)
	p.mu.Unlock()
	if n != 0 {
		t.Errorf("%d workers left after stopping the idle ones", n)
	}
}
