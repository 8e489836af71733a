package codegen

import (
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Typed JSONata Arguments: the JSONata twin of genTaskFused. A Task whose
// Arguments object names the fields of its typed handler's input struct,
// each member a literal or an expression the compiler lowered to native
// form ($states.input.a.b, arithmetic, &, comparisons...), has each value
// decoded straight into its field: no Arguments object is built, no key is
// looked up twice. The values are the very ones the ordinary path would
// put in the object (read, then normalised as the engine's export would),
// and each field is decoded by the codec the adapter would use for that
// member, so the handler sees the same struct. Wherever that is not
// certain (a member undefined, a path that would map over an array, a
// value the native code does not decide, one that is not a plain case for
// its field, history on, no handler bound), the state evaluates its
// Arguments as any JSONata Task does, errors and all.

// ataTypable returns the input fields of a JSONata Task whose Arguments
// can fill its handler's input directly (see inputFields), nil otherwise.
func (g *gen) ataTypable(s *ir.Task) []*jsonField {
	if s.QueryLanguage != ir.JSONata {
		return nil
	}
	obj, ok := s.Parameters.(*ir.TObject)
	if !ok {
		return nil
	}
	for _, fld := range obj.Fields {
		if !nativeMember(fld.Value) {
			return nil
		}
	}
	return g.inputFields(s)
}

// nativeMember reports whether an Arguments member is a literal or an
// expression with native code.
func nativeMember(t ir.Template) bool {
	switch t := t.(type) {
	case *ir.TLiteral:
		return true
	case *ir.TExpr:
		switch t.Expr.Root.(type) {
		case *ir.AtaEngine, nil:
			return false
		}
		return true
	}
	return false
}

// genTaskAtaTyped is genTask for a JSONata Task whose Arguments fill its
// handler's input struct (see ataTypable).
func (g *gen) genTaskAtaTyped(b *fn, s *ir.Task, fields []*jsonField) {
	sig := g.sigs[s.Name]
	sv := b.statesVars(jen.Id("in"), nil, nil)
	method := g.method[s.Name]
	obj := s.Parameters.(*ir.TObject)

	p, params, task, typed := b.tmp("p"), b.tmp("params"), b.tmp("task"), b.tmp("typed")
	b.add(jen.Var().Id(p).Add(g.typeCode(sig.in)), jen.Var().Id(params).Any(), jen.Var().Id(task).Add(rt("TaskFunc")))
	b.add(jen.Id(typed).Op(":=").Id("m").Dot("h").Op("!=").Nil().Op("&&").Add(b.f().Dot("X").Dot("History")).Op("==").Nil())
	for i, fld := range obj.Fields {
		var dst jen.Code
		if fields[i] != nil {
			dst = jen.Op("&").Id(p).Dot(fields[i].v.Name())
		}
		if lit, ok := fld.Value.(*ir.TLiteral); ok {
			if dst != nil {
				b.add(jen.Id(typed).Op("=").Id(typed).Op("&&").Add(g.decCall(fields[i].v.Type(), g.value(lit.Value), dst)))
			}
			continue
		}
		// Each member in its own block, evaluated only while the typed
		// call is still possible: a member that the native code does not
		// decide sends the whole state to the ordinary path, which
		// evaluates every member again (they have no side effects) and
		// reports the first failure as AWS does.
		c := b.child(0)
		v, decided := c.ataNativeMember(fld.Value.(*ir.TExpr).Expr, sv)
		cond := jen.Id(decided)
		if dst != nil {
			cond = cond.Op("&&").Add(g.decCall(fields[i].v.Type(), jen.Id(v), dst))
		}
		c.add(jen.Id(typed).Op("=").Add(cond))
		b.n = c.n
		b.add(jen.If(jen.Id(typed)).Block(c.body...))
	}
	// Typed: the task calls the handler with the struct (typedTaskCall).
	// Otherwise the Arguments object goes to the bound handler or the
	// TaskInvoker.
	inline, typedCall := g.typedTaskCall(b, s, sig, p, task)
	ordinary := b.child(0)
	args := ordinary.ataTemplate(obj, sv, "Arguments")
	ordinary.add(jen.Id(params).Op("=").Id(args), jen.Id(task).Op("=").Id("m").Dot(taskField(method)))
	b.n = ordinary.n
	b.add(jen.If(jen.Id(typed)).Block(typedCall).Else().Block(ordinary.body...))

	// As in genTask, the durations after the Arguments.
	timeout := b.seconds(s.Timeout, sv, "TimeoutSeconds")
	heartbeat := b.seconds(s.Heartbeat, sv, "HeartbeatSeconds")
	retry := g.retriers(s.Name, s.Retry)

	// As in genTask: under Retry, a handler that runs inline is called
	// directly, its attempts' errors handed to the retry loop after it
	// ran (typedTaskRetried); JSONata has no ResultSelector.
	var res, err string
	if inline != "" && retry != "" {
		res, err = g.typedTaskRetried(b, sig, inline, p, retry, g.runTask(b, s, timeout, heartbeat, jen.Id(params), jen.Id(task)))
	} else {
		res, err = b.attempt(retry, func(sub *fn) {
			g.typedTaskAttempt(sub, s, sig, inline, p, g.runTask(sub, s, timeout, heartbeat, jen.Id(params), jen.Id(task)))
		})
	}
	// The result is known normal where the handler ran inline (so the
	// result is its output, encoded by the adapter, not a callback's or
	// a Driver's) and its output type encodes to no integral float.
	var normal jen.Code
	if inline != "" && g.normalEncoding(sig.out) {
		normal = jen.Id(inline)
	}
	b.ataEndWork(&s.Common, s.Catch, res, err, normal)
}

// ataEndWork is endWork for a JSONata state whose result is normal where
// normalResult (nil: never) holds at run time: Output's $merge with
// $states.result then does not walk the result.
func (b *fn) ataEndWork(c *ir.Common, catchers []ir.Catcher, res, err string, normalResult jen.Code) {
	b.catch(catchers, err, true)
	sv := b.statesVars(jen.Id("in"), jen.Id(res), nil)
	if normalResult != nil && (c.Output != nil || c.Assign != nil) {
		b.add(jen.Id(sv).Dot("NormalResult").Op("=").Add(normalResult))
	}
	b.ataFinish(c, sv, jen.Id(res), c.Next)
}

// handlerResultNormal reports whether the result of JSONata Task s is
// normal wherever its handler is bound and the execution has no Driver
// (see branchOutputsNormal): the adapter's output, of a type that
// encodes to no integral float, and no callback's.
func (g *gen) handlerResultNormal(s *ir.Task) bool {
	sig, ok := g.sigs[s.Name]
	return ok && sig.run != "" && !strings.HasSuffix(s.Resource, callbackSuffix) && g.normalEncoding(sig.out)
}

// branchOutputsNormal reports whether a JSONata Parallel's result, its
// branches' outputs, is normal wherever the handlers are bound (m.h) and
// Tasks run inline (no history, no Driver, an execution that cannot end
// meanwhile: a Task's result is then its handler's output, encoded by
// the adapter). That takes every state that ends a branch to output a
// JSONata Output, a typed Task's result (handlerResultNormal) or its own
// normal input (a Pass, Wait or Succeed without Output). tasks reports
// whether a Task's result is among them: without one, the result is
// normal whatever runs the Tasks.
func (g *gen) branchOutputsNormal(s *ir.Parallel) (normal, tasks bool) {
	if s.QueryLanguage != ir.JSONata {
		return false, false
	}
	normalIn := g.normalInputs()
	for _, br := range s.Branches {
		for _, st := range br.States {
			c := st.Base()
			if _, isSucceed := st.(*ir.Succeed); !c.End && !isSucceed {
				continue
			}
			switch {
			case c.QueryLanguage != ir.JSONata:
				return false, false
			case c.Output != nil:
				if !normalTemplate(c.Output) {
					return false, false
				}
			default:
				switch st := st.(type) {
				case *ir.Task:
					if !g.handlerResultNormal(st) {
						return false, false
					}
					tasks = true
				case *ir.Pass, *ir.Wait, *ir.Succeed:
					if !normalIn[c.Name] {
						return false, false
					}
				default:
					return false, false
				}
			}
		}
	}
	return true, tasks
}

// normalEncoding reports whether the runtime value a typed handler's
// output of type t encodes to never holds a float64 with an integral
// value within ±2^53, which JSONata would hold as an integer: t is plain
// (the adapter encodes it itself: EncodeFloat gives such a number as an
// int64) and holds no interface. Where the adapter falls back to
// encoding/json (a string that is not UTF-8), json.Marshal writes an
// integral float of such a type without fraction or exponent below
// 1e21, which the decoder reads as an integer, so that is normal too.
func (g *gen) normalEncoding(t types.Type) bool {
	return t != nil && g.plain(t, encode) && !holdsInterface(t, map[types.Type]bool{})
}

// holdsInterface reports whether t is or contains an interface type.
func holdsInterface(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Interface:
		return true
	case *types.Pointer:
		return holdsInterface(u.Elem(), seen)
	case *types.Slice:
		return holdsInterface(u.Elem(), seen)
	case *types.Array:
		return holdsInterface(u.Elem(), seen)
	case *types.Map:
		return holdsInterface(u.Key(), seen) || holdsInterface(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsInterface(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

// ataNativeMember evaluates a native expression without the engine and
// returns the locals of its value, normalised as the engine's export
// leaves it, and of whether the native code decided it (false: undefined,
// or the engine's to evaluate).
func (b *fn) ataNativeMember(e *ir.Expr, sv string) (v, decided string) {
	if p, ok := e.Root.(*ir.AtaPath); ok && p.Root == ir.AtaInput {
		// The commonest member, $states.input.a.b, read in place.
		var def, native string
		v, def, native = b.g.ataLookup(b.add, sv+".Input", p, func() string { return b.tmp("x") })
		decided = b.tmp("decided")
		b.add(jen.Id(decided).Op(":=").Id(def).Op("&&").Id(native))
		if !b.readsNormalInput() {
			b.add(jen.If(jen.Id(decided)).Block(jen.Id(v).Op("=").Qual(ataPath, "Normalize").Call(jen.Id(v))))
		}
		return v, decided
	}
	v, decided = b.tmp("v"), b.tmp("decided")
	b.add(jen.List(jen.Id(v), jen.Id(decided)).Op(":=").Id(b.g.nativeAtaFunc(e, b.ataBinding())).Call(jen.Id(sv)))
	return v, decided
}
