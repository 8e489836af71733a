package codegen

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// The fused path of a program (sfnrt.Program.Fast).
//
// Pass, Choice and Succeed states in JSONPath mode mostly move values
// around: a template picks members of the input, an intrinsic adds two
// integers, a rule compares them. Run state by state, each of them
// builds an object that the next one takes apart again. Fused, the
// compiler follows each value from state to state instead: a member it
// knows stays in a Go local (an integer unboxed), an object whose keys it
// knows is not built until a value leaves the fused code, and a path into
// it is a local read. The states become labelled blocks of one function
// that jump to one another.
//
// Fused code never fails. Wherever a state could fail (a path that
// selects nothing, an intrinsic out of range, a payload that may be too
// large, a deadline) it hands the state, unrun, with its input built, to
// the ordinary code, which runs it and reports exactly what it reports
// on every other path. Values are immutable and these states have no
// effects, so stopping before a state loses nothing.

// fkind is how fused code holds a value.
type fkind int

const (
	fAny   fkind = iota // in an `any` local: anything
	fInt                // an int64 local or literal: an integer of the runtime (int64)
	fConst              // a literal of the definition
	fObj                // an object not built yet: its keys and the values of its members
)

// fval is a value in fused code, or, without locals, the shape of one.
type fval struct {
	kind  fkind
	id    string   // fAny, fInt: the local holding it; "" for an fInt literal
	ilit  int64    // fInt without id
	lit   ir.Value // fConst
	keys  []string // fObj, distinct
	elems []*fval  // fObj
}

var anyShape = &fval{kind: fAny}

// key identifies v's shape: two values with the same key are held alike.
func (v *fval) key() string {
	switch v.kind {
	case fInt:
		return "I"
	case fConst:
		return "C" + literalKey(v.lit)
	case fObj:
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range v.keys {
			b.WriteString(strconv.Quote(k) + ":" + v.elems[i].key() + ",")
		}
		b.WriteByte('}')
		return b.String()
	}
	return "A"
}

// join is the shape that holds both a and b.
func join(a, b *fval) *fval {
	switch {
	case a == nil:
		return b
	case a.key() == b.key():
		return a
	case a.kind == fObj && b.kind == fObj && strings.Join(a.keys, "\x00") == strings.Join(b.keys, "\x00"):
		j := &fval{kind: fObj, keys: a.keys, elems: make([]*fval, len(a.elems))}
		for i := range a.elems {
			j.elems[i] = join(a.elems[i], b.elems[i])
		}
		return j
	}
	return anyShape
}

// maxShapeNodes is the largest shape a state's input takes; a larger one
// is held as any. States that nest their input in their output double its
// shape at every step of a cycle, and code follows shapes.
const maxShapeNodes = 64

// nodes counts the values in v as a tree, up to limit.
func (v *fval) nodes(limit int) int {
	n := 1
	for _, e := range v.elems {
		if n >= limit {
			break
		}
		n += e.nodes(limit - n)
	}
	return n
}

// intLit is an integer literal held unboxed.
func intLit(n int64) *fval { return &fval{kind: fInt, ilit: n} }

// literal holds a literal of the definition: integers unboxed.
func literal(v ir.Value) *fval {
	if n, ok := v.(ir.Number); ok && !n.IsFloat {
		if i, err := strconv.ParseInt(n.Text, 10, 64); err == nil {
			return intLit(i)
		}
	}
	return &fval{kind: fConst, lit: v}
}

// intSize bounds the JSON size of an int64.
const intSize = 20

// bound returns v's JSON size bound as c + k*leaf, leaf being the bound of
// every value fused code took from its input.
func (v *fval) bound() (c, k int) {
	switch v.kind {
	case fInt:
		return intSize, 0
	case fConst:
		return literalSize(v.lit), 0
	case fObj:
		c = 2 + len(v.keys) // braces, colons and commas
		for i, key := range v.keys {
			ec, ek := v.elems[i].bound()
			c += 6*len(key) + 2 + ec
			k += ek
		}
		return c, k
	}
	return 0, 1
}

// literalSize bounds the JSON size of a literal in its runtime form.
func literalSize(v ir.Value) int {
	switch v := v.(type) {
	case ir.String:
		return 6*len(v) + 2
	case ir.Number:
		return max(len(v.Text), 24)
	case ir.Array:
		n := 2 + len(v)
		for _, e := range v {
			n += literalSize(e)
		}
		return n
	case ir.Object:
		n := 2 + 2*len(v)
		for _, m := range v {
			n += 6*len(m.Key) + 2 + literalSize(m.Value)
		}
		return n
	}
	return 5 // null, true, false
}

