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
