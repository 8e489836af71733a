package codegen

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// ataPath is the JSONata engine that generated code of JSONata states
// imports; JSONPath-only machines do not import it.
const ataPath = "github.com/sfn-compile/sfn-compile/runtime/jsonata"

// statesVars declares the bindings ($states and the variables) of the
// JSONata expressions of one state; result and errOut may be nil.
func (b *fn) statesVars(input, result, errOut jen.Code) string {
	if b.bindsStateInput() && fmt.Sprintf("%#v", input) != "in" {
		// A programming error that the goldens catch: native code
		// would use the frame's bounds of another value.
		panic(fmt.Sprintf("codegen: JSONata bindings of %#v in the state's frame", input))
	}
	sv := b.tmp("sv")
	d := jen.Dict{jen.Id("F"): b.f(), jen.Id("Input"): input}
	if result != nil {
		d[jen.Id("Result")] = result
		d[jen.Id("HasResult")] = jen.True()
	}
	if errOut != nil {
		d[jen.Id("ErrorOutput")] = errOut
		d[jen.Id("HasErrorOutput")] = jen.True()
	}
	b.add(jen.Id(sv).Op(":=").Op("&").Add(rt("StatesVars")).Values(d))
	b.add(jen.Id("_").Op("=").Id(sv)) // not every field of the state reads it
	return sv
}

// bindsStateInput reports whether the bindings of b's JSONata
// expressions hold the input of the state its frame runs: statesVars
// binds in, the state's input, in the state's own frame f.
func (b *fn) bindsStateInput() bool { return b.frame == "f" }

// readsNormalInput reports whether $states.input in b's JSONata
// expressions is always normal (see normalInputs).
func (b *fn) readsNormalInput() bool { return b.bindsStateInput() && b.normalInput }

// ataBinding says what native code may assume of the bindings of b's
// JSONata expressions.
func (b *fn) ataBinding() ataBinding {
	switch {
	case b.readsNormalInput():
		return ataNormalInput
	case b.bindsStateInput():
		return ataStateInput
	}
	return ataOtherInput
}

// exprVar declares a JSONata expression for the engine, parsed on its
// first evaluation (jsonata.LazyIn: the Go code compiled from most
// expressions decides most values), and returns the name of its package
// variable. The expression calls the functions of the machine's library
// (see ataLibraryDecl).
func (g *gen) exprVar(e *ir.Expr) string {
	key := "ata:" + e.Source
	if name, ok := g.lits[key]; ok {
		return name
	}
	name := g.names.unique("expr" + strconv.Itoa(len(g.lits)))
	g.lits[key] = name
	lazy := jen.Qual(ataPath, "Lazy").Call(jen.Lit(e.Source)) // the whole library
	if e.Root != nil {
		// Lowered by the compiler, which found the functions it names.
		if g.ataLibrary == "" {
			g.ataLibrary = g.names.unique("ataLibrary")
			g.ataFunctions = map[string]bool{}
		}
		for _, f := range e.Functions {
			g.ataFunctions[f] = true
		}
		g.ataRegexp = g.ataRegexp || e.Regexp
		lazy = jen.Qual(ataPath, "LazyIn").Call(jen.Op("&").Id(g.ataLibrary), jen.Lit(e.Source))
	}
	if slices.Contains(e.Functions, "hash") || e.Root == nil && strings.Contains(e.Source, "$hash") {
		// $hash: the engine's digests need runtime/sfncrypto.
		g.cryptoUsers = true
	}
	g.decls = append(g.decls, jen.Var().Id(name).Op("=").Add(lazy))
	return name
}

