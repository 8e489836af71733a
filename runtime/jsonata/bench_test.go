package jsonata

import (
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

var benchVars = MapVars{
	"states": sfnrt.MustParseJSON(`{"input":{"order":{"id":"o-1","total":12.5,"qty":3,"lines":[{"sku":"a","qty":2},{"sku":"b","qty":1}]}},"context":{"Execution":{"Id":"e-1"}}}`),
}

func benchEval(b *testing.B, src string) {
	e := MustParse(src)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := e.Eval(nil, benchVars); err != nil || !ok {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathLookup(b *testing.B) { benchEval(b, "$states.input.order.id") }

func BenchmarkArithmetic(b *testing.B) {
	benchEval(b, "$states.input.order.total * 1.2 + $states.input.order.qty - 3")
}

func BenchmarkFilterAndSum(b *testing.B) {
	benchEval(b, "$sum($states.input.order.lines[qty > 0].qty)")
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("$states.input.order.lines[qty > 1].{'sku': sku, 'n': qty * 2}"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepEqual is JSONata's = on two equal objects that are not
// the same object: the deep-equality walk, member by member.
func BenchmarkDeepEqual(b *testing.B) {
	const order = `{"id":"o-1","total":12.5,"qty":3,"lines":[{"sku":"a","qty":2},{"sku":"b","qty":1}]}`
	vars := MapVars{"a": sfnrt.MustParseJSON(order), "b": sfnrt.MustParseJSON(order)}
	e := MustParse("$a = $b")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, ok, err := e.Eval(nil, vars); err != nil || !ok || v != true {
			b.Fatal(v, err)
		}
	}
}
