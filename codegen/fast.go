package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// The fused path of a program (sfnimpl.Program.Fast): package fuse plans
// it, and the emitters here write it, one per state kind (fast_pass.go,
// fast_choice.go, fast_succeed.go) over the values of fast_value.go.
// The same emitter runs twice: dry, as the plan's Transfer, to find where
// a state goes with what and what its code costs; then for real, on the
// input shapes of the plan.

// fuser emits the fused function of one program.
type fuser struct {
	g    *gen
	p    *prog
	plan *fuse.Plan

	minLeaf int // the bound of any literal or integer fused code holds

	// dry is set while the plan is made: transitions are recorded in
	// flows instead of emitted.
	dry    bool
	flows  []fuse.Flow
	failed bool            // the state cannot be fused (on this input)
	state  int             // the state being emitted
	gotos  map[string]bool // labels jumped to

	// The workflow variables held in locals (see fast_ata.go): inVars
	// where the state being emitted starts, vars where it goes on (with
	// what it assigned).
	inVars, vars *fenv

	// While a function is emitted: the largest bound of an output made
	// of literals and integers alone (checked once, where the function
	// starts), and the named constants of the other bounds.
	fixedOutput int
	consts      []jen.Code
	constNames  map[string]bool
	// The variables its states assign, and whether it checks the
	// execution's variables against their limit (varRoom).
	assigned    map[string]bool
	usesVarRoom bool

	// item is the fused start from a Map's item, where there is one
	// (fast_item.go); while it is emitted, bailTo is where its hand-overs
	// go instead of the state's.
	item   *itemEntry
	bailTo string
}

// planFusion plans the fused path of program p, or returns nil when
// fusing gains nothing there (no two states to fuse). Its emit writes
// the fused function.
func (g *gen) planFusion(p *prog) *fuser {
	z := &fuser{g: g, p: p, gotos: map[string]bool{}, minLeaf: fuse.IntSize, assigned: map[string]bool{}}
	if z.plan = fuse.Analyze(p.m, z.transfer); z.plan == nil {
		return nil
	}
	return z
}

// transfer is the plan's fuse.Transfer: state i emitted dry on an input
// of shape in, with the variables vars held.
func (z *fuser) transfer(i int, in *fuse.Shape, vars *fuse.Vars) ([]fuse.Flow, int, bool) {
	z.dry, z.flows, z.failed = true, nil, false
	b := newFunc(z.g, z.p)
	locals := new(int)
	x := z.bind(in, fmt.Sprintf("x%d_", i), locals, nil)
	z.body(b, i, x, z.bindVars(vars, fmt.Sprintf("v%d_", i), locals, nil))
	return z.flows, codeCost(b) + *locals, !z.failed
}

// codeCost measures the code of a block: its statements and the locals
// it declares (nested blocks count through their locals).
func codeCost(b *fn) int { return len(b.body) + b.n }

