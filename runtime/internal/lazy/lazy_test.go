package lazy

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestValueBuildsOnce: concurrent first Gets build the value once, and
// every Get returns it.
func TestValueBuildsOnce(t *testing.T) {
	var v Value[*int]
	var builds atomic.Int32
	build := func() *int {
		builds.Add(1)
		n := 42
		return &n
	}
	var wg sync.WaitGroup
	got := make([]*int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = v.Get(build)
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times, want once", n)
	}
	for i, p := range got {
		if p != got[0] || *p != 42 {
			t.Errorf("Get %d returned %v, want the one value built", i, p)
		}
	}
	if v.Get(func() *int { t.Fatal("built again"); return nil }) != got[0] {
		t.Error("a later Get returned another value")
	}
}
