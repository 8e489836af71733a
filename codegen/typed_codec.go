package codegen

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// adapter emits the methods that bind Task t to its typed handler method:
// sig.call, an sfnrt.TaskFunc, which decodes the input and calls sig.run
// (when the method takes an input), which calls the method and encodes
// its output.
func (g *gen) adapter(t *ir.Task, sig *handlerSig) {
	method := g.method[t.Name]
	var args []jen.Code
	if sig.ctx {
		args = append(args, jen.Id("ctx"))
	}
	if sig.in != nil {
		args = append(args, jen.Id("in"))
	}
	call := jen.Id("m").Dot("h").Dot(method).Call(args...)
	run := g.runBody(sig, call, false)
	ctxParam := jen.Id("ctx").Qual("context", "Context")
	if sig.in == nil {
		g.decls = append(g.decls, jen.Commentf("%s runs Task state %q with Handlers.%s, its output encoded as encoding/json would.", sig.call, t.Name, method).Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(sig.call).
			Params(ctxParam, jen.Id("_").Any()).Params(jen.Any(), jen.Error()).Block(run...))
		return
	}
	var body []jen.Code
	body = append(body, jen.Var().Id("in").Add(g.typeCode(sig.in)))
	roundTrip := []jen.Code{
		jen.Var().Err().Error(),
		jen.If(jen.List(jen.Id("in"), jen.Err()).Op("=").Add(rt("DecodeJSON")).Types(g.typeCode(sig.in)).Call(jen.Id("input")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err())),
	}
	if isAny(sig.in) {
		body = []jen.Code{jen.Id("in").Op(":=").Id("input")} // a runtime value
	} else if g.plain(sig.in, decode) {
		body = append(body, jen.If(jen.Op("!").Add(g.decCall(sig.in, jen.Id("input"), jen.Op("&").Id("in")))).Block(
			append([]jen.Code{jen.Comment("Not a plain case: decode as encoding/json does, for its result and errors.")}, roundTrip...)...))
	} else {
		body = append(body, jen.Block(roundTrip...))
	}
	body = append(body,
		jen.List(jen.Id("v"), jen.Id("_"), jen.Err()).Op(":=").Id("m").Dot(sig.run).Call(jen.Id("ctx"), jen.Id("in")),
		jen.Return(jen.Id("v"), jen.Err()))
	g.decls = append(g.decls,
		jen.Commentf("%s runs Task state %q with Handlers.%s, its input decoded as encoding/json would.", sig.call, t.Name, method).Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(sig.call).
			Params(ctxParam, jen.Id("input").Any()).Params(jen.Any(), jen.Error()).Block(body...),
		jen.Commentf("%s calls Handlers.%s and encodes its output as encoding/json would,", sig.run, method).Line().
			Comment("with a bound of the output's JSON size where the output type gives one (0: none;").Line().
			Comment("see sfnimpl.RunTaskInline).").Line().
			Func().Params(jen.Id("m").Op("*").Id("machine")).Id(sig.run).
			Params(ctxParam, jen.Id("in").Add(g.typeCode(sig.in))).Params(jen.Any(), jen.Int(), jen.Error()).Block(g.runBody(sig, call, true)...))
}

