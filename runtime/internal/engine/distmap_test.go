package engine

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// distMachine is a machine of one Distributed Map state "Map" over items,
// whose processor is proc.
func distMachine(open func(context.Context) (ItemIterator, error), cfg DistributedMapConfig, proc *Program) *Machine {
	return &Machine{Name: "sm", Program: &Program{
		States: []StateInfo{{Name: "Map", Kind: "Map"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			out, err := f.DistributedMap(ctx, open, cfg, nil, proc)
			return End, out, err
		},
	}}
}

// failingProgram returns its input, or fails with "Bad" on a string
// input starting with "bad".
func failingProgram() *Program {
	return &Program{
		States: []StateInfo{{Name: "P", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if s, ok := in.(string); ok && strings.HasPrefix(s, "bad") {
				return End, nil, NewError("Bad", "bad item "+s)
			}
			return End, in, nil
		},
	}
}

func sliceOpener(items ...any) func(context.Context) (ItemIterator, error) {
	return func(context.Context) (ItemIterator, error) { return SliceItems(items), nil }
}

var distStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// TestResultWriterFiles checks the files a ResultWriter writes and the
// state's output against the layout AWS documents: manifest.json and
// SUCCEEDED_0.json/FAILED_0.json under PREFIX/MAPRUNID/, entries with
// DescribeExecution's fields and input/output as JSON text.
func TestResultWriterFiles(t *testing.T) {
	store := &MemStore{}
	seed := int64(7)
	m := distMachine(sliceOpener("a", "bad1", map[string]any{"k": int64(1)}),
		DistributedMapConfig{Label: "L", ExecutionType: "EXPRESS", ToleratedFailureCount: 1,
			Writer: &ResultWriterConfig{Export: true, Args: ObjectOf(Member{"Bucket", "res"}, Member{"Prefix", "out"})}},
		failingProgram())
	res := m.Start(context.Background(), nil, Options{Objects: store, Seed: &seed, SkipWaits: true, StartTime: distStart, Name: "exec"})
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}
	run := res.MapRuns[0]
	id := run.Arn[strings.LastIndexByte(run.Arn, ':')+1:]
	if want := "arn:aws:states:us-east-1:123456789012:mapRun:sm/L:" + id; run.Arn != want || len(id) != 36 {
		t.Errorf("Map Run ARN %s, want %s", run.Arn, want)
	}
	wantOut := `{"MapRunArn":"` + run.Arn + `","ResultWriterDetails":{"Bucket":"res","Key":"out/` + id + `/manifest.json"}}`
	if got := ToJSON(res.Output); got != wantOut {
		t.Errorf("output %s\nwant %s", got, wantOut)
	}
	file := func(name string) any {
		data, ok := store.Object("res", "out/"+id+"/"+name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		return MustParseJSON(string(data))
	}
	succeeded, failed := ToJSON(file("SUCCEEDED_0.json")), ToJSON(file("FAILED_0.json"))
	wantManifest := `{"DestinationBucket":"res","MapRunArn":"` + run.Arn + `","ResultFiles":{"FAILED":[{"Key":"out/` + id +
		`/FAILED_0.json","Size":` + itoa(len(failed)) + `}],"PENDING":[],"SUCCEEDED":[{"Key":"out/` + id + `/SUCCEEDED_0.json","Size":` +
		itoa(len(succeeded)) + `}]}}`
	if diff := cmp.Diff(wantManifest, ToJSON(file("manifest.json"))); diff != "" {
		t.Errorf("manifest.json (-want +got):\n%s", diff)
	}
	// Names and dates vary; the rest is AWS's shape.
	entries := file("SUCCEEDED_0.json").([]any)
	if len(entries) != 2 {
		t.Fatalf("SUCCEEDED_0.json has %d entries", len(entries))
	}
	e := entries[0].(*Object)
	var keys []string
	for _, mb := range e.Members() {
		keys = append(keys, mb.Key)
	}
	if diff := cmp.Diff([]string{"ExecutionArn", "Input", "InputDetails", "Name", "Output", "OutputDetails", "RedriveCount",
		"RedriveStatus", "RedriveStatusReason", "StartDate", "StateMachineArn", "Status", "StopDate"}, keys); diff != "" {
		t.Errorf("SUCCEEDED entry members (-want +got):\n%s", diff)
	}
	name, _ := e.Get("Name")
	for k, want := range map[string]any{
		"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:sm/L:" + name.(string),
		"Input":        `"a"`, "Output": `"a"`, "Status": "SUCCEEDED", "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:sm/L",
		"StartDate": "2026-01-02T03:04:05.000Z", "RedriveStatus": "NOT_REDRIVABLE",
	} {
		if got, _ := e.Get(k); !Equal(got, want) {
			t.Errorf("SUCCEEDED %s = %v, want %v", k, got, want)
		}
	}
	if got, _ := entries[1].(*Object).Get("Input"); got != `{"k":1}` {
		t.Errorf("second entry's Input = %v", got)
	}
	f := file("FAILED_0.json").([]any)[0].(*Object)
	for k, want := range map[string]any{"Error": "Bad", "Cause": "bad item bad1", "Status": "FAILED", "Input": `"bad1"`} {
		if got, _ := f.Get(k); got != want {
			t.Errorf("FAILED %s = %v, want %v", k, got, want)
		}
	}
	if _, has := f.Get("Output"); has {
		t.Errorf("a FAILED entry has an Output")
	}
	d := run.Describe()
	if d.Status != MapRunSucceeded || d.ItemCounts.Total != 3 || d.ItemCounts.Succeeded != 2 || d.ItemCounts.Failed != 1 ||
		d.ItemCounts.ResultsWritten != 3 || d.MaxConcurrency != 10000 || d.StopDate == nil || d.ExecutionArn != res.ExecutionArn() {
		t.Errorf("DescribeMapRun: %+v", d)
	}
}

// TestWriterConfigOnly checks the state's output under a WriterConfig with
// no export: the Transformation shapes the results.
func TestWriterConfigOnly(t *testing.T) {
	items := []any{[]any{int64(1), int64(2)}, "x"}
	tests := []struct {
		transformation string
		want           string
	}{
		{"COMPACT", `[[1,2],"x"]`},
		{"FLATTEN", `[1,2,"x"]`},
	}
	for _, tt := range tests {
		m := distMachine(sliceOpener(items...), DistributedMapConfig{Writer: &ResultWriterConfig{Transformation: tt.transformation}}, failingProgram())
		res := m.Start(context.Background(), nil, Options{})
		if got := ToJSON(res.Output); got != tt.want {
			t.Errorf("%s: output %s, want %s", tt.transformation, got, tt.want)
		}
	}
	m := distMachine(sliceOpener("y"), DistributedMapConfig{Writer: &ResultWriterConfig{Transformation: "NONE"}}, failingProgram())
	res := m.Start(context.Background(), nil, Options{})
	if out, _ := res.Output.([]any); len(out) != 1 || !strings.Contains(ToJSON(out[0]), `"Output":"\"y\""`) {
		t.Errorf("NONE: output %s", ToJSON(res.Output))
	}
}

// TestDistributedMapEvents checks the parent's history: the Map Run's
// events, no iteration events, and MapRunFailed carrying an ItemReader's
// failure as AWS records it.
func TestDistributedMapEvents(t *testing.T) {
	types := func(res *Result) []string {
		var ts []string
		for _, e := range res.History {
			ts = append(ts, e.Type)
		}
		return ts
	}
	m := distMachine(sliceOpener(int64(1), int64(2)), DistributedMapConfig{}, failingProgram())
	res := m.Start(context.Background(), nil, Options{History: true})
	want := []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if diff := cmp.Diff(want, types(res)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	broken := func(context.Context) (ItemIterator, error) {
		return NewJSONItems(strings.NewReader(`{"not":"an array"}`)), nil
	}
	m = distMachine(broken, DistributedMapConfig{}, failingProgram())
	res = m.Start(context.Background(), nil, Options{History: true})
	want = []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"}
	if diff := cmp.Diff(want, types(res)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if res.Error != ErrItemReaderFailed || res.Cause != "Attempting to map over non-iterable node." {
		t.Errorf("failure %s: %s", res.Error, res.Cause)
	}
	if d := ToJSON(res.History[4].Details); d != `{"error":"States.ItemReaderFailed","cause":"Attempting to map over non-iterable node."}` {
		t.Errorf("MapRunFailed details %s", d)
	}
}

// TestDistributedMapFailures checks failure tolerance: an untolerated
// child failure fails the Map with its error; failures over the
// percentage fail it with States.ExceedToleratedFailureThreshold.
func TestDistributedMapFailures(t *testing.T) {
	items := []any{"ok", "bad", "ok", "ok"}
	tests := []struct {
		cfg       DistributedMapConfig
		wantError string
		wantOut   string
	}{
		// AWS: "The default percentage value is zero, which means that the
		// workflow fails if any one of its child workflow executions fails",
		// with States.ExceedToleratedFailureThreshold.
		{DistributedMapConfig{}, ErrExceedToleratedFailure, ""},
		{DistributedMapConfig{ToleratedFailurePercentage: 25}, "", `["ok",{"Error":"Bad","Cause":"bad item bad"},"ok","ok"]`},
		{DistributedMapConfig{ToleratedFailurePercentage: 24.9}, ErrExceedToleratedFailure, ""},
		{DistributedMapConfig{ToleratedFailureCount: 1, MaxConcurrency: 1}, "", `["ok",{"Error":"Bad","Cause":"bad item bad"},"ok","ok"]`},
		// Both set: exceeding either fails.
		{DistributedMapConfig{ToleratedFailureCount: 1, ToleratedFailurePercentage: 10}, ErrExceedToleratedFailure, ""},
		{DistributedMapConfig{ToleratedFailureCount: 5, ToleratedFailurePercentage: 10}, ErrExceedToleratedFailure, ""},
		{DistributedMapConfig{ToleratedFailureCount: 1, ToleratedFailurePercentage: 50}, "", `["ok",{"Error":"Bad","Cause":"bad item bad"},"ok","ok"]`},
	}
	for _, tt := range tests {
		res := distMachine(sliceOpener(items...), tt.cfg, failingProgram()).Start(context.Background(), nil, Options{})
		if res.Error != tt.wantError || tt.wantOut != "" && ToJSON(res.Output) != tt.wantOut {
			t.Errorf("%+v: %s %s: %s, output %s", tt.cfg, res.Status, res.Error, res.Cause, ToJSON(res.Output))
		}
	}
}

// TestDistributedMapStreams runs 100,000 items from a reader with the
// default MaxConcurrency (10,000): workers start only as items wait, so a
// quick processor runs on a few goroutines, and results keep item order.
func TestDistributedMapStreams(t *testing.T) {
	const n = 100000
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(itoa(i))
		b.WriteByte('\n')
	}
	open := func(context.Context) (ItemIterator, error) { return NewJSONLItems(strings.NewReader(b.String())), nil }
	before := runtime.NumGoroutine()
	var peak atomic.Int64
	res := distMachine(open, DistributedMapConfig{}, echoProgram(&peak)).Start(context.Background(), nil, Options{PayloadLimit: -1})
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}
	out := res.Output.([]any)
	if len(out) != n || out[n-1] != int64(n-1) || out[12345] != int64(12345) {
		t.Fatalf("wrong results: %d items", len(out))
	}
	if p := peak.Load(); p > int64(before+1000) {
		t.Errorf("peak goroutines %d with %d before: workers are not started on demand", p, before)
	}
}

// TestBatcherStreams checks ItemBatcher over a stream: batches by count
// and by bytes, with BatchInput.
func TestBatcherStreams(t *testing.T) {
	items := []any{"aaaa", "bbbb", "cccc", "dddd", "eeee"}
	tests := []struct {
		cfg  BatcherConfig
		want string
	}{
		{BatcherConfig{MaxItems: 2, BatchInput: "in"}, `[{"BatchInput":"in","Items":["aaaa","bbbb"]},{"BatchInput":"in","Items":["cccc","dddd"]},{"BatchInput":"in","Items":["eeee"]}]`},
		{BatcherConfig{MaxBytes: 15}, `[{"Items":["aaaa","bbbb"]},{"Items":["cccc","dddd"]},{"Items":["eeee"]}]`},
		{BatcherConfig{}, `[{"Items":["aaaa","bbbb","cccc","dddd","eeee"]}]`},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		res := distMachine(sliceOpener(items...), DistributedMapConfig{Batcher: &cfg}, failingProgram()).Start(context.Background(), nil, Options{})
		if got := ToJSON(res.Output); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.cfg, got, tt.want)
		}
	}
}

