package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genPass: InputPath → Parameters → Result → Assign → ResultPath → OutputPath.
func (g *gen) genPass(b *fn, s *ir.Pass) error {
	if s.QueryLanguage == ir.JSONata {
		sv := b.statesVars(jen.Id("in"), nil, nil)
		b.ataFinish(&s.Common, sv, jen.Id("in"), s.Next)
		return nil
	}
	eff := b.inputPath(s.InputPath)
	if s.Result != nil || s.Parameters != nil && !readsInput(s.Parameters) {
		// The InputPath applies (it fails when it selects nothing) even
		// where Result or a template of literals leaves what it
		// selected unread.
		b.discard(eff)
	}
	var result jen.Code = eff
	switch {
	case s.Result != nil:
		result = g.value(s.Result)
	case s.Parameters != nil:
		result = jen.Id(b.template(s.Parameters, eff))
	}
	assigned := b.assign(s.Assign, result)
	b.finish(&s.Common, s.ResultPath, result, assigned)
	return nil
}