// emit writes the fused function and returns its name: one function,
// or a dispatcher over the functions of the plan.
func (z *fuser) emit() string {
	z.dry = false
	name := fmt.Sprintf("fast%d", z.p.index)
	doc := fmt.Sprintf("%s runs the states of %s it can fused (see sfnimpl.FastFunc).", name, z.p.field)
	if !z.plan.Split() {
		z.planItem()
		z.g.decls = append(z.g.decls, jen.Comment(doc).Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(name).
			Params(stateParams()...).Params(jen.Int(), jen.Any()).Block(z.emitBody(z.plan.Funcs[0])...))
		return name
	}
	// The dispatcher: each function runs its states from the one it is
	// given and says whether it stopped at a state of another one.
	var cases []jen.Code
	for c, states := range z.plan.Funcs {
		if len(states) == 0 {
			continue
		}
		part := fmt.Sprintf("%s_%d", name, c)
		z.g.decls = append(z.g.decls, jen.Comment(fmt.Sprintf("%s runs states %d to %d of %s fused (see %s).", part, states[0], states[len(states)-1], z.p.field, name)).Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(part).
			Params(stateParams()...).Params(jen.Int(), jen.Any(), jen.Bool()).Block(z.emitBody(states)...))
		cases = append(cases, jen.Case(jen.Id("state").Op("<=").Lit(states[len(states)-1])).Block(
			jen.List(jen.Id("state"), jen.Id("in"), jen.Id("more")).Op("=").Id("m").Dot(part).Call(jen.Id("ctx"), jen.Id("f"), jen.Id("state"), jen.Id("in")),
		))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Id("state"), jen.Id("in"))))
	z.g.decls = append(z.g.decls, jen.Comment(doc).Line().
		Comment("Its code is split into functions of bounded size, which hand over to one").Line().
		Comment("another here, so that the Go compiler builds a large machine in bounded").Line().
		Comment("time and memory.").Line().
		Func().Params(jen.Id("m").Op("*").Id("machine")).Id(name).
		Params(stateParams()...).Params(jen.Int(), jen.Any()).Block(
		jen.For(jen.Id("more").Op(":=").True(), jen.Id("more"), jen.Empty()).Block(
			jen.Switch().Block(cases...),
		),
		jen.Return(jen.Id("state"), jen.Id("in")),
	))
	return name
}

