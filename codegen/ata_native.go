package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Native JSONata: the forms the compiler lowered to typed nodes
// (literals, paths on $states.input / $states.context / $states.result
// / $states.errorOutput / variables, arithmetic, comparison, string
// concatenation, and/or, conditionals, a few built-in functions, and
// $merge of a value with one new member, the JSONata form of ResultPath)
// compile to Go. The generated code is guarded: whenever a value is not
// of the simple kind the fast path handles (undefined, an array a path
// would map over, mixed types, a non-finite result, non-ASCII string
// ordering), it reports that it did not decide, and the expression is
// evaluated by the engine instead. So the fast path only ever agrees
// with the engine; a test holds it to that.

// An ataBinding is what native code may assume of its bindings.
type ataBinding int

const (
	ataOtherInput ataBinding = iota
	// sv.Input is the input of the state that sv.F runs (not so for a
	// Map's ItemSelector, which runs in an iteration's frame): the
	// frame's bounds of it apply.
	ataStateInput
	// That input is also always normal (see normalInputs).
	ataNormalInput
)

// nativeAtaFunc emits the Go function of a native expression and returns
// its name: func(sv *sfnrt.StatesVars) (v any, ok bool), ok false meaning
// "let the engine decide".
func (g *gen) nativeAtaFunc(e *ir.Expr, binding ataBinding) string {
	key := "native" + strconv.Itoa(int(binding)) + ":" + e.Source
	if name, ok := g.lits[key]; ok {
		return name
	}
	name := g.names.unique("ataNative" + strconv.Itoa(len(g.lits)))
	g.lits[key] = name
	em := &ataEmitter{g: g, binding: binding}
	v := em.node(e.Root)
	em.body = append(em.body, jen.Return(jen.Id(v), jen.True()))
	g.decls = append(g.decls, jen.Comment(fmt.Sprintf("%s computes %s natively; ok is false where the engine must.", name, strconv.Quote(e.Source))).Line().
		Func().Id(name).Params(jen.Id("sv").Op("*").Add(rt("StatesVars"))).Params(jen.Any(), jen.Bool()).Block(em.body...))
	return name
}

type ataEmitter struct {
	g       *gen
	binding ataBinding
	body    []jen.Code
	n       int
}

func (e *ataEmitter) tmp() string {
	e.n++
	return "x" + strconv.Itoa(e.n)
}

func (e *ataEmitter) add(c ...jen.Code) { e.body = append(e.body, c...) }

// bail returns "not decided" from the generated function when cond holds.
func (e *ataEmitter) bail(cond jen.Code) {
	e.body = append(e.body, jen.If(cond).Block(jen.Return(jen.Nil(), jen.False())))
}

// ataRoot emits the declaration of local r holding a path's root, read
// from the state's bindings sv and its frame, and returns the condition under which
// the root is absent: nil for $states.input and $states.context, which
// are always bound.
func ataRoot(add func(...jen.Code), r string, sv, frame jen.Code, p *ir.AtaPath, tmp func() string) (absent jen.Code) {
	switch p.Root {
	case ir.AtaInput:
		add(jen.Id(r).Op(":=").Add(sv).Dot("Input"))
	case ir.AtaContext:
		add(jen.Id(r).Op(":=").Any().Call(jen.Add(frame).Dot("Context").Call()))
	case ir.AtaResult:
		add(jen.Id(r).Op(":=").Add(sv).Dot("Result"))
		return jen.Op("!").Add(sv).Dot("HasResult")
	case ir.AtaErrorOutput:
		add(jen.Id(r).Op(":=").Add(sv).Dot("ErrorOutput"))
		return jen.Op("!").Add(sv).Dot("HasErrorOutput")
	default:
		ok := tmp()
		add(jen.List(jen.Id(r), jen.Id(ok)).Op(":=").Add(frame).Dot("Vars").Dot("Get").Call(jen.Lit(p.Var)))
		return jen.Op("!").Id(ok)
	}
	return nil
}

