package codegen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genTask: InputPath → Parameters → (handler, ResultSelector under Retry)
// → Catch → Assign → ResultPath → OutputPath.
func (g *gen) genTask(b *fn, s *ir.Task) error {
	paramsID, sv := b.workInput(&s.Common, s.Parameters)
	timeout := b.seconds(s.Timeout, sv, "TimeoutSeconds")
	heartbeat := b.seconds(s.Heartbeat, sv, "HeartbeatSeconds")
	retry := g.retriers(s.Name, s.Retry)
	method := g.method[s.Name]
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("RunTask").Call(jen.Id("ctx"), jen.Lit(s.Resource), timeout, heartbeat, jen.Id(paramsID), jen.Id("m").Dot(taskField(method)))))
		sub.selectResult(r, e, s.ResultSelector)
	})
	b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
	return nil
}

// seconds evaluates a duration field (HeartbeatSeconds and its Path and
// JSONata forms); nil means 0, none.
func (b *fn) seconds(s *ir.Seconds, sv, field string) jen.Code {
	switch {
	case s == nil:
		return jen.Id("0")
	case s.Expr != nil:
		return jen.Id(b.ataInt(s.Expr, sv, field))
	case s.Path != nil:
		v, ok := b.path(s.Path, jen.Id("in"))
		n, err := b.tmp("n"), b.tmp("err")
		b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit(field+"Path"), jen.Lit(s.Path.Source), jen.Id(v), jen.Id(ok))))
		b.checkErr(err)
		return jen.Int64().Call(jen.Id(n))
	}
	// An untyped constant, so it serves as int or int64.
	return jen.Id(strconv.FormatInt(s.Literal, 10))
}

// workInput evaluates the effective input of a Task or Parallel state:
// InputPath and Parameters, or JSONata Arguments. It returns the local
// holding it and, for a JSONata state, its bindings.
func (b *fn) workInput(c *ir.Common, params ir.Template) (paramsID, sv string) {
	var v jen.Code
	if c.QueryLanguage == ir.JSONata {
		sv = b.statesVars(jen.Id("in"), nil, nil)
		v = jen.Id("in")
		if params != nil {
			v = jen.Id(b.ataTemplate(params, sv, "Arguments"))
		}
	} else {
		v = b.inputPath(c.InputPath)
		if params != nil {
			v = jen.Id(b.template(params, v))
		}
	}
	paramsID = b.tmp("params")
	b.add(jen.Id(paramsID).Op(":=").Add(v))
	return paramsID, sv
}

// selectResult ends the work closure of a Task, Parallel or Map state:
// fail with err, else return the result r through ResultSelector.
func (b *fn) selectResult(r, err string, selector ir.Template) {
	b.checkErr(err)
	var out jen.Code = jen.Id(r)
	if selector != nil {
		out = jen.Id(b.template(selector, jen.Any().Call(jen.Id(r))))
	}
	b.add(jen.Return(out, jen.Nil()))
}

// endWork finishes a Task, Parallel or Map state after its work: Catch
// for an error, then Assign and Output (JSONata) or Assign, ResultPath
// and OutputPath (JSONPath) on the result.
func (b *fn) endWork(c *ir.Common, catchers []ir.Catcher, resultPath ir.OptionalPath, res, err string) {
	ata := c.QueryLanguage == ir.JSONata
	b.catch(catchers, err, ata)
	if ata {
		b.ataFinish(c, b.statesVars(jen.Id("in"), jen.Id(res), nil), jen.Id(res), c.Next)
		return
	}
	assigned := b.assign(c.Assign, jen.Id(res))
	b.finish(c, resultPath, jen.Id(res), assigned)
}
