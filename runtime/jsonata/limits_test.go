package jsonata

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestDeepRecursionIsBounded(t *testing.T) {
	e := MustParse("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(1000000))")
	_, _, err := e.Eval(nil, nil)
	var je *Error
	if !errors.As(err, &je) || je.Code != "D1011" {
		t.Fatalf("got %v, want D1011", err)
	}
	// tail calls run in constant stack
	e = MustParse("($loop := function($i, $acc){$i = 0 ? $acc : $loop($i - 1, $acc + 1)}; $loop(20000, 0))")
	v, ok, err := e.Eval(nil, nil)
	if err != nil || !ok || v != int64(20000) {
		t.Fatalf("tail recursion: got %v %v %v", v, ok, err)
	}
}

func TestDeepNestingIsRejected(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		strings.Repeat("[", 100000),
		strings.Repeat("-", 100000) + "1",
		strings.Repeat("a.", 50000) + "b",
	} {
		if _, err := Parse(src); err == nil && len(src) > 100000 {
			t.Errorf("parse of %d bytes of nesting succeeded", len(src))
		}
	}
	// deeply nested input for the descendant operator
	var b strings.Builder
	for i := 0; i < 50000; i++ {
		b.WriteString(`{"a":`)
	}
	b.WriteString("1")
	b.WriteString(strings.Repeat("}", 50000))
	doc, err := sfnrt.ParseJSON([]byte(b.String()))
	if err != nil {
		t.Skip("input nesting beyond the JSON decoder's limit")
	}
	if _, _, err := MustParse("**").Eval(doc, nil); err != nil {
		t.Logf("** on deep input: %v", err)
	}
}

func TestEvalContextCancels(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	e := MustParse("($loop := function($i){$loop($i + 1)}; $loop(0))")
	start := time.Now()
	_, _, err := e.EvalContext(ctx, nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
}

func TestVarNames(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"$states.input.order.id", []string{"states"}},
		{"$sum($states.input.x) + $var_constant_1", []string{"states", "var_constant_1"}},
		{"($x := 1; $x + $y)", []string{"y"}},
		{"function($a){$a + $b}", []string{"b"}},
		{"items@$i.($i.p + $k)", []string{"k"}},
		{"items#$n[$n > $lim]", []string{"lim"}},
		{"$string($x) & $uppercase($y)", []string{"x", "y"}},
		{"$ + $$.a", nil},
	} {
		got := MustParse(c.src).VarNames()
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: VarNames mismatch (-want +got):\n%s", c.src, diff)
		}
	}
}

func TestSyntaxErrorOffset(t *testing.T) {
	_, err := Parse("$states.input.a +")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v", err, err)
	}
	if se.Code != "S0207" || se.Offset != 17 || se.Msg != "Unexpected end of expression" {
		t.Errorf("got %+v", se)
	}
}

func TestErrorMessages(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`"a" + 1`, `T2001: The left side of the "+" operator must evaluate to a number`},
		{`$number("x")`, `D3030: Unable to cast value to a number: "x"`},
		{`$error("boom")`, `D3137: boom`},
		{`$foo()`, `T1006: Attempted to invoke a non-function`},
		{`string(1)`, `T1005: Attempted to invoke a non-function. Did you mean $string?`},
		{`$eval("1")`, `T1006: Attempted to invoke a non-function`},
	} {
		_, _, err := MustParse(c.src).Eval(nil, nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.src, err, c.want)
		}
	}
}

func TestConcurrentEval(t *testing.T) {
	e := MustParse(`items[p > 1]{n: $sum(p)} ~> $each(function($v, $k){$k & $replace(String($v), /0/, "o")})`)
	in := sfnrt.MustParseJSON(testDoc)
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var err error
			for i := 0; i < 50 && err == nil; i++ {
				_, _, err = e.Eval(in, nil)
				if err != nil && !strings.Contains(err.Error(), "T1006") {
					break
				}
				err = nil
			}
			done <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
