package compiler

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeDefinition compiles a definition over AWS's 1 MB limit, with an
// error in every state: all are diagnosed, the list is capped.
func TestLargeDefinition(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"StartAt": "S0", "States": {`)
	n := 0
	for b.Len() < maxValidatedBytes-1000 {
		if n > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "Parameters": {"v.$": "$.x[%d]", "unknown.$": 5}, "Next": "S%d"}`, n, n, n+1)
		n++
	}
	fmt.Fprintf(&b, `, "S%d": {"Type": "Succeed"}}}`, n)
	start := time.Now()
	m, diags := Compile([]byte(b.String()), Options{})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("compiling %d states took %v", n, d)
	}
	if m != nil {
		t.Fatal("a definition over the limit compiled")
	}
	if len(diags) != maxDiagnostics+1 {
		t.Fatalf("got %d diagnostics, want %d", len(diags), maxDiagnostics+1)
	}
	if diags[0].Code != codeTooLarge {
		t.Errorf("first diagnostic %v, want %s", diags[0], codeTooLarge)
	}
	if last := diags[len(diags)-1]; last.Code != codeTooManyErrors || last.Severity != Error {
		t.Errorf("last diagnostic %v, want a %s error", last, codeTooManyErrors)
	}
}

// TestDeepWideDefinition compiles 10 MB of values nested almost as deep as
// allowed: it is reported as too large, quickly.
func TestDeepWideDefinition(t *testing.T) {
	for _, size := range []int{maxValidatedBytes - 1000, 10 << 20} {
		deepWide(t, size)
	}
}

func deepWide(t *testing.T, size int) {
	depth := maxDepth - 10
	var b strings.Builder
	b.WriteString(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": `)
	b.WriteString(strings.Repeat("[", depth))
	b.WriteString("0")
	for b.Len() < size {
		b.WriteString(",0")
	}
	b.WriteString(strings.Repeat("]", depth))
	b.WriteString(`, "End": true}}}`)
	start := time.Now()
	m, diags := Compile([]byte(b.String()), Options{})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("compiling took %v", d)
	}
	if m != nil || len(diags) != 1 || diags[0].Code != codeTooLarge {
		t.Errorf("got %v, want only %s", diags, codeTooLarge)
	}
}