// flow is a transition fused code takes: to state index to (or End), with
// value out.
type flow struct {
	to  int
	out *fval
}

// fuser emits the fused function of one program.
type fuser struct {
	g *gen
	p *prog

	fusable map[int]bool  // states fused code may run
	in      map[int]*fval // input of each state fused code reaches
	entry   map[int]bool  // states fused code starts from, on any input
	minLeaf int           // the bound of any literal or integer fused code holds

	// dry is set while shapes are being found: transitions are recorded
	// in flows instead of emitted.
	dry    bool
	flows  []flow
	failed bool            // the state cannot be fused (on this input)
	state  int             // the state being emitted
	gotos  map[string]bool // labels jumped to

	// cost is the size of each state's fused code, as last emitted (see
	// codeCost); chunk, once set, the function each state's code goes to
	// (see split).
	cost  map[int]int
	chunk map[int]int

	// While a function is emitted: the largest bound of an output made
	// of literals and integers alone (checked once, where the function
	// starts), and the named constants of the other bounds.
	fixedOutput int
	consts      []jen.Code
	constNames  map[string]bool
}

const fastEnd = -1

// planFusion finds what fused code runs of program p, or returns nil
// when fusing gains nothing there (no two states to fuse). Its emit
// writes the fused function.
func (g *gen) planFusion(p *prog) *fuser {
	z := &fuser{g: g, p: p, fusable: map[int]bool{}, gotos: map[string]bool{}, minLeaf: intSize, cost: map[int]int{}}
	for i, s := range p.m.States {
		z.fusable[i] = fusable(s)
	}
	if !z.shapes() {
		return nil
	}
	if z.split() {
		// Transitions between functions start the target from any
		// input: find the shapes again.
		if !z.shapes() {
			return nil
		}
	}
	return z
}

// fused returns the states fused code runs, in index order.
func (z *fuser) fused() []int {
	var states []int
	for _, i := range z.reached() {
		if _, inChunk := z.chunk[i]; z.fusable[i] && (z.chunk == nil || inChunk) {
			states = append(states, i)
		}
	}
	return states
}

// The Go compiler's time and memory grow faster than the size of a
// function (its register allocator and liveness analysis follow every
// local through every block), so fused code is split into functions of
// bounded size: a definition of 10,000 states in one function takes
// gigabytes to compile, in functions of maxFusedCost it builds in time
// and memory proportional to its size.
const (
	// maxFusedCost bounds the code of one fused function, in codeCost
	// units (about a statement each): some sixty Pass states.
	maxFusedCost = 500
	// maxFusedStateCost bounds the code of one state in fused code: a
	// larger state (a template of thousands of fields) runs the ordinary
	// way, in its own function.
	maxFusedStateCost = maxFusedCost
	// maxFusedProgramCost bounds the fused code of one program: fused
	// code doubles what the Go compiler holds in memory for a state, and
	// past some 2,000 Pass states the states run the ordinary way, so
	// that a definition of AWS's 1 MB builds within 1.5 GB.
	maxFusedProgramCost = 32 * maxFusedCost
)

// codeCost measures the code of a block: its statements and the locals
// it declares (nested blocks count through their locals).
func codeCost(b *fn) int { return len(b.body) + b.n }

// split keeps the fused states, in the order of their indexes, within
// maxFusedProgramCost and groups them into functions of at most
// maxFusedCost each. It reports whether the shapes must be found again:
// states were left out, or there is more than one function, a transition
// from one to another handing the value over through the dispatching
// function (see emit).
func (z *fuser) split() bool {
	states := z.reached()
	total, dropped := 0, false
	for _, i := range states {
		if dropped || total+z.cost[i] > maxFusedProgramCost {
			z.fusable[i], dropped = false, true
			continue
		}
		total += z.cost[i]
	}
	if total <= maxFusedCost {
		return dropped
	}
	z.chunk = map[int]int{}
	chunk, size := 0, 0
	for _, i := range states {
		if !z.fusable[i] {
			continue
		}
		if size > 0 && size+z.cost[i] > maxFusedCost {
			chunk, size = chunk+1, 0
		}
		z.chunk[i] = chunk
		size += z.cost[i]
	}
	if chunk == 0 {
		z.chunk = nil
	}
	return dropped || z.chunk != nil
}

