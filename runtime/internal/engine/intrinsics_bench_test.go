package engine_test

import (
	"encoding/json"
	"strconv"
	"testing"

	sfnrt "github.com/sfn-compile/sfn-compile/runtime/internal/engine"
)

// Intrinsic function calls as generated code makes them (variadic any
// arguments, an any result) beside the same operation in Go.

func BenchmarkIntrinsicMathAdd(b *testing.B) {
	x := any(int64(5000))
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.StatesMathAdd(nil, x, int64(1))
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		n := int64(5000)
		var s int64
		for i := 0; i < b.N; i++ {
			s = n + 1
		}
		sink = s
	})
}

func BenchmarkIntrinsicFormat(b *testing.B) {
	id, n := any("ORD-1001"), any(int64(42))
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.StatesFormat(nil, "{}-{}", id, n)
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		s, k := "ORD-1001", int64(42)
		for i := 0; i < b.N; i++ {
			sink = s + "-" + strconv.FormatInt(k, 10)
		}
	})
}

func BenchmarkIntrinsicStringToJson(b *testing.B) {
	s := any(`{"a":1,"b":[true,"x"]}`)
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.StatesStringToJson(nil, s)
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		raw := []byte(s.(string))
		for i := 0; i < b.N; i++ {
			var v struct {
				A int64 `json:"a"`
				B []any `json:"b"`
			}
			_ = json.Unmarshal(raw, &v)
			sink = &v
		}
	})
}

func BenchmarkIntrinsicArrayGetItem(b *testing.B) {
	arr := any([]any{int64(1), int64(2), int64(3), int64(4)})
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.StatesArrayGetItem(nil, arr, int64(2))
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		a := []int64{1, 2, 3, 4}
		var x int64
		for i := 0; i < b.N; i++ {
			x = a[2]
		}
		sink = x
	})
}
