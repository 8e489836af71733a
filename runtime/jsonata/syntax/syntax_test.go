package syntax

import (
	"errors"
	"strconv"
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

// nest returns body inside n pairs of open and close.
func nest(open, body, close string, n int) string {
	return strings.Repeat(open, n) + body + strings.Repeat(close, n)
}

// TestNestingBound: an expression nested past the parser's bound is
// refused as nested too deeply, at the token that opens the level past
// the bound (its end, as every syntax error's offset), whatever nests;
// one level less parses.
func TestNestingBound(t *testing.T) {
	const tooDeep = "D1011: Expression nested too deeply (more than 1000 levels)"
	tests := []struct {
		name, src string
		offset    int // -1: parses
	}{
		// A literal is a level of its own: 999 pairs around it are 1,000.
		{"parentheses at the bound", nest("(", "1", ")", maxParseDepth-1), -1},
		{"array constructors at the bound", nest("[", "1", "]", maxParseDepth-1), -1},
		{"parentheses past the bound: the literal", nest("(", "1", ")", maxParseDepth), 1001},
		{"5,000 parentheses", nest("(", "1", ")", 5000), 1001},
		{"5,000 array constructors", nest("[", "1", "]", 5000), 1001},
		{"5,000 unary minus", strings.Repeat("-", 5000) + "1", 1001},
		{"5,000 function calls: the 751st's name", nest("$f(", "1", ")", 5000), 3002},
		{"5,000 objects: the 1,000th's key", nest("{'a':", "1", "}", 5000), 4999},
		{"5,000 additions: the post-parse pass counts from the last", strings.Repeat("1+", 4999) + "1", 7998},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		got := "parses"
		if err != nil {
			got = err.Error()
		}
		want := "parses"
		if tt.offset >= 0 {
			want = "jsonata syntax error at offset " + strconv.Itoa(tt.offset) + ": " + tooDeep
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
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
		// Nested just past the parser's bound, and in the post-parse pass.
		nest("(", "1", ")", maxParseDepth), nest("[", "1", "]", maxParseDepth),
		strings.Repeat("1+", maxParseDepth+1) + "1",
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
