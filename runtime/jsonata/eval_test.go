package jsonata

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

const testDoc = `{"a":{"b":[1,2,{"c":3}]},"items":[{"p":1,"n":"x"},{"p":2,"n":"y"},{"p":3,"n":"x"}],"s":"Hello World","f":1.5,"z":0,"nul":null,"t":true}`

type evalCase struct {
	expr  string
	want  string // JSON of the result; "" for undefined
	err   string // error code, if an error is expected
	input string // JSON input; testDoc when empty
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	now := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	vars := MapVars{
		"states": sfnrt.MustParseJSON(`{"input":{"order":{"id":"o-1","total":12.5,"lines":[{"sku":"a","qty":2},{"sku":"b","qty":1}]}},"context":{"Execution":{"Id":"exec-1"}}}`),
		"limit":  int64(10),
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			src := c.input
			if src == "" {
				src = testDoc
			}
			e, err := Parse(c.expr)
			if err != nil {
				var se *SyntaxError
				if c.err != "" && errors.As(err, &se) && se.Code == c.err {
					return
				}
				t.Fatalf("Parse: %v", err)
			}
			v, ok, err := e.EvalAt(now, sfnrt.MustParseJSON(src), vars)
			if c.err != "" {
				var je *Error
				if !errors.As(err, &je) || je.Code != c.err {
					t.Fatalf("got (%s, %v, %v), want error %s", sfnrt.ToJSON(v), ok, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			got := ""
			if ok {
				got = sfnrt.ToJSON(v)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCore(t *testing.T) {
	runEvalCases(t, []evalCase{
		{expr: "a.b", want: `[1,2,{"c":3}]`},
		{expr: "a.b[0]", want: `1`},
		{expr: "a.b[-1].c", want: `3`},
		{expr: "items[p>1].n", want: `["y","x"]`},
		{expr: "items.p", want: `[1,2,3]`},
		{expr: "missing", want: ``},
		{expr: "1+2*3", want: `7`},
		{expr: "f * 2", want: `3`},
		{expr: "f / 2", want: `0.75`},
		{expr: "($x := 5; $x*2)", want: `10`},
		{expr: "items^(>p).n", want: `["x","y","x"]`},
		{expr: "[1..5]", want: `[1,2,3,4,5]`},
		{expr: `{"k": a.b[1]}`, want: `{"k":2}`},
		{expr: "items#$i[$i>0].n", want: `["y","x"]`},
		{expr: "items@$o.$o.n", want: `["x","y","x"]`},
		{expr: "**.c", want: `3`},
		{expr: "items[0].p.%.n", want: `"x"`},
		{expr: "function($x){$x*2}(4)", want: `8`},
		{expr: `"a" & 1 & true`, want: `"a1true"`},
		{expr: "1 in [1,2]", want: `true`},
		{expr: "items.(p+1)", want: `[2,3,4]`},
		{expr: "$states.input.order.id", want: `"o-1"`},
		{expr: "$states.input.order.lines[qty>1].sku", want: `"a"`},
		{expr: "$limit + 1", want: `11`},
		{expr: "$nosuch", want: ``},
		{expr: "s + 1", err: "T2001"},
		{expr: "1 + s", err: "T2002"},
		{expr: "1 < 'a'", err: "T2009"},
		{expr: "(x := 5)", err: "S0212"},
		{expr: "1 +", err: "S0207"},
		{expr: "items[", err: "S0203"},
		{expr: `"abc`, err: "S0101"},
	})
}

func TestUnsupportedResult(t *testing.T) {
	e := MustParse("$fn := function($x){$x}")
	_, _, err := e.Eval(nil, nil)
	if !errors.Is(err, ErrUnsupportedResult) {
		t.Fatalf("got %v, want ErrUnsupportedResult", err)
	}
}

// TestLazy: a lazy expression parses once, on its first evaluation, and
// evaluates as the parsed one does, from many goroutines at once.
func TestLazy(t *testing.T) {
	l := Lazy("$x + 1")
	if l.e != nil {
		t.Fatal("parsed before its first evaluation")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			v, def, err := l.EvalContext(context.Background(), nil, MapVars{"x": int64(41)})
			if err != nil || !def || v != int64(42) {
				t.Errorf("EvalContext = %v, %v, %v; want 42", v, def, err)
			}
		})
	}
	wg.Wait()
	if first := l.Expr(); l.Expr() != first {
		t.Error("parsed twice")
	}
}
