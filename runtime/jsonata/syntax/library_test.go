package syntax

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLibraryNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"$states.input.a + $x", nil}, // variables, no functions
		{"$merge([$states.input, {'r': $states.result}])", []string{"merge"}},
		{"$sum(a) + $count(b[$exists(c)])", []string{"count", "exists", "sum"}}, // inside a predicate
		{"($f := $uppercase; $f('a'))", []string{"uppercase"}},                  // as a value
		{"($string := 1; $string)", []string{"string"}},                         // shadowed: still listed
		{"a ~> $map(function($v){$trim($v)})", []string{"map", "trim"}},
		{"$ ~> | a | {'x': 1} |", []string{"clone"}}, // transform calls $clone
		{"string(1)", []string{"string"}},            // T1005 names $string
		{"a.length(?)", []string{"length"}},          // a partial application
		{"$substring(?, 0, 2)", []string{"substring"}},
		{"items^(>$number(p)){ $lowercase(n): $max(p) }", []string{"lowercase", "max", "number"}},
		{"$a ? $now() : $millis()", []string{"millis", "now"}},
		{"'$sum' & `$count` /* $keys */", nil}, // text and comments name nothing
		{"$formatNumber", []string{"formatNumber"}},
		{"$eval('1')", nil}, // no such function
		{"items@$i#$j.[$i, $j, $distinct(x)]", []string{"distinct"}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if diff := cmp.Diff(tt.want, LibraryNames(n)); diff != "" {
			t.Errorf("LibraryNames(%q) (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestNeedsRegexp(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"$states.input.a + $x", false},
		{"$i < $n ? {'i': $i + 1} : $states.input", false},
		{"function($x){$x + 1}(2)", false}, // a lambda with no signature
		{"a ~> function($x){$x}", false},
		{"$merge([$states.input, {'r': 1}])", true}, // a function: its signature
		{"function($x)<n:n>{$x + 1}(2)", true},
		{"a ~> /x+/", true},
		{"'/x/' & `/y/`", false}, // text, not literals
		{"$ ~> | a | {'x': 1} |", true},
		{"string(1)", true}, // fails with T1005 through the library
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if got := NeedsRegexp(n); got != tt.want {
			t.Errorf("NeedsRegexp(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