// emitBody returns the body of a fused function running states.
func (z *fuser) emitBody(states []int) []jen.Code {
	z.gotos = map[string]bool{}
	z.fixedOutput, z.consts, z.constNames = 0, nil, map[string]bool{}
	z.assigned, z.usesVarRoom = map[string]bool{}, false
	// Each state's input (and the variables held there) in locals,
	// declared one line a state.
	var decls []jen.Code
	bound := map[int]*fval{}
	boundVars := map[int]*fenv{}
	for _, i := range states {
		var locals []*fval
		n := new(int)
		bound[i] = z.bind(z.plan.States[i].Input, fmt.Sprintf("x%d_", i), n, &locals)
		boundVars[i] = z.bindVars(z.plan.States[i].Vars, fmt.Sprintf("v%d_", i), n, &locals)
		decls = append(decls, localDecls(locals)...)
	}
	for _, i := range states {
		z.minLeaf = max(z.minLeaf, fuse.LiteralBound(z.p.m.States[i]), ataLiteralBound(z.p.m.States[i]))
	}
	// The selector's output, where fused code starts from an item.
	var item *fval
	if z.item != nil {
		var locals []*fval
		item = z.bind(z.item.shape, "sel_", new(int), &locals)
		decls = append(decls, localDecls(locals)...)
		z.minLeaf = max(z.minLeaf, fuse.LiteralBound(&ir.Pass{Parameters: z.item.sel}))
	}
	for _, i := range states {
		if z.plan.States[i].Entry {
			z.gotos[stateLabel(i)] = true
		}
	}
	// The states' code first: it finds the bounds declared above it.
	code := map[int][]jen.Code{}
	for _, i := range states {
		b := newFunc(z.g, z.p)
		z.body(b, i, bound[i], boundVars[i])
		code[i] = b.body
	}
	var blocks, unread []jen.Code
	var itemBlocks []jen.Code
	if item != nil {
		itemBlocks = z.itemBlocks(item)
		item.leaves(func(l *fval) { unread = append(unread, jen.Id(l.id)) })
	}
	for _, i := range states {
		if !z.gotos[bailLabel(i)] {
			// No hand-over reads the state's input: its code may not.
			bound[i].leaves(func(l *fval) { unread = append(unread, jen.Id(l.id)) })
			boundVars[i].leaves(func(l *fval) { unread = append(unread, jen.Id(l.id)) })
		}
		if z.gotos[stateLabel(i)] {
			blocks = append(blocks, jen.Id(stateLabel(i)).Op(":").Block(code[i]...))
		}
		if z.gotos[bailLabel(i)] {
			// Where fused code hands state i over: its input, built,
			// and the variables held there, stored in the scope.
			bail := jen.Id(bailLabel(i)).Op(":").Line().
				Id("f").Dot("Transitions").Call(jen.Id("steps")).Line()
			for _, c := range z.storeVarsExpr(boundVars[i]) {
				bail = bail.Add(c).Line()
			}
			blocks = append(blocks, bail.Add(z.ret(jen.Lit(i), z.materializeExpr(bound[i]), false)))
		}
	}
	var cases []jen.Code
	for _, i := range states {
		if !z.plan.States[i].Entry {
			continue
		}
		entry := []jen.Code{
			jen.Id(bound[i].id).Op("=").Id("in"),
			jen.List(jen.Id("leaf"), jen.Id("limit")).Op("=").Id("f").Dot("FastBound").Call(jen.Id("in"), jen.Id("minLeaf")),
		}
		if z.fixedOutput > 0 {
			entry = append(entry, jen.If(jen.Id("fixedOutput").Op(">").Id("limit")).Block(z.ret(jen.Id("state"), jen.Id("in"), false)))
		}
		if z.usesVarRoom {
			entry = append(entry, jen.Id("varRoom").Op("=").Id("f").Dot("FastVarRoom").Call())
		}
		cases = append(cases, jen.Case(jen.Lit(i)).Block(append(entry, jen.Goto().Id(stateLabel(i)))...))
	}
	if item != nil {
		cases = append(cases, z.itemCase())
	}
	// leaf bounds the JSON size of every value this code took from its
	// input, limit is the payload limit (see sfnimpl.Frame.FastBound).
	body := []jen.Code{
		jen.Var().Id("steps").Op(",").Id("leaf").Op(",").Id("limit").Int(),
	}
	if z.usesVarRoom {
		// varRoom is what the limit on the execution's variables leaves
		// to those fused code assigns (see sfnimpl.Frame.FastVarRoom).
		body = append(body, jen.Var().Id("varRoom").Int())
	}
	var consts []jen.Code
	if len(cases) > 0 {
		consts = append(consts, jen.Id("minLeaf").Op("=").Lit(z.minLeaf).
			Comment("the JSON size of the largest literal or integer held below: leaf's least value"))
	}
	if z.fixedOutput > 0 {
		consts = append(consts, jen.Id("fixedOutput").Op("=").Lit(z.fixedOutput).
			Comment("the JSON size of the largest output below made of literals and integers alone: past the payload limit, the ordinary code runs these states"))
	}
	if z.usesVarRoom {
		consts = append(consts, z.varConst())
	}
	consts = append(consts, z.consts...)
	if len(consts) > 0 {
		body = append(body, jen.Const().Defs(consts...))
	}
	if len(decls) > 0 {
		body = append(body, jen.Var().Defs(decls...))
	}
	unread = append([]jen.Code{jen.Id("leaf"), jen.Id("limit")}, unread...)
	blanks := make([]jen.Code, len(unread))
	for i := range blanks {
		blanks[i] = jen.Id("_")
	}
	body = append(body,
		jen.List(blanks...).Op("=").List(unread...),
		jen.Switch(jen.Id("state")).Block(cases...),
		z.ret(jen.Id("state"), jen.Id("in"), false),
	)
	// Go rejects a label nothing jumps to: blocks holds those jumped to.
	return append(append(body, blocks...), itemBlocks...)
}

// localDecls declares locals, consecutive ones of one type together.
func localDecls(locals []*fval) []jen.Code {
	var decls []jen.Code
	for i := 0; i < len(locals); {
		j := i
		var names []jen.Code
		for ; j < len(locals) && locals[j].kind == locals[i].kind; j++ {
			names = append(names, jen.Id(locals[j].id))
		}
		typ := jen.Any()
		if locals[i].kind == fuse.Int {
			typ = jen.Int64()
		}
		decls = append(decls, jen.List(names...).Add(typ))
		i = j
	}
	return decls
}

