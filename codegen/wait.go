package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genWait: InputPath, the wait, Assign, OutputPath.
func (g *gen) genWait(b *fn, s *ir.Wait) error {
	ata := s.QueryLanguage == ir.JSONata
	var sv string
	var eff jen.Code = jen.Id("in")
	if ata {
		sv = b.statesVars(jen.Id("in"), nil, nil)
	} else {
		eff = b.inputPath(s.InputPath)
	}
	err := b.tmp("err")
	switch {
	case s.Seconds != nil && s.Seconds.Expr != nil:
		n := b.ataInt(s.Seconds.Expr, sv, "Seconds")
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitSeconds").Call(jen.Id("ctx"), jen.Id(n))))
	case s.TimestampExpr != nil:
		v := b.ataExpr(s.TimestampExpr, sv, "Timestamp")
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitAtaTimestamp").Call(jen.Id("ctx"), jen.Id(v))))
	case s.Seconds != nil && s.Seconds.Path != nil:
		v, ok := b.path(s.Seconds.Path, eff)
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitSecondsPath").Call(jen.Id("ctx"), jen.Lit(s.Seconds.Path.Source), jen.Id(v), jen.Id(ok))))
	case s.Seconds != nil && s.Seconds.Expr == nil:
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitSeconds").Call(jen.Id("ctx"), jen.Lit(s.Seconds.Literal))))
	case s.TimestampPath != nil:
		v, ok := b.path(s.TimestampPath, eff)
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitTimestampPath").Call(jen.Id("ctx"), jen.Lit(s.TimestampPath.Source), jen.Id(v), jen.Id(ok))))
	case s.Timestamp != "":
		t, ok := b.tmp("t"), b.tmp("ok")
		b.add(jen.List(jen.Id(t), jen.Id(ok)).Op(":=").Add(rt("ParseTimestamp")).Call(jen.Lit(s.Timestamp)))
		b.add(jen.If(jen.Op("!").Id(ok)).Block(b.ret(b.f().Dot("Fail").Call(rt("ErrRuntime"), jen.Lit("invalid Timestamp "+s.Timestamp)))))
		b.add(jen.Id(err).Op(":=").Add(b.f().Dot("WaitUntil").Call(jen.Id("ctx"), jen.Id(t))))
	default:
		return fmt.Errorf("codegen: %s: Wait form not supported yet", s.Pos.Pointer)
	}
	b.checkErr(err)
	if ata {
		b.ataFinish(&s.Common, sv, jen.Id("in"), s.Next)
		return nil
	}
	assigned := b.assign(s.Assign, eff)
	out := b.selectPath(s.OutputPath, eff)
	b.commit(assigned)
	b.add(jen.Return(b.p.next(s.Next), out, jen.Nil()))
	return nil
}
