package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genFail ends the execution with the state's error and cause.
func (g *gen) genFail(b *fn, s *ir.Fail) error {
	d := jen.Dict{}
	if s.Error != nil {
		d[jen.Id("Name")] = b.stringSource(s.Error, "ErrorPath")
	}
	if s.Cause != nil {
		d[jen.Id("Cause")] = b.stringSource(s.Cause, "CausePath")
		d[jen.Id("HasCause")] = jen.True()
	}
	b.add(jen.Return(jen.Lit(0), jen.Nil(), jen.Op("&").Add(rt("Error")).Values(d)))
	return nil
}

// fieldName turns ErrorPath into Error: JSONata fields have no Path form.
func fieldName(field string) string {
	if len(field) > 4 && field[len(field)-4:] == "Path" {
		return field[:len(field)-4]
	}
	return field
}

// stringSource evaluates a literal, path or intrinsic string field.
func (b *fn) stringSource(s *ir.StringSource, field string) jen.Code {
	switch {
	case s.Expr != nil:
		sv := b.statesVars(jen.Id("in"), nil, nil)
		return rt("AtaString").Call(jen.Id(b.ataExpr(s.Expr, sv, fieldName(field))))
	case s.Path != nil:
		v, ok := b.path(s.Path, jen.Id("in"))
		b.failIf(jen.Op("!").Id(ok), b.f().Dot("FieldPathNotFound").Call(jen.Lit(s.Path.Source), jen.Lit(field), b.pathRootValue(s.Path, jen.Id("in"))))
		return rt("Text").Call(jen.Id(v))
	case s.Call != nil:
		return rt("Text").Call(jen.Id(b.call(s.Call, field, jen.Id("in"))))
	}
	return jen.Lit(s.Literal)
}