// ret returns from a fused function with the state to go on from and its
// input; in a function of split, more says whether fused code of another
// function goes on from there.
func (z *fuser) ret(state, value jen.Code, more bool) jen.Code {
	if !z.plan.Split() {
		return jen.Return(state, value)
	}
	return jen.Return(state, value, jen.Lit(more))
}

func stateLabel(i int) string { return fmt.Sprintf("state%d", i) }
func bailLabel(i int) string  { return fmt.Sprintf("bail%d", i) }

// body emits state i on input in, with the variables vars held, into b:
// the one dispatch on state kind.
func (z *fuser) body(b *fn, i int, in *fval, vars *fenv) {
	z.state = i
	z.inVars, z.vars = vars, vars
	ata := z.p.m.States[i].Base().QueryLanguage == ir.JSONata
	switch s := z.p.m.States[i].(type) {
	case *ir.Pass:
		if ata {
			z.ataPass(b, s, in)
		} else {
			z.pass(b, s, in)
		}
	case *ir.Choice:
		if ata {
			z.ataChoice(b, s, in)
		} else {
			z.choice(b, s, in)
		}
	case *ir.Succeed:
		if ata {
			z.ataSucceed(b, s, in)
		} else {
			z.succeed(b, s, in)
		}
	default:
		z.failed = true
	}
}

// bail hands the state being emitted over to the ordinary code.
func (z *fuser) bail() jen.Code {
	label := bailLabel(z.state)
	if z.bailTo != "" {
		label = z.bailTo
	}
	z.gotos[label] = true
	return jen.Goto().Id(label)
}

// unsupported marks the state being emitted as one fused code cannot run
// and returns nil.
func (z *fuser) unsupported() *fval {
	z.failed = true
	return nil
}

// transition goes from the state being emitted to next ("" for End) with
// out; in is the state's input.
func (z *fuser) transition(b *fn, next ir.StateName, out, in *fval) {
	if out != in {
		// An output that is the state's input was checked when made.
		// Past the payload limit, the ordinary code reports it.
		c, k := out.shape().Bound()
		if k == 0 {
			// Checked once for the whole function, where it starts:
			// handing a state over early loses nothing.
			z.fixedOutput = max(z.fixedOutput, c)
		} else {
			b.add(jen.If(z.boundCode(c, k, "output").Op(">").Id("limit")).Block(z.bail()))
		}
	}
	to := fuse.End
	if next != "" {
		to = z.p.stateI[next]
	}
	if z.dry {
		z.flows = append(z.flows, fuse.Flow{To: to, Out: out.shape(), Vars: z.vars.shape()})
		return
	}
	if z.plan.Leaves(z.state, to) {
		v := z.materialize(b, out)
		z.storeVars(b, z.vars, nil)
		b.add(jen.Id("f").Dot("Transitions").Call(jen.Id("steps").Op("+").Lit(1)))
		// Fused code of another function goes on from a later state; a
		// way back, perhaps a loop, goes through the ordinary path,
		// which checks the context and the history quota.
		b.add(z.ret(z.p.next(next), v, to != fuse.End && z.plan.States[to].Fused && to > z.state))
		return
	}
	n := new(int)
	dst := z.bind(z.plan.States[to].Input, fmt.Sprintf("x%d_", to), n, nil)
	dstVars := z.bindVars(z.plan.States[to].Vars, fmt.Sprintf("v%d_", to), n, nil)
	var lhs, rhs []jen.Code
	z.convert(b, out, dst, &lhs, &rhs)
	z.convertVars(b, z.vars, dstVars, &lhs, &rhs)
	if len(lhs) > 0 {
		b.add(jen.List(lhs...).Op("=").List(rhs...))
	}
	b.add(jen.Id("steps").Op("++"))
	if to <= z.state {
		// A way back, so perhaps a loop: every sfnimpl.FastSteps states,
		// the steps are counted and the history quota and the context
		// checked (sfnimpl.Frame.FastContinue); where either says stop,
		// the ordinary path takes the state over and reports it. (Other
		// transitions need no check: without a way back, fused code
		// runs each state of a function of bounded size at most once a
		// call, and the ordinary path checks between calls.)
		z.gotos[bailLabel(to)] = true
		b.add(jen.If(jen.Id("steps").Op(">=").Add(rt("FastSteps"))).Block(
			jen.If(jen.Op("!").Id("f").Dot("FastContinue").Call(jen.Id("ctx"), jen.Id("steps"))).Block(
				jen.Id("steps").Op("=").Lit(0),
				jen.Goto().Id(bailLabel(to)),
			),
			jen.Id("steps").Op("=").Lit(0),
		))
	}
	z.gotos[stateLabel(to)] = true
	b.add(jen.Goto().Id(stateLabel(to)))
}

