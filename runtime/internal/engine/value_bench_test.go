package engine_test

import (
	"encoding/json"
	"testing"

	sfnrt "github.com/sfn-compile/sfn-compile/runtime/internal/engine"
)

// Benchmarks of the value model on the paths generated code takes, each
// beside hand-written Go doing the same work (impl=go: typed structs, as
// the bench kit's hand-written peer; impl=map: map[string]any, the usual
// dynamic representation). Read with benchstat -col /impl.

var sink any

const orderDoc = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`

type benchAddress struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip"`
}
type benchCustomer struct {
	Email   string       `json:"email"`
	Address benchAddress `json:"address"`
}
type benchLine struct {
	Sku string `json:"sku"`
	Qty int64  `json:"qty"`
}
type benchOrder struct {
	OrderID  string        `json:"orderId"`
	Amount   float64       `json:"amount"`
	Currency string        `json:"currency"`
	Items    []benchLine   `json:"items"`
	Customer benchCustomer `json:"customer"`
	Tier     string        `json:"tier,omitempty"`
}

func orderValues(b *testing.B) (any, map[string]any, *benchOrder) {
	v := sfnrt.MustParseJSON(orderDoc)
	var m map[string]any
	var o benchOrder
	if json.Unmarshal([]byte(orderDoc), &m) != nil || json.Unmarshal([]byte(orderDoc), &o) != nil {
		b.Fatal("bad document")
	}
	return v, m, &o
}

// BenchmarkValuePath is the compiled path $.customer.address.city: a chain
// of sfnrt.FieldAt calls with their hints, as generated code emits it
// (impl=sfn), and of Field calls, which search (impl=search).
func BenchmarkValuePath(b *testing.B) {
	v, m, o := orderValues(b)
	b.Run("impl=sfn", func(b *testing.B) {
		var hints [3]sfnrt.FieldHint
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c, _ := sfnrt.FieldAt(v, "customer", &hints[0])
			a, _ := sfnrt.FieldAt(c, "address", &hints[1])
			sink, _ = sfnrt.FieldAt(a, "city", &hints[2])
		}
	})
	b.Run("impl=search", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c, _ := sfnrt.Field(v, "customer")
			a, _ := sfnrt.Field(c, "address")
			sink, _ = sfnrt.Field(a, "city")
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = m["customer"].(map[string]any)["address"].(map[string]any)["city"]
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		var s string
		for i := 0; i < b.N; i++ {
			s = o.Customer.Address.City
		}
		sink = s
	})
}

// BenchmarkValueTemplate builds a four-member object, as a Parameters
// template does: impl=sfn the way generated code does it today
// (NewObject, then Set per member), impl=objectof with one ObjectOf call.
func BenchmarkValueTemplate(b *testing.B) {
	v, m, o := orderValues(b)
	id, _ := sfnrt.Field(v, "orderId")
	amount, _ := sfnrt.Field(v, "amount")
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			t := sfnrt.NewObject(4)
			t.Set("orderId", id)
			t.Set("amount", amount)
			t.Set("currency", "EUR")
			t.Set("source", "bench")
			sink = t
		}
	})
	b.Run("impl=objectof", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = sfnrt.ObjectOf(sfnrt.Member{Key: "orderId", Value: id}, sfnrt.Member{Key: "amount", Value: amount},
				sfnrt.Member{Key: "currency", Value: "EUR"}, sfnrt.Member{Key: "source", Value: "bench"})
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = map[string]any{"orderId": m["orderId"], "amount": m["amount"], "currency": "EUR", "source": "bench"}
		}
	})
	type params struct {
		OrderID, Currency, Source string
		Amount                    float64
	}
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink = &params{OrderID: o.OrderID, Amount: o.Amount, Currency: "EUR", Source: "bench"}
		}
	})
}

// BenchmarkValueResultPath stores a value at $.tier of a five-member
// object: a copy of the object with one more member (SetPath).
func BenchmarkValueResultPath(b *testing.B) {
	v, m, o := orderValues(b)
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.SetPath(v, "high", "tier")
		}
	})
	b.Run("impl=clone", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c := v.(*sfnrt.Object).Clone()
			c.Set("tier", "high")
			sink = c
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c := make(map[string]any, len(m)+1)
			for k, x := range m {
				c[k] = x
			}
			c["tier"] = "high"
			sink = c
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			c := *o
			c.Tier = "high"
			sink = &c
		}
	})
}

// BenchmarkValueNumericCompare is a Choice rule's NumericLessThan on two
// integers.
func BenchmarkValueNumericCompare(b *testing.B) {
	x, y := any(int64(5)), any(int64(10))
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; i < b.N; i++ {
			if c, ok := sfnrt.NumericCompare(x, y); ok && c < 0 {
				n++
			}
		}
		sink = n
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		n, p, q := 0, int64(5), int64(10)
		for i := 0; i < b.N; i++ {
			if p < q {
				n++
			}
		}
		sink = n
	})
}

// BenchmarkValueStringEquals is a Choice rule's StringEquals.
func BenchmarkValueStringEquals(b *testing.B) {
	x := any("APPROVED")
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; i < b.N; i++ {
			if c, ok := sfnrt.StringCompare(x, "APPROVED"); ok && c == 0 {
				n++
			}
		}
		sink = n
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		n, s := 0, "APPROVED"
		for i := 0; i < b.N; i++ {
			if s == "APPROVED" {
				n++
			}
		}
		sink = n
	})
}

// BenchmarkJSONParse decodes the order document at the process boundary.
func BenchmarkJSONParse(b *testing.B) {
	raw := []byte(orderDoc)
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			sink, _ = sfnrt.ParseJSON(raw)
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			var m any
			_ = json.Unmarshal(raw, &m)
			sink = m
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			var o benchOrder
			_ = json.Unmarshal(raw, &o)
			sink = &o
		}
	})
}

// BenchmarkJSONAppend encodes the order document at the process boundary.
func BenchmarkJSONAppend(b *testing.B) {
	v, m, o := orderValues(b)
	var buf []byte
	b.Run("impl=sfn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf = sfnrt.AppendJSON(buf[:0], v)
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf, _ = json.Marshal(m)
		}
	})
	b.Run("impl=go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf, _ = json.Marshal(o)
		}
	})
	sink = buf
}
