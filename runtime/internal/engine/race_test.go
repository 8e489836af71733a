package engine

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Stress tests of the engine's unsafe code and lock-free sharing, for
// the race detector (make race): values are shared by every Parallel
// branch and Map iteration that reads a state's input, so whatever a
// reader caches or claims in them must hold under concurrent readers.
// Each test also checks its results without -race.

// stressGoroutines is how many goroutines each round races: more than
// the cores, so that they interleave and are preempted mid-operation.
func stressGoroutines() int { return 4 * runtime.GOMAXPROCS(0) }

// start returns a barrier that releases every goroutine at once, so that
// they contend rather than run one after another.
func start(n int) (ready *sync.WaitGroup, gate chan struct{}) {
	ready = &sync.WaitGroup{}
	ready.Add(n)
	return ready, make(chan struct{})
}

// ResultPath's room claims (Object.extend through takeRoom): of the
// goroutines that extend one object at once, exactly one shares its
// member array, while others make the object's ext (a size bound, an
// index) at the same moment; nobody sees another's member, and the shared
// object never changes.
func TestConcurrentRoomClaims(t *testing.T) {
	n := stressGoroutines()
	for round := range 200 {
		in := NewObject(4)
		in.Append("id", int64(round))
		in.Append("name", "in")
		var claimed atomic.Int32
		outs := make([]*Object, n)
		ready, gate := start(n)
		var done sync.WaitGroup
		for i := range n {
			done.Add(1)
			go func() {
				defer done.Done()
				ready.Done()
				<-gate
				if i%3 == 2 {
					// A reader that caches in the ext while others claim.
					if b := sizeBound(in, 1<<20); b < len(`{"id":0,"name":"in"}`) {
						t.Errorf("size bound %d is below the object's size", b)
					}
					in.extension()
					return
				}
				key := fmt.Sprint("r", i)
				if o := in.extend(key, int64(i)); o != nil {
					claimed.Add(1)
					outs[i] = o
				} else {
					o, _ := SetPath(in, int64(i), key)
					outs[i] = o.(*Object)
				}
				// Extend further what was made, as the next state does.
				more, _ := SetPath(outs[i], "more", "next")
				outs[i] = more.(*Object)
			}()
		}
		ready.Wait()
		close(gate)
		done.Wait()
		if c := claimed.Load(); c != 1 {
			t.Fatalf("round %d: %d goroutines took the room, want exactly 1", round, c)
		}
		if got, want := ToJSON(in), fmt.Sprintf(`{"id":%d,"name":"in"}`, round); got != want {
			t.Fatalf("round %d: the shared input became %s", round, got)
		}
		for i, o := range outs {
			if o == nil {
				continue
			}
			if got, want := ToJSON(o), fmt.Sprintf(`{"id":%d,"name":"in","r%d":%d,"next":"more"}`, round, i, i); got != want {
				t.Fatalf("round %d, goroutine %d: %s, want %s", round, i, got, want)
			}
		}
		if !in.extension().roomTaken.Load() {
			t.Fatalf("round %d: the claim was lost when the ext was made", round)
		}
	}
}

// Values built through the unsafe rooms (NewObjectStrings's one
// allocation, StringAt's strings boxed in place, ValidUTF8's word
// reads) read concurrently by every reader a shared input has: JSON,
// equality, field lookups with a shared hint, size bounds.
func TestConcurrentReadersOfRoomValues(t *testing.T) {
	n := stressGoroutines()
	for round := range 100 {
		o, strs := NewObjectStrings[[4]Member, [3]string]()
		strs[0] = fmt.Sprint("order-", round)
		strs[1] = "ünïcode ∑ value, long enough for word reads"
		strs[2] = "ascii only, also longer than eight bytes"
		for i, key := range []string{"id", "text", "note"} {
			if !ValidUTF8(strs[i]) {
				t.Fatalf("ValidUTF8(%q) = false", strs[i])
			}
			o.Append(key, StringAt(&strs[i]))
		}
		o.Append("n", int64(round))
		want := ToJSON(o)
		copyOf := MustParseJSON(want)
		var hint FieldHint
		ready, gate := start(n)
		var done sync.WaitGroup
		for i := range n {
			done.Add(1)
			go func() {
				defer done.Done()
				ready.Done()
				<-gate
				switch i % 4 {
				case 0:
					if got := ToJSON(o); got != want {
						t.Errorf("ToJSON = %s, want %s", got, want)
					}
				case 1:
					if !Equal(o, copyOf) {
						t.Errorf("Equal(%s, its parsed copy) = false", want)
					}
				case 2:
					if v, ok := FieldAt(o, "text", &hint); !ok || v != strs[1] {
						t.Errorf("FieldAt(text) = %v, %v", v, ok)
					}
				case 3:
					if b := sizeBound(o, 1<<20); b < len(want) {
						t.Errorf("size bound %d < %d", b, len(want))
					}
				}
			}()
		}
		ready.Wait()
		close(gate)
		done.Wait()
	}
}
