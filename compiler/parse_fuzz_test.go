package compiler

import (
	"testing"
)

// pathSeeds and intrinsicSeeds start the fuzzers from every form the
// parsers know.
var pathSeeds = []string{
	"$", "$$", "$v", "$.a.b", "$['a b']", `$["a"]`, `$['it\'s\u0041']`, "$.a[0]", "$.a[-1]",
	"$.a[*]", "$.a.*", "$..a", "$..*", "$..[0]", "$.a[1:3]", "$.a[::2]", "$.a[0,2]", "$['a','b']",
	"$[?(@.price > 10)]", "$[?(@.tags)]", "$[?(@.a == 'x' && @.b < 3)]", "$[?(@.a || !@.b)]",
	"$[?(@.n =~ /^a.*$/i)]", "$[?(@.s in ['S','M'])]", "$[?(@.s nin [1, {'k': [null]}])]",
	"$[?(@.p < $.limit)]", "$$.Execution.Input.x", "$myVar.x[0]", "$.a-b", "$.1x", "$.héllo",
	"$[?((@.a) && (!(@.b == -1.5e3)))]", "$.a.length()", "$[?(@.a[?(@.b)])]",
}

var intrinsicSeeds = []string{
	"States.Format('x {}', $.a)", "States.UUID()", "States.Array('Foo', 2022, -1.5e2, true, null, $, $$, $v)",
	`States.Format('it\'s \{\} {} \\', 1)`, "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
	"States.JsonMerge($.a, $.b, false)", "States.Hash($.d, 'SHA-256')", "States.MathRandom(1, 10, 42)",
	"States.Array($['a, b'], $.x[?(@.y == 'p)q')])", " States.MathAdd( $.a , 1 ) ",
	"States.ArrayRange(0, 10, 3)", "States.StringToJson('{\"a\": 1}')",
}

func checkSyntaxError(t *testing.T, src string, err *SyntaxError) {
	if err == nil {
		return
	}
	if err.Offset < 0 || err.Offset > len(src) {
		t.Fatalf("error offset %d outside [0, %d] for %q: %s", err.Offset, len(src), src, err.Msg)
	}
	if err.Msg == "" {
		t.Fatalf("empty error message for %q", src)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range pathSeeds {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, src string, reference bool) {
		kind := PathFull
		if reference {
			kind = PathReference
		}
		p, err := ParsePath(src, kind)
		checkSyntaxError(t, src, err)
		if err == nil {
			if p == nil {
				t.Fatalf("ParsePath(%q): nil path and nil error", src)
			}
			if p.Source != src {
				t.Fatalf("ParsePath(%q).Source = %q", src, p.Source)
			}
			if reference && !p.Definite() {
				t.Fatalf("reference path %q is not definite", src)
			}
		}
	})
}

func FuzzParseIntrinsic(f *testing.F) {
	for _, s := range intrinsicSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseIntrinsic(src)
		checkSyntaxError(t, src, err)
		if err == nil && c == nil {
			t.Fatalf("ParseIntrinsic(%q): nil call and nil error", src)
		}
		_ = IsIntrinsic(src)
	})
}
