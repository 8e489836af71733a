package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genParallel runs every branch on the effective input; the result is
// their outputs in branch order.
func (g *gen) genParallel(b *fn, s *ir.Parallel) error {
	paramsID, _ := b.workInput(&s.Common, s.Parameters)
	var progs []jen.Code
	for _, br := range s.Branches {
		progs = append(progs, jen.Id("m").Dot(g.progOf(br).field))
	}
	retry := g.retriers(s.Name, s.Retry)
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("Parallel").Call(jen.Id("ctx"), jen.Id(paramsID),
			jen.Index().Op("*").Add(rt("Program")).Values(progs...))))
		sub.selectResult(r, e, s.ResultSelector)
	})
	b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
	return nil
}