// runBody is the body of a function that calls a handler (call) and
// encodes its output: it returns the value and the error, and with bound
// a bound of the value's JSON size between them (0 where not known).
func (g *gen) runBody(sig *handlerSig, call jen.Code, bound bool) []jen.Code {
	ret := func(v, size, err jen.Code) jen.Code {
		if bound {
			return jen.Return(v, size, err)
		}
		return jen.Return(v, err)
	}
	// encodeJSON returns EncodeJSON's value and error.
	encodeJSON := func() []jen.Code {
		if !bound {
			return []jen.Code{jen.Return(rt("EncodeJSON").Call(jen.Id("out")))}
		}
		return []jen.Code{
			jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(rt("EncodeJSON")).Call(jen.Id("out")),
			jen.Return(jen.Id("v"), jen.Lit(0), jen.Err()),
		}
	}
	if sig.out == nil {
		if bound {
			return []jen.Code{jen.Return(jen.Nil(), jen.Lit(0), call)}
		}
		return []jen.Code{jen.Return(jen.Nil(), call)}
	}
	run := []jen.Code{
		jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(call),
		jen.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Nil(), jen.Lit(0), jen.Err())),
	}
	if isAny(sig.out) {
		return append(run, ret(jen.Id("out"), jen.Lit(0), jen.Nil())) // a runtime value
	}
	if !g.plain(sig.out, encode) {
		return append(run, encodeJSON()...)
	}
	size := jen.Code(jen.Lit(0))
	if bound {
		if b := sizeBound(sig.out, jen.Id("out")); b != nil {
			size = b
		}
	}
	code, mayFail := g.encCall(sig.out, jen.Id("out"))
	if !mayFail {
		return append(run, ret(code, size, jen.Nil()))
	}
	run = append(run,
		jen.If(jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Add(code), jen.Id("ok")).Block(ret(jen.Id("v"), size, jen.Nil())),
		jen.Comment("Not a plain case: encode as encoding/json does."))
	return append(run, encodeJSON()...)
}

// The JSON size bounds of encoded values, as the runtime's size checks
// count them (runtime/internal/engine/size.go): a string at most six
// bytes a byte (\u001f) and its quotes, an integer 20 bytes, a float64 24,
// a boolean 5.
const (
	escapedStringByte = 6
	intJSONSize       = 20
	floatJSONSize     = 24
	boolJSONSize      = 5
)

// sizeBound returns an int expression that bounds the JSON size of x, a
// struct of type t encoded (by emitEnc) as an object, from the lengths of
// its strings: every field counted, whether omitempty drops it or not.
// nil where t is not a struct of strings, booleans and numbers only. A
// Task's output is checked against the payload limit: with its bound
// known, the check does not walk the object it was just made into.
func sizeBound(t types.Type, x *jen.Statement) jen.Code {
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	fields, ok := jsonFields(st)
	if !ok {
		return nil
	}
	fixed := 2 // the braces
	var strs []jen.Code
	for _, f := range fields {
		fixed += escapedStringByte*len(f.name) + 2 + 2 // the key, quoted, a colon and a comma
		u, ok := f.v.Type().Underlying().(*types.Basic)
		if !ok {
			return nil
		}
		switch {
		case u.Kind() == types.String:
			fixed += 2
			strs = append(strs, jen.Len(x.Clone().Dot(f.v.Name())))
		case u.Kind() == types.Bool:
			fixed += boolJSONSize
		case u.Kind() == types.Float64:
			fixed += floatJSONSize
		case u.Info()&types.IsInteger != 0:
			fixed += intJSONSize
		default:
			return nil
		}
	}
	if len(strs) == 0 {
		return jen.Lit(fixed)
	}
	var sum *jen.Statement
	for i, s := range strs {
		if i == 0 {
			sum = jen.Add(s)
		} else {
			sum = sum.Op("+").Add(s)
		}
	}
	return jen.Lit(fixed).Op("+").Lit(escapedStringByte).Op("*").Parens(sum)
}

// typeKey identifies a type for the codec functions emitted for it.
func typeKey(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}

// codecName names the codec function of t: dec or enc and a name made
// of the type's: decAddress, encLineItemSlice.
func (g *gen) codecName(prefix string, t types.Type) string {
	return g.names.unique(prefix + typeWord(t))
}

func typeWord(t types.Type) string {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return exported(t.Obj().Name())
	case *types.Pointer:
		return typeWord(t.Elem()) + "Ptr"
	case *types.Slice:
		return typeWord(t.Elem()) + "Slice"
	case *types.Map:
		return typeWord(t.Elem()) + "Map"
	case *types.Basic:
		return exported(t.Name())
	case *types.Interface:
		return "Any"
	case *types.Struct:
		return "Struct"
	}
	return "Value"
}

// codecFunc returns the name of t's codec in cache (decFn or encFn),
// emitting the function the first time t needs one.
func (g *gen) codecFunc(cache map[string]string, prefix string, t types.Type, emit func(name string, t types.Type)) string {
	key := typeKey(t)
	name, ok := cache[key]
	if !ok {
		name = g.codecName(prefix, t)
		cache[key] = name
		emit(name, t)
	}
	return name
}

