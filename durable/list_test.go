package durable

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// onePass is a machine of one state that ends at once.
func onePass(name string) *sfnrt.Machine {
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Done", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, nil
		},
	}
	return &sfnrt.Machine{Name: name, Program: p}
}

// listAll is ListExecutions as it was: every execution of the machine
// read, described and filtered; what the pages must add up to.
func listAll(t *testing.T, e *Executor, status string) []string {
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterName(e.workflow), dbos.WithFilterSortDesc(),
		dbos.WithFilterLoadInput(true), dbos.WithFilterLoadOutput(true))
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i := range ws {
		if d := e.describe(&ws[i]); status == "" || d.Status == status {
			arns = append(arns, d.ExecutionArn)
		}
	}
	return arns
}

// pages reads every page of the list, calling between(page) after each.
func pages(t *testing.T, e *Executor, status string, size int, between func(int)) []string {
	var arns []string
	token := ""
	for page := 0; ; page++ {
		out, err := e.ListExecutions(context.Background(), status, size, token)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Executions) > size || out.NextToken != "" && len(out.Executions) < size {
			t.Fatalf("page %d: %d executions, next token %q", page, len(out.Executions), out.NextToken)
		}
		for _, x := range out.Executions {
			if status != "" && x.Status != status {
				t.Fatalf("page %d: %s is %s", page, x.ExecutionArn, x.Status)
			}
			arns = append(arns, x.ExecutionArn)
		}
		if out.NextToken == "" {
			return arns
		}
		token = out.NextToken
		if between != nil {
			between(page)
		}
	}
}

// ListExecutions pages in the store: over a few thousand executions,
// RUNNING and SUCCEEDED, the pages of every size and status filter add
// up to the whole list, in order, each once; executions started while a
// client pages (newer, so before its cursor) neither repeat nor hide
// the ones after it, as an offset from the newest would.
func TestListExecutionsPages(t *testing.T) {
	n := 2000
	if s := os.Getenv("SFN_LIST_EXECUTIONS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store := sqliteStore(t)
	m := onePass("listed")
	w, err := Open(ctx, m, Config{Store: store, Version: "v1", ExecutorID: "runner"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Work(); err != nil {
		t.Fatal(err)
	}
	// Executions of another version stay queued (RUNNING): no worker of
	// theirs runs.
	q, err := Open(ctx, m, Config{Store: store, Version: "v2", ExecutorID: "queuer"})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	start := func(e *Executor, prefix string, count int) {
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < count; i += 8 {
					if _, err := e.StartExecution(ctx, fmt.Sprintf("%s-%d", prefix, i), `{}`); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	began := time.Now()
	start(w, "done", n/4)
	start(q, "queued", n-n/4)
	waitFor(t, func() bool { return len(listAll(t, w, sfnrt.StatusSucceeded)) == n/4 })
	t.Logf("%d executions started in %v", n, time.Since(began).Round(time.Millisecond))

	for _, status := range []string{"", StatusRunning, sfnrt.StatusSucceeded, sfnrt.StatusFailed} {
		want := listAll(t, w, status)
		for _, size := range []int{1000, 100, 7} {
			if status == "" && size == 7 {
				continue // 300 pages: the others cover it
			}
			t.Run(fmt.Sprintf("%q by %d", status, size), func(t *testing.T) {
				if diff := cmp.Diff(want, pages(t, w, status, size, nil)); diff != "" {
					t.Errorf("pages (-all +paged):\n%s", diff)
				}
			})
		}
	}

	// New executions start between pages.
	before := listAll(t, w, "")
	added := 0
	got := pages(t, w, "", 100, func(page int) {
		if page < 3 {
			start(q, "late-"+strconv.Itoa(page), 5)
			added += 5
		}
	})
	if diff := cmp.Diff(before, got); diff != "" {
		t.Errorf("paged while executions started (-at the first page +paged):\n%s", diff)
	}
	if all := listAll(t, w, ""); len(all) != len(before)+added || !slices.Equal(all[added:], before) {
		t.Errorf("%d executions after, want %d", len(all), len(before)+added)
	}

	// A page of 100 of the newest, timed.
	began = time.Now()
	if _, err := w.ListExecutions(ctx, "", 100, ""); err != nil {
		t.Fatal(err)
	}
	t.Logf("a page of 100 of %d executions in %v", len(before)+added, time.Since(began).Round(time.Microsecond))

	if _, err := w.ListExecutions(ctx, "", 10, "e30"); apiCode(err) != "InvalidToken" {
		t.Errorf("a token without a cursor: %v", err)
	}
}
