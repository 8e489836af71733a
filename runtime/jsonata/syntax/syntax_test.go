package syntax

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFreeVars(t *testing.T) {
	tests := []struct {
		src  string
		want []VarRef
	}{
		{"$states.input.a", []VarRef{{Name: "states", Offset: 0, Member: "input"}}},
		{"$x + $y.b", []VarRef{{Name: "x", Offset: 0}, {Name: "y", Offset: 5, Member: "b"}}},
		{"  $states . errorOutput", []VarRef{{Name: "states", Offset: 2, Member: "errorOutput"}}},
		{"$sum($x)", []VarRef{{Name: "x", Offset: 5}}},            // a built-in is no variable
		{"($a := 1; $a + $b)", []VarRef{{Name: "b", Offset: 15}}}, // bound from := on
		{"function($p){$p + $q}($r)", []VarRef{{Name: "q", Offset: 18}, {Name: "r", Offset: 22}}},
		{"items@$i.($i)", nil},           // a focus binding
		{"'$notavar' & `$neither`", nil}, // text, not references
		{"$ + $$", nil},                  // the context, not variables
		{"/* $c */ $d", []VarRef{{Name: "d", Offset: 9}}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if diff := cmp.Diff(tt.want, FreeVars(n)); diff != "" {
			t.Errorf("FreeVars(%q) (-want +got):\n%s", tt.src, diff)
		}
	}
}

// TestSyntaxErrors checks the messages and offsets of the reference
// implementation (the engine's differential test compares them all).
func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1 +", "jsonata syntax error at offset 3: S0207: Unexpected end of expression"},
		{"(1", `jsonata syntax error at offset 2: S0203: Expected ")" before end of expression`},
		{"'abc", "jsonata syntax error at offset 4: S0101: String literal must be terminated by a matching quote"},
		{"a.1", "jsonata syntax error at offset 3: S0213: The literal value 1 cannot be used as a step within a path expression"},
		{"function(a){1}", `jsonata syntax error at offset 10: S0208: Parameter 1 of function definition must be a variable name (start with $)`},
		{"function($a)<s(sa<s>)>{1}", "jsonata syntax error at offset 15: S0402: Choice groups containing parameterized types are not supported"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.src, err, tt.want)
		}
	}
}

// FuzzParse checks that Parse never panics, that a syntax error lies
// within the input, and that every free variable's offset points at
// its '$' and name.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"$states.input.order.id", "a.b[0].c", "items[p > 1]{n: $sum(p)}", "items^(>p)#$i@$o.%",
		"function($x)<n:n>{$x * 2}(3)", "$replace(s, /a(b)/i, '$1')", "| a | {'b': 1}, ['c'] |",
		"($f := $substring(?, 1); $f('abc'))", "$x ? $y : -1", "$merge([$states.input, {'k': $v}])",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Parse(%q): %v", src, err)
			}
			return
		}
		for _, r := range FreeVars(n) {
			if !strings.HasPrefix(src[r.Offset:], "$"+r.Name) {
				t.Fatalf("Parse(%q): $%s at offset %d", src, r.Name, r.Offset)
			}
		}
	})
}