// ataLookup emits the read of path p's keys from the local root, as
// sfnrt.AtaLookup reads them, and returns the locals of its value, of
// whether it is defined, and of whether the native code decides it
// (false: a step met an array, which the path would map over). Each step
// remembers where it last found its member (sfnrt.FieldHint): executions
// build their inputs alike, so one key comparison finds most members.
func (g *gen) ataLookup(add func(...jen.Code), root string, p *ir.AtaPath, tmp func() string) (v, def, native string) {
	v, def, native = tmp(), tmp(), tmp()
	if len(p.Keys) == 0 {
		add(jen.List(jen.Id(v), jen.Id(def), jen.Id(native)).Op(":=").List(jen.Id(root), jen.True(), jen.True()))
		return v, def, native
	}
	hints := g.names.unique("ataHints" + strconv.Itoa(len(g.decls)))
	g.decls = append(g.decls, jen.Var().Id(hints).Index(jen.Lit(len(p.Keys))).Add(rt("FieldHint")))
	// Each step checks the remembered position in line (FieldHint.Hit,
	// which the Go compiler inlines here) and calls AtaStep, the whole
	// step, only where it misses: a call per step was most of what a
	// member read cost.
	add(jen.Var().Id(v).Any(), jen.Var().Id(def).Bool(), jen.Id(native).Op(":=").True())
	from := root
	for i, k := range p.Keys {
		hint := jen.Id(hints).Index(jen.Lit(i))
		hit, ok := tmp(), tmp()
		step := jen.If(jen.List(jen.Id(hit), jen.Id(ok)).Op(":=").Add(hint).Dot("Hit").Call(jen.Id(from), jen.Lit(k)), jen.Id(ok)).Block(
			jen.List(jen.Id(v), jen.Id(def)).Op("=").List(jen.Id(hit), jen.True()),
		).Else().Block(
			jen.List(jen.Id(v), jen.Id(def), jen.Id(native)).Op("=").Add(hint).Dot("AtaStep").Call(jen.Id(from), jen.Lit(k)),
		)
		if i == 0 {
			add(step)
		} else {
			add(jen.If(jen.Id(def)).Block(step))
		}
		from = v
	}
	return v, def, native
}

