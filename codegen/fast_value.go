package codegen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// The values of fused code: how the emitters of fused states hold,
// read, build and convert them.

// fval is a value in fused code: how it is held (a fuse.Shape) and the
// Go locals holding it.
type fval struct {
	kind  fuse.Kind
	id    string   // fuse.Any, fuse.Int: the local holding it; "" for an fuse.Int literal
	ilit  int64    // fuse.Int without id
	lit   ir.Value // fuse.Const
	keys  []string // fuse.Obj, distinct
	elems []*fval  // fuse.Obj
	// input: the local holds part of a state's input (see bind), which
	// that state's hand-over code reads.
	input bool
}

// shape is how v is held, without its locals.
func (v *fval) shape() *fuse.Shape {
	switch v.kind {
	case fuse.Int:
		return &fuse.Shape{Kind: fuse.Int}
	case fuse.Const:
		return &fuse.Shape{Kind: fuse.Const, Lit: v.lit}
	case fuse.Obj:
		s := &fuse.Shape{Kind: fuse.Obj, Keys: v.keys, Elems: make([]*fuse.Shape, len(v.elems))}
		for i, e := range v.elems {
			s.Elems[i] = e.shape()
		}
		return s
	}
	return fuse.AnyShape
}

// intLit is an integer literal held unboxed.
func intLit(n int64) *fval { return &fval{kind: fuse.Int, ilit: n} }

// literal holds a literal of the definition: integers unboxed (as
// fuse.LiteralShape).
func literal(v ir.Value) *fval {
	if n, ok := v.(ir.Number); ok && !n.IsFloat {
		if i, err := strconv.ParseInt(n.Text, 10, 64); err == nil {
			return intLit(i)
		}
	}
	return &fval{kind: fuse.Const, lit: v}
}

// bind gives shape's integers and unknown values locals named prefix+n,
// appending them to locals.
func (z *fuser) bind(shape *fuse.Shape, prefix string, n *int, locals *[]*fval) *fval {
	switch shape.Kind {
	case fuse.Any, fuse.Int:
		v := &fval{kind: shape.Kind, id: prefix + strconv.Itoa(*n), input: true}
		*n++
		if locals != nil {
			*locals = append(*locals, v)
		}
		return v
	case fuse.Obj:
		v := &fval{kind: fuse.Obj, keys: shape.Keys, elems: make([]*fval, len(shape.Elems))}
		for i, e := range shape.Elems {
			v.elems[i] = z.bind(e, prefix, n, locals)
		}
		return v
	}
	return &fval{kind: fuse.Const, lit: shape.Lit}
}

// leaves calls f with every local v's value is held in.
func (v *fval) leaves(f func(local *fval)) {
	if v == nil {
		return
	}
	if v.id != "" {
		f(v)
	}
	for _, e := range v.elems {
		e.leaves(f)
	}
}

// expr is the code of an integer or unknown value.
func (v *fval) expr() jen.Code {
	if v.kind == fuse.Int && v.id == "" {
		return jen.Lit(v.ilit)
	}
	return jen.Id(v.id)
}

