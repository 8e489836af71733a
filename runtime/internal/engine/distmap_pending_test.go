package engine

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stoppingProgram fails "bad…" items once a "slow…" item has started,
// waits on "slow…" items until their execution is stopped (they end
// aborted), closing started, and returns the others.
func stoppingProgram(started chan struct{}) *Program {
	return &Program{
		States: []StateInfo{{Name: "P", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			s, _ := in.(string)
			switch {
			case strings.HasPrefix(s, "bad"):
				<-started
				return End, nil, NewError("Bad", "bad item "+s)
			case strings.HasPrefix(s, "slow"):
				close(started)
				<-ctx.Done()
				return End, nil, ctx.Err()
			}
			return End, in, nil
		},
	}
}

// TestResultWriterPending checks the files of a Map Run that fails (a
// child fails, none tolerated) or is aborted (its execution stops) with
// items it never started: those are in PENDING_n.json as
// {"Input", "InputDetails", "Status": "PENDING"}, the children stopped
// while running in FAILED_n.json with Status ABORTED, and every item is
// in exactly one file, the unread ones included.
func TestResultWriterPending(t *testing.T) {
	const n = 300 // more than the dispatcher reads ahead: some are never read before the run stops
	tests := []struct {
		name  string
		first []any // then "x0"... up to n items
		abort bool  // stop the execution once "slow" runs
		want  string
	}{
		{"failed", []any{"bad", "slow"}, false, StatusFailed},
		{"aborted", []any{"slow"}, true, StatusAborted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := append([]any(nil), tt.first...)
			for i := len(items); i < n; i++ {
				items = append(items, "x"+itoa(i))
			}
			started := make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.abort {
				go func() { <-started; cancel() }()
			}
			store := &MemStore{}
			m := distMachine(sliceOpener(items...), DistributedMapConfig{MaxConcurrency: 2,
				Writer: &ResultWriterConfig{Export: true, Args: ObjectOf(Member{"Bucket", "res"}, Member{"Prefix", "out"})}},
				stoppingProgram(started))
			res := m.Start(ctx, nil, Options{Objects: store})
			if res.Status == StatusSucceeded {
				t.Fatalf("the execution succeeded")
			}
			run := res.MapRuns[0]
			dir := "out/" + run.Arn[strings.LastIndexByte(run.Arn, ':')+1:] + "/"
			data, ok := store.Object("res", dir+"manifest.json")
			if !ok {
				t.Fatal("no manifest.json")
			}
			manifest := MustParseJSON(string(data))
			seen := map[string]string{} // item -> Status
			for _, status := range []string{"SUCCEEDED", "FAILED", "PENDING"} {
				files, _ := Field(manifest, "ResultFiles")
				list, _ := Field(files, status)
				for _, f := range list.([]any) {
					key, _ := Field(f, "Key")
					size, _ := Field(f, "Size")
					body, ok := store.Object("res", key.(string))
					if !ok || int64(len(body)) != size {
						t.Fatalf("%s: listed with size %v, stored: %v, %d bytes", key, size, ok, len(body))
					}
					if want := dir + status + "_0.json"; key != want {
						t.Errorf("file %s, want %s", key, want)
					}
					for _, e := range MustParseJSON(string(body)).([]any) {
						input, _ := e.(*Object).Get("Input")
						st, _ := e.(*Object).Get("Status")
						item := MustParseJSON(input.(string)).(string)
						if prev, dup := seen[item]; dup {
							t.Errorf("item %s in %s and %s", item, prev, st)
						}
						seen[item] = st.(string)
						if status == "PENDING" {
							var keys []string
							for _, mb := range e.(*Object).Members() {
								keys = append(keys, mb.Key)
							}
							if diff := cmp.Diff([]string{"Input", "InputDetails", "Status"}, keys); diff != "" || st != "PENDING" {
								t.Errorf("PENDING entry %s (-want +got members):\n%s", ToJSON(e), diff)
							}
						}
					}
				}
			}
			if len(seen) != n {
				var missing []string
				for _, it := range items {
					if _, ok := seen[it.(string)]; !ok {
						missing = append(missing, it.(string))
					}
				}
				sort.Strings(missing)
				t.Fatalf("%d items in the files, want %d; missing %v", len(seen), n, missing)
			}
			if seen["slow"] != StatusAborted {
				t.Errorf("the child stopped while running is %s, want ABORTED", seen["slow"])
			}
			if !tt.abort && seen["bad"] != StatusFailed {
				t.Errorf("the failed child is %s, want FAILED", seen["bad"])
			}
			if seen["x"+itoa(n-1)] != "PENDING" {
				t.Errorf("the last item is %s, want PENDING: unread items are pending", seen["x"+itoa(n-1)])
			}
			if d := run.Describe(); d.Status != tt.want {
				t.Errorf("Map Run status %s, want %s", d.Status, tt.want)
			}
		})
	}
}

// countingItems counts the items read from it.
type countingItems struct {
	ItemIterator
	read *int
}

func (c countingItems) Next(ctx context.Context) (any, bool, error) {
	*c.read++
	return c.ItemIterator.Next(ctx)
}

// TestFailedRunWithoutExportStopsReading: with no ResultWriter export
// nothing lists the items never started, so a failed Map Run stops
// reading rather than draining its reader.
func TestFailedRunWithoutExportStopsReading(t *testing.T) {
	items := []any{"bad"}
	for i := 0; i < 10000; i++ {
		items = append(items, "x"+itoa(i))
	}
	read := 0
	open := func(context.Context) (ItemIterator, error) { return countingItems{SliceItems(items), &read}, nil }
	res := distMachine(open, DistributedMapConfig{MaxConcurrency: 1}, failingProgram()).Start(context.Background(), nil, Options{})
	if res.Error != ErrExceedToleratedFailure {
		t.Fatalf("%s %s: %s", res.Status, res.Error, res.Cause)
	}
	if read > 1000 {
		t.Errorf("%d of %d items read after the run failed", read, len(items))
	}
}