// node emits the evaluation of n and returns the local holding its
// value, which is always defined when execution gets past it.
func (e *ataEmitter) node(n ir.AtaNode) string {
	v := e.tmp()
	switch n := n.(type) {
	case *ir.AtaNumber:
		// JSONata numbers are doubles; integral ones come back as int64.
		var lit jen.Code = jen.Lit(n.Value)
		if n.Value == math.Trunc(n.Value) && math.Abs(n.Value) <= 1<<53 {
			lit = jen.Lit(int64(n.Value))
		}
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Add(lit))
	case *ir.AtaString:
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Lit(n.Value))
	case *ir.AtaBool:
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Lit(n.Value))
	case *ir.AtaNull:
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Nil())
	case *ir.AtaPath:
		// Where the root is absent, the engine decides: an unset variable
		// is undefined, an unbound $states.result is an error.
		r := e.tmp()
		if absent := ataRoot(e.add, r, jen.Id("sv"), jen.Id("sv").Dot("F"), n, e.tmp); absent != nil {
			e.bail(absent)
		}
		got := r
		if len(n.Keys) > 0 {
			var def, native string
			got, def, native = e.g.ataLookup(e.add, r, n, e.tmp)
			e.bail(jen.Op("!").Id(def).Op("||").Op("!").Id(native))
		}
		switch {
		case n.Root == ir.AtaInput && e.binding == ataNormalInput:
			e.body = append(e.body, jen.Id(v).Op(":=").Id(got)) // normal already
		case n.Root == ir.AtaResult:
			// A typed handler's output may be normal already (see
			// genTaskAtaTyped).
			e.body = append(e.body, jen.Id(v).Op(":=").Id(got),
				jen.If(jen.Op("!").Id("sv").Dot("NormalResult")).Block(jen.Id(v).Op("=").Qual(ataPath, "Normalize").Call(jen.Id(v))))
		default:
			e.body = append(e.body, jen.Id(v).Op(":=").Qual(ataPath, "Normalize").Call(jen.Id(got)))
		}
	case *ir.AtaCond:
		return e.ternary(n, v)
	case *ir.AtaNegate:
		// -x is 0 - x: the same value, with -0 normalised to 0 either way.
		x, ok := e.node(n.X), e.tmp()
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(rt("AtaBinary")).Call(jen.Lit("-"), jen.Int64().Call(jen.Lit(0)), jen.Id(x)))
		e.bail(jen.Op("!").Id(ok))
	case *ir.AtaBinary:
		if eq := e.stringEquality(n, v); eq != "" {
			return eq
		}
		l, r, ok := e.node(n.Left), e.node(n.Right), e.tmp()
		call := rt("AtaBinary").Call(jen.Lit(n.Op.String()), jen.Id(l), jen.Id(r))
		if f, typed := ataOpFuncs[n.Op]; typed {
			call = rt(f).Call(jen.Id(l), jen.Id(r))
		}
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(call))
		e.bail(jen.Op("!").Id(ok))
	case *ir.AtaCall:
		args := []jen.Code{jen.Lit(n.Func.String())}
		for _, a := range n.Args {
			args = append(args, jen.Id(e.node(a)))
		}
		e.bailShadowed(n.Func.String())
		ok := e.tmp()
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(rt("AtaCall")).Call(args...))
		e.bail(jen.Op("!").Id(ok))
	case *ir.AtaMergeMember:
		// Both operands are normalised already, as the engine's export
		// would leave them.
		base, val := e.node(n.Base), e.node(n.Value)
		e.bailShadowed("merge")
		ok := e.tmp()
		merge := rt("AtaMergeMember").Call(jen.Id(base), jen.Lit(n.Key), jen.Id(val))
		if p, isPath := n.Base.(*ir.AtaPath); isPath && p.Root == ir.AtaInput && len(p.Keys) == 0 && e.binding != ataOtherInput {
			// JSONata's ResultPath: the output's size is bounded from
			// the input's, as ResultPath's is.
			merge = jen.Id("sv").Dot("F").Dot("AtaMergeInput").Call(jen.Id("sv").Dot("Input"), jen.Id(base), jen.Lit(n.Key), jen.Id(val))
			if e.binding == ataNormalInput {
				// The base is the input itself, not normalised: what
				// AtaMergeInput checks at run time is known here, and
				// SetResultKey is what it calls for an object.
				isObject := e.tmp()
				e.body = append(e.body, jen.List(jen.Id("_"), jen.Id(isObject)).Op(":=").Id(base).Assert(jen.Op("*").Add(rt("Object"))))
				e.bail(jen.Op("!").Id(isObject))
				merge = jen.Id("sv").Dot("F").Dot("SetResultKey").Call(jen.Id(base), jen.Id(val), jen.Lit(n.Key))
			}
		}
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(merge))
		e.bail(jen.Op("!").Id(ok))
	default:
		// The compiler never puts an engine node inside a native tree.
		panic(fmt.Sprintf("codegen: JSONata node %T in a native expression", n))
	}
	return v
}

