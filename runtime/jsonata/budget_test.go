package jsonata

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// evalWithin evaluates src, failing the test if the evaluation has not
// ended after limit: a regression must fail, not hang the suite.
func evalWithin(t *testing.T, ctx context.Context, src string, limit time.Duration) (any, error) {
	t.Helper()
	type outcome struct {
		v   any
		err error
	}
	done := make(chan outcome, 1)
	e := MustParse(src)
	go func() {
		v, _, err := e.EvalContext(ctx, nil, nil)
		done <- outcome{v, err}
	}()
	select {
	case o := <-done:
		return o.v, o.err
	case <-time.After(limit):
		t.Fatalf("%s: still evaluating after %v", src, limit)
		return nil, nil
	}
}

// The depth bound sits where AWS's does: AWS accepts each expression of
// the first column and refuses the second, one level deeper (TestState
// measurements in floci-io/floci#2737).
func TestDepthBoundaryMatchesAWS(t *testing.T) {
	adds := func(n int) string { return strings.TrimSuffix(strings.Repeat("1+", n), "+") }
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	rec := func(n int) string {
		return "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(" + strconv.Itoa(n) + "))"
	}
	for _, c := range []struct{ name, accepted, refused string }{
		{"additions", adds(100), adds(101)},
		{"parentheses", nest("(", ")", 99), nest("(", ")", 100)},
		{"array constructors", nest("[", "]", 99), nest("[", "]", 100)},
		{"~> chain", "1" + strings.Repeat(" ~> $abs", 99), "1" + strings.Repeat(" ~> $abs", 100)},
		{"non-tail recursion", rec(31), rec(32)},
	} {
		if _, err := evalWithin(t, nil, c.accepted, 10*time.Second); err != nil {
			t.Errorf("%s: AWS accepts it, got %v", c.name, err)
		}
		_, err := evalWithin(t, nil, c.refused, 10*time.Second)
		var je *Error
		if !errors.As(err, &je) || je.Code != "D1011" || err.Error() != limitMessages[stackLimit] {
			t.Errorf("%s: got %v, want AWS's stack overflow", c.name, err)
		}
	}
}

// Expressions that would exhaust the host's memory, or loop, end in AWS's
// error: the memory ones without allocating what they ask for.
func TestEvaluationLimits(t *testing.T) {
	const (
		stack   = "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."
		timeout = "Expression evaluation timeout: Check for infinite loop"
		memory  = "Expression evaluation memory limit exceeded: Check for excessive memory usage"
	)
	doubled := func(wrap string) string {
		return "($d := function($v, $i){ $i = 0 ? $v : $d(" + wrap + ", $i - 1) }; $d(1, 60))"
	}
	for _, c := range []struct {
		name, src, want, code string
	}{
		{"infinite tail recursion", "($f := function($n){ $f($n+1) }; $f(0))", timeout, "D1012"},
		{"infinite loop in $map", "($f := function($n){ $map([1..3], function($v){ $f($n) }) }; $f(0))", stack, "D1011"},
		{"string doubling", "($d := function($s){ $d($s & $s) }; $d('ab'))", memory, "D2015"},
		{"path product", "($x := [1..1000]; $x.$x.$x)", memory, "D2015"},
		{"path product counted", "($x := [1..1000]; $count($x.$x.$x))", memory, "D2015"},
		{"range past the item bound", "[1..2000000]", memory, "D2015"},
		{"$range past the item bound", "$range(0, 2000000)", memory, "D2015"},
		{"$pad width", "$pad('x', 1e9)", memory, "D2015"},
		{"$pad negative width", "$pad('x', -1e300)", memory, "D2015"},
		{"$join of a repeated string", "($s := $pad('', 100000, 'x'); $join($map([1..100], function($v){ $s })))", memory, "D2015"},
		{"$replace growth", "$replace($pad('', 100000, 'a'), 'a', $pad('', 100, 'b'))", memory, "D2015"},
		{"array doubling", doubled("[$v, $v]"), memory, "D2015"},
		{"shared arrays", doubled("[[$v], [$v]]"), memory, "D2015"},
		{"shared arrays as a string", "$string(" + doubled("[[$v], [$v]]") + ")", memory, "D2015"},
		{"shared arrays flattened", doubled("[[$v], [$v]]") + ".*", memory, "D2015"},
		{"shared arrays compared", "($a := " + doubled("[[$v], [$v]]") + "; $a = $a)", timeout, "D1012"},
		{"shared objects doubled", doubled("{'a': $v, 'b': $v}"), memory, "D2015"},
		{"nesting built in a loop", "($n := function($v, $i){ $i = 0 ? $v : $n([[$v]], $i - 1) }; $n(1, 20000))", stack, "D1011"},
		{"many values each under the bounds", "[1..100].[$pad('', 3000000)]", memory, "D2015"},
		{"date picture width", "$fromMillis(0, '[Y,1000000000]')", memory, "D2015"},
		{"date picture width past int", "$fromMillis(0, '[Y,99999999999999999999]')", memory, "D2015"},
		{"a match per character", "$match($pad('', 5000000, 'a'), /a/)", memory, "D2015"},
		{"a split per character", "$split($pad('', 5000000, 'a,'), ',')", memory, "D2015"},
		{"sort past the time limit", "$sort([1..1000000], function($a, $b){ $a < $b })", timeout, "D1012"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Only the timeout cases meet the time limit: the others
			// end at their own bound however slow the machine is
			// (evalWithin still fails a hang).
			ctx := context.WithValue(context.Background(), untimedKey{}, true)
			if c.want == timeout {
				ctx = nil
			}
			start := time.Now()
			_, err := evalWithin(t, ctx, c.src, 20*time.Second)
			var got struct{ Message, Code string }
			if err != nil {
				got.Message = err.Error()
			}
			var je *Error
			if errors.As(err, &je) {
				got.Code = je.Code
			}
			if diff := cmp.Diff(struct{ Message, Code string }{c.want, c.code}, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.src, diff)
			}
			if c.want == timeout {
				// Not before the limit; how long after it depends on the
				// machine's load, and evalWithin bounds it.
				if d := time.Since(start); d < evalTimeLimit {
					t.Errorf("timed out after %v, before the limit %v", d, evalTimeLimit)
				}
			}
		})
	}
}

