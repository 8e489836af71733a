package durable

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// distMapMachine is a machine of one Distributed Map over the numbers 0
// to n-1, at most 5 children at once, whose processor is one Task state
// answered by work.
func distMapMachine(n int, work sfnimpl.TaskFunc) *sfnrt.Machine {
	items := make([]any, n)
	for i := range items {
		items[i] = int64(i)
	}
	proc := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Double", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, work)
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: "dist", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Map", Kind: "Map"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			open := func(context.Context) (sfnrt.ItemIterator, error) { return sfnimpl.SliceItems(items), nil }
			out, err := f.DistributedMap(ctx, open, sfnimpl.DistributedMapConfig{MaxConcurrency: 5, ExecutionType: "STANDARD"}, nil, proc)
			return sfnimpl.End, out, err
		},
	}}
}

// TestDistributedMapRecovery stops a worker while a Distributed Map's
// child runs and recovers the execution on the next: the children that
// had finished are not run again (their Task outcomes are recorded), the
// one in flight is, and every child gets its own result back.
func TestDistributedMapRecovery(t *testing.T) {
	const n, stopAt = 20, 12
	var mu sync.Mutex
	calls := map[int64]int{}
	stopped := make(chan struct{})
	var once sync.Once
	work := func(ctx context.Context, in any) (any, error) {
		i, _ := sfnrt.Int(in)
		mu.Lock()
		calls[i]++
		first := calls[i] == 1
		mu.Unlock()
		if i == stopAt && first {
			once.Do(func() { close(stopped) })
			<-ctx.Done() // the worker stops under it
			return nil, ctx.Err()
		}
		return i * 2, nil
	}
	store := sqliteStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e1, err := Open(ctx, distMapMachine(n, work), Config{Store: store, ExecutorID: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e1.StartExecution(ctx, "batch", "{}")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-ctx.Done():
		t.Fatal("item 12 never ran")
	}
	e1.Close()

	e2, err := Open(ctx, distMapMachine(n, work), Config{Store: store, ExecutorID: "w"})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if err := e2.Work(); err != nil {
		t.Fatal(err)
	}
	d, err := e2.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	want := "["
	for i := 0; i < n; i++ {
		if i > 0 {
			want += ","
		}
		want += sfnrt.ToJSON(int64(i * 2))
	}
	if got := *d.Output; got != want+"]" {
		t.Errorf("output %s, want %s]", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	for i := int64(0); i < n; i++ {
		if want := 1 + btoi(i == stopAt); calls[i] != want {
			t.Errorf("item %d ran %d times, want %d", i, calls[i], want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestMapRunOperations checks ListMapRuns and DescribeMapRun on a durable
// execution's Distributed Map, with AWS's JSON members, and their errors.
func TestMapRunOperations(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	double := func(ctx context.Context, in any) (any, error) { i, _ := sfnrt.Int(in); return i * 2, nil }
	e, err := Open(ctx, distMapMachine(7, double), Config{Store: sqliteStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "runs", "{}")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := e.Wait(ctx, start.ExecutionArn); err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	list, err := e.ListMapRuns(ctx, start.ExecutionArn, 0, "")
	if err != nil || len(list.MapRuns) != 1 {
		t.Fatalf("ListMapRuns: %+v, %v", list, err)
	}
	item := list.MapRuns[0]
	if !strings.HasPrefix(item.MapRunArn, "arn:aws:states:us-east-1:123456789012:mapRun:dist/Map:") || item.ExecutionArn != start.ExecutionArn ||
		item.StateMachineArn != "arn:aws:states:us-east-1:123456789012:stateMachine:dist/Map" || item.StartDate == "" || item.StopDate == "" {
		t.Errorf("ListMapRuns item %+v", item)
	}
	d, err := e.DescribeMapRun(ctx, item.MapRunArn)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(d)
	var doc map[string]any
	json.Unmarshal(data, &doc)
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// DescribeMapRun's members (redriveDate only once redriven).
	if diff := cmp.Diff([]string{"executionArn", "executionCounts", "itemCounts", "mapRunArn", "maxConcurrency", "redriveCount",
		"startDate", "status", "stopDate", "toleratedFailureCount", "toleratedFailurePercentage"}, keys); diff != "" {
		t.Errorf("DescribeMapRun members (-want +got):\n%s", diff)
	}
	if d.Status != "SUCCEEDED" || d.MaxConcurrency != 5 || d.ItemCounts.Total != 7 || d.ItemCounts.Succeeded != 7 ||
		d.ItemCounts.ResultsWritten != 7 || d.ExecutionCounts != d.ItemCounts || d.MapRunArn != item.MapRunArn {
		t.Errorf("DescribeMapRun %+v", d)
	}
	for _, tt := range []struct {
		arn, code string
	}{
		{"arn:aws:states:us-east-1:123456789012:mapRun:dist/Map:00000000-0000-0000-0000-000000000000", "ResourceNotFound"},
		{"arn:aws:states:us-east-1:123456789012:mapRun:other/Map:" + item.MapRunArn[len(item.MapRunArn)-36:], "ResourceNotFound"},
		{"arn:aws:states:us-east-1:123456789012:execution:dist:runs", "InvalidArn"},
	} {
		if _, err := e.DescribeMapRun(ctx, tt.arn); apiCode(err) != tt.code {
			t.Errorf("DescribeMapRun(%s): %v, want %s", tt.arn, err, tt.code)
		}
	}
	if _, err := e.ListMapRuns(ctx, start.ExecutionArn+"x", 0, ""); apiCode(err) != "ExecutionDoesNotExist" {
		t.Errorf("ListMapRuns of no execution: %v", err)
	}
}

// TestDistributedMapObjects runs a durable Distributed Map that exports
// its results: Config.Objects reaches the execution (a built binary's is
// the S3 store, with --endpoint s3=URL).
func TestDistributedMapObjects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	items := []any{"a", "b", "c"}
	pass := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Pass", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, nil
		},
	}
	cfg := sfnimpl.DistributedMapConfig{ExecutionType: "STANDARD", Writer: &sfnimpl.ResultWriterConfig{Export: true, Transformation: "COMPACT",
		Args: sfnrt.ObjectOf(sfnrt.Member{Key: "Bucket", Value: "res"}, sfnrt.Member{Key: "Prefix", Value: "out"})}}
	m := &sfnrt.Machine{Name: "export", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Map", Kind: "Map"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			open := func(context.Context) (sfnrt.ItemIterator, error) { return sfnimpl.SliceItems(items), nil }
			out, err := f.DistributedMap(ctx, open, cfg, nil, pass)
			return sfnimpl.End, out, err
		},
	}}
	store := &sfnrt.MemStore{}
	e, err := Open(ctx, m, Config{Store: sqliteStore(t), Objects: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	start, err := e.StartExecution(ctx, "export", "{}")
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Wait(ctx, start.ExecutionArn)
	if err != nil || d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%+v %v", d, err)
	}
	key, _ := sfnrt.Field(sfnrt.MustParseJSON(*d.Output), "ResultWriterDetails")
	key, _ = sfnrt.Field(key, "Key")
	manifest, ok := store.Object("res", key.(string))
	if !ok {
		t.Fatalf("no %v in the store; output %s", key, *d.Output)
	}
	succeeded := strings.TrimSuffix(key.(string), "manifest.json") + "SUCCEEDED_0.json"
	if data, _ := store.Object("res", succeeded); string(data) != `["a","b","c"]` {
		t.Errorf("%s: %s (manifest %s)", succeeded, data, manifest)
	}
}
