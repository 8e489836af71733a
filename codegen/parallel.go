package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genParallel runs every branch on the effective input; the result is
// their outputs in branch order.
func (g *gen) genParallel(b *fn, s *ir.Parallel) error {
	ata := s.QueryLanguage == ir.JSONata
	var params jen.Code
	if ata {
		params = jen.Id("in")
		if s.Parameters != nil {
			params = jen.Id(b.ataTemplate(s.Parameters, b.statesVars(jen.Id("in"), nil, nil), "Arguments"))
		}
	} else {
		eff := b.inputPath(s.InputPath)
		params = eff
		if s.Parameters != nil {
			params = jen.Id(b.template(s.Parameters, eff))
		}
	}
	paramsID := b.tmp("params")
	b.add(jen.Id(paramsID).Op(":=").Add(params))
	var progs []jen.Code
	for _, br := range s.Branches {
		progs = append(progs, jen.Id("m").Dot(g.progOf(br).field))
	}
	retry := g.retriers(s.Name, s.Retry)
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("Parallel").Call(jen.Id("ctx"), jen.Id(paramsID),
			jen.Index().Op("*").Add(rt("Program")).Values(progs...))))
		sub.checkErr(e)
		if s.ResultSelector != nil {
			r = sub.template(s.ResultSelector, jen.Id(r))
		}
		sub.add(jen.Return(jen.Id(r), jen.Nil()))
	})
	b.catch(s.Catch, err, ata)
	if ata {
		b.ataFinish(&s.Common, b.statesVars(jen.Id("in"), jen.Id(res), nil), jen.Id(res), s.Next)
		return nil
	}
	assigned := b.assign(s.Assign, jen.Id(res))
	b.finish(&s.Common, s.ResultPath, jen.Id(res), assigned)
	return nil
}