// TestResultWriterWithoutStore: exporting with no object store fails the
// Map with States.ResultWriterFailed, naming the fix.
func TestResultWriterWithoutStore(t *testing.T) {
	m := distMachine(sliceOpener("a"), DistributedMapConfig{Writer: &ResultWriterConfig{Export: true, Args: ObjectOf(Member{"Bucket", "b"})}}, failingProgram())
	res := m.Start(context.Background(), nil, Options{})
	if res.Error != ErrResultWriterFailed || res.Cause != ErrNoObjectStore {
		t.Errorf("%s: %s", res.Error, res.Cause)
	}
}

// TestResultFilesSplit checks that results past MaxResultFileBytes go to
// SUCCEEDED_1.json and on, all listed in manifest.json in order.
func TestResultFilesSplit(t *testing.T) {
	defer func(n int) { MaxResultFileBytes = n }(MaxResultFileBytes)
	MaxResultFileBytes = 10
	store := &MemStore{}
	items := make([]any, 20)
	for i := range items {
		items[i] = int64(i)
	}
	m := distMachine(sliceOpener(items...), DistributedMapConfig{MaxConcurrency: 3,
		Writer: &ResultWriterConfig{Export: true, Args: ObjectOf(Member{"Bucket", "r"}), Transformation: "COMPACT", OutputType: "JSONL"}},
		failingProgram())
	res := m.Start(context.Background(), nil, Options{Objects: store})
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}
	details, _ := res.Output.(*Object).Get("ResultWriterDetails")
	key, _ := details.(*Object).Get("Key")
	data, _ := store.Object("r", key.(string))
	files, _ := MustParseJSON(string(data)).(*Object).Get("ResultFiles")
	succeeded, _ := files.(*Object).Get("SUCCEEDED")
	var got []string
	dir := strings.TrimSuffix(key.(string), "manifest.json")
	for i, f := range succeeded.([]any) {
		k, _ := f.(*Object).Get("Key")
		if want := dir + "SUCCEEDED_" + itoa(i) + ".json"; k != want {
			t.Errorf("file %d is %v, want %s", i, k, want)
		}
		body, _ := store.Object("r", k.(string))
		got = append(got, strings.Fields(string(body))...)
	}
	if len(succeeded.([]any)) < 2 || strings.Join(got, ",") != "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19" {
		t.Errorf("%d files holding %v", len(succeeded.([]any)), got)
	}
}

