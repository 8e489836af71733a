package compiler

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/ir"
)

func TestDecodePointersAndOffsets(t *testing.T) {
	src := `{"a/b": {"c~d": [1, "x\"y"]}, "k": true, "k": null}`
	root, err := decode([]byte(src))
	if err != nil {
		t.Fatal(err.msg)
	}
	type seen struct {
		Ptr  ir.Pointer
		Off  int
		Kind string
		Text string
		Raw  bool
	}
	var got []seen
	var walk func(n *node)
	walk = func(n *node) {
		got = append(got, seen{n.ptr(), n.off, n.kind.String(), n.s, n.raw})
		for _, it := range n.items {
			walk(it)
		}
		for _, m := range n.members {
			if src[m.keyOff] != '"' || !strings.HasPrefix(src[m.keyOff+1:], m.key) {
				t.Errorf("key %q: offset %d does not point at it", m.key, m.keyOff)
			}
			walk(m.val)
		}
	}
	walk(root)
	want := []seen{
		{"", 0, "object", "", false},
		{"/a~1b", 8, "object", "", false},
		{"/a~1b/c~0d", 16, "array", "", false},
		{"/a~1b/c~0d/0", 17, "number", "1", false},
		{"/a~1b/c~0d/1", 20, "string", `x"y`, false},
		{"/k", 35, "boolean", "", false},
		{"/k", 46, "null", "", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes differ (-want +got):\n%s", diff)
	}
	if len(root.members) != 3 || root.members[1].key != "k" || root.members[2].key != "k" {
		t.Errorf("duplicate keys not kept in order: %+v", root.members)
	}
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		src     string
		kind    kind
		s       string
		isFloat bool
		raw     bool
	}{
		{`"plain"`, kindString, "plain", false, true},
		{`"tab\there"`, kindString, "tab\there", false, false},
		{`"\ud83d\ude00 \u00e9"`, kindString, "😀 é", false, false},
		{`"\ud83d alone"`, kindString, "\uFFFD alone", false, false},
		{`"é"`, kindString, "é", false, true},
		{`-0`, kindNumber, "-0", false, false},
		{`12345678901234567890123`, kindNumber, "12345678901234567890123", false, false},
		{`1.5e-3`, kindNumber, "1.5e-3", true, false},
		{`2E3`, kindNumber, "2E3", true, false},
		{` true `, kindBool, "", false, false},
	}
	for _, tt := range tests {
		n, err := decode([]byte(tt.src))
		if err != nil {
			t.Errorf("decode(%s): %s", tt.src, err.msg)
			continue
		}
		if n.kind != tt.kind || n.s != tt.s || n.isFloat != tt.isFloat || n.raw != tt.raw {
			t.Errorf("decode(%s) = kind %v s %q float %v raw %v, want %v %q %v %v", tt.src, n.kind, n.s, n.isFloat, n.raw, tt.kind, tt.s, tt.isFloat, tt.raw)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		src  string
		off  int
		code string
		msg  string
	}{
		{``, 0, codeInvalidJSON, "empty"},
		{`   `, 3, codeInvalidJSON, "empty"},
		{`{`, 1, codeInvalidJSON, "double-quoted field name"},
		{`{"a"}`, 4, codeInvalidJSON, "expected ':'"},
		{`{"a":1,}`, 7, codeInvalidJSON, "double-quoted field name"},
		{`{"a":1 "b":2}`, 7, codeInvalidJSON, "expected ',' or '}'"},
		{`[1,]`, 3, codeInvalidJSON, "expected a value"},
		{`[1 2]`, 3, codeInvalidJSON, "expected ',' or ']'"},
		{`tru`, 0, codeInvalidJSON, "expected true"},
		{`trueish`, 0, codeInvalidJSON, "expected true"},
		{`01`, 0, codeInvalidJSON, "leading zeroes"},
		{`1.`, 2, codeInvalidJSON, "decimal point"},
		{`-`, 1, codeInvalidJSON, "digit after '-'"},
		{`1e`, 2, codeInvalidJSON, "exponent"},
		{`"\x"`, 1, codeInvalidJSON, "Invalid escape"},
		{`"\u12"`, 1, codeInvalidJSON, "\\u escape"},
		{`"abc`, 0, codeInvalidJSON, "unterminated string"},
		{"\"a\nb\"", 2, codeInvalidJSON, "control character"},
		{"\"\xff\"", 1, codeInvalidJSON, "UTF-8"},
		{`{} {}`, 3, codeInvalidJSON, "after the end"},
		{`'single'`, 0, codeInvalidJSON, "expected a value"},
		{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), maxDepth, codeTooDeep, "nested more than"},
	}
	for _, tt := range tests {
		_, err := decode([]byte(tt.src))
		if err == nil {
			t.Errorf("decode(%q) succeeded, want an error", tt.src)
			continue
		}
		if err.off != tt.off || err.code != tt.code || !strings.Contains(err.msg, tt.msg) {
			t.Errorf("decode(%q) = %s at %d: %q, want %s at %d containing %q", tt.src, err.code, err.off, err.msg, tt.code, tt.off, tt.msg)
		}
	}
}

func TestEscapePointer(t *testing.T) {
	for in, want := range map[string]string{"a": "a", "a/b": "a~1b", "~": "~0", "~/": "~0~1", "": ""} {
		if got := escapePointer(in); got != want {
			t.Errorf("escapePointer(%q) = %q, want %q", in, got, want)
		}
	}
}
