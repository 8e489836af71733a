package codegen_test

import (
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/ir"
)

// TestGenerateNeverPanics: an IR codegen cannot handle (here a JSONata
// expression in a JSONPath state's Parameters, which the compiler never
// lowers) is reported as an error, not a panic that would reach the
// user of gen, build or run.
func TestGenerateNeverPanics(t *testing.T) {
	m := &ir.Machine{StartAt: "P", States: []ir.State{&ir.Pass{
		Common:     ir.Common{Name: "P", End: true},
		Parameters: &ir.TExpr{Expr: &ir.Expr{Source: "$states.input"}},
	}}}
	_, err := codegen.Generate(m, codegen.Options{Package: "p"})
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("Generate = %v, want an internal error", err)
	}
}
