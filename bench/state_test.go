package bench_test

import (
	"strconv"
	"testing"

	"github.com/sfn-compile/sfn-compile/bench/internal/machines/hot"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The state benchmarks run one state of testdata/hot.asl.json on its own
// (Program.Step: the generated state function, without the execution loop
// around it) beside the same work written by hand:
//
//	impl=sfn  the generated state
//	impl=obj  hand-written Go over the runtime values (the floor of the
//	          value model: one allocation per object built)
//	impl=go   hand-written typed Go, as the bench kit's peer is written

// hotInput is the input every hot state runs on.
const hotInput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}},
  "payment":{"status":"APPROVED","transactionId":"TX-ORD-1001","amount":42.5},
  "i":5,"n":10}`

type hotAddress struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip"`
}
type hotCustomer struct {
	Email   string     `json:"email"`
	Address hotAddress `json:"address"`
}
type hotLine struct {
	Sku string `json:"sku"`
	Qty int64  `json:"qty"`
}
type hotPayment struct {
	Status        string  `json:"status"`
	TransactionID string  `json:"transactionId"`
	Amount        float64 `json:"amount"`
}
type hotParams struct {
	OrderID string  `json:"orderId"`
	Amount  float64 `json:"amount"`
	Email   string  `json:"email"`
	Source  string  `json:"source"`
}
type hotSum struct {
	I int64 `json:"i"`
	N int64 `json:"n"`
}
type hotFormatted struct {
	S string `json:"s"`
}

// hotDoc is hotInput as a typed Go value, with room for each state's result.
type hotDoc struct {
	OrderID   string        `json:"orderId"`
	Amount    float64       `json:"amount"`
	Currency  string        `json:"currency"`
	Items     []hotLine     `json:"items"`
	Customer  hotCustomer   `json:"customer"`
	Payment   hotPayment    `json:"payment"`
	I         int64         `json:"i"`
	N         int64         `json:"n"`
	Params    *hotParams    `json:"params,omitempty"`
	City      string        `json:"city,omitempty"`
	Sum       *hotSum       `json:"sum,omitempty"`
	Formatted *hotFormatted `json:"formatted,omitempty"`
	Tier      string        `json:"tier,omitempty"`
}

func hotDocument() hotDoc {
	return hotDoc{OrderID: "ORD-1001", Amount: 42.5, Currency: "EUR",
		Items:    []hotLine{{"BOOK-1", 2}, {"PEN-7", 10}},
		Customer: hotCustomer{Email: "ada@example.com", Address: hotAddress{"1 Main St", "Springfield", "12345"}},
		Payment:  hotPayment{Status: "APPROVED", TransactionID: "TX-ORD-1001", Amount: 42.5},
		I:        5, N: 10}
}

// hotStep returns a function that runs the generated state name on in.
func hotStep(tb testing.TB, name string) func(in any) (int, any) {
	m := hot.New(nil)
	p := m.Program
	idx := -1
	for i, s := range p.States {
		if s.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		tb.Fatalf("no state %q", name)
	}
	in := sfnrt.MustParseJSON(hotInput)
	f := &sfnimpl.Frame{X: m.NewExecution(in, sfnrt.Options{}), State: name}
	return func(in any) (int, any) {
		next, out, err := p.Step(ctx, f, idx, in)
		if err != nil {
			tb.Fatal(err)
		}
		return next, out
	}
}

// withField is ResultPath $.key written by hand: a copy of the object in
// with key set to v.
func withField(in any, key string, v any) any {
	o := in.(*sfnrt.Object).Clone()
	o.Set(key, v)
	return o
}

// A hotCase is one hot state and its hand-written equivalents.
type hotCase struct {
	state string
	obj   func(in any) any
	goFn  func(d *hotDoc) any
}