// materialize returns code for v as a runtime value, building objects.
func (z *fuser) materialize(b *fn, v *fval) jen.Code {
	switch v.kind {
	case fuse.Const:
		return z.g.value(v.lit)
	case fuse.Obj:
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
	if v.kind != fuse.Obj {
		if v.kind == fuse.Const {
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
	if v.kind == fuse.Any {
		return jen.Id(v.id)
	}
	m := b.tmp("m")
	b.add(jen.Var().Id(m).Any().Op("=").Add(z.materialize(b, v)))
	return jen.Id(m)
}

// drop keeps Go from rejecting the locals of v that nothing reads once
// keep is all that is left of it (a result that ResultPath null
// discards, the members an OutputPath leaves out).
func (z *fuser) drop(b *fn, v, keep *fval) {
	kept := map[string]bool{}
	keep.leaves(func(l *fval) { kept[l.id] = true })
	v.leaves(func(l *fval) {
		// The states' input locals are read by their hand-over code (or
		// marked read where it has none, see emitBody): only a block's
		// own temporaries need this.
		if !kept[l.id] && !l.input {
			b.add(jen.Id("_").Op("=").Id(l.id))
			kept[l.id] = true
		}
	})
}

// selectPath applies an InputPath or OutputPath to v.
func (z *fuser) selectPath(b *fn, p ir.OptionalPath, v *fval) *fval {
	switch {
	case v == nil:
		return nil
	case p.Null:
		return &fval{kind: fuse.Const, lit: ir.Object{}}
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
	case fuse.Obj:
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
	case fuse.Any:
		val, found := b.path(&ir.Path{Root: ir.RootInput, Segments: segs}, jen.Id(v.id))
		return &fval{kind: fuse.Any, id: val}, found, false
	case fuse.Const:
		switch v.lit.(type) {
		case ir.Object, ir.Array:
			val, found := b.path(&ir.Path{Root: ir.RootInput, Segments: segs}, z.g.value(v.lit))
			return &fval{kind: fuse.Any, id: val}, found, false
		}
	}
	return nil, "", true
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

// setPath is sfnimpl.SetPath on an object fused code holds: a member that
// exists keeps its place, a new one goes last, a missing or null object
// on the way is made.
func (z *fuser) setPath(o *fval, names []string, v *fval) *fval {
	if len(names) == 0 {
		return v
	}
	if o.kind != fuse.Obj {
		return z.unsupported()
	}
	out := &fval{kind: fuse.Obj, keys: append([]string(nil), o.keys...), elems: append([]*fval(nil), o.elems...)}
	for i, k := range out.keys {
		if k != names[0] {
			continue
		}
		child := out.elems[i]
		if len(names) > 1 && child.kind == fuse.Const {
			if _, isNull := child.lit.(ir.Null); isNull {
				child = &fval{kind: fuse.Obj}
			}
		}
		if out.elems[i] = z.setPath(child, names[1:], v); out.elems[i] == nil {
			return nil
		}
		return out
	}
	nv := z.setPath(&fval{kind: fuse.Obj}, names[1:], v)
	if nv == nil {
		return nil
	}
	out.keys = append(out.keys, names[0])
	out.elems = append(out.elems, nv)
	return out
}

// template evaluates a Parameters template on eff.
func (z *fuser) template(b *fn, t ir.Template, eff *fval) *fval {
	switch t := t.(type) {
	case *ir.TLiteral:
		return literal(t.Value)
	case *ir.TObject:
		return z.templateObject(t, func(m ir.Template) *fval { return z.template(b, m, eff) })
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
			vc, vk := v.shape().Bound()
			c, k = c+vc, k+vk
			items = append(items, z.materialize(b, v))
		}
		a := b.tmp("a")
		b.add(jen.Id(a).Op(":=").Index().Any().Values(items...))
		z.growLeaf(b, c, k)
		return &fval{kind: fuse.Any, id: a}
	case *ir.TIntrinsic:
		return z.intrinsic(b, t.Call, eff)
	}
	return z.unsupported()
}

// templateObject holds the object of template t, not built: each
// member's value is member's evaluation of its template.
func (z *fuser) templateObject(t *ir.TObject, member func(ir.Template) *fval) *fval {
	if setOrAppend(t) != "Append" {
		return z.unsupported()
	}
	o := &fval{kind: fuse.Obj}
	for _, f := range t.Fields {
		v := member(f.Value)
		if v == nil {
			return nil
		}
		o.keys = append(o.keys, f.Key)
		o.elems = append(o.elems, v)
	}
	return o
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
	if c.Func == "States.MathAdd" && len(args) == 2 && args[0].kind != fuse.Const && args[1].kind != fuse.Const &&
		args[0].kind != fuse.Obj && args[1].kind != fuse.Obj {
		var ints []jen.Code
		for _, v := range args {
			if v.kind == fuse.Int {
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
		return &fval{kind: fuse.Int, id: r}
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
	b.add(jen.List(jen.Id(r), jen.Id(err)).Op(":=").Add(z.g.intrinsic(c.Func)).Call(code...))
	b.add(jen.If(jen.Id(err).Op("!=").Nil()).Block(z.bail()))
	// The result may be larger than anything taken from the input
	// (States.ArrayRange, States.Format): the bound of those grows to
	// cover it.
	b.add(jen.Id("leaf").Op("=").Add(rt("GrowBound")).Call(jen.Id("leaf"), jen.Id("limit"), jen.Id(r)))
	return &fval{kind: fuse.Any, id: r}
}
