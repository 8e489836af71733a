package compiler

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLargeDefinition compiles a 10 MB definition: AWS's limit is 1 MB, so
// it must be diagnosed, without blowing up in time or diagnostics.
func TestLargeDefinition(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"StartAt": "S0", "States": {`)
	n := 0
	for b.Len() < 10<<20 {
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
		t.Fatal("a 10 MB definition compiled")
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
