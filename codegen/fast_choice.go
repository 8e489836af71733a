package codegen

import (
	"errors"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// choice emits a Choice state in fused code (see fuse): its rules in
// order, each going on to its Next where it holds.
func (z *fuser) choice(b *fn, s *ir.Choice, in *fval) {
	eff := z.selectPath(b, s.InputPath, in)
	if eff == nil {
		return
	}
	for _, br := range s.Choices {
		cond := z.rule(b, br.Rule, eff)
		if cond == "" {
			z.unsupported()
			return
		}
		blk := b.child(0)
		out := z.selectPath(blk, s.OutputPath, eff)
		if out == nil {
			return
		}
		z.drop(blk, eff, out)
		z.transition(blk, br.Next, out, in)
		b.n = blk.n
		b.add(jen.If(jen.Id(cond)).Block(blk.body...))
	}
	if s.Default == "" {
		b.add(z.bail()) // States.NoChoiceMatched
		return
	}
	if out := z.selectPath(b, s.OutputPath, eff); out != nil {
		z.drop(b, eff, out)
		z.transition(b, s.Default, out, in)
	}
}

// rule evaluates a Choice rule on in and returns the bool local holding
// its outcome, or "" when fused code cannot.
func (z *fuser) rule(b *fn, r ir.Rule, in *fval) string {
	res, err := b.ruleWith(r, func(b *fn, r ir.Rule, res string) (string, error) {
		if c, ok := r.(*ir.Compare); ok {
			if v := z.compare(b, c, in, res); v != "" {
				return v, nil
			}
		}
		return "", errNotFused
	})
	if err != nil {
		return ""
	}
	return res
}

// errNotFused stops the emission of a rule fused code cannot evaluate.
var errNotFused = errors.New("not fused")

// compare evaluates a comparison on in into the bool local res, or
// returns "" when fused code cannot.
func (z *fuser) compare(b *fn, c *ir.Compare, in *fval, res string) string {
	if !simplePath(c.Variable) || c.OperandPath != nil && !simplePath(c.OperandPath) {
		return ""
	}
	v, found, missing := z.lookup(b, c.Variable.Segments, in)
	if c.Op == ir.IsPresent {
		present := jen.Lit(!missing)
		if found != "" {
			b.add(jen.Id("_").Op("=").Id(v.id))
			present = jen.Id(found)
		}
		b.add(jen.Id(res).Op(":=").Add(present).Op("==").Add(z.g.value(c.Value)))
		return res
	}
	if missing {
		return ""
	}
	if found != "" {
		b.add(jen.If(jen.Op("!").Id(found)).Block(z.bail()))
	}
	var operand *fval
	if c.OperandPath != nil {
		if operand = z.pathValue(b, c.OperandPath, in); operand == nil {
			return ""
		}
	} else {
		operand = literal(c.Value)
	}
	if c.Op.Family() == ir.FamilyNumeric && (v.kind == fuse.Int || operand.kind == fuse.Int) {
		op := relOps[c.Op.Relation()]
		switch {
		case v.kind == fuse.Int && operand.kind == fuse.Int:
			b.add(jen.Id(res).Op(":=").Add(v.expr()).Op(op).Add(operand.expr()))
			return res
		case v.kind == fuse.Int:
			cmp, ok := b.tmp("cmp"), b.tmp("ok")
			b.add(jen.List(jen.Id(cmp), jen.Id(ok)).Op(":=").Add(rt("NumericCompareInt")).Call(v.expr(), z.boxed(b, operand)))
			b.add(jen.Id(res).Op(":=").Id(ok).Op("&&").Id(cmp).Op(op).Lit(0))
			return res
		default: // the operand is the integer: compare the other way round
			cmp, ok := b.tmp("cmp"), b.tmp("ok")
			b.add(jen.List(jen.Id(cmp), jen.Id(ok)).Op(":=").Add(rt("NumericCompareInt")).Call(operand.expr(), z.boxed(b, v)))
			b.add(jen.Id(res).Op(":=").Id(ok).Op("&&").Lit(0).Op(op).Id(cmp))
			return res
		}
	}
	var opCode jen.Code
	if c.OperandPath != nil {
		opCode = z.boxed(b, operand)
	} else {
		opCode = z.g.value(c.Value)
	}
	if _, err := b.compareValues(c, z.boxed(b, v), opCode, res); err != nil {
		return ""
	}
	return res
}
