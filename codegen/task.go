package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genTask: InputPath → Parameters → (handler, ResultSelector under Retry)
// → Catch → Assign → ResultPath → OutputPath.
func (g *gen) genTask(b *fn, s *ir.Task) error {
	ata := s.QueryLanguage == ir.JSONata
	var sv string
	var params jen.Code
	if ata {
		sv = b.statesVars(jen.Id("in"), nil, nil)
		params = jen.Id("in")
		if s.Parameters != nil {
			params = jen.Id(b.ataTemplate(s.Parameters, sv, "Arguments"))
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
	var timeout jen.Code = jen.Lit(int64(0))
	if s.Timeout != nil {
		if s.Timeout.Expr != nil {
			timeout = jen.Id(b.ataInt(s.Timeout.Expr, sv, "TimeoutSeconds"))
		} else if s.Timeout.Path != nil {
			v, ok := b.path(s.Timeout.Path, jen.Id("in"))
			n, err := b.tmp("n"), b.tmp("err")
			b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit("TimeoutSecondsPath"), jen.Lit(s.Timeout.Path.Source), jen.Id(v), jen.Id(ok))))
			b.checkErr(err)
			timeout = jen.Int64().Call(jen.Id(n))
		} else {
			timeout = jen.Lit(s.Timeout.Literal)
		}
	}
	heartbeat := b.seconds(s.Heartbeat, sv, "HeartbeatSeconds")
	retry := g.retriers(s.Name, s.Retry)
	method := g.method[s.Name]
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("RunTask").Call(jen.Id("ctx"), jen.Lit(s.Resource), timeout, heartbeat, jen.Id(paramsID), jen.Id("m").Dot(taskField(method)))))
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

// seconds evaluates a duration field (HeartbeatSeconds and its Path and
// JSONata forms); nil means 0, none.
func (b *fn) seconds(s *ir.Seconds, sv, field string) jen.Code {
	switch {
	case s == nil:
		return jen.Lit(int64(0))
	case s.Expr != nil:
		return jen.Id(b.ataInt(s.Expr, sv, field))
	case s.Path != nil:
		v, ok := b.path(s.Path, jen.Id("in"))
		n, err := b.tmp("n"), b.tmp("err")
		b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit(field+"Path"), jen.Lit(s.Path.Source), jen.Id(v), jen.Id(ok))))
		b.checkErr(err)
		return jen.Int64().Call(jen.Id(n))
	}
	return jen.Lit(s.Literal)
}