// $pad past the bound names the memory limit, not the range operator the
// expression does not contain.
func TestPadMessage(t *testing.T) {
	_, err := evalWithin(t, nil, "$pad('x', 200000000)", 10*time.Second)
	if err == nil || strings.Contains(err.Error(), "range") {
		t.Errorf("got %v", err)
	}
	v, err := evalWithin(t, nil, "$length($pad('x', -100000, 'ab'))", 10*time.Second)
	if err != nil || v != int64(100000) {
		t.Errorf("$pad within the bound: %v %v", v, err)
	}
}

// What AWS accepts near the bounds still evaluates (floci-io/floci#2737:
// AWS accepts 873,782 numbers in a sequence and a string of 2^22
// characters).
func TestLargeButAcceptedValues(t *testing.T) {
	for src, want := range map[string]any{
		"[1..873782] ~> $count()": int64(873782),
		"($d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $length($d('x', 22)))": int64(1 << 22),
		"$count([1..1000].$range(1, 800))":                int64(800000),
		"$count($spread([1..100000].{'a': $}))":           int64(100000),
		"$count(([1..100000]{'k': $}).k)":                 int64(100000),
		"$sum($map([1..100000], function($v){ $v * 2 }))": int64(10000100000),
	} {
		v, err := evalWithin(t, nil, src, 20*time.Second)
		if err != nil || v != want {
			t.Errorf("%s = %v, %v; want %v", src, v, err, want)
		}
	}
}

// A context's cause ends the evaluation: generated code passes the
// state's context, whose cause is the machine's States.Timeout.
func TestEvalContextCause(t *testing.T) {
	cause := errors.New("machine timed out")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	_, err := evalWithin(t, ctx, "($f := function($n){ $f($n+1) }; $f(0))", 10*time.Second)
	if err != cause {
		t.Errorf("got %v, want the context's cause", err)
	}
}

// Errors that carry a value which expands (shared arrays) still print.
func TestErrorWithExpandingValue(t *testing.T) {
	_, err := evalWithin(t, nil, "($d := function($v, $i){ $i = 0 ? $v : $d([$v, $v], $i - 1) }; $d(1, 60)) + 1", 10*time.Second)
	if err == nil || len(err.Error()) > 1000 {
		t.Errorf("got %.200v", err)
	}
}