var hotCases = map[string]hotCase{
	// Parameters template: three paths and a constant, ResultPath $.params.
	"Params": {"Params",
		func(in any) any {
			id, _ := sfnrt.Field(in, "orderId")
			amount, _ := sfnrt.Field(in, "amount")
			c, _ := sfnrt.Field(in, "customer")
			email, _ := sfnrt.Field(c, "email")
			return withField(in, "params", sfnrt.ObjectOf(
				sfnrt.Member{Key: "orderId", Value: id}, sfnrt.Member{Key: "amount", Value: amount},
				sfnrt.Member{Key: "email", Value: email}, sfnrt.Member{Key: "source", Value: "bench"}))
		},
		func(d *hotDoc) any {
			o := *d
			o.Params = &hotParams{OrderID: d.OrderID, Amount: d.Amount, Email: d.Customer.Email, Source: "bench"}
			return &o
		}},
	// Path lookup: InputPath $.customer.address.city, ResultPath $.city.
	"Path": {"Path",
		func(in any) any {
			c, _ := sfnrt.Field(in, "customer")
			a, _ := sfnrt.Field(c, "address")
			city, _ := sfnrt.Field(a, "city")
			return withField(in, "city", city)
		},
		func(d *hotDoc) any {
			o := *d
			o.City = d.Customer.Address.City
			return &o
		}},
	// Choice rule: $.payment.status StringEquals "APPROVED".
	"ChoiceString": {"ChoiceString",
		func(in any) any {
			p, _ := sfnrt.Field(in, "payment")
			s, _ := sfnrt.Field(p, "status")
			if c, ok := sfnimpl.StringCompare(s, "APPROVED"); ok && c == 0 {
				return in
			}
			return nil
		},
		func(d *hotDoc) any {
			if d.Payment.Status == "APPROVED" {
				return d
			}
			return nil
		}},
	// Choice rule: $.i NumericLessThanPath $.n.
	"ChoiceNumericPath": {"ChoiceNumericPath",
		func(in any) any {
			i, _ := sfnrt.Field(in, "i")
			n, _ := sfnrt.Field(in, "n")
			if c, ok := sfnimpl.NumericCompare(i, n); ok && c < 0 {
				return in
			}
			return nil
		},
		func(d *hotDoc) any {
			if d.I < d.N {
				return d
			}
			return nil
		}},
	// Intrinsic: {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"}, ResultPath $.sum.
	"MathAdd": {"MathAdd",
		func(in any) any {
			i, _ := sfnrt.Field(in, "i")
			n, _ := sfnrt.Field(in, "n")
			sum, _ := sfnimpl.StatesMathAdd(nil, i, int64(1))
			return withField(in, "sum", sfnrt.ObjectOf(sfnrt.Member{Key: "i", Value: sum}, sfnrt.Member{Key: "n", Value: n}))
		},
		func(d *hotDoc) any {
			o := *d
			o.Sum = &hotSum{I: d.I + 1, N: d.N}
			return &o
		}},
	// Intrinsic: States.Format('{}-{}', $.orderId, $.i), ResultPath $.formatted.
	"Format": {"Format",
		func(in any) any {
			id, _ := sfnrt.Field(in, "orderId")
			i, _ := sfnrt.Field(in, "i")
			s, _ := sfnimpl.StatesFormat(nil, "{}-{}", id, i)
			return withField(in, "formatted", sfnrt.ObjectOf(sfnrt.Member{Key: "s", Value: s}))
		},
		func(d *hotDoc) any {
			o := *d
			o.Formatted = &hotFormatted{S: d.OrderID + "-" + strconv.FormatInt(d.I, 10)}
			return &o
		}},
	// ResultPath alone: Result "high", ResultPath $.tier.
	"ResultPath": {"ResultPathOnly",
		func(in any) any { return withField(in, "tier", "high") },
		func(d *hotDoc) any {
			o := *d
			o.Tier = "high"
			return &o
		}},
}

func benchHot(b *testing.B, name string) {
	c := hotCases[name]
	in := sfnrt.MustParseJSON(hotInput)
	doc := hotDocument()
	b.Run("impl=sfn", func(b *testing.B) {
		step := hotStep(b, c.state)
		measure(b, "", 0, func() { _, sink = step(in) })
	})
	b.Run("impl=obj", func(b *testing.B) {
		measure(b, "", 0, func() { sink = c.obj(in) })
	})
	b.Run("impl=go", func(b *testing.B) {
		measure(b, "", 0, func() { sink = c.goFn(&doc) })
	})
}

// BenchmarkParameters is a Parameters template of three paths and a
// constant, with ResultPath.
func BenchmarkParameters(b *testing.B) { benchHot(b, "Params") }

// BenchmarkPathLookup is a three-step path (InputPath) with ResultPath.
func BenchmarkPathLookup(b *testing.B) { benchHot(b, "Path") }

// BenchmarkChoiceString is a Choice state with one StringEquals rule.
func BenchmarkChoiceString(b *testing.B) { benchHot(b, "ChoiceString") }

// BenchmarkChoiceNumericPath is a Choice state with one NumericLessThanPath rule.
func BenchmarkChoiceNumericPath(b *testing.B) { benchHot(b, "ChoiceNumericPath") }

// BenchmarkIntrinsicMathAdd is a Pass state calling States.MathAdd.
func BenchmarkIntrinsicMathAdd(b *testing.B) { benchHot(b, "MathAdd") }

// BenchmarkIntrinsicFormat is a Pass state calling States.Format.
func BenchmarkIntrinsicFormat(b *testing.B) { benchHot(b, "Format") }

// BenchmarkResultPath is a Pass state whose Result goes to ResultPath.
func BenchmarkResultPath(b *testing.B) { benchHot(b, "ResultPath") }

// TestHotEquivalence checks that each state and its hand-written
// equivalents compute the same output.
func TestHotEquivalence(t *testing.T) {
	in := sfnrt.MustParseJSON(hotInput)
	for name, c := range hotCases {
		_, got := hotStep(t, c.state)(in)
		doc := hotDocument()
		sameJSON(t, got, c.goFn(&doc))
		if obj := c.obj(in); !sfnrt.Equal(got, obj) {
			t.Errorf("%s: generated %s, obj %s", name, sfnrt.ToJSON(got), sfnrt.ToJSON(obj))
		}
	}
}
