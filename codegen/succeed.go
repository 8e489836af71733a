package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genSucceed: InputPath → OutputPath, then the machine ends.
func (g *gen) genSucceed(b *fn, s *ir.Succeed) error {
	if s.QueryLanguage == ir.JSONata {
		sv := b.statesVars(jen.Id("in"), nil, nil)
		b.add(jen.Return(rt("End"), b.ataOutput(s.Output, sv, jen.Id("in"), ""), jen.Nil()))
		return nil
	}
	out := b.selectPath(s.OutputPath, b.inputPath(s.InputPath))
	b.add(jen.Return(rt("End"), out, jen.Nil()))
	return nil
}

// passesThrough reports whether s is a Succeed state whose output is its
// input (no InputPath, OutputPath or Output that changes it), which
// cannot fail: the run loop ends there without a round of its own
// (sfnimpl.StateInfo.PassThrough).
func passesThrough(s ir.State) bool {
	succeed, ok := s.(*ir.Succeed)
	if !ok || succeed.Assign != nil {
		return false
	}
	if succeed.QueryLanguage == ir.JSONata {
		return succeed.Output == nil
	}
	return wholeInput(succeed.InputPath) && wholeInput(succeed.OutputPath)
}

// wholeInput reports whether an InputPath or OutputPath selects the whole
// value: absent, or "$".
func wholeInput(p ir.OptionalPath) bool {
	return !p.Null && (p.Path == nil || p.Path.Root == ir.RootInput && len(p.Path.Segments) == 0)
}