// ataLibraryDecl declares the library of the machine's JSONata
// expressions: the functions they name, each a variable of package
// jsonata (FnMerge for $merge), so that the program links no others (the
// engine's ~70 functions and their tables were a third of its code), and
// package regexp only where an expression may compile a regular
// expression (the ~100 KB of it lie among the code every start-up runs,
// so they cost peak RSS). Statically initialised: no code runs at
// start-up.
func (g *gen) ataLibraryDecl() jen.Code {
	comment := jen.Comment(g.ataLibrary + " holds the JSONata functions the expressions name, and package regexp where they may need it: the program links nothing else of the engine's library.").Line()
	if len(g.ataFunctions) == 0 && !g.ataRegexp {
		return comment.Var().Id(g.ataLibrary).Qual(ataPath, "Library")
	}
	d := jen.Dict{}
	if len(g.ataFunctions) > 0 {
		var fns []jen.Code
		for _, name := range slices.Sorted(maps.Keys(g.ataFunctions)) {
			fns = append(fns, jen.Op("&").Qual(ataPath, "Fn"+strings.ToUpper(name[:1])+name[1:]))
		}
		d[jen.Id("Functions")] = jen.Index().Op("*").Qual(ataPath, "Function").Values(fns...)
	}
	if g.ataRegexp {
		d[jen.Id("Regexp")] = jen.Qual(ataPath, "CompileRegexp")
	}
	return comment.Var().Id(g.ataLibrary).Op("=").Qual(ataPath, "Library").Values(d)
}

// ataExpr evaluates a JSONata expression for field and returns the local
// holding its value; undefined and errors fail the state. The compiler
// lowered the expression (ir.Expr.Root): a plain path ($states.input.a.b,
// $var.a) is read directly and other native forms by a generated
// function, each with the engine as the fallback where JSONata's array
// mapping or a value of another kind applies; ir.AtaEngine is the
// engine's alone. The engine runs under the state's ctx, so that the
// machine's TimeoutSeconds or a cancellation reached during evaluation
// ends it (AtaResult reports it).
func (b *fn) ataExpr(e *ir.Expr, sv, field string) string {
	name := b.g.exprVar(e)
	v, def, err := b.tmp("v"), b.tmp("def"), b.tmp("err")
	engine := jen.Id(name).Dot("EvalContext").Call(jen.Id("ctx"), jen.Id(sv).Dot("Input"), jen.Id(sv).Dot("Heap").Call())
	switch root := e.Root.(type) {
	case *ir.AtaEngine, nil: // nil: an Expr made without the compiler's lowering
		b.add(jen.List(jen.Id(v), jen.Id(def), jen.Id(err)).Op(":=").Add(engine))
	case *ir.AtaPath:
		rv := b.tmp("rv")
		absent := ataRoot(b.add, rv, jen.Id(sv), b.f(), root, func() string { return b.tmp("rok") })
		var native string
		v, def, native = b.g.ataLookup(b.add, rv, root, func() string { return b.tmp("x") })
		b.add(jen.Var().Id(err).Error())
		switch root.Root {
		case ir.AtaVariable: // an unset variable is undefined
			b.add(jen.If(absent).Block(jen.List(jen.Id(def), jen.Id(native)).Op("=").List(jen.False(), jen.True())))
		case ir.AtaResult, ir.AtaErrorOutput: // the engine reports an unbound one
			b.add(jen.If(absent).Block(jen.Id(native).Op("=").False()))
		}
		if root.Root == ir.AtaInput && b.readsNormalInput() {
			b.add(jen.If(jen.Op("!").Id(native)).Block(
				jen.List(jen.Id(v), jen.Id(def), jen.Id(err)).Op("=").Add(engine),
			))
		} else {
			normalise := jen.Id(native).Op("&&").Id(def)
			if root.Root == ir.AtaResult {
				// A typed handler's output may be normal already (see
				// genTaskAtaTyped).
				normalise = normalise.Op("&&").Op("!").Id(sv).Dot("NormalResult")
			}
			b.add(jen.If(normalise).Block(
				jen.Id(v).Op("=").Qual(ataPath, "Normalize").Call(jen.Id(v)),
			).Else().If(jen.Op("!").Id(native)).Block(
				jen.List(jen.Id(v), jen.Id(def), jen.Id(err)).Op("=").Add(engine),
			))
		}
	default:
		// A native expression beyond a plain path: its generated function
		// decides, or hands over to the engine.
		fnName := b.g.nativeAtaFunc(e, b.ataBinding())
		b.add(jen.List(jen.Id(v), jen.Id(def)).Op(":=").Id(fnName).Call(jen.Id(sv)))
		b.add(jen.Var().Id(err).Error())
		b.add(jen.If(jen.Op("!").Id(def)).Block(
			jen.List(jen.Id(v), jen.Id(def), jen.Id(err)).Op("=").Add(engine),
		))
	}
	// A defined value without error is the field's value; only a
	// failure calls AtaResult, which words AWS's error (a call and
	// errors.Is on every evaluation cost more than the value's read).
	e2 := b.tmp("err")
	b.add(jen.If(jen.Op("!").Id(def).Op("||").Id(err).Op("!=").Nil()).Block(
		jen.List(jen.Id("_"), jen.Id(e2)).Op(":=").Add(b.f().Dot("AtaResult").Call(
			jen.Lit(field), jen.Lit(e.Source), jen.Id(v), jen.Id(def), jen.Id(err),
			jen.Qual("errors", "Is").Call(jen.Id(err), jen.Qual(ataPath, "ErrUnsupportedResult")))),
		jen.If(jen.Id(e2).Op("!=").Nil()).Block(b.ret(jen.Id(e2))),
	))
	return v
}