// reached returns the states fused code reaches, in index order.
func (z *fuser) reached() []int {
	states := make([]int, 0, len(z.in))
	for i := range z.in {
		states = append(states, i)
	}
	sort.Ints(states)
	return states
}

// crosses reports whether a transition from state i to state j leaves
// i's function. A state that split placed in none (had finding the shapes
// again reached one more) is treated as in a function of its own: fused
// code hands it over, and the ordinary code runs it.
func (z *fuser) crosses(i, j int) bool {
	if z.chunk == nil {
		return false
	}
	ci, iok := z.chunk[i]
	cj, jok := z.chunk[j]
	return !iok || !jok || ci != cj
}

// fusable reports whether s is of a kind and mode that fused code runs.
// Whether its paths and templates are supported is found out by emitting
// it.
func fusable(s ir.State) bool {
	c := s.Base()
	if c.QueryLanguage != ir.JSONPath || c.Assign != nil {
		return false
	}
	switch s := s.(type) {
	case *ir.Pass, *ir.Succeed:
		return true
	case *ir.Choice:
		for _, br := range s.Choices {
			if br.Assign != nil {
				return false
			}
		}
		return true
	}
	return false
}

// shapes finds the input of every state fused code reaches, dropping from
// fusable the states it cannot run, and reports whether any transition
// between two fused states is left.
func (z *fuser) shapes() bool {
	const widenAfter = 8 // joins at one state before its input is just any
restart:
	z.entry = map[int]bool{}
	z.in = map[int]*fval{}
	if z.fusable[z.p.stateI[z.p.m.StartAt]] {
		z.entry[z.p.stateI[z.p.m.StartAt]] = true
	}
	for i, s := range z.p.m.States {
		for _, t := range ir.Successors(s) {
			// Fused code starts where the ordinary code hands over, and
			// where code of another fused function does.
			if j := z.p.stateI[t]; z.fusable[j] && (!z.fusable[i] || z.crosses(i, j)) {
				z.entry[j] = true
			}
		}
	}
	var work []int
	for i := range z.entry {
		z.in[i] = anyShape
		work = append(work, i)
	}
	sort.Ints(work)
	joins := map[int]int{}
	fused, dropped := false, false
	for len(work) > 0 {
		i := work[0]
		work = work[1:]
		if !z.fusable[i] {
			continue
		}
		flows, ok := z.dryRun(i)
		if !ok {
			// Its successors become entries: start again once every
			// state that cannot be fused this time is known.
			z.fusable[i], dropped = false, true
			continue
		}
		for _, fl := range flows {
			if fl.to == fastEnd || !z.fusable[fl.to] {
				continue
			}
			fused = true
			next := join(z.in[fl.to], fl.out)
			if joins[fl.to]++; joins[fl.to] > widenAfter || next.nodes(maxShapeNodes+1) > maxShapeNodes {
				next = anyShape
			}
			if z.in[fl.to] == nil || next.key() != z.in[fl.to].key() {
				z.in[fl.to] = next
				work = append(work, fl.to)
			}
		}
	}
	if dropped {
		goto restart
	}
	return fused
}

// dryRun emits state i on its current input shape and returns where it
// goes, with what.
func (z *fuser) dryRun(i int) ([]flow, bool) {
	z.dry, z.flows, z.failed = true, nil, false
	b := newFunc(z.g, z.p)
	locals := new(int)
	z.body(b, i, z.bind(z.in[i], fmt.Sprintf("x%d_", i), locals, nil))
	z.cost[i] = codeCost(b) + *locals
	if z.cost[i] > maxFusedStateCost {
		return nil, false
	}
	return z.flows, !z.failed
}

// bind gives shape's integers and unknown values locals named prefix+n,
// appending them to locals.
func (z *fuser) bind(shape *fval, prefix string, n *int, locals *[]*fval) *fval {
	switch shape.kind {
	case fAny, fInt:
		v := &fval{kind: shape.kind, id: prefix + strconv.Itoa(*n)}
		*n++
		if locals != nil {
			*locals = append(*locals, v)
		}
		return v
	case fObj:
		v := &fval{kind: fObj, keys: shape.keys, elems: make([]*fval, len(shape.elems))}
		for i, e := range shape.elems {
			v.elems[i] = z.bind(e, prefix, n, locals)
		}
		return v
	}
	return shape
}

