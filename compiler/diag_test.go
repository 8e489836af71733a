package compiler

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "m.json", Line: 3, Col: 7, Pointer: "/States/X/Next", Code: codeMissingTarget, Message: "Missing 'Next' target: Y"},
			"m.json:3:7: /States/X/Next: Missing 'Next' target: Y [MISSING_TRANSITION_TARGET]"},
		{Diagnostic{Line: 1, Col: 1, Code: codeSchema, Message: "These fields are required: [StartAt]"},
			"1:1: /: These fields are required: [StartAt] [SCHEMA_VALIDATION_FAILED]"},
		{Diagnostic{File: "m.json", Line: 2, Col: 1, Pointer: "/States/P/Result/a.$", Code: codePassStatic, Message: "static", Severity: Warning},
			"m.json:2:1: /States/P/Result/a.$: warning: static [PASS_RESULT_IS_STATIC]"},
		// Control characters and bytes that are not UTF-8 are escaped:
		// a diagnostic is one line of text.
		{Diagnostic{File: "m\n.json", Line: 1, Col: 2, Pointer: "/States/a\tb\u2028", Code: codeInvalidResource, Message: "Resource 'x\ny\x00\xff\u0085é' is not valid"},
			`m\n.json:1:2: /States/a\tb\u2028: Resource 'x\ny\x00\xff\u0085é' is not valid [INVALID_RESOURCE]`},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestDiagnosticsOneLine compiles definitions whose names and values hold
// control characters: every diagnostic prints on one line.
func TestDiagnosticsOneLine(t *testing.T) {
	for _, src := range []string{
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f\n[INJECTED]","End":true}}}`,
		`{"StartAt":"a\nb","States":{"a\nb":{"Type":"Pass","Next":"c\u0000d"}}}`,
		`{"StartAt":"T","States":{"T\r":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}`,
	} {
		_, diags := Compile([]byte(src), Options{Filename: "m.asl.json"})
		if len(diags) == 0 {
			t.Errorf("%s: no diagnostics", src)
		}
		for _, d := range diags {
			if s := d.String(); strings.ContainsAny(s, "\n\r\x00") {
				t.Errorf("diagnostic %q is not one line", s)
			}
		}
	}
}

func TestLinePositions(t *testing.T) {
	src := []byte("ab\n\xc3\xa9\xc3\xa9x\r\n\nz")
	x := newLineIndex(src)
	tests := []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {7, 2, 3}, {8, 2, 4}, {10, 3, 1}, {11, 4, 1}, {12, 4, 2}, {99, 4, 2}, {-1, 1, 1},
	}
	for _, tt := range tests {
		if l, c := x.position(tt.off); l != tt.line || c != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestFinishSortsDeduplicatesAndCaps(t *testing.T) {
	src := []byte("0123456789\n0123456789")
	in := []Diagnostic{
		{Offset: 12, Pointer: "/b", Code: "C", Message: "later"},
		{Offset: 3, Pointer: "/a", Code: "C", Message: "first"},
		{Offset: 12, Pointer: "/b", Code: "C", Message: "later"},
		{Offset: 3, Pointer: "/a", Code: "C", Message: "warn", Severity: Warning},
	}
	got := finish(in, src, "f")
	want := []Diagnostic{
		{File: "f", Line: 1, Col: 4, Offset: 3, Pointer: "/a", Code: "C", Message: "first"},
		{File: "f", Line: 1, Col: 4, Offset: 3, Pointer: "/a", Code: "C", Message: "warn", Severity: Warning},
		{File: "f", Line: 2, Col: 2, Offset: 12, Pointer: "/b", Code: "C", Message: "later"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finish (-want +got):\n%s", diff)
	}

	var many []Diagnostic
	for i := maxDiagnostics + 6; i >= 0; i-- {
		many = append(many, Diagnostic{Offset: i, Code: "C", Message: fmt.Sprint(i)})
	}
	many[0].Severity = Warning // the last one once sorted
	got = finish(many, make([]byte, 100), "")
	if len(got) != maxDiagnostics+1 {
		t.Fatalf("%d diagnostics, want %d", len(got), maxDiagnostics+1)
	}
	last := got[maxDiagnostics]
	if last.Code != codeTooManyErrors || last.Message != "7 more diagnostics (6 errors) not shown" || last.Severity != Error {
		t.Errorf("summary = %+v", last)
	}
	if last.Offset < got[maxDiagnostics-1].Offset {
		t.Errorf("summary out of order: %d after %d", last.Offset, got[maxDiagnostics-1].Offset)
	}
}
