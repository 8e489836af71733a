package compiler

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSrcOffset checks the mapping from offsets in a decoded string to
// offsets in the definition: for every piece of a string written with
// escapes, the first decoded byte of the piece maps to where the piece
// starts in the source, and the end of the value maps to the closing
// quote.
func TestSrcOffset(t *testing.T) {
	tests := [][]string{ // pieces of a JSON string, as written
		{"a", "b", "c"},
		{`\n`, "x", `\t`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r`},
		{`\u0041`, `\u00e9`, `\u20ac`, "z"},
		{`\ud83d\ude00`, "!"},           // a surrogate pair: one 4-byte rune
		{`\ud83d`, "a"},                 // a lone high surrogate decodes to U+FFFD
		{`\ud83d`, `\u0041`, "b"},       // followed by an escape that is not a low one
		{`\ude00`, "c"},                 // a lone low surrogate
		{"é", `\n`, "€", "😀", `\u0000`}, // raw multi-byte characters between escapes
	}
	for _, pieces := range tests {
		lit := `"` + strings.Join(pieces, "") + `"`
		src := []byte(`{"k": ` + lit + `}`)
		root, derr := decode(src)
		if derr != nil {
			t.Fatalf("%s: %s", lit, derr.msg)
		}
		n := root.val("k")
		c := &compiler{src: src}
		srcPos, dec := n.off+1, 0
		for _, p := range pieces {
			if got := c.strOffset(n, dec); got != srcPos {
				t.Errorf("%s: byte %d of the value (piece %s) maps to %d, want %d", lit, dec, p, got, srcPos)
			}
			// Decode the piece alone to learn its decoded length.
			one, derr := decode([]byte(`"` + p + `"`))
			if derr != nil {
				t.Fatalf("%s: %s", p, derr.msg)
			}
			dec += len(one.s)
			srcPos += len(p)
		}
		if dec != len(n.s) {
			t.Fatalf("%s: pieces decode to %d bytes, the whole to %d", lit, dec, len(n.s))
		}
		if got, want := c.strOffset(n, len(n.s)), len(src)-2; got != want {
			t.Errorf("%s: the end of the value maps to %d, want %d (the closing quote)", lit, got, want)
		}
		if got := c.strOffset(n, len(n.s)+1); got != n.off {
			t.Errorf("%s: an offset past the value maps to %d, want the string's own %d", lit, got, n.off)
		}
	}
}

// TestSrcOffsetInsideEscape checks that a byte in the middle of what an
// escape decodes to maps to the escape's backslash.
func TestSrcOffsetInsideEscape(t *testing.T) {
	src := []byte(`"a\u20acb"`) // a, € (3 bytes), b
	root, derr := decode(src)
	if derr != nil {
		t.Fatal(derr.msg)
	}
	c := &compiler{src: src}
	for i, want := range []int{1, 2, 2, 2, 8, 9} {
		if got := c.strOffset(root, i); got != want {
			t.Errorf("strOffset(%d) = %d, want %d", i, got, want)
		}
	}
}

// TestExprReads checks the workflow variables each expression records
// in the IR, where it first reads them: free variables only, without
// $states, the built-in functions, or names in strings and comments.
func TestExprReads(t *testing.T) {
	tests := []struct {
		expr string
		want []string // "name@offset in the expression"
	}{
		{"$x + $y", []string{"x@0", "y@5"}},
		{"$states.input.a", nil},
		{"[$a..$b]", []string{"a@1", "b@5"}},
		{`'$no' & '$no' & $yes`, []string{"yes@16"}},
		{"/* $no */ $yes", []string{"yes@10"}},
		{"`$no` + $yes", []string{"yes@8"}},
		{"$$.a + $", nil},
		{"$f($v)[$i]", []string{"f@0", "v@3", "i@7"}},
		{"$é + $x + $é", []string{"é@0", "x@6"}},
		{"($v := 1; $v + $w)", []string{"w@15"}},
		{"$sum([1]) & $partition($x, 1)", []string{"x@23"}},
	}
	for _, tt := range tests {
		def := `{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{%` + tt.expr + `%}", "End": true}}}`
		c := &compiler{src: []byte(def)}
		root, derr := decode(c.src)
		if derr != nil {
			t.Fatalf("%s: %s", tt.expr, derr.msg)
		}
		n := root.val("States").val("P").val("Output")
		e := c.expr(n)
		if e == nil {
			t.Fatalf("%s: %v", tt.expr, c.diags)
		}
		var got []string
		for _, r := range e.Reads {
			got = append(got, r.Name+"@"+strconv.Itoa(r.Pos.Offset-strings.Index(def, "{%")-2))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: reads (-want +got):\n%s", tt.expr, diff)
		}
	}
}

// TestCheckExpressions compiles one-state machines and checks the
// diagnostics each JSONata expression gives.
func TestCheckExpressions(t *testing.T) {
	tests := []struct {
		field string // a JSON member of the Pass state (or, with catch, of its catcher)
		want  string // the diagnostics, "CODE@col" joined by spaces; "" for none
	}{
		{`"Output": "{% 1 + 2 %}"`, ""},
		{`"Output": "{% 1 + %}"`, "INVALID_JSONATA_EXPRESSION@18"},
		{`"Output": "{%1 +%}"`, "INVALID_JSONATA_EXPRESSION@17"},
		{`"Output": "{%   \"a\" & %}"`, "INVALID_JSONATA_EXPRESSION@24"},
		{`"Output": "{% $states.input %}"`, ""},
		{`"Output": "{% $states.errorOutput %}"`, "UNSUPPORTED_JSONATA_EXPRESSION@15"},
		{`"Output": "{% $undefinedVar %}"`, "UNASSIGNED_VARIABLE@15"},
		{`"Assign": {"v": 1}, "Output": "{% $v %}"`, ""},
		{`"Output": "{% ($v := 1; $v) %}"`, ""},
		{`"Output": "{% $sum([1]) & $partition() %}"`, ""},
	}
	for _, tt := range tests {
		src := `{"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", ` + tt.field + `, "End": true}}}`
		_, diags := Compile([]byte(src), Options{})
		var got []string
		for _, d := range diags {
			if d.Line != 1 {
				t.Errorf("%s: diagnostic on line %d", tt.field, d.Line)
			}
			got = append(got, d.Code+"@"+strconv.Itoa(d.Col-strings.Index(src, tt.field)))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: got %q, want %q (columns relative to the field)", tt.field, g, tt.want)
		}
	}
}