// stringEquality emits = or != where one side is a string literal (a
// Choice's commonest Condition, $states.input.status = 'APPROVED') into
// v: a string operand compares as Go compares it (JSONata compares
// strings by code units, so equality is byte equality); another value
// goes to AtaBinary as any comparison does. It returns "" for another
// expression.
func (e *ataEmitter) stringEquality(n *ir.AtaBinary, v string) string {
	if n.Op != ir.AtaEq && n.Op != ir.AtaNe {
		return ""
	}
	lit, other := n.Right, n.Left
	if _, ok := lit.(*ir.AtaString); !ok {
		lit, other = n.Left, n.Right
	}
	str, ok := lit.(*ir.AtaString)
	if !ok {
		return ""
	}
	x := e.node(other)
	s, isStr, decided := e.tmp(), e.tmp(), e.tmp()
	op := "=="
	if n.Op == ir.AtaNe {
		op = "!="
	}
	e.add(jen.Var().Id(v).Any())
	e.add(jen.If(jen.List(jen.Id(s), jen.Id(isStr)).Op(":=").Id(x).Assert(jen.String()), jen.Id(isStr)).Block(
		jen.Id(v).Op("=").Id(s).Op(op).Lit(str.Value),
	).Else().Block(
		jen.Var().Id(decided).Bool(),
		jen.List(jen.Id(v), jen.Id(decided)).Op("=").Add(rt("AtaBinary")).Call(jen.Lit(n.Op.String()), jen.Id(x), jen.Lit(str.Value)),
		jen.If(jen.Op("!").Id(decided)).Block(jen.Return(jen.Nil(), jen.False())),
	))
	return v
}

// bailShadowed hands over to the engine where a workflow variable of the
// function's name shadows the built-in (calling it fails there). Only an
// Assign names a variable, so where no Assign of the definition can name
// fn, nothing is looked up.
func (e *ataEmitter) bailShadowed(fn string) {
	if !e.g.mayAssign(fn) {
		return
	}
	shadowed := e.tmp()
	e.body = append(e.body, jen.List(jen.Id("_"), jen.Id(shadowed)).Op(":=").Id("sv").Dot("F").Dot("Vars").Dot("Get").Call(jen.Lit(fn)))
	e.bail(jen.Id(shadowed))
}

// ternary evaluates the condition, which must be a boolean, and then only
// the branch it chooses, as JSONata does.
func (e *ataEmitter) ternary(n *ir.AtaCond, v string) string {
	cond := e.node(n.Cond)
	b, ok := e.tmp(), e.tmp()
	e.body = append(e.body, jen.List(jen.Id(b), jen.Id(ok)).Op(":=").Id(cond).Assert(jen.Bool()))
	e.bail(jen.Op("!").Id(ok))
	e.body = append(e.body, jen.Var().Id(v).Any())
	then := &ataEmitter{g: e.g, binding: e.binding, n: e.n}
	tv := then.node(n.Then)
	then.body = append(then.body, jen.Id(v).Op("=").Id(tv))
	els := &ataEmitter{g: e.g, binding: e.binding, n: then.n}
	ev := els.node(n.Else)
	els.body = append(els.body, jen.Id(v).Op("=").Id(ev))
	e.n = els.n
	e.body = append(e.body, jen.If(jen.Id(b)).Block(then.body...).Else().Block(els.body...))
	return v
}

// mayAssign reports whether some Assign of the definition (nested
// machines, Choice rules and catchers included) may name variable name:
// one that names it, or one whose names the compiler does not see.
func (g *gen) mayAssign(name string) bool {
	if g.assignNames == nil {
		g.assignNames = map[string]bool{}
		add := func(t ir.Template) {
			switch t := t.(type) {
			case nil:
			case *ir.TObject:
				for _, f := range t.Fields {
					g.assignNames[f.Key] = true
				}
			case *ir.TLiteral:
				if o, ok := t.Value.(ir.Object); ok {
					for _, m := range o {
						// A "k.$" key a literal kept as written names k
						// too, should anything strip it.
						g.assignNames[m.Key] = true
						g.assignNames[strings.TrimSuffix(m.Key, ".$")] = true
					}
					return
				}
				g.assignAny = true
			default:
				g.assignAny = true
			}
		}
		for _, p := range g.progs {
			for _, s := range p.m.States {
				add(s.Base().Assign)
				if ch, ok := s.(*ir.Choice); ok {
					for _, br := range ch.Choices {
						add(br.Assign)
					}
				}
				for _, c := range ir.Catchers(s) {
					add(c.Assign)
				}
			}
		}
	}
	return g.assignAny || g.assignNames[name]
}
