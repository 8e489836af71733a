package codegen

import (
	"fmt"
	"math"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// JSONata Pass, Choice and Succeed states in fused code (see fuse): their
// Assign, Condition and Output, where every expression is static
// (literals, member paths on $states.input and on variables, integer
// + and -, comparisons of integers, = and != with a string literal, and
// and or of those). A variable a fused state assigns is held in a Go
// local (fenv) that the states fused code runs next read; it is stored
// in the execution's scope wherever fused code hands over.
//
// JSONata numbers are doubles: fused code computes with int64 only where
// every operand is an integer within ±2^53 (so exactly a double) and so
// is the result, which is what the engine gives back then (an int64).
// Anywhere else (a float, a string, an undefined value, an array a path
// maps over, a result past ±2^53, a size limit that may be passed) it
// hands the state, unrun, to the ordinary code, which reports what it
// reports on every other path.

// maxExactInt is the largest integer JSONata holds exactly (2^53).
const maxExactInt = 1 << 53

// fenv holds the workflow variables fused code keeps in locals at a
// point, by name (sorted); nil holds none.
type fenv struct {
	names []string
	vals  []*fval
}

// get returns the value of variable name held, or nil.
func (e *fenv) get(name string) *fval {
	if e == nil {
		return nil
	}
	if i := sort.SearchStrings(e.names, name); i < len(e.names) && e.names[i] == name {
		return e.vals[i]
	}
	return nil
}

// shape is how e holds the variables, for the plan.
func (e *fenv) shape() *fuse.Vars {
	if e == nil || len(e.names) == 0 {
		return nil
	}
	v := &fuse.Vars{Names: e.names}
	for _, x := range e.vals {
		v.Shapes = append(v.Shapes, x.shape())
	}
	return v
}

// with returns e with the variables names set to vals (an Assign's new
// values: all of them replace the old at once).
func (e *fenv) with(names []string, vals []*fval) *fenv {
	set := map[string]*fval{}
	if e != nil {
		for i, n := range e.names {
			set[n] = e.vals[i]
		}
	}
	for i, n := range names {
		set[n] = vals[i]
	}
	out := &fenv{}
	for n := range set {
		out.names = append(out.names, n)
	}
	sort.Strings(out.names)
	for _, n := range out.names {
		out.vals = append(out.vals, set[n])
	}
	return out
}

// leaves calls f with every local the variables are held in.
func (e *fenv) leaves(f func(local *fval)) {
	if e != nil {
		for _, v := range e.vals {
			v.leaves(f)
		}
	}
}

// bindVars gives the variables of vars locals named prefix+n, as bind.
func (z *fuser) bindVars(vars *fuse.Vars, prefix string, n *int, locals *[]*fval) *fenv {
	if vars.Len() == 0 {
		return nil
	}
	e := &fenv{names: vars.Names}
	for _, s := range vars.Shapes {
		e.vals = append(e.vals, z.bind(s, prefix, n, locals))
	}
	return e
}

// storeVars stores in the scope the variables e holds that keep does not
// (all of them for keep nil): fused code hands them over.
func (z *fuser) storeVars(b *fn, e, keep *fenv) {
	if e == nil {
		return
	}
	for i, n := range e.names {
		if keep.get(n) == nil {
			b.add(jen.Id("f").Dot("FastAssign").Call(jen.Lit(n), z.materialize(b, e.vals[i])))
		}
	}
}

// storeVarsExpr is storeVars of every variable e holds, for code that
// runs rarely (a hand-over).
func (z *fuser) storeVarsExpr(e *fenv) []jen.Code {
	var code []jen.Code
	if e != nil {
		for i, n := range e.names {
			code = append(code, jen.Id("f").Dot("FastAssign").Call(jen.Lit(n), z.materializeExpr(e.vals[i])))
		}
	}
	return code
}

// convertVars assigns the variables held in v to the locals of dst,
// which holds a part of them, and stores the others in the scope.
func (z *fuser) convertVars(b *fn, v, dst *fenv, lhs, rhs *[]jen.Code) {
	z.storeVars(b, v, dst)
	if dst == nil {
		return
	}
	for i, n := range dst.names {
		z.convert(b, v.get(n), dst.vals[i], lhs, rhs)
	}
}

// ataPass emits a JSONata Pass state: Assign, Output (the input without
// one).
func (z *fuser) ataPass(b *fn, s *ir.Pass, in *fval) {
	z.ataFinish(b, s.Assign, s.Output, in, s.Next)
}

// ataSucceed emits a JSONata Succeed state: its Output ends the program.
func (z *fuser) ataSucceed(b *fn, s *ir.Succeed, in *fval) {
	z.ataFinish(b, s.Assign, s.Output, in, "")
}

// ataChoice emits a JSONata Choice state: each rule's Condition in order,
// the matching rule's Assign and Output (or the state's) applying.
func (z *fuser) ataChoice(b *fn, s *ir.Choice, in *fval) {
	for _, br := range s.Choices {
		c, ok := br.Rule.(*ir.Condition)
		if !ok {
			z.unsupported()
			return
		}
		var cond jen.Code
		if c.Expr == nil {
			cond = jen.Lit(c.Literal)
		} else if cond = z.ataCondition(b, c.Expr.Root, in); cond == nil {
			z.unsupported()
			return
		}
		assign, output := br.Assign, br.Output
		if assign == nil {
			assign = s.Assign
		}
		if output == nil {
			output = s.Output
		}
		blk := b.child(0)
		z.ataFinish(blk, assign, output, in, br.Next)
		if z.failed {
			return
		}
		b.n = blk.n
		b.add(jen.If(cond).Block(blk.body...))
	}
	if s.Default == "" {
		b.add(z.bail()) // States.NoChoiceMatched
		return
	}
	z.ataFinish(b, s.Assign, s.Output, in, s.Default)
}

// ataFinish ends a JSONata state: Assign and Output both see the
// variables as they were before the state, the new values are held
// from the transition on.
func (z *fuser) ataFinish(b *fn, assign, output ir.Template, in *fval, next ir.StateName) {
	var names []string
	var vals []*fval
	switch t := assign.(type) {
	case nil:
	case *ir.TObject:
		if setOrAppend(t) != "Append" {
			z.unsupported()
			return
		}
		for _, f := range t.Fields {
			v := z.ataTemplate(b, f.Value, in)
			if v == nil {
				return
			}
			names, vals = append(names, f.Key), append(vals, v)
		}
	case *ir.TLiteral:
		// An Assign of literals alone.
		o, isObject := t.Value.(ir.Object)
		if !isObject {
			z.unsupported()
			return
		}
		for _, m := range o {
			names, vals = append(names, m.Key), append(vals, literal(m.Value))
		}
		if len(names) != len((&fenv{}).with(names, vals).names) {
			z.unsupported() // a name twice: the last value wins, as the ordinary code decides
			return
		}
	default:
		z.unsupported()
		return
	}
	out := in
	if output != nil {
		if out = z.ataTemplate(b, output, in); out == nil {
			return
		}
	}
	z.vars = z.inVars
	if len(names) > 0 {
		z.assignVars(b, names, vals)
	}
	z.transition(b, next, out, in)
}

// assignVars checks an Assign against AWS's limits on variables and
// holds the new values (see sfnimpl.Frame.Assign): the values at most the
// payload limit together, the execution's variables at most
// variablesPerPayload times it. Where a bound of either may not fit, the
// ordinary code runs the state.
func (z *fuser) assignVars(b *fn, names []string, vals []*fval) {
	c, k := 0, 0
	for _, v := range vals {
		vc, vk := v.shape().Bound()
		c, k = c+vc, k+vk
	}
	if k == 0 {
		z.fixedOutput = max(z.fixedOutput, c)
	} else {
		b.add(jen.If(z.boundCode(c, k, "assigned").Op(">").Id("limit")).Block(z.bail()))
	}
	held := make([]*fval, len(vals))
	for i, v := range vals {
		held[i] = v
		if v.kind == fuse.Obj {
			// An object is built where it is assigned: variables are
			// values, not shapes to follow.
			bc, bk := v.shape().Bound()
			id := b.tmp("o")
			b.add(jen.Var().Id(id).Any().Op("=").Add(z.materialize(b, v)))
			z.growLeaf(b, bc, bk)
			held[i] = &fval{kind: fuse.Any, id: id}
		}
		z.assigned[names[i]] = true
	}
	// Every variable fused code holds is an integer, a literal (both at
	// most minLeaf) or a value leaf bounds: the variables of the
	// execution are at most what the scope held where fused code started
	// (varRoom is what was left of the limit) and assignedVars*leaf.
	z.usesVarRoom = true
	b.add(jen.If(jen.Id("assignedVars").Op("*").Id("leaf").Op(">").Id("varRoom")).Block(z.bail()))
	z.vars = z.vars.with(names, held)
}

// ataTemplate evaluates a JSONata template (Assign's and Output's) on in,
// or returns nil where fused code cannot.
func (z *fuser) ataTemplate(b *fn, t ir.Template, in *fval) *fval {
	switch t := t.(type) {
	case *ir.TExpr:
		return z.ataValue(b, t.Expr.Root, in)
	case *ir.TLiteral:
		return literal(t.Value)
	case *ir.TObject:
		return z.templateObject(t, func(m ir.Template) *fval { return z.ataTemplate(b, m, in) })
	}
	return z.unsupported()
}

// ataValue evaluates a lowered JSONata expression: an integer unboxed, a
// scalar literal, or a value of the input or a variable.
func (z *fuser) ataValue(b *fn, n ir.AtaNode, in *fval) *fval {
	switch n := n.(type) {
	case *ir.AtaNumber:
		if n.Value != math.Trunc(n.Value) || math.Abs(n.Value) > maxExactInt {
			return z.unsupported()
		}
		return intLit(int64(n.Value))
	case *ir.AtaString:
		return &fval{kind: fuse.Const, lit: ir.String(n.Value)}
	case *ir.AtaBool:
		return &fval{kind: fuse.Const, lit: ir.Bool(n.Value)}
	case *ir.AtaNull:
		return &fval{kind: fuse.Const, lit: ir.Null{}}
	case *ir.AtaPath:
		return z.ataPath(b, n, in)
	case *ir.AtaBinary:
		switch n.Op {
		case ir.AtaAdd, ir.AtaSub:
			l := z.ataInt(b, n.Left, in)
			if l == nil {
				return nil
			}
			r := z.ataInt(b, n.Right, in)
			if r == nil {
				return nil
			}
			s := b.tmp("s")
			b.add(jen.Id(s).Op(":=").Add(l).Op(n.Op.String()).Add(r))
			b.add(jen.If(jen.Id(s).Op(">").Lit(maxExactInt).Op("||").Id(s).Op("<").Lit(-maxExactInt)).Block(z.bail()))
			return &fval{kind: fuse.Int, id: s}
		}
		if cond := z.ataCondition(b, n, in); cond != nil {
			m := b.tmp("m")
			b.add(jen.Var().Id(m).Any().Op("=").Add(cond))
			return &fval{kind: fuse.Any, id: m}
		}
	}
	return z.unsupported()
}

// ataRelOps are the comparisons fused code makes of two integers.
var ataRelOps = map[ir.AtaOp]string{ir.AtaLt: "<", ir.AtaLe: "<=", ir.AtaGt: ">", ir.AtaGe: ">=", ir.AtaEq: "==", ir.AtaNe: "!="}

// ataCondition evaluates an expression that must be a boolean (a
// Condition, a comparison) and returns the code of its Go bool, or nil
// where fused code cannot.
func (z *fuser) ataCondition(b *fn, n ir.AtaNode, in *fval) jen.Code {
	if bin, ok := n.(*ir.AtaBinary); ok {
		switch bin.Op {
		case ir.AtaAnd, ir.AtaOr:
			return z.ataLogic(b, bin, in)
		case ir.AtaEq, ir.AtaNe:
			if c, isString := z.ataStringEq(b, bin, in); isString {
				return c
			}
		}
		op, isRel := ataRelOps[bin.Op]
		if !isRel {
			return nil
		}
		l := z.ataInt(b, bin.Left, in)
		if l == nil {
			return nil
		}
		r := z.ataInt(b, bin.Right, in)
		if r == nil {
			return nil
		}
		c := b.tmp("c")
		b.add(jen.Id(c).Op(":=").Add(l).Op(op).Add(r))
		return jen.Id(c)
	}
	v := z.ataValue(b, n, in)
	switch {
	case v == nil:
		return nil
	case v.kind == fuse.Const:
		if lit, isBool := v.lit.(ir.Bool); isBool {
			return jen.Lit(bool(lit))
		}
	case v.kind == fuse.Any:
		c, ok := b.tmp("c"), b.tmp("ok")
		b.add(jen.List(jen.Id(c), jen.Id(ok)).Op(":=").Id(v.id).Assert(jen.Bool()))
		b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
		return jen.Id(c)
	}
	// Not a boolean: the ordinary code reports it.
	z.unsupported()
	return nil
}

// ataLogic evaluates and/or on two booleans, the right one only where
// the left one leaves the outcome open, as JSONata does. (JSONata casts
// an operand of another type to a boolean: the ordinary code does.)
func (z *fuser) ataLogic(b *fn, bin *ir.AtaBinary, in *fval) jen.Code {
	l := z.ataCondition(b, bin.Left, in)
	if l == nil {
		return nil
	}
	c := b.tmp("c")
	b.add(jen.Id(c).Op(":=").Add(l))
	blk := b.child(0)
	r := z.ataCondition(blk, bin.Right, in)
	if r == nil {
		return nil
	}
	blk.add(jen.Id(c).Op("=").Add(r))
	b.n = blk.n
	open := jen.Id(c) // and: the right one decides where the left is true
	if bin.Op == ir.AtaOr {
		open = jen.Op("!").Id(c)
	}
	b.add(jen.If(open).Block(blk.body...))
	return jen.Id(c)
}

// ataStringEq evaluates = or != where one side is a string literal: a
// string compares as Go compares it (JSONata compares code units, so
// equality is byte equality); another value is the ordinary code's
// (JSONata says false for another type, deep equality for arrays).
// isString is false where neither side is a string literal.
func (z *fuser) ataStringEq(b *fn, bin *ir.AtaBinary, in *fval) (c jen.Code, isString bool) {
	lit, other := bin.Right, bin.Left
	if _, ok := lit.(*ir.AtaString); !ok {
		lit, other = bin.Left, bin.Right
	}
	str, ok := lit.(*ir.AtaString)
	if !ok {
		return nil, false
	}
	op := "=="
	if bin.Op == ir.AtaNe {
		op = "!="
	}
	v := z.ataValue(b, other, in)
	if v == nil {
		return nil, true
	}
	switch v.kind {
	case fuse.Const:
		if s, isStr := v.lit.(ir.String); isStr {
			return jen.Lit(string(s)).Op(op).Lit(str.Value), true
		}
	case fuse.Any:
		sv, ok := b.tmp("str"), b.tmp("ok")
		b.add(jen.List(jen.Id(sv), jen.Id(ok)).Op(":=").Id(v.id).Assert(jen.String()))
		b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
		return jen.Id(sv).Op(op).Lit(str.Value), true
	}
	z.unsupported()
	return nil, true
}

// ataInt evaluates an operand of integer arithmetic or comparison and
// returns the code of its int64: where it is not an integer within
// ±2^53, the ordinary code runs the state.
func (z *fuser) ataInt(b *fn, n ir.AtaNode, in *fval) jen.Code {
	v := z.ataValue(b, n, in)
	if v == nil {
		return nil
	}
	switch v.kind {
	case fuse.Int:
		if v.id == "" {
			if v.ilit > maxExactInt || v.ilit < -maxExactInt {
				z.unsupported()
				return nil
			}
			return jen.Lit(v.ilit)
		}
		b.add(jen.If(jen.Id(v.id).Op(">").Lit(maxExactInt).Op("||").Id(v.id).Op("<").Lit(-maxExactInt)).Block(z.bail()))
		return jen.Id(v.id)
	case fuse.Any:
		i, ok := b.tmp("i"), b.tmp("ok")
		b.add(jen.List(jen.Id(i), jen.Id(ok)).Op(":=").Id(v.id).Assert(jen.Int64()))
		b.add(jen.If(jen.Op("!").Id(ok).Op("||").Id(i).Op(">").Lit(maxExactInt).Op("||").Id(i).Op("<").Lit(-maxExactInt)).Block(z.bail()))
		return jen.Id(i)
	}
	z.unsupported()
	return nil
}

// ataPath reads $states.input or a variable and selects members of it.
func (z *fuser) ataPath(b *fn, p *ir.AtaPath, in *fval) *fval {
	switch p.Root {
	case ir.AtaInput:
		return z.ataLookup(b, in, p.Keys)
	case ir.AtaVariable:
		if v := z.inVars.get(p.Var); v != nil {
			return z.ataLookup(b, v, p.Keys)
		}
		// Not assigned by fused code: the scope holds it (an unset
		// variable is undefined, where the ordinary code decides).
		r, ok := b.tmp("r"), b.tmp("ok")
		b.add(jen.List(jen.Id(r), jen.Id(ok)).Op(":=").Id("f").Dot("Vars").Dot("Get").Call(jen.Lit(p.Var)))
		b.add(jen.If(jen.Op("!").Id(ok)).Block(z.bail()))
		v := z.ataLookup(b, &fval{kind: fuse.Any, id: r}, p.Keys)
		if v != nil {
			// A variable may be larger than anything taken from the
			// input: the bound of those grows to cover it.
			b.add(jen.Id("leaf").Op("=").Add(rt("GrowBound")).Call(jen.Id("leaf"), jen.Id("limit"), jen.Id(v.id)))
		}
		return v
	}
	return z.unsupported()
}

// ataLookup follows member names from v as a JSONata path does where
// each step meets an object, into a value JSONata holds (normalised).
func (z *fuser) ataLookup(b *fn, v *fval, keys []string) *fval {
	switch v.kind {
	case fuse.Obj:
		if len(keys) == 0 {
			return z.unsupported()
		}
		for i, k := range v.keys {
			if k == keys[0] {
				return z.ataLookup(b, v.elems[i], keys[1:])
			}
		}
	case fuse.Int:
		if len(keys) == 0 {
			return v
		}
	case fuse.Const:
		switch v.lit.(type) {
		case ir.String, ir.Bool, ir.Null:
			if len(keys) == 0 {
				return v
			}
		}
	case fuse.Any:
		r := b.tmp("r")
		if len(keys) == 0 {
			b.add(jen.Id(r).Op(":=").Id(v.id))
		} else {
			def, native := b.tmp("def"), b.tmp("native")
			args := []jen.Code{jen.Id(v.id)}
			for _, k := range keys {
				args = append(args, jen.Lit(k))
			}
			b.add(jen.List(jen.Id(r), jen.Id(def), jen.Id(native)).Op(":=").Add(rt("AtaLookup")).Call(args...))
			b.add(jen.If(jen.Op("!").Id(def).Op("||").Op("!").Id(native)).Block(z.bail()))
		}
		// As the engine holds it (an integer, the counters' usual
		// value, needs nothing done).
		b.add(jen.If(jen.List(jen.Id("_"), jen.Id("isInt")).Op(":=").Id(r).Assert(jen.Int64()), jen.Op("!").Id("isInt")).Block(
			jen.Id(r).Op("=").Qual(ataPath, "Normalize").Call(jen.Id(r))))
		return &fval{kind: fuse.Any, id: r}
	}
	// Undefined, or a value fused code does not hold as JSONata would:
	// the ordinary code runs the state.
	return z.unsupported()
}

// ataLiteralBound is the least value of leaf for a JSONata state: its
// literals (in Assign and Output, and in its expressions) and any number
// the engine may hand back (a float64 prints in at most 24 characters).
func ataLiteralBound(s ir.State) int {
	if !fuse.FusableAta(s) {
		return 0
	}
	n := 24
	var node func(a ir.AtaNode)
	node = func(a ir.AtaNode) {
		switch a := a.(type) {
		case *ir.AtaString:
			n = max(n, fuse.LiteralSize(ir.String(a.Value)))
		case *ir.AtaBinary:
			node(a.Left)
			node(a.Right)
		}
	}
	var walk func(t ir.Template)
	walk = func(t ir.Template) {
		switch t := t.(type) {
		case *ir.TLiteral:
			n = max(n, fuse.LiteralSize(t.Value))
		case *ir.TExpr:
			node(t.Expr.Root)
		case *ir.TObject:
			for _, f := range t.Fields {
				walk(f.Value)
			}
		}
	}
	c := s.Base()
	walk(c.Assign)
	walk(c.Output)
	if ch, ok := s.(*ir.Choice); ok {
		for _, br := range ch.Choices {
			walk(br.Assign)
			walk(br.Output)
			if cond, ok := br.Rule.(*ir.Condition); ok && cond.Expr != nil {
				node(cond.Expr.Root)
			}
		}
	}
	return n
}

// varDecls are the declarations and checks of the variables' bound in a
// fused function whose states assign variables.
func (z *fuser) varConst() jen.Code {
	return jen.Id("assignedVars").Op("=").Lit(len(z.assigned)).
		Comment(fmt.Sprintf("the variables assigned below (%d): each at most leaf bytes of JSON", len(z.assigned)))
}