// emit writes the fused function and returns its name: one function,
// or a dispatcher over the functions of split.
func (z *fuser) emit() string {
	z.dry = false
	name := fmt.Sprintf("fast%d", z.p.index)
	doc := fmt.Sprintf("%s runs the states of %s it can fused (see sfnrt.FastFunc).", name, z.p.field)
	if z.chunk == nil {
		z.g.decls = append(z.g.decls, jen.Comment(doc).Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(name).
			Params(stateParams()...).Params(jen.Int(), jen.Any()).Block(z.emitBody(z.reached())...))
		return name
	}
	byChunk := map[int][]int{}
	last := 0
	for _, i := range z.reached() {
		if c, ok := z.chunk[i]; ok {
			byChunk[c] = append(byChunk[c], i)
			last = max(last, c)
		}
	}
	// The dispatcher: each function runs its states from the one it is
	// given and says whether it stopped at a state of another one.
	var cases []jen.Code
	for c := 0; c <= last; c++ {
		states := byChunk[c]
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
	// Each state's input in locals, declared one line a state.
	var decls []jen.Code
	bound := map[int]*fval{}
	for _, i := range states {
		var locals []*fval
		bound[i] = z.bind(z.in[i], fmt.Sprintf("x%d_", i), new(int), &locals)
		decls = append(decls, localDecls(locals)...)
	}
	for _, i := range states {
		z.minLeaf = max(z.minLeaf, z.literalBound(z.p.m.States[i]))
	}
	for _, i := range states {
		if z.entry[i] {
			z.gotos[stateLabel(i)] = true
		}
	}
	// The states' code first: it finds the bounds declared above it.
	code := map[int][]jen.Code{}
	for _, i := range states {
		b := newFunc(z.g, z.p)
		z.body(b, i, bound[i])
		code[i] = b.body
	}
	var blocks, unread []jen.Code
	for _, i := range states {
		if !z.gotos[bailLabel(i)] {
			// No hand-over reads the state's input: its code may not.
			bound[i].leaves(func(id string) { unread = append(unread, jen.Id(id)) })
		}
		if z.gotos[stateLabel(i)] {
			blocks = append(blocks, jen.Id(stateLabel(i)).Op(":").Block(code[i]...))
		}
		if z.gotos[bailLabel(i)] {
			// Where fused code hands state i over: its input, built.
			blocks = append(blocks, jen.Id(bailLabel(i)).Op(":").Line().
				Id("f").Dot("Transitions").Call(jen.Id("steps")).Line().
				Add(z.ret(jen.Lit(i), z.materializeExpr(bound[i]), false)))
		}
	}
	var cases []jen.Code
	for _, i := range states {
		if !z.entry[i] {
			continue
		}
		entry := []jen.Code{
			jen.Id(bound[i].id).Op("=").Id("in"),
			jen.List(jen.Id("leaf"), jen.Id("limit")).Op("=").Id("f").Dot("FastBound").Call(jen.Id("in"), jen.Id("minLeaf")),
		}
		if z.fixedOutput > 0 {
			entry = append(entry, jen.If(jen.Id("fixedOutput").Op(">").Id("limit")).Block(z.ret(jen.Id("state"), jen.Id("in"), false)))
		}
		cases = append(cases, jen.Case(jen.Lit(i)).Block(append(entry, jen.Goto().Id(stateLabel(i)))...))
	}
	// leaf bounds the JSON size of every value this code took from its
	// input, limit is the payload limit (see sfnrt.FastBound).
	body := []jen.Code{
		jen.Var().Id("steps").Op(",").Id("leaf").Op(",").Id("limit").Int(),
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
	return append(body, blocks...)
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
		if locals[i].kind == fInt {
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
	if z.chunk == nil {
		return jen.Return(state, value)
	}
	return jen.Return(state, value, jen.Lit(more))
}

func stateLabel(i int) string { return fmt.Sprintf("state%d", i) }
func bailLabel(i int) string  { return fmt.Sprintf("bail%d", i) }

// literalBound is the largest bound of a literal in s's templates.
func (z *fuser) literalBound(s ir.State) int {
	n := 0
	var walk func(t ir.Template)
	walk = func(t ir.Template) {
		switch t := t.(type) {
		case *ir.TLiteral:
			n = max(n, literalSize(t.Value))
		case *ir.TObject:
			for _, f := range t.Fields {
				walk(f.Value)
			}
		}
	}
	switch s := s.(type) {
	case *ir.Pass:
		if s.Result != nil {
			n = max(n, literalSize(s.Result))
		}
		walk(s.Parameters)
	case *ir.Choice:
		var rule func(r ir.Rule)
		rule = func(r ir.Rule) {
			switch r := r.(type) {
			case *ir.Compare:
				if r.Value != nil {
					n = max(n, literalSize(r.Value))
				}
			case *ir.And:
				for _, s := range r.Rules {
					rule(s)
				}
			case *ir.Or:
				for _, s := range r.Rules {
					rule(s)
				}
			case *ir.Not:
				rule(r.Rule)
			}
		}
		for _, br := range s.Choices {
			rule(br.Rule)
		}
	}
	return n
}

// body emits state i on input in into b.
func (z *fuser) body(b *fn, i int, in *fval) {
	z.state = i
	switch s := z.p.m.States[i].(type) {
	case *ir.Pass:
		z.pass(b, s, in)
	case *ir.Choice:
		z.choice(b, s, in)
	case *ir.Succeed:
		eff := z.selectPath(b, s.InputPath, in)
		out := z.selectPath(b, s.OutputPath, eff)
		if out != nil {
			z.drop(b, eff, out)
			z.transition(b, "", out, in)
		}
	default:
		z.failed = true
	}
}

// bail hands the state being emitted over to the ordinary code.
func (z *fuser) bail() jen.Code {
	z.gotos[bailLabel(z.state)] = true
	return jen.Goto().Id(bailLabel(z.state))
}

// unsupported marks the state being emitted as one fused code cannot run
// and returns nil.
func (z *fuser) unsupported() *fval {
	z.failed = true
	return nil
}

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
		if in.kind == fObj {
			if out = z.setPath(in, names, result); out == nil {
				return
			}
			break
		}
		if in.kind != fAny {
			z.unsupported()
			return
		}
		steps := []jen.Code{jen.Id(in.id)}
		for _, n := range names {
			steps = append(steps, jen.Lit(n))
		}
		if op.Path != nil && op.Path.Root == ir.RootInput && op.Path.Definite() && normalized(rp.Path) == normalized(op.Path) {
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
		c, k := result.bound()
		for _, n := range names {
			c += 6*len(n) + 2 + 4
		}
		z.growLeaf(b, c, k+1)
		out = &fval{kind: fAny, id: v}
	}
	whole := out
	if out = z.selectPath(b, op, out); out == nil {
		return
	}
	z.drop(b, whole, out)
	z.transition(b, s.Next, out, in)
}

// drop keeps Go from rejecting the locals of v that nothing reads once
// keep is all that is left of it (a result that ResultPath null
// discards, the members an OutputPath leaves out).
func (z *fuser) drop(b *fn, v, keep *fval) {
	kept := map[string]bool{}
	keep.leaves(func(id string) { kept[id] = true })
	v.leaves(func(id string) {
		// The states' input locals (x<state>_<n>) are read by their
		// hand-over code: only a block's own temporaries need this.
		if !kept[id] && !strings.HasPrefix(id, "x") {
			b.add(jen.Id("_").Op("=").Id(id))
			kept[id] = true
		}
	})
}

// leaves calls f with every local v's value is held in.
func (v *fval) leaves(f func(id string)) {
	if v == nil {
		return
	}
	if v.id != "" {
		f(v.id)
	}
	for _, e := range v.elems {
		e.leaves(f)
	}
}

// fieldNames returns the member names of a path of names only.
func fieldNames(p *ir.Path) ([]string, bool) {
	if p.Root != ir.RootInput {
		return nil, false
	}
	var names []string
	for _, s := range p.Segments {
		f, ok := s.(ir.Field)
		if !ok {
			return nil, false
		}
		names = append(names, f.Name)
	}
	return names, true
}

// setPath is sfnrt.SetPath on an object fused code holds: a member that
// exists keeps its place, a new one goes last, a missing or null object
// on the way is made.
func (z *fuser) setPath(o *fval, names []string, v *fval) *fval {
	if len(names) == 0 {
		return v
	}
	if o.kind != fObj {
		return z.unsupported()
	}
	out := &fval{kind: fObj, keys: append([]string(nil), o.keys...), elems: append([]*fval(nil), o.elems...)}
	for i, k := range out.keys {
		if k != names[0] {
			continue
		}
		child := out.elems[i]
		if len(names) > 1 && child.kind == fConst {
			if _, isNull := child.lit.(ir.Null); isNull {
				child = &fval{kind: fObj}
			}
		}
		if out.elems[i] = z.setPath(child, names[1:], v); out.elems[i] == nil {
			return nil
		}
		return out
	}
	nv := z.setPath(&fval{kind: fObj}, names[1:], v)
	if nv == nil {
		return nil
	}
	out.keys = append(out.keys, names[0])
	out.elems = append(out.elems, nv)
	return out
}

// selectPath applies an InputPath or OutputPath to v.
func (z *fuser) selectPath(b *fn, p ir.OptionalPath, v *fval) *fval {
	switch {
	case v == nil:
		return nil
	case p.Null:
		return &fval{kind: fConst, lit: ir.Object{}}
	case p.Path == nil:
		return v
	}
	return z.pathValue(b, p.Path, v)
}

// pathValue selects a path that must select something from v; where it
// selects nothing the state goes to the ordinary code, which fails.
func (z *fuser) pathValue(b *fn, p *ir.Path, v *fval) *fval {
	if !simplePath(p) {
		return z.unsupported()
	}
	res, ok, missing := z.lookup(b, p.Segments, v)
	if missing {
		return z.unsupported()
	}
	if ok != "" {
		b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
	}
	return res
}

// simplePath reports whether p reads the input through names and indexes.
func simplePath(p *ir.Path) bool {
	return p.Root == ir.RootInput && p.Definite()
}

// lookup follows segs from v. ok names the local saying whether the
// value was found, "" when that is known; missing says it is known not
// to be.
func (z *fuser) lookup(b *fn, segs []ir.Segment, v *fval) (res *fval, ok string, missing bool) {
	if len(segs) == 0 {
		return v, "", false
	}
	switch v.kind {
	case fObj:
		f, isField := segs[0].(ir.Field)
		if !isField {
			return nil, "", true
		}
		for i, k := range v.keys {
			if k == f.Name {
				return z.lookup(b, segs[1:], v.elems[i])
			}
		}
		return nil, "", true
	case fAny:
		val, found := b.path(&ir.Path{Root: ir.RootInput, Segments: segs}, jen.Id(v.id))
		return &fval{kind: fAny, id: val}, found, false
	case fConst:
		switch v.lit.(type) {
		case ir.Object, ir.Array:
			val, found := b.path(&ir.Path{Root: ir.RootInput, Segments: segs}, z.g.value(v.lit))
			return &fval{kind: fAny, id: val}, found, false
		}
	}
	return nil, "", true
}

// template evaluates a Parameters template on eff.
func (z *fuser) template(b *fn, t ir.Template, eff *fval) *fval {
	switch t := t.(type) {
	case *ir.TLiteral:
		return literal(t.Value)
	case *ir.TObject:
		if setOrAppend(t) != "Append" {
			return z.unsupported()
		}
		o := &fval{kind: fObj}
		for _, f := range t.Fields {
			v := z.template(b, f.Value, eff)
			if v == nil {
				return nil
			}
			o.keys = append(o.keys, f.Key)
			o.elems = append(o.elems, v)
		}
		return o
	case *ir.TPath:
		return z.pathValue(b, t.Path, eff)
	case *ir.TArray:
		var items []jen.Code
		c, k := 2+len(t.Items), 0
		for _, it := range t.Items {
			v := z.template(b, it, eff)
			if v == nil {
				return nil
			}
			vc, vk := v.bound()
			c, k = c+vc, k+vk
			items = append(items, z.materialize(b, v))
		}
		a := b.tmp("a")
		b.add(jen.Id(a).Op(":=").Index().Any().Values(items...))
		z.growLeaf(b, c, k)
		return &fval{kind: fAny, id: a}
	case *ir.TIntrinsic:
		return z.intrinsic(b, t.Call, eff)
	}
	return z.unsupported()
}

// intrinsic evaluates an intrinsic call: States.MathAdd on integers as an
// addition, the others through the runtime, whose result is held as any.
func (z *fuser) intrinsic(b *fn, c *ir.Call, eff *fval) *fval {
	var args []*fval
	for _, a := range c.Args {
		var v *fval
		switch a := a.(type) {
		case ir.ArgLiteral:
			v = literal(a.Value)
		case ir.ArgPath:
			v = z.pathValue(b, a.Path, eff)
		case ir.ArgCall:
			v = z.intrinsic(b, a.Call, eff)
		}
		if v == nil {
			return z.unsupported()
		}
		args = append(args, v)
	}
	if c.Func == "States.MathAdd" && len(args) == 2 && args[0].kind != fConst && args[1].kind != fConst &&
		args[0].kind != fObj && args[1].kind != fObj {
		var ints []jen.Code
		for _, v := range args {
			if v.kind == fInt {
				ints = append(ints, v.expr())
				continue
			}
			n, ok := b.tmp("n"), b.tmp("ok")
			b.add(jen.List(jen.Id(n), jen.Id(ok)).Op(":=").Add(rt("IntOf")).Call(jen.Id(v.id)))
			b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
			ints = append(ints, jen.Id(n))
		}
		r, ok := b.tmp("r"), b.tmp("ok")
		b.add(jen.List(jen.Id(r), jen.Id(ok)).Op(":=").Add(rt("MathAddInt")).Call(ints...))
		b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
		return &fval{kind: fInt, id: r}
	}
	if c.Func == "States.UUID" || c.Func == "States.MathRandom" {
		// They draw from the execution's random source: a state run
		// again by the ordinary code after a hand-over would draw again.
		return z.unsupported()
	}
	code := []jen.Code{jen.Id("f").Dot("X")}
	for _, v := range args {
		code = append(code, z.materialize(b, v))
	}
	r, err := b.tmp("r"), b.tmp("err")
	b.add(jen.List(jen.Id(r), jen.Id(err)).Op(":=").Add(rt(intrinsicFunc(c.Func))).Call(code...))
	b.add(jen.If(jen.Id(err).Op("!=").Nil()).Block(z.bail()))
	// The result may be larger than anything taken from the input
	// (States.ArrayRange, States.Format): the bound of those grows to
	// cover it.
	b.add(jen.Id("leaf").Op("=").Add(rt("GrowBound")).Call(jen.Id("leaf"), jen.Id("limit"), jen.Id(r)))
	return &fval{kind: fAny, id: r}
}

// growLeaf makes leaf cover a value of bound c + k*leaf built from the
// values it covers.
func (z *fuser) growLeaf(b *fn, c, k int) {
	b.add(jen.Id("leaf").Op("=").Id("min").Call(jen.Id("max").Call(jen.Id("leaf"), z.boundCode(c, k, "built")), jen.Id("limit").Op("+").Lit(1)))
}

// expr is the code of an integer or unknown value.
func (v *fval) expr() jen.Code {
	if v.kind == fInt && v.id == "" {
		return jen.Lit(v.ilit)
	}
	return jen.Id(v.id)
}

// materialize returns code for v as a runtime value, building objects.
func (z *fuser) materialize(b *fn, v *fval) jen.Code {
	switch v.kind {
	case fConst:
		return z.g.value(v.lit)
	case fObj:
		o := b.tmp("o")
		b.add(jen.Id(o).Op(":=").Add(rt("NewObject")).Call(jen.Lit(len(v.keys))))
		for i, k := range v.keys {
			b.add(jen.Id(o).Dot("Append").Call(jen.Lit(k), z.materialize(b, v.elems[i])))
		}
		return jen.Id(o)
	}
	return v.expr()
}

// materializeExpr is materialize as one expression, for code that runs
// rarely (a hand-over): objects are built by sfnrt.ObjectOf.
func (z *fuser) materializeExpr(v *fval) jen.Code {
	if v.kind != fObj {
		if v.kind == fConst {
			return z.g.value(v.lit)
		}
		return v.expr()
	}
	var members []jen.Code
	for i, k := range v.keys {
		members = append(members, rt("Member").Values(kv("Key", jen.Lit(k)), kv("Value", z.materializeExpr(v.elems[i]))))
	}
	return rt("ObjectOf").Call(members...)
}

// boxed returns an `any` local holding v.
func (z *fuser) boxed(b *fn, v *fval) jen.Code {
	if v.kind == fAny {
		return jen.Id(v.id)
	}
	m := b.tmp("m")
	b.add(jen.Var().Id(m).Any().Op("=").Add(z.materialize(b, v)))
	return jen.Id(m)
}

// transition goes from the state being emitted to next ("" for End) with
// out; in is the state's input.
func (z *fuser) transition(b *fn, next ir.StateName, out, in *fval) {
	if out != in {
		// An output that is the state's input was checked when made.
		// Past the payload limit, the ordinary code reports it.
		c, k := out.bound()
		if k == 0 {
			// Checked once for the whole function, where it starts:
			// handing a state over early loses nothing.
			z.fixedOutput = max(z.fixedOutput, c)
		} else {
			b.add(jen.If(z.boundCode(c, k, "output").Op(">").Id("limit")).Block(z.bail()))
		}
	}
	to := fastEnd
	if next != "" {
		to = z.p.stateI[next]
	}
	if z.dry {
		z.flows = append(z.flows, flow{to: to, out: out})
		return
	}
	if to == fastEnd || z.in[to] == nil || !z.fusable[to] || z.crosses(z.state, to) {
		v := z.materialize(b, out)
		b.add(jen.Id("f").Dot("Transitions").Call(jen.Id("steps").Op("+").Lit(1)))
		// Fused code of another function goes on from a later state; a
		// way back, perhaps a loop, goes through the ordinary path,
		// which checks the context and the history quota.
		b.add(z.ret(z.p.next(next), v, to != fastEnd && to > z.state && z.crosses(z.state, to)))
		return
	}
	dst := z.bind(z.in[to], fmt.Sprintf("x%d_", to), new(int), nil)
	var lhs, rhs []jen.Code
	z.convert(b, out, dst, &lhs, &rhs)
	if len(lhs) > 0 {
		b.add(jen.List(lhs...).Op("=").List(rhs...))
	}
	b.add(jen.Id("steps").Op("++"))
	if to <= z.state {
		// A way back, so perhaps a loop: every sfnrt.FastSteps states,
		// the steps are counted and the history quota and the context
		// checked (sfnrt.Frame.FastContinue); where either says stop,
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
		if what == "built" {
			doc = fmt.Sprintf("a value state %d builds", z.state)
		}
		z.consts = append(z.consts, jen.Id(name).Op("=").Lit(c).Comment(doc+": "+boundComment(c, k)))
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

// boundComment explains the size bound c + k*leaf.
func boundComment(c, k int) string {
	values := "1 value"
	if k != 1 {
		values = fmt.Sprintf("%d values", k)
	}
	switch {
	case k == 0:
		return fmt.Sprintf("at most %d bytes of JSON", c)
	case c == 0:
		return fmt.Sprintf("at most %s taken from the input", values)
	}
	return fmt.Sprintf("at most %d bytes of JSON besides %s taken from the input", c, values)
}

// convert assigns v to the locals of dst, a shape that holds v's.
func (z *fuser) convert(b *fn, v, dst *fval, lhs, rhs *[]jen.Code) {
	switch dst.kind {
	case fAny:
		if v.kind == fObj {
			// An object built here is larger than any value taken from
			// the input: the bound of those grows to cover it.
			c, k := v.bound()
			z.growLeaf(b, c, k)
		}
		if v.kind == fAny && v.id == dst.id {
			return
		}
		*lhs = append(*lhs, jen.Id(dst.id))
		*rhs = append(*rhs, z.materialize(b, v))
	case fInt:
		if v.kind != fInt {
			panic("codegen: fused value does not fit its shape")
		}
		if v.id == dst.id {
			return
		}
		*lhs = append(*lhs, jen.Id(dst.id))
		*rhs = append(*rhs, v.expr())
	case fObj:
		if v.kind != fObj || len(v.keys) != len(dst.keys) {
			panic("codegen: fused value does not fit its shape")
		}
		for i := range dst.elems {
			z.convert(b, v.elems[i], dst.elems[i], lhs, rhs)
		}
	}
}

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
	if c.Op.Family() == ir.FamilyNumeric && (v.kind == fInt || operand.kind == fInt) {
		op := relOps[c.Op.Relation()]
		switch {
		case v.kind == fInt && operand.kind == fInt:
			b.add(jen.Id(res).Op(":=").Add(v.expr()).Op(op).Add(operand.expr()))
			return res
		case v.kind == fInt:
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
