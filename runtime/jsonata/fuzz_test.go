package jsonata

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// FuzzParse checks that Parse never panics, that a syntax error's offset
// lies within the input, and that evaluating what parses never fails
// with an internal error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"$states.input.order.id", "a.b[0].c", "items[p > 1]{n: $sum(p)}", "items^(>p)#$i@$o.%",
		"function($x)<n:n>{$x * 2}(3)", "$replace(s, /a(b)/i, '$1')", "| a | {'b': 1}, ['c'] |",
		"($f := $substring(?, 1); $f('abc'))", "[1..3] ~> $map(λ($v){$v})", "**[x = 'y']",
		"{'a': 1}.* ?: null ?? 2", "/* c */ `quoted name`", "\"\\u00e9\\ud83d\\ude00\"",
	} {
		f.Add(s)
	}
	input := sfnrt.MustParseJSON(testDoc)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Parse(%q) returned %T", src, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Parse(%q): offset %d outside the input", src, se.Offset)
			}
			return
		}
		if len(src) > 200 || strings.Contains(src, "..") {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, _, err = e.EvalContext(ctx, input, MapVars{"states": input})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Eval(%q): %v", src, err)
		}
		_ = e.VarNames()
	})
}

// FuzzEvalBounded evaluates what parses with no context and no input
// size limit of its own: whatever the expression asks for, evaluation
// must end within the engine's bounds (one second of evaluation, the
// memory budget) with a value or a JSONata error, never an internal
// error, a hang or an out-of-memory crash.
func FuzzEvalBounded(f *testing.F) {
	for _, s := range []string{
		"($f := function($n){ $f($n+1) }; $f(0))", "($d := function($s){ $d($s & $s) }; $d('ab'))",
		"($x := [1..1000]; $x.$x.$x)", "$pad('x', 1e9)", "[1..100].[[1..1000]]",
		"($d := function($v, $i){ $i = 0 ? $v : $d([[$v], [$v]], $i - 1) }; $d(1, 60))",
		"$string([1..100] ~> $map(function($v){ $v & $v }))", "$replace('aaaa', 'a', 'bb')",
	} {
		f.Add(s)
	}
	input := sfnrt.MustParseJSON(testDoc)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			return
		}
		start := time.Now()
		_, _, err = e.EvalContext(nil, input, MapVars{"states": input})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Eval(%q): %v", src, err)
		}
		// The time bound plus room for the walk that notices it.
		if d := time.Since(start); d > 10*evalTimeLimit {
			t.Fatalf("Eval(%q) took %v", src, d)
		}
	})
}
