package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// The fused start of a Map iteration from its item (sfnimpl.FromItem).
// An inline Map's ItemSelector builds each iteration's input, which the
// processor's first state typically reads a few members of and drops: a
// 128-byte object an item, garbage at once, most of what such a Map
// allocated besides its results. Given the item, fused code evaluates the
// selector into locals, as it holds any object it has not built yet, and
// runs the start state on them: the object is built only where fused code
// hands that state over. Where the selector could fail, nothing has run
// and the ordinary path runs the whole iteration, errors included.

// Labels of the item's block in the fused function: where it starts,
// where it gives up before anything ran, and where it hands the start
// state over.
const (
	itemLabel     = "item"
	itemNoneLabel = "itemNone"
	itemBailLabel = "itemBail"
)

// itemEntry is the fused start of a processor from its Map's item.
type itemEntry struct {
	sel   ir.Template // the ItemSelector, reading the item as $
	shape *fuse.Shape // how fused code holds what it makes
	start int         // the processor's start state
}

// itemTemplate returns t with its reads of $$.Map.Item.Value made reads
// of $, the item; false where t reads anything else, or holds what
// fused code does not build itself (intrinsics, arrays).
func itemTemplate(t ir.Template) (ir.Template, bool) {
	switch t := t.(type) {
	case *ir.TLiteral:
		return t, true
	case *ir.TObject:
		o := &ir.TObject{Pos: t.Pos, Fields: make([]ir.TField, len(t.Fields))}
		for i, f := range t.Fields {
			v, ok := itemTemplate(f.Value)
			if !ok {
				return nil, false
			}
			o.Fields[i] = ir.TField{Key: f.Key, Value: v}
		}
		return o, true
	case *ir.TPath:
		if t.Path.Root != ir.RootContext {
			return nil, false
		}
		method, rest, ok := contextShortcut(t.Path.Segments)
		if !ok || method != "MapItemValue" {
			return nil, false
		}
		p := *t.Path
		p.Root, p.Segments = ir.RootInput, rest
		c := *t
		c.Path = &p
		return &c, true
	}
	return nil, false
}

// planItem sets z.item where the processor's start from an item can be
// fused: its Map has a JSONPath ItemSelector fused code builds, and its
// start state, JSONPath, is fused from any input, in one function,
// holding no variables, and goes on (tried dry) with values that fit
// the inputs the plan gives the states it goes to.
func (z *fuser) planItem() {
	z.item = nil
	if z.p.item == nil || z.plan.Split() {
		return
	}
	sel, ok := itemTemplate(z.p.item)
	if !ok {
		return
	}
	start := z.p.stateI[z.p.m.StartAt]
	st := z.plan.States[start]
	if !st.Fused || !st.Entry || st.Vars.Len() != 0 || z.p.m.States[start].Base().QueryLanguage == ir.JSONata {
		return
	}
	z.dry, z.flows, z.failed = true, nil, false
	defer func() { z.dry, z.flows, z.failed = false, nil, false }()
	b := newFunc(z.g, z.p)
	v := z.template(b, sel, &fval{kind: fuse.Any, id: "in"})
	if v == nil || z.failed {
		return
	}
	shape := v.shape()
	if shape.Nodes(fuse.MaxShapeNodes+1) > fuse.MaxShapeNodes {
		return
	}
	z.body(b, start, z.bind(shape, "sel_", new(int), nil), nil)
	if z.failed {
		return
	}
	for _, fl := range z.flows {
		if z.plan.Leaves(start, fl.To) {
			continue // built and handed over
		}
		to := z.plan.States[fl.To]
		if !fits(fl.Out, to.Input) || fl.Vars.Key() != to.Vars.Key() {
			return
		}
	}
	z.item = &itemEntry{sel: sel, shape: shape, start: start}
}

// fits reports whether convert can assign a value of shape v to locals
// of shape dst.
func fits(v, dst *fuse.Shape) bool {
	switch dst.Kind {
	case fuse.Any:
		return true
	case fuse.Int:
		return v.Kind == fuse.Int
	case fuse.Const:
		return v.Kind == fuse.Const && fuse.LiteralKey(v.Lit) == fuse.LiteralKey(dst.Lit)
	}
	if v.Kind != fuse.Obj || len(v.Keys) != len(dst.Keys) {
		return false
	}
	for i := range dst.Keys {
		if v.Keys[i] != dst.Keys[i] || !fits(v.Elems[i], dst.Elems[i]) {
			return false
		}
	}
	return true
}

// itemBlocks emits the item's code, the start state run on the
// selector's output held in the locals of in (declared with the
// function's), and the hand-overs it jumps to.
func (z *fuser) itemBlocks(in *fval) []jen.Code {
	b := newFunc(z.g, z.p)
	z.bailTo = itemNoneLabel
	sel := z.template(b, z.item.sel, &fval{kind: fuse.Any, id: "in"})
	var lhs, rhs []jen.Code
	z.convert(b, sel, in, &lhs, &rhs)
	if len(lhs) > 0 {
		b.add(jen.List(lhs...).Op("=").List(rhs...))
	}
	z.bailTo = itemBailLabel
	z.body(b, z.item.start, in, nil)
	z.bailTo = ""
	blocks := []jen.Code{jen.Id(itemLabel).Op(":").Block(b.body...)}
	if z.gotos[itemNoneLabel] {
		// The selector could fail: the ordinary path runs it.
		blocks = append(blocks, jen.Id(itemNoneLabel).Op(":").Line().Add(z.ret(rt("FromItem"), jen.Id("in"), false)))
	}
	if z.gotos[itemBailLabel] {
		// The start state, handed over on the selector's output.
		blocks = append(blocks, jen.Id(itemBailLabel).Op(":").Line().
			Id("f").Dot("Transitions").Call(jen.Id("steps")).Line().
			Add(z.ret(jen.Lit(z.item.start), z.materializeExpr(in), false)))
	}
	return blocks
}

// itemCase is the case of the fused function's switch that starts from
// an item.
func (z *fuser) itemCase() jen.Code {
	entry := []jen.Code{
		jen.List(jen.Id("leaf"), jen.Id("limit")).Op("=").Id("f").Dot("FastBound").Call(jen.Id("in"), jen.Id("minLeaf")),
	}
	if z.fixedOutput > 0 {
		entry = append(entry, jen.If(jen.Id("fixedOutput").Op(">").Id("limit")).Block(z.ret(rt("FromItem"), jen.Id("in"), false)))
	}
	if z.usesVarRoom {
		entry = append(entry, jen.Id("varRoom").Op("=").Id("f").Dot("FastVarRoom").Call())
	}
	return jen.Case(rt("FromItem")).Block(append(entry, jen.Goto().Id(itemLabel))...)
}