// decCall returns a bool expression that decodes the runtime value v
// into *dst, a *t, reporting false for a case that is not plain.
func (g *gen) decCall(t types.Type, v, dst jen.Code) jen.Code {
	if h, ok := decodeHelper(t); ok {
		return rt(h).Call(v, dst)
	}
	if isAny(t) {
		return rt("DecodeAny").Call(v, dst)
	}
	return jen.Id(g.codecFunc(g.decFn, "dec", t, g.emitDec)).Call(v, dst)
}

// encCall encodes x, an addressable value of type t: either an any
// expression that cannot fail (mayFail false) or an (any, bool) one
// whose false means a case that is not plain.
func (g *gen) encCall(t types.Type, x jen.Code) (code jen.Code, mayFail bool) {
	if u, ok := t.Underlying().(*types.Basic); ok {
		switch {
		case u.Kind() == types.String:
			return rt("EncodeString").Call(jen.String().Call(x)), true
		case u.Kind() == types.Bool:
			return jen.Bool().Call(x), false
		case u.Kind() == types.Float64:
			return rt("EncodeFloat").Call(jen.Float64().Call(x)), true
		case u.Info()&types.IsUnsigned != 0:
			return rt("EncodeUint").Call(jen.Uint64().Call(x)), true
		default:
			return jen.Int64().Call(x), false
		}
	}
	if _, ok := t.Underlying().(*types.Interface); ok {
		return rt("EncodeAny").Call(x), true
	}
	return jen.Id(g.codecFunc(g.encFn, "enc", t, g.emitEnc)).Call(jen.Op("&").Add(x)), true
}

// decodeHelper names the runtime's decoder for a basic type; false for
// another type.
func decodeHelper(t types.Type) (runtimeName, bool) {
	u, ok := t.Underlying().(*types.Basic)
	if !ok {
		return "", false
	}
	switch {
	case u.Kind() == types.String:
		return "DecodeString", true
	case u.Kind() == types.Bool:
		return "DecodeBool", true
	case u.Kind() == types.Float64:
		return "DecodeFloat", true
	case u.Info()&types.IsUnsigned != 0:
		return "DecodeUint", true
	case u.Info()&types.IsInteger != 0:
		return "DecodeInt", true
	}
	panic(fmt.Sprintf("codegen: basic type %s is not plain", t))
}

var (
	retFalse     = jen.Return(jen.False())
	retTrue      = jen.Return(jen.True())
	retNotPlain  = jen.Return(jen.Nil(), jen.False())
	nilInterface = jen.Id("v").Op("==").Nil()
)

