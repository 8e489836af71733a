package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genParallel runs every branch on the effective input; the result is
// their outputs in branch order.
func (g *gen) genParallel(b *fn, s *ir.Parallel) error {
	paramsID, _ := b.workInput(&s.Common, s.Parameters)
	// The branches' list is a field of the machine, made once in New: a
	// slice literal here cost an allocation per run of the state.
	branches := branchesField{name: g.names.unique("branches" + exported(string(s.Name)))}
	for _, br := range s.Branches {
		branches.progs = append(branches.progs, g.progOf(br).field)
	}
	g.branches = append(g.branches, branches)
	retry := g.retriers(s.Name, s.Retry)
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("Parallel").Call(jen.Id("ctx"), jen.Id(paramsID),
			jen.Id("m").Dot(branches.name))))
		sub.selectResult(r, e, s.ResultSelector)
	})
	// A JSONata Parallel's result may be known normal (see
	// branchOutputsNormal).
	if normal, tasks := g.branchOutputsNormal(s); normal {
		var cond jen.Code = jen.True()
		if tasks {
			cond = jen.Id("m").Dot("h").Op("!=").Nil().Op("&&").Add(b.f()).Dot("TasksInline").Call()
		}
		b.ataEndWork(&s.Common, s.Catch, res, err, cond)
		return nil
	}
	b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
	return nil
}

// branchesField is a machine field holding a Parallel state's branches.
type branchesField struct {
	name  string   // the field
	progs []string // the fields of the branches' programs
}