// boundCode is the code of the size bound c + k*leaf of a value of the
// state being emitted (what: "output", or "built" for one it builds), c
// a named constant that says what it bounds.
func (z *fuser) boundCode(c, k int, what string) *jen.Statement {
	if c == 0 {
		return kLeaf(k)
	}
	name := fmt.Sprintf("%sBound%d", what, z.state)
	for n := 2; z.constNames[name]; n++ {
		name = fmt.Sprintf("%sBound%d_%d", what, z.state, n)
	}
	if !z.dry {
		z.constNames[name] = true
		doc := fmt.Sprintf("state %d's output", z.state)
		switch what {
		case "built":
			doc = fmt.Sprintf("a value state %d builds", z.state)
		case "assigned":
			doc = fmt.Sprintf("the values state %d assigns", z.state)
		}
		z.consts = append(z.consts, jen.Id(name).Op("=").Lit(c).Comment(doc+": "+fuse.DescribeBound(c, k)))
	}
	if k == 0 {
		return jen.Id(name)
	}
	return jen.Id(name).Op("+").Add(kLeaf(k))
}

// kLeaf is the code of k*leaf, k > 0: the bound of k values taken from
// the input.
func kLeaf(k int) *jen.Statement {
	if k == 1 {
		return jen.Id("leaf")
	}
	return jen.Lit(k).Op("*").Id("leaf")
}

// growLeaf makes leaf cover a value of bound c + k*leaf built from the
// values it covers.
func (z *fuser) growLeaf(b *fn, c, k int) {
	b.add(jen.Id("leaf").Op("=").Id("min").Call(jen.Id("max").Call(jen.Id("leaf"), z.boundCode(c, k, "built")), jen.Id("limit").Op("+").Lit(1)))
}

// convert assigns v to the locals of dst, a shape that holds v's.
func (z *fuser) convert(b *fn, v, dst *fval, lhs, rhs *[]jen.Code) {
	switch dst.kind {
	case fuse.Any:
		if v.kind == fuse.Obj {
			// An object built here is larger than any value taken from
			// the input: the bound of those grows to cover it.
			c, k := v.shape().Bound()
			z.growLeaf(b, c, k)
		}
		if v.kind == fuse.Any && v.id == dst.id {
			return
		}
		*lhs = append(*lhs, jen.Id(dst.id))
		*rhs = append(*rhs, z.materialize(b, v))
	case fuse.Int:
		if v.kind != fuse.Int {
			panic("codegen: fused value does not fit its shape")
		}
		if v.id == dst.id {
			return
		}
		*lhs = append(*lhs, jen.Id(dst.id))
		*rhs = append(*rhs, v.expr())
	case fuse.Obj:
		if v.kind != fuse.Obj || len(v.keys) != len(dst.keys) {
			panic("codegen: fused value does not fit its shape")
		}
		for i := range dst.elems {
			z.convert(b, v.elems[i], dst.elems[i], lhs, rhs)
		}
	}
}