// TestDistributedMapOutcomes checks what ends a Map Run besides its
// children: the reader failing midway fails it with the reader's error,
// not with the children it cut short; the execution timing out aborts it
// and the execution times out.
func TestDistributedMapOutcomes(t *testing.T) {
	blocking := &Program{
		States: []StateInfo{{Name: "Block", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if n, _ := in.(int64); n == 1 {
				return End, in, nil
			}
			<-ctx.Done()
			return End, nil, contextError(ctx)
		},
	}
	brokenAfter := func(context.Context) (ItemIterator, error) {
		return NewJSONItems(strings.NewReader(`[1, 2, 3, tru]`)), nil
	}
	res := distMachine(brokenAfter, DistributedMapConfig{}, blocking).Start(context.Background(), nil, Options{})
	if res.Error != ErrItemReaderFailed || !strings.HasPrefix(res.Cause, "Item 3 of the JSON array is not valid JSON") {
		t.Errorf("reader failing midway: %s %s: %s", res.Status, res.Error, res.Cause)
	}

	m := distMachine(sliceOpener(int64(1), int64(2), int64(3)), DistributedMapConfig{}, blocking)
	m.TimeoutSeconds = 1
	var runs []*MapRun
	res = m.Start(context.Background(), nil, Options{OnMapRun: func(r *MapRun) { runs = append(runs, r) }})
	if res.Status != StatusTimedOut || len(runs) != 1 {
		t.Fatalf("timeout: %s %s: %s (%d Map Runs seen)", res.Status, res.Error, res.Cause, len(runs))
	}
	if d := runs[0].Describe(); d.Status != MapRunAborted || d.ItemCounts.Succeeded != 1 {
		t.Errorf("timed-out Map Run: %+v", d)
	}
}

// TestDistributedMapConcurrency checks that children that block get
// workers up to MaxConcurrency (all 300 wait for each other), and never
// more.
func TestDistributedMapConcurrency(t *testing.T) {
	const n = 300
	var arrived, running, peak atomic.Int64
	all := make(chan struct{})
	barrier := &Program{
		States: []StateInfo{{Name: "Wait", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			raise(&peak, running.Add(1))
			defer running.Add(-1)
			if arrived.Add(1) == n {
				close(all)
			}
			select {
			case <-all:
				return End, in, nil
			case <-time.After(10 * time.Second):
				return End, nil, NewError("Stuck", "not every child got a worker")
			}
		},
	}
	items := make([]any, n)
	res := distMachine(sliceOpener(items...), DistributedMapConfig{}, barrier).Start(context.Background(), nil, Options{})
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}

	peak.Store(0)
	slow := &Program{
		States: []StateInfo{{Name: "Sleep", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			raise(&peak, running.Add(1))
			time.Sleep(time.Millisecond)
			running.Add(-1)
			return End, in, nil
		},
	}
	res = distMachine(sliceOpener(items...), DistributedMapConfig{MaxConcurrency: 5}, slow).Start(context.Background(), nil, Options{})
	if res.Status != StatusSucceeded || peak.Load() > 5 {
		t.Errorf("MaxConcurrency 5: %s, peak %d running", res.Status, peak.Load())
	}
}

// raise sets max to v if v is larger.
func raise(max *atomic.Int64, v int64) {
	for m := max.Load(); v > m && !max.CompareAndSwap(m, v); m = max.Load() {
	}
}

// panickyItems panics on its second item.
type panickyItems struct{ n int }

func (p *panickyItems) Next(context.Context) (any, bool, error) {
	if p.n++; p.n == 2 {
		panic("reader bug")
	}
	return int64(p.n), true, nil
}
func (p *panickyItems) Close() error { return nil }

// A panic on a Map Run's goroutines (an item reader's, an ItemSelector's)
// fails the execution with States.Runtime instead of ending the process.
func TestDistributedMapPanics(t *testing.T) {
	open := func(context.Context) (ItemIterator, error) { return &panickyItems{}, nil }
	res := distMachine(open, DistributedMapConfig{}, failingProgram()).Start(context.Background(), nil, Options{})
	if res.Error != ErrRuntime || !strings.Contains(res.Cause, "The state panicked: reader bug") {
		t.Errorf("reader panic: %s %s: %s", res.Status, res.Error, res.Cause)
	}
	m := &Machine{Name: "sm", Program: &Program{
		States: []StateInfo{{Name: "Map", Kind: "Map"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			sel := func(*Frame, any, int) (any, error) { panic("selector bug") }
			out, err := f.DistributedMap(ctx, sliceOpener(int64(1), int64(2)), DistributedMapConfig{}, sel, failingProgram())
			return End, out, err
		},
	}}
	res = m.Start(context.Background(), nil, Options{})
	if res.Error != ErrRuntime || !strings.Contains(res.Cause, "The state panicked: selector bug") {
		t.Errorf("selector panic: %s %s: %s", res.Status, res.Error, res.Cause)
	}
}
