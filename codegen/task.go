package codegen

import (
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genTask: InputPath → Parameters → (handler, ResultSelector under Retry)
// → Catch → Assign → ResultPath → OutputPath.
func (g *gen) genTask(b *fn, s *ir.Task) error {
	if fields := g.fusable(s); fields != nil {
		g.genTaskFused(b, s, fields)
		return nil
	}
	if fields := g.ataTypable(s); fields != nil {
		g.genTaskAtaTyped(b, s, fields)
		return nil
	}
	paramsID, sv := b.workInput(&s.Common, s.Parameters)
	timeout := b.seconds(s.Timeout, sv, "TimeoutSeconds")
	heartbeat := b.seconds(s.Heartbeat, sv, "HeartbeatSeconds")
	retry := g.retriers(s.Name, s.Retry)
	method := g.method[s.Name]
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(g.runTask(sub, s, timeout, heartbeat, jen.Id(paramsID), jen.Id("m").Dot(taskField(method)))))
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

// runTask is the call that runs one attempt of Task s. A Task that no
// timeout can end (no TimeoutSeconds or HeartbeatSeconds, in a machine
// without TimeoutSeconds) calls RunTaskUntimed, whose handler runs on the
// calling goroutine: RunTask's handler may run on a goroutine of its own
// when a timeout applies (so that one that ignores its context cannot
// hold the state), which makes the handler's closure escape to the heap.
func (g *gen) runTask(b *fn, s *ir.Task, timeout, heartbeat, params, task jen.Code) jen.Code {
	if g.untimed(s) {
		return b.f().Dot("RunTaskUntimed").Call(jen.Id("ctx"), jen.Lit(s.Resource), params, task)
	}
	return b.f().Dot("RunTask").Call(jen.Id("ctx"), jen.Lit(s.Resource), timeout, heartbeat, params, task)
}

// untimed reports whether no timeout can end Task s: no TimeoutSeconds
// or HeartbeatSeconds, in a machine without TimeoutSeconds.
func (g *gen) untimed(s *ir.Task) bool {
	return s.Timeout == nil && s.Heartbeat == nil && g.progs[0].m.TimeoutSeconds <= 0
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
			if !readsInput(params) {
				b.discard(v) // the InputPath applies all the same
			}
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
		if !readsInput(selector) {
			b.discard(jen.Id(r)) // a selector of constants, $$ or $var paths
		}
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

// fusable returns, for a Task state whose Parameters can fill its typed
// handler's input directly, the input's field for each of the template's
// keys (nil for a key encoding/json ignores); nil otherwise. That takes a
// JSONPath state, an object template of distinct keys and a plain struct
// input, each key naming a field exactly or none at all (a key naming one
// in another case is encoding/json's to resolve).
func (g *gen) fusable(s *ir.Task) []*jsonField {
	if s.QueryLanguage == ir.JSONata {
		return nil
	}
	return g.inputFields(s)
}

// inputFields returns, for a Task state whose Parameters (or Arguments)
// template is an object of distinct keys and whose typed handler takes a
// plain struct, the input's field for each key (nil for a key
// encoding/json ignores); nil where a key names a field in another case
// (encoding/json's to resolve) or the Task does not fit.
func (g *gen) inputFields(s *ir.Task) []*jsonField {
	sig, ok := g.sigs[s.Name]
	if !ok || sig.run == "" || !g.plain(sig.in, decode) {
		return nil
	}
	obj, ok := s.Parameters.(*ir.TObject)
	if !ok || setOrAppend(obj) != "Append" {
		return nil
	}
	st, ok := sig.in.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	fields, _ := jsonFields(st)
	out := make([]*jsonField, len(obj.Fields))
	for i, fld := range obj.Fields {
		for j := range fields {
			switch {
			case fields[j].name == fld.Key:
				out[i] = &fields[j]
			case strings.EqualFold(fields[j].name, fld.Key):
				return nil
			}
		}
	}
	return out
}

// genTaskFused is genTask for a Task whose Parameters fill its handler's
// input struct (see fusable): the template's values are decoded straight
// into the struct's fields, and no Parameters object is built, when the
// handler is bound and nothing records history (whose events quote the
// Parameters). Otherwise, or when a value is not a plain case for its
// field, the state runs as any Task does, through the adapter, which
// decodes the object as encoding/json would.
func (g *gen) genTaskFused(b *fn, s *ir.Task, fields []*jsonField) {
	sig := g.sigs[s.Name]
	input := b.inputPath(s.InputPath)
	obj := s.Parameters.(*ir.TObject)
	vals := make([]jen.Code, len(obj.Fields))
	for i, fld := range obj.Fields {
		if lit, ok := fld.Value.(*ir.TLiteral); ok {
			vals[i] = b.g.value(lit.Value)
		} else {
			vals[i] = jen.Id(b.template(fld.Value, input))
		}
	}
	timeout := b.seconds(s.Timeout, "", "TimeoutSeconds")
	heartbeat := b.seconds(s.Heartbeat, "", "HeartbeatSeconds")
	retry := g.retriers(s.Name, s.Retry)
	method := g.method[s.Name]

	p, params, task := b.tmp("p"), b.tmp("params"), b.tmp("task")
	b.add(jen.Var().Id(p).Add(g.typeCode(sig.in)), jen.Var().Id(params).Any(), jen.Var().Id(task).Add(rt("TaskFunc")))
	cond := jen.Id("m").Dot("h").Op("!=").Nil().Op("&&").Add(b.f().Dot("X").Dot("History")).Op("==").Nil()
	for i, f := range fields {
		if f != nil {
			cond = cond.Op("&&").Add(g.decCall(f.v.Type(), vals[i], jen.Op("&").Id(p).Dot(f.v.Name())))
		}
	}
	// Typed: the task calls the handler with the struct. Untyped: the
	// Parameters object goes to the bound handler or the TaskInvoker.
	inline, typed := g.typedTaskCall(b, s, sig, p, task)
	o := b.tmp("o")
	untyped := []jen.Code{jen.Id(o).Op(":=").Add(rt("NewObject")).Call(jen.Lit(len(obj.Fields)))}
	for i, fld := range obj.Fields {
		untyped = append(untyped, jen.Id(o).Dot("Append").Call(jen.Lit(fld.Key), vals[i]))
	}
	untyped = append(untyped, jen.Id(params).Op("=").Id(o), jen.Id(task).Op("=").Id("m").Dot(taskField(method)))
	b.add(jen.If(cond).Block(typed).Else().Block(untyped...))
	var res, err string
	if inline != "" && retry != "" && s.ResultSelector == nil {
		res, err = g.typedTaskRetried(b, sig, inline, p, retry, g.runTask(b, s, timeout, heartbeat, jen.Id(params), jen.Id(task)))
	} else {
		res, err = b.attempt(retry, func(sub *fn) {
			g.typedTaskAttempt(sub, s, sig, inline, p, g.runTask(sub, s, timeout, heartbeat, jen.Id(params), jen.Id(task)))
		})
	}
	b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
}

// typedTaskRetried runs a typed Task with a Retry field and no
// ResultSelector: where inline is set, its handler is called with p
// through sfnimpl.RunTaskInline, directly the first time, with no
// closure or Retry on the way (they cost about 70 instructions a Task),
// and only an error goes on to sfnimpl.RetryTaskInline; otherwise
// through run, the ordinary call of its TaskFunc, under Retry. It
// returns the locals of result and err.
func (g *gen) typedTaskRetried(b *fn, sig *handlerSig, inline, p, retry string, run jen.Code) (res, err string) {
	sub := b.sub()
	r, e := sub.tmp("r"), sub.tmp("err")
	sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(run))
	sub.selectResult(r, e, nil)
	closure := jen.Func().Params(jen.Id("ctx").Qual("context", "Context")).Params(jen.Any(), jen.Error()).Block(sub.body...)
	res, err = b.tmp("res"), b.tmp("err")
	b.add(jen.Var().Id(res).Any(), jen.Var().Id(err).Error())
	b.add(jen.If(jen.Id(inline)).Block(
		jen.List(jen.Id(res), jen.Id(err)).Op("=").Add(rt("RunTaskInline")).Call(jen.Id("ctx"), b.f(), jen.True(), jen.Parens(jen.Op("*").Id("machine")).Dot(sig.run), jen.Id("m"), jen.Id(p)),
		jen.If(jen.Id(err).Op("!=").Nil()).Block(
			jen.List(jen.Id(res), jen.Id(err)).Op("=").Add(rt("RetryTaskInline")).Call(jen.Id("ctx"), b.f(), jen.Id(retry), jen.Id(err), jen.Parens(jen.Op("*").Id("machine")).Dot(sig.run), jen.Id("m"), jen.Id(p)),
		),
	).Else().Block(
		jen.List(jen.Id(res), jen.Id(err)).Op("=").Add(b.f().Dot("Retry")).Call(jen.Id("ctx"), jen.Id(retry), closure),
	))
	return res, err
}

// typedTaskCall readies the call of a typed Task's handler with the
// struct p, filled by the caller: the code that sets task (or the inline
// flag it returns, "" where the handler never runs inline).
func (g *gen) typedTaskCall(b *fn, s *ir.Task, sig *handlerSig, p, task string) (inline string, typed jen.Code) {
	if !g.untimed(s) || strings.HasSuffix(s.Resource, callbackSuffix) {
		return "", jen.Id(task).Op("=").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("_").Any()).Params(jen.Any(), jen.Error()).Block(
			jen.List(jen.Id("v"), jen.Id("_"), jen.Err()).Op(":=").Id("m").Dot(sig.run).Call(jen.Id("ctx"), jen.Id(p)),
			jen.Return(jen.Id("v"), jen.Err()))
	}
	inline = b.tmp("inline")
	b.add(jen.Id(inline).Op(":=").False())
	// Where the handler runs on this goroutine, the attempt calls it
	// with the struct through sfnimpl.RunTaskInline, which nothing
	// makes escape. Elsewhere the TaskFunc may go to a goroutine, so
	// it closes over a copy of the struct made here: a closure over
	// the struct itself would move it to the heap on every path.
	pc := b.tmp("p")
	return inline, jen.If(b.f().Dot("TasksInline").Call()).Block(
		jen.Comment("The handler runs on this goroutine, called with "+p+" below."),
		jen.Id(inline).Op("=").True(),
	).Else().Block(
		jen.Id(pc).Op(":=").Id(p),
		jen.Id(task).Op("=").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("_").Any()).Params(jen.Any(), jen.Error()).Block(
			jen.List(jen.Id("v"), jen.Id("_"), jen.Err()).Op(":=").Id("m").Dot(sig.run).Call(jen.Id("ctx"), jen.Id(pc)),
			jen.Return(jen.Id("v"), jen.Err())),
	)
}

// typedTaskAttempt is one attempt of a typed Task: run (the ordinary
// call of its TaskFunc) or, where inline is set, the handler called with
// p through RunTaskInline; then its ResultSelector.
func (g *gen) typedTaskAttempt(sub *fn, s *ir.Task, sig *handlerSig, inline, p string, run jen.Code) {
	r, e := sub.tmp("r"), sub.tmp("err")
	if inline == "" {
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(run))
	} else {
		sub.add(jen.Var().Id(r).Any(), jen.Var().Id(e).Error())
		sub.add(jen.If(jen.Id(inline)).Block(
			jen.List(jen.Id(r), jen.Id(e)).Op("=").Add(rt("RunTaskInline")).Call(jen.Id("ctx"), sub.f(), jen.False(), jen.Parens(jen.Op("*").Id("machine")).Dot(sig.run), jen.Id("m"), jen.Id(p)),
		).Else().Block(
			jen.List(jen.Id(r), jen.Id(e)).Op("=").Add(run),
		))
	}
	sub.selectResult(r, e, s.ResultSelector)
}

// callbackSuffix ends the resource of a Task that waits for a task token:
// its handler's result is not the Task's, so it never runs inline.
const callbackSuffix = ".waitForTaskToken"
