package bench_test

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sfn-compile/sfn-compile/bench/internal/machines/mapc10"
	"github.com/sfn-compile/sfn-compile/bench/internal/machines/mapm"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// mapItems is the number of items in the map benchmarks (the kit's map
// input has 10,000; 1,000 keep the output under AWS's 256 KiB limit).
const mapItems = 1000

// mapInput is the kit's map input shape: {"items":[{"id","price","qty"}…]}.
func mapInput() ([]byte, []mapItem) {
	var b strings.Builder
	items := make([]mapItem, mapItems)
	b.WriteString(`{"items":[`)
	for i := range items {
		items[i] = mapItem{ID: int64(i), Price: int64(i % 97), Qty: int64(i % 7)}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + strconv.Itoa(i) + `,"price":` + strconv.Itoa(i%97) + `,"qty":` + strconv.Itoa(i%7) + `}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String()), items
}

// BenchmarkMapIteration is one Map iteration: ItemSelector from
// $$.Map.Item.Value, then an INLINE processor of three states (Pass with
// States.MathAdd, Choice, Pass with ResultPath), over 1,000 items with
// MaxConcurrency 0 (c=0) and 10 (c=10), beside the hand-written peer's
// goroutines (one per item for c=0, ten workers for c=10).
func BenchmarkMapIteration(b *testing.B) {
	raw, items := mapInput()
	in := sfnrt.MustParseJSON(string(raw))
	for _, c := range []struct {
		name string
		m    *sfnrt.Machine
		conc int
	}{{"c=0", mapm.New(nil), 0}, {"c=10", mapc10.New(nil), 10}} {
		b.Run(c.name+"/impl=sfn", func(b *testing.B) {
			measure(b, "item", mapItems, func() { sink = start(b, c.m, in) })
		})
		b.Run(c.name+"/impl=go", func(b *testing.B) {
			measure(b, "item", mapItems, func() { sink = runMap(items, c.conc) })
		})
	}
}

func TestMapEquivalence(t *testing.T) {
	raw, items := mapInput()
	in := sfnrt.MustParseJSON(string(raw))
	for _, m := range []*sfnrt.Machine{mapm.New(nil), mapc10.New(nil)} {
		sameJSON(t, start(t, m, in), map[string]any{"items": runMap(items, 10)})
	}
}

// The hand-written peer's map (peers/handwritten/mapstate.go).
type mapItem struct {
	ID    int64 `json:"id"`
	Price int64 `json:"price"`
	Qty   int64 `json:"qty"`
}

type pricedItem struct {
	ID    int64  `json:"id"`
	Total int64  `json:"total"`
	Tier  string `json:"tier"`
}

func priceItem(it mapItem) pricedItem {
	p := pricedItem{ID: it.ID, Total: it.Price + it.Qty} // ComputeTotal
	if p.Total > 50 {                                    // ClassifyTier
		p.Tier = "high" // HighTier
	} else {
		p.Tier = "low" // LowTier
	}
	return p
}

func runMap(items []mapItem, maxConcurrency int) []pricedItem {
	out := make([]pricedItem, len(items))
	var wg sync.WaitGroup
	if maxConcurrency <= 0 { // unlimited: one goroutine per item
		wg.Add(len(items))
		for i := range items {
			go func(i int) {
				defer wg.Done()
				out[i] = priceItem(items[i])
			}(i)
		}
	} else { // at most maxConcurrency iterations in flight
		var next atomic.Int64
		wg.Add(maxConcurrency)
		for w := 0; w < maxConcurrency; w++ {
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(items) {
						return
					}
					out[i] = priceItem(items[i])
				}
			}()
		}
	}
	wg.Wait()
	return out
}
