package codegen

import (
	"github.com/sfn-compile/sfn-compile/ir"
)

// succeed emits a Succeed state in fused code (see fuse): InputPath,
// OutputPath, and the program ends.
func (z *fuser) succeed(b *fn, s *ir.Succeed, in *fval) {
	eff := z.selectPath(b, s.InputPath, in)
	out := z.selectPath(b, s.OutputPath, eff)
	if out != nil {
		z.drop(b, eff, out)
		z.transition(b, "", out, in)
	}
}
