package codegen

import (
	"testing"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Only a Succeed whose output is its whole input is marked PassThrough:
// the run loop then ends there without running it.
func TestPassesThrough(t *testing.T) {
	path := func(root ir.PathRoot, keys ...string) ir.OptionalPath {
		p := &ir.Path{Root: root}
		for _, k := range keys {
			p.Segments = append(p.Segments, ir.Field{Name: k})
		}
		return ir.OptionalPath{Path: p}
	}
	succeed := func(c ir.Common) *ir.Succeed { return &ir.Succeed{Common: c} }
	tests := []struct {
		name  string
		state ir.State
		want  bool
	}{
		{"no paths", succeed(ir.Common{}), true},
		{"InputPath $", succeed(ir.Common{InputPath: path(ir.RootInput)}), true},
		{"OutputPath $", succeed(ir.Common{OutputPath: path(ir.RootInput)}), true},
		{"InputPath $.a", succeed(ir.Common{InputPath: path(ir.RootInput, "a")}), false},
		{"OutputPath $.a", succeed(ir.Common{OutputPath: path(ir.RootInput, "a")}), false},
		{"OutputPath null", succeed(ir.Common{OutputPath: ir.OptionalPath{Null: true}}), false},
		{"InputPath $$", succeed(ir.Common{InputPath: path(ir.RootContext)}), false},
		{"JSONata, no Output", succeed(ir.Common{QueryLanguage: ir.JSONata}), true},
		{"JSONata Output", succeed(ir.Common{QueryLanguage: ir.JSONata, Output: &ir.TLiteral{}}), false},
		{"a Pass", &ir.Pass{}, false},
	}
	for _, tt := range tests {
		if got := passesThrough(tt.state); got != tt.want {
			t.Errorf("%s: passesThrough = %v, want %v", tt.name, got, tt.want)
		}
	}
}