// ataTemplate evaluates a JSONata template: "{% %}" strings anywhere in it
// are expressions; field names the place for AWS's messages (Output/x).
func (b *fn) ataTemplate(t ir.Template, sv, field string) string {
	switch t := t.(type) {
	case *ir.TExpr:
		return b.ataExpr(t.Expr, sv, field)
	case *ir.TLiteral:
		return b.literalLocal(t.Value)
	case *ir.TObject:
		o := b.objectLocal(len(t.Fields))
		set := setOrAppend(t)
		for _, fld := range t.Fields {
			v := b.ataTemplate(fld.Value, sv, field+"/"+fld.Key)
			b.add(jen.Id(o).Dot(set).Call(jen.Lit(fld.Key), jen.Id(v)))
		}
		return o
	case *ir.TArray:
		var items []jen.Code
		for i, it := range t.Items {
			items = append(items, jen.Id(b.ataTemplate(it, sv, field+"["+strconv.Itoa(i)+"]")))
		}
		return b.arrayLocal(items)
	}
	// JSONPath-only template forms cannot occur in a JSONata state.
	panic("codegen: JSONPath template in a JSONata state")
}

// ataAssign evaluates a JSONata Assign and returns the local holding the
// *sfnrt.Object of new values, or "".
func (b *fn) ataAssign(t ir.Template, sv, prefix string) string {
	if t == nil {
		return ""
	}
	v := b.ataTemplate(t, sv, prefix+"Assign")
	if _, isObject := t.(*ir.TObject); isObject {
		return v
	}
	o := b.tmp("assigned")
	b.add(jen.List(jen.Id(o), jen.Id("_")).Op(":=").Id(v).Assert(jen.Op("*").Add(rt("Object"))))
	return o
}

// ataOutput evaluates Output, or returns def when the state has none.
func (b *fn) ataOutput(t ir.Template, sv string, def jen.Code, prefix string) jen.Code {
	if t == nil {
		return def
	}
	return jen.Id(b.ataTemplate(t, sv, prefix+"Output"))
}

// ataFinish ends a JSONata state: Assign and Output see the same values
// of the variables, the new ones become visible afterwards.
func (b *fn) ataFinish(c *ir.Common, sv string, def jen.Code, next ir.StateName) {
	assigned := b.ataAssign(c.Assign, sv, "")
	out := b.ataOutput(c.Output, sv, def, "")
	b.commit(assigned)
	b.add(jen.Return(b.p.next(next), out, jen.Nil()))
}

// ataInt evaluates an integer setting given as a JSONata expression.
func (b *fn) ataInt(e *ir.Expr, sv, field string) string {
	v := b.ataExpr(e, sv, field)
	n, err := b.tmp("n"), b.tmp("err")
	b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("AtaInt").Call(jen.Lit(field), jen.Lit(e.Source), jen.Id(v))))
	b.checkErr(err)
	return n
}
