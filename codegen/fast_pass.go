package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// pass emits a Pass state in fused code (see fuse): InputPath, Result or
// Parameters, ResultPath, OutputPath.
func (z *fuser) pass(b *fn, s *ir.Pass, in *fval) {
	eff := z.selectPath(b, s.InputPath, in)
	if eff == nil {
		return
	}
	result := eff
	switch {
	case s.Result != nil:
		result = literal(s.Result)
	case s.Parameters != nil:
		if result = z.template(b, s.Parameters, eff); result == nil {
			return
		}
	}
	z.drop(b, eff, result)
	var out *fval
	rp, op := s.ResultPath, s.OutputPath
	switch {
	case rp.Null:
		z.drop(b, result, in)
		out = in
	case rp.Path == nil || len(rp.Path.Segments) == 0:
		out = result
	default:
		names, ok := fieldNames(rp.Path)
		if !ok {
			z.unsupported()
			return
		}
		if in.kind == fuse.Obj {
			if out = z.setPath(in, names, result); out == nil {
				return
			}
			break
		}
		if in.kind != fuse.Any {
			z.unsupported()
			return
		}
		steps := []jen.Code{jen.Id(in.id)}
		for _, n := range names {
			steps = append(steps, jen.Lit(n))
		}
		if outputIsResult(rp, op) {
			// OutputPath selects what ResultPath placed: the output is
			// the result, once placing it is known to be possible.
			b.add(jen.If(jen.Op("!").Add(rt("CanSetPath")).Call(steps...)).Block(z.bail()))
			z.transition(b, s.Next, result, in)
			return
		}
		v, set := b.tmp("v"), b.tmp("ok")
		b.add(jen.List(jen.Id(v), jen.Id(set)).Op(":=").Add(rt("SetPath")).Call(append([]jen.Code{jen.Id(in.id), z.materialize(b, result)}, steps[1:]...)...))
		b.add(jen.If(jen.Op("!").Id(set)).Block(z.bail()))
		// The input, at most leaf, and the result under its keys.
		c, k := result.shape().Bound()
		for _, n := range names {
			c += 6*len(n) + 2 + 4
		}
		z.growLeaf(b, c, k+1)
		out = &fval{kind: fuse.Any, id: v}
	}
	whole := out
	if out = z.selectPath(b, op, out); out == nil {
		return
	}
	z.drop(b, whole, out)
	z.transition(b, s.Next, out, in)
}