// emitDec emits func name(v any, x *t) bool.
func (g *gen) emitDec(name string, t types.Type) {
	tc := g.typeCode(t)
	var body []jen.Code
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		body = []jen.Code{
			jen.If(nilInterface).Block(jen.Op("*").Id("x").Op("=").Nil(), retTrue),
			jen.If(jen.Op("*").Id("x").Op("==").Nil()).Block(jen.Op("*").Id("x").Op("=").New(g.typeCode(u.Elem()))),
			jen.Return(g.decCall(u.Elem(), jen.Id("v"), jen.Op("*").Id("x"))),
		}
	case *types.Slice:
		body = []jen.Code{
			jen.If(nilInterface).Block(jen.Op("*").Id("x").Op("=").Nil(), retTrue),
			jen.List(jen.Id("a"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Index().Any()),
			jen.If(jen.Op("!").Id("ok")).Block(retFalse),
			jen.Id("s").Op(":=").Make(tc, jen.Len(jen.Id("a"))),
			jen.For(jen.Id("i").Op(":=").Range().Id("a")).Block(
				jen.If(jen.Op("!").Add(g.decCall(u.Elem(), jen.Id("a").Index(jen.Id("i")), jen.Op("&").Id("s").Index(jen.Id("i"))))).Block(retFalse)),
			jen.Op("*").Id("x").Op("=").Id("s"),
			retTrue,
		}
	case *types.Map:
		body = []jen.Code{
			jen.If(nilInterface).Block(jen.Op("*").Id("x").Op("=").Nil(), retTrue),
			jen.List(jen.Id("o"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Op("*").Add(rt("Object"))),
			jen.If(jen.Op("!").Id("ok")).Block(retFalse),
			jen.Id("mp").Op(":=").Make(tc, jen.Id("o").Dot("Len").Call()),
			jen.For(jen.List(jen.Id("_"), jen.Id("mb")).Op(":=").Range().Id("o").Dot("Members").Call()).Block(
				jen.If(jen.Op("!").Qual("unicode/utf8", "ValidString").Call(jen.Id("mb").Dot("Key"))).Block(retFalse),
				jen.Var().Id("e").Add(g.typeCode(u.Elem())),
				jen.If(jen.Op("!").Add(g.decCall(u.Elem(), jen.Id("mb").Dot("Value"), jen.Op("&").Id("e")))).Block(retFalse),
				jen.Id("mp").Index(g.typeCode(u.Key()).Call(jen.Id("mb").Dot("Key"))).Op("=").Id("e"),
			),
			jen.Op("*").Id("x").Op("=").Id("mp"),
			retTrue,
		}
	case *types.Struct:
		fields, _ := jsonFields(u)
		var cases []jen.Code
		var folds *jen.Statement
		for _, f := range fields {
			cases = append(cases, jen.Case(jen.Lit(f.name)).Block(
				jen.If(jen.Op("!").Add(g.decCall(f.v.Type(), jen.Id("mb").Dot("Value"), jen.Op("&").Id("x").Dot(f.v.Name())))).Block(retFalse)))
			fold := jen.Qual("strings", "EqualFold").Call(jen.Id("mb").Dot("Key"), jen.Lit(f.name))
			if folds == nil {
				folds = fold
			} else {
				folds = folds.Op("||").Add(fold)
			}
		}
		if folds != nil {
			// encoding/json matches a key to a field case-insensitively
			// when no field has it exactly: leave that to it.
			cases = append(cases, jen.Default().Block(jen.If(folds).Block(retFalse)))
		}
		if len(fields) == 0 {
			body = []jen.Code{
				jen.If(nilInterface).Block(retTrue),
				jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Op("*").Add(rt("Object"))),
				jen.Return(jen.Id("ok")),
			}
			break
		}
		body = []jen.Code{
			jen.If(nilInterface).Block(retTrue),
			jen.List(jen.Id("o"), jen.Id("ok")).Op(":=").Id("v").Assert(jen.Op("*").Add(rt("Object"))),
			jen.If(jen.Op("!").Id("ok")).Block(retFalse),
			jen.Id("ms").Op(":=").Id("o").Dot("Members").Call(),
		}
		if len(fields) <= inOrderFields {
			body = append(body, g.decInOrder(fields)...)
		}
		body = append(body,
			jen.For(jen.List(jen.Id("_"), jen.Id("mb")).Op(":=").Range().Id("ms")).Block(jen.Switch(jen.Id("mb").Dot("Key")).Block(cases...)),
			retTrue)
	default:
		panic(fmt.Sprintf("codegen: no decoder for %s", t))
	}
	g.decls = append(g.decls, jen.Commentf("%s decodes v into *x as encoding/json would; false: not a plain case.", name).Line().
		Func().Id(name).Params(jen.Id("v").Any(), jen.Id("x").Op("*").Add(tc)).Bool().Block(body...))
}

// inOrderFields is the most fields a struct's decoder checks for in
// their declared order before it searches (decInOrder): past a few, the
// code it adds to every decoder outweighs what it saves.
const inOrderFields = 8

