package engine

import "testing"

// BenchmarkEqual is Equal on two equal objects that are not the same
// object (a JSONPath filter's ==, an application's comparison), and on
// two integers.
func BenchmarkEqual(b *testing.B) {
	const order = `{"id":"o-1","total":12.5,"qty":3,"lines":[{"sku":"a","qty":2},{"sku":"b","qty":1}]}`
	x, y := MustParseJSON(order), MustParseJSON(order)
	b.Run("object", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !Equal(x, y) {
				b.Fatal("not equal")
			}
		}
	})
	p, q := any(int64(5)), any(int64(5))
	b.Run("integer", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !Equal(p, q) {
				b.Fatal("not equal")
			}
		}
	})
}
