package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genSucceed: InputPath → OutputPath, then the machine ends.
func (g *gen) genSucceed(b *fn, s *ir.Succeed) error {
	out := b.selectPath(s.OutputPath, b.inputPath(s.InputPath))
	b.add(jen.Return(rt("End"), out, jen.Nil()))
	return nil
}