// decInOrder returns the statements of a struct decoder that decode ms,
// the object's members, when they are the struct's fields exactly, in the
// order it declares them: what a value the same program encoded holds
// (encoding/json writes fields in that order), and what inputs mostly
// hold. They decode the members in the same order as the search that
// follows them, which is then left for other objects: the same result,
// the same first failure, with a constant key compared at each member
// instead of a switch.
func (g *gen) decInOrder(fields []jsonField) []jen.Code {
	inOrder := jen.Len(jen.Id("ms")).Op("==").Lit(len(fields))
	var decode []jen.Code
	for i, f := range fields {
		m := jen.Id("ms").Index(jen.Lit(i))
		inOrder = inOrder.Op("&&").Add(m.Clone().Dot("Key")).Op("==").Lit(f.name)
		decode = append(decode, jen.If(jen.Op("!").Add(g.decCall(f.v.Type(), m.Clone().Dot("Value"), jen.Op("&").Id("x").Dot(f.v.Name())))).Block(retFalse))
	}
	return []jen.Code{jen.If(inOrder).Block(append(decode, retTrue)...)}
}

// emitEnc emits func name(x *t) (any, bool).
func (g *gen) emitEnc(name string, t types.Type) {
	tc := g.typeCode(t)
	var body []jen.Code
	nilX := jen.If(jen.Op("*").Id("x").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.True()))
	elem := func(t types.Type, x jen.Code, store func(v jen.Code) jen.Code) []jen.Code {
		code, mayFail := g.encCall(t, x)
		if !mayFail {
			return []jen.Code{store(code)}
		}
		return []jen.Code{
			jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Add(code),
			jen.If(jen.Op("!").Id("ok")).Block(retNotPlain),
			store(jen.Id("e")),
		}
	}
	block := func(stmts []jen.Code) jen.Code {
		if len(stmts) == 1 {
			return stmts[0]
		}
		return jen.Block(stmts...)
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		code, mayFail := g.encCall(u.Elem(), jen.Op("**").Id("x"))
		if !mayFail {
			code = jen.List(code, jen.True())
		}
		body = []jen.Code{nilX, jen.Return(code)}
	case *types.Slice:
		body = []jen.Code{
			nilX,
			jen.Id("a").Op(":=").Make(jen.Index().Any(), jen.Len(jen.Op("*").Id("x"))),
			jen.For(jen.Id("i").Op(":=").Range().Op("*").Id("x")).Block(
				elem(u.Elem(), jen.Parens(jen.Op("*").Id("x")).Index(jen.Id("i")), func(v jen.Code) jen.Code {
					return jen.Id("a").Index(jen.Id("i")).Op("=").Add(v)
				})...),
			jen.Return(jen.Id("a"), jen.True()),
		}
	case *types.Map:
		// encoding/json writes a map's keys sorted.
		loop := []jen.Code{
			jen.If(jen.Op("!").Qual("unicode/utf8", "ValidString").Call(jen.String().Call(jen.Id("k")))).Block(retNotPlain),
			jen.Id("mv").Op(":=").Parens(jen.Op("*").Id("x")).Index(jen.Id("k")),
		}
		loop = append(loop, elem(u.Elem(), jen.Id("mv"), func(v jen.Code) jen.Code {
			return jen.Id("o").Dot("Append").Call(jen.String().Call(jen.Id("k")), v)
		})...)
		body = []jen.Code{
			nilX,
			jen.Id("keys").Op(":=").Make(jen.Index().Add(g.typeCode(u.Key())), jen.Lit(0), jen.Len(jen.Op("*").Id("x"))),
			jen.For(jen.Id("k").Op(":=").Range().Op("*").Id("x")).Block(jen.Id("keys").Op("=").Append(jen.Id("keys"), jen.Id("k"))),
			jen.Qual("slices", "Sort").Call(jen.Id("keys")),
			jen.Id("o").Op(":=").Add(rt("NewObject")).Call(jen.Len(jen.Id("keys"))),
			jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("keys")).Block(loop...),
			jen.Return(jen.Id("o"), jen.True()),
		}
	case *types.Struct:
		fields, _ := jsonFields(u)
		strs, floats := 0, 0
		for _, f := range fields {
			switch {
			case isString(f.v.Type()):
				strs++
			case isFloat64(f.v.Type()):
				floats++
			}
		}
		// The strings and floats of a small struct share its object's
		// allocation (sfnrt.NewObjectStrings, NewObjectRoom) rather than
		// take one each when boxed; a struct has no more of them than
		// fields.
		room := strs+floats > 0 && len(fields) <= maxRoom
		members := jen.Index(jen.Lit(len(fields))).Add(rt("Member"))
		switch {
		case room && floats > 0:
			s := jen.Id("s")
			if strs == 0 {
				s = jen.Id("_")
			}
			body = []jen.Code{jen.List(jen.Id("o"), s, jen.Id("n")).Op(":=").Add(rt("NewObjectRoom")).Types(
				members, jen.Index(jen.Lit(strs)).String(), jen.Index(jen.Lit(floats)).Uint64()).Call()}
		case room:
			body = []jen.Code{jen.List(jen.Id("o"), jen.Id("s")).Op(":=").Add(rt("NewObjectStrings")).Types(
				members, jen.Index(jen.Lit(strs)).String()).Call()}
		default:
			body = []jen.Code{jen.Id("o").Op(":=").Add(rt("NewObject")).Call(jen.Lit(len(fields)))}
		}
		slot, floatSlot := 0, 0
		for _, f := range fields {
			x := jen.Id("x").Dot(f.v.Name())
			var stmts []jen.Code
			if room && isString(f.v.Type()) {
				at := jen.Id("s").Index(jen.Lit(slot))
				slot++
				stmts = []jen.Code{
					at.Clone().Op("=").String().Call(x),
					// EncodeString's check, then its value boxed where
					// the string lies (sfnrt.StringAt).
					jen.If(jen.Op("!").Add(rt("ValidUTF8")).Call(at.Clone())).Block(retNotPlain),
					jen.Id("o").Dot("Append").Call(jen.Lit(f.name), rt("StringAt").Call(jen.Op("&").Add(at.Clone()))),
				}
			} else if room && isFloat64(f.v.Type()) {
				at := jen.Id("n").Index(jen.Lit(floatSlot))
				floatSlot++
				stmts = []jen.Code{
					jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Add(rt("EncodeFloatAt")).Call(jen.Float64().Call(x), jen.Op("&").Add(at)),
					jen.If(jen.Op("!").Id("ok")).Block(retNotPlain),
					jen.Id("o").Dot("Append").Call(jen.Lit(f.name), jen.Id("e")),
				}
			} else {
				stmts = elem(f.v.Type(), x, func(v jen.Code) jen.Code {
					return jen.Id("o").Dot("Append").Call(jen.Lit(f.name), v)
				})
			}
			if f.omitEmpty {
				if cond := nonEmpty(f.v.Type(), x); cond != nil {
					body = append(body, jen.If(cond).Block(stmts...))
					continue
				}
			}
			body = append(body, block(stmts))
		}
		body = append(body, jen.Return(jen.Id("o"), jen.True()))
	default:
		panic(fmt.Sprintf("codegen: no encoder for %s", t))
	}
	g.decls = append(g.decls, jen.Commentf("%s encodes *x as the runtime value of encoding/json's text; false: not a plain case.", name).Line().
		Func().Id(name).Params(jen.Id("x").Op("*").Add(tc)).Params(jen.Any(), jen.Bool()).Block(body...))
}

// maxRoom is the most members, strings and numbers that
// sfnrt.NewObjectStrings and NewObjectRoom make room for.
const maxRoom = 16

// isFloat64 reports whether t is a float64 type.
func isFloat64(t types.Type) bool {
	u, ok := t.Underlying().(*types.Basic)
	return ok && u.Kind() == types.Float64
}

// isString reports whether t is a string type.
func isString(t types.Type) bool {
	u, ok := t.Underlying().(*types.Basic)
	return ok && u.Kind() == types.String
}

// nonEmpty returns the condition under which encoding/json's omitempty
// keeps the field x of type t, or nil when it always does (structs).
func nonEmpty(t types.Type, x *jen.Statement) jen.Code {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool:
			return x.Clone()
		case u.Kind() == types.String:
			return x.Clone().Op("!=").Lit("")
		}
		return x.Clone().Op("!=").Lit(0)
	case *types.Pointer, *types.Interface:
		return x.Clone().Op("!=").Nil()
	case *types.Slice, *types.Map:
		return jen.Len(x.Clone()).Op("!=").Lit(0)
	}
	return nil
}
