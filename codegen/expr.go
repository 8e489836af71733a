package codegen

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

// fn accumulates the statements of one generated function. Values are
// held in numbered locals; failures return through ret.
type fn struct {
	g    *gen
	p    *prog
	body []jen.Code
	n    int
	// ret builds the statement that returns err from this function.
	ret func(err jen.Code) jen.Code
	// frame is the identifier of the *sfnrt.Frame in scope.
	frame string
	// sv is the local holding the JSONata bindings (*sfnrt.StatesVars) of
	// a JSONata state's rules, when there is one.
	sv string
	// condField names the Choice rule being generated in AWS's messages
	// (Choices[0]/Condition).
	condField string
	// normalInput says that the state's input is always normal (see
	// normalInputs): its native JSONata reads it without normalising.
	normalInput bool
}

// child returns a builder for a nested block of b: same scope and return
// form; its locals are numbered from b's count plus offset.
func (b *fn) child(offset int) *fn {
	c := *b
	c.body = nil
	c.n = b.n + offset
	return &c
}

func newFunc(g *gen, p *prog) *fn {
	return &fn{g: g, p: p, frame: "f", ret: func(err jen.Code) jen.Code {
		return jen.Return(jen.Lit(0), jen.Nil(), err)
	}}
}

// sub returns a builder for a closure body in the same scope, whose
// failures return (nil, err).
func (b *fn) sub() *fn {
	c := b.child(1000)
	c.ret = func(err jen.Code) jen.Code { return jen.Return(jen.Nil(), err) }
	return c
}

func (b *fn) add(c ...jen.Code) { b.body = append(b.body, c...) }

func (b *fn) tmp(prefix string) string {
	b.n++
	return fmt.Sprintf("%s%d", prefix, b.n)
}

func (b *fn) f() *jen.Statement { return jen.Id(b.frame) }

// failIf adds "if cond { return err }".
func (b *fn) failIf(cond jen.Code, err jen.Code) {
	b.add(jen.If(cond).Block(b.ret(err)))
}

// checkErr adds "if err != nil { return err }" for a local named err.
func (b *fn) checkErr(errName string) {
	b.failIf(jen.Id(errName).Op("!=").Nil(), jen.Id(errName))
}

// ---- paths

// path evaluates p against input (the code for "$") and returns the names
// of the locals holding its value and whether it was found. Definite
// paths compile to direct lookups; others use the runtime evaluator.
func (b *fn) path(p *ir.Path, input jen.Code) (v, ok string) {
	v, ok = b.tmp("v"), b.tmp("ok")
	switch p.Root {
	case ir.RootInput:
		if len(p.Segments) == 0 {
			if fmt.Sprintf("%#v", input) == "nil" {
				// A Pass's Result null: Go gives an untyped nil no type.
				input = jen.Any().Call(jen.Nil())
			}
			b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").List(input, jen.True()))
			return
		}
		b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(b.g.pathCall(p, input)))
		return
	case ir.RootContext:
		// The commonest context paths read their field directly instead
		// of building the whole context object.
		if root, rest, found := contextShortcut(p.Segments); found {
			b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(b.f().Dot(root).Call()))
			if len(rest) > 0 {
				q := *p
				q.Segments = rest
				b.add(jen.If(jen.Id(ok)).Block(jen.List(jen.Id(v), jen.Id(ok)).Op("=").Add(b.g.pathCall(&q, jen.Id(v)))))
			}
			return
		}
		b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").List(jen.Any().Call(b.f().Dot("Context").Call()), jen.True()))
	case ir.RootVariable:
		b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(b.f().Dot("Vars").Dot("Get").Call(jen.Lit(p.Variable))))
	}
	if len(p.Segments) > 0 {
		b.add(jen.If(jen.Id(ok)).Block(jen.List(jen.Id(v), jen.Id(ok)).Op("=").Add(b.g.pathCall(p, jen.Id(v)))))
	}
	return
}

// pathCall returns the code of a (value, found) lookup of p's segments
// applied to root.
func (g *gen) pathCall(p *ir.Path, root jen.Code) jen.Code {
	key := segmentsKey(p)
	name, done := g.paths[key]
	if p.Definite() {
		if !done {
			name = g.names.unique("path" + strconv.Itoa(len(g.paths)))
			g.paths[key] = name
			var body []jen.Code
			for _, s := range p.Segments[:len(p.Segments)-1] {
				if _, ok := s.(ir.Index); ok {
					// An element step before the last sets ok (a field
					// step's is its if statement's).
					body = append(body, jen.Var().Id("ok").Bool())
					break
				}
			}
			// Each field step remembers where it last found its member
			// (sfnrt.FieldHint), in one array per path. It checks there
			// first (Hit, inlined: its key comparison is against a
			// constant) and searches only on a miss.
			var hints string
			fields := 0
			for _, s := range p.Segments {
				if _, ok := s.(ir.Field); ok {
					fields++
				}
			}
			if fields > 0 {
				hints = g.names.unique(name + "Hints")
			}
			field := 0
			for i, s := range p.Segments {
				last := i == len(p.Segments)-1
				switch s := s.(type) {
				case ir.Field:
					hint := jen.Id(hints).Index(jen.Lit(field))
					field++
					hit := jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Add(hint.Clone().Dot("Hit").Call(jen.Id("v"), jen.Lit(s.Name)))
					search := hint.Clone().Dot("Search").Call(jen.Id("v"), jen.Lit(s.Name))
					if last {
						body = append(body, jen.If(hit, jen.Id("ok")).Block(jen.Return(jen.Id("x"), jen.True())), jen.Return(search))
					} else {
						body = append(body, jen.If(hit, jen.Id("ok")).Block(jen.Id("v").Op("=").Id("x")).
							Else().If(jen.List(jen.Id("v"), jen.Id("ok")).Op("=").Add(search), jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil(), jen.False())))
					}
				case ir.Index:
					call := rt("Elem").Call(jen.Id("v"), jen.Lit(s.Index))
					if last {
						body = append(body, jen.Return(call))
					} else {
						body = append(body, jen.List(jen.Id("v"), jen.Id("ok")).Op("=").Add(call),
							jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil(), jen.False())))
					}
				}
			}
			if fields > 0 {
				g.decls = append(g.decls, jen.Var().Id(hints).Index(jen.Lit(fields)).Add(rt("FieldHint")))
			}
			g.decls = append(g.decls,
				jen.Comment(fmt.Sprintf("%s looks up %s.", name, key)).Line().Func().Id(name).Params(jen.Id("v").Any()).Params(jen.Any(), jen.Bool()).Block(body...))
		}
		return jen.Id(name).Call(root)
	}
	if !done {
		name = g.names.unique("jsonPath" + strconv.Itoa(len(g.paths)))
		g.paths[key] = name
		g.decls = append(g.decls, jen.Var().Id(name).Op("=").Op("&").Add(rt("JSONPath")).Values(jen.Dict{
			jen.Id("Source"): jen.Lit(p.Source),
			jen.Id("Segs"):   jen.Index().Add(rt("Seg")).Values(g.segs(p.Segments)...),
		}))
	}
	return jen.Id(name).Dot("Eval").Call(root)
}

func segmentsKey(p *ir.Path) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p.Segments {
		fmt.Fprintf(&b, "%#v", s)
	}
	if p.Definite() {
		return normalized(p)
	}
	return b.String()
}

// normalized renders a definite path's segments as Jayway does in its
// messages: $['a'][0].
func normalized(p *ir.Path) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p.Segments {
		switch s := s.(type) {
		case ir.Field:
			b.WriteString("['" + s.Name + "']")
		case ir.Index:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		}
	}
	return b.String()
}

func (g *gen) segs(ss []ir.Segment) []jen.Code {
	var out []jen.Code
	for _, s := range ss {
		out = append(out, g.seg(s))
	}
	return out
}

func (g *gen) seg(s ir.Segment) jen.Code {
	switch s := s.(type) {
	case ir.Field:
		return rt("SegField").Values(jen.Dict{jen.Id("Name"): jen.Lit(s.Name)})
	case ir.Index:
		return rt("SegIndex").Values(jen.Dict{jen.Id("Index"): jen.Lit(s.Index)})
	case ir.Wildcard:
		return rt("SegWildcard").Values()
	case ir.Slice:
		d := jen.Dict{}
		if s.Start != nil {
			d[jen.Id("Start")] = jen.Lit(*s.Start)
			d[jen.Id("HasStart")] = jen.True()
		}
		if s.End != nil {
			d[jen.Id("End")] = jen.Lit(*s.End)
			d[jen.Id("HasEnd")] = jen.True()
		}
		if s.Step != nil {
			d[jen.Id("Step")] = jen.Lit(*s.Step)
			d[jen.Id("HasStep")] = jen.True()
		}
		return rt("SegSlice").Values(d)
	case ir.Union:
		d := jen.Dict{}
		if len(s.Names) > 0 {
			var names []jen.Code
			for _, n := range s.Names {
				names = append(names, jen.Lit(n))
			}
			d[jen.Id("Names")] = jen.Index().String().Values(names...)
		}
		if len(s.Indexes) > 0 {
			var idx []jen.Code
			for _, n := range s.Indexes {
				idx = append(idx, jen.Lit(n))
			}
			d[jen.Id("Indexes")] = jen.Index().Int().Values(idx...)
		}
		return rt("SegUnion").Values(d)
	case ir.Descent:
		return rt("SegDescent").Values(jen.Dict{jen.Id("Then"): g.seg(s.Then)})
	case ir.Filter:
		return rt("SegFilter").Values(jen.Dict{jen.Id("Pred"): g.pred(s.Expr)})
	}
	panic(fmt.Sprintf("codegen: unknown path segment %T", s))
}

func (g *gen) pred(e ir.FilterExpr) jen.Code {
	switch e := e.(type) {
	case ir.FilterCompare:
		return rt("PredCompare").Values(jen.Dict{jen.Id("Op"): jen.Lit(e.Op), jen.Id("Left"): g.operand(e.Left), jen.Id("Right"): g.operand(e.Right)})
	case ir.FilterExists:
		return rt("PredExists").Values(jen.Dict{jen.Id("Operand"): g.operand(e.Operand)})
	case ir.FilterAnd:
		return rt("PredAnd").Values(jen.Dict{jen.Id("Left"): g.pred(e.Left), jen.Id("Right"): g.pred(e.Right)})
	case ir.FilterOr:
		return rt("PredOr").Values(jen.Dict{jen.Id("Left"): g.pred(e.Left), jen.Id("Right"): g.pred(e.Right)})
	case ir.FilterNot:
		return rt("PredNot").Values(jen.Dict{jen.Id("Pred"): g.pred(e.Expr)})
	}
	panic(fmt.Sprintf("codegen: unknown filter %T", e))
}

func (g *gen) operand(o ir.FilterOperand) jen.Code {
	if o.Path == nil {
		return rt("Operand").Values(jen.Dict{jen.Id("Literal"): g.value(o.Literal)})
	}
	d := jen.Dict{jen.Id("Path"): jen.Op("&").Add(rt("JSONPath")).Values(jen.Dict{
		jen.Id("Source"): jen.Lit(o.Path.Source),
		jen.Id("Segs"):   jen.Index().Add(rt("Seg")).Values(g.segs(o.Path.Segments)...),
	})}
	if o.Current {
		d[jen.Id("Current")] = jen.True()
	}
	return rt("Operand").Values(d)
}

// ---- literals

// value returns code that builds the runtime form of a literal. Arrays and
// objects are read from the package's literals table, built once:
// runtime values are immutable, so one copy can be shared by every
// execution (see literalTable).
func (g *gen) value(v ir.Value) jen.Code {
	switch v := v.(type) {
	case nil, ir.Null:
		return jen.Nil()
	case ir.Bool:
		return jen.Lit(bool(v))
	case ir.String:
		return jen.Lit(string(v))
	case ir.Number:
		return numberCode(v)
	case ir.Array, ir.Object:
		key := fuse.LiteralKey(v)
		i, ok := g.litIndex[key]
		if !ok {
			i = len(g.literals)
			g.litIndex[key] = i
			g.literals = append(g.literals, literalJSON(v))
		}
		return jen.Id("literals").Index(jen.Lit(i))
	}
	panic(fmt.Sprintf("codegen: unknown literal %T", v))
}

// literalTable emits the table of the array and object literals that
// value handed out. They are kept as JSON text that sfnrt parses at
// start-up, in one loop, not as Go expressions: the Go compiler's time
// and memory grow with every expression of a package's initialiser,
// while an array of string constants is data to it, and a definition may
// hold up to AWS's 1 MB of literals.
func (g *gen) literalTable() {
	if len(g.literals) == 0 {
		return
	}
	texts := make([]jen.Code, len(g.literals))
	for i, text := range g.literals {
		texts[i] = stringCode(text)
	}
	n := jen.Lit(len(g.literals))
	g.file.Comment("literals holds the definition's array and object literals, parsed from")
	g.file.Comment("literalsJSON once.")
	g.file.Var().Id("literals").Index(n).Any()
	g.file.Line()
	g.file.Var().Id("literalsJSON").Op("=").Index(n).String().ValuesFunc(func(gr *jen.Group) {
		for _, t := range texts {
			gr.Line().Add(t)
		}
		gr.Line()
	})
	g.file.Line()
	g.file.Func().Id("init").Params().Block(
		jen.For(jen.List(jen.Id("i"), jen.Id("text")).Op(":=").Range().Id("literalsJSON")).Block(
			jen.Id("literals").Index(jen.Id("i")).Op("=").Add(rt("MustParseJSON")).Call(jen.Id("text")),
		),
	)
	g.file.Line()
}

// literalJSON returns the JSON text of a literal, numbers as written.
func literalJSON(v ir.Value) string {
	var b strings.Builder
	var walk func(v ir.Value)
	walk = func(v ir.Value) {
		switch v := v.(type) {
		case nil, ir.Null:
			b.WriteString("null")
		case ir.Bool:
			b.WriteString(strconv.FormatBool(bool(v)))
		case ir.Number:
			b.WriteString(v.Text)
		case ir.String:
			writeJSONString(&b, string(v))
		case ir.Array:
			b.WriteByte('[')
			for i, e := range v {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e)
			}
			b.WriteByte(']')
		case ir.Object:
			b.WriteByte('{')
			for i, m := range v {
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSONString(&b, m.Key)
				b.WriteByte(':')
				walk(m.Value)
			}
			b.WriteByte('}')
		default:
			panic(fmt.Sprintf("codegen: unknown literal %T", v))
		}
	}
	walk(v)
	return b.String()
}

// stringCode is a Go string literal of s: raw where it can be, so JSON
// reads as JSON. A raw string cannot hold a backquote, keeps no carriage
// return, and Go rejects a byte order mark inside a file.
func stringCode(s string) jen.Code {
	if strings.ContainsAny(s, "`\r\ufeff") || !utf8.ValidString(s) {
		return jen.Lit(s)
	}
	return jen.Id("`" + s + "`")
}

// writeJSONString writes s as a JSON string: quotes, backslashes and
// control characters escaped, everything else as is.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func numberCode(n ir.Number) jen.Code {
	if !n.IsFloat {
		if i, err := strconv.ParseInt(n.Text, 10, 64); err == nil {
			return jen.Lit(i)
		}
		return jen.Qual("encoding/json", "Number").Call(jen.Lit(n.Text))
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil {
		return jen.Qual("encoding/json", "Number").Call(jen.Lit(n.Text))
	}
	return jen.Lit(f)
}

// ---- templates and intrinsics

// template evaluates a payload template against input (the code for "$")
// and returns the local holding the result.
func (b *fn) template(t ir.Template, input jen.Code) string {
	switch t := t.(type) {
	case *ir.TLiteral:
		return b.literalLocal(t.Value)
	case *ir.TObject:
		o := b.objectLocal(len(t.Fields))
		set := setOrAppend(t)
		for _, fld := range t.Fields {
			var val jen.Code
			if lit, ok := fld.Value.(*ir.TLiteral); ok {
				val = b.g.value(lit.Value)
			} else {
				val = jen.Id(b.template(fld.Value, input))
			}
			b.add(jen.Id(o).Dot(set).Call(jen.Lit(fld.Key), val))
		}
		return o
	case *ir.TArray:
		var items []jen.Code
		for _, it := range t.Items {
			items = append(items, jen.Id(b.template(it, input)))
		}
		return b.arrayLocal(items)
	case *ir.TPath:
		v, ok := b.path(t.Path, input)
		b.failIf(jen.Op("!").Id(ok), b.f().Dot("FieldPathNotFound").Call(jen.Lit(t.Path.Source), jen.Lit(t.Field), b.pathRootValue(t.Path, input)))
		return v
	case *ir.TIntrinsic:
		return b.call(t.Call, t.Field, input)
	case *ir.TExpr:
		panic("codegen: JSONata templates are not supported yet")
	}
	panic(fmt.Sprintf("codegen: unknown template %T", t))
}

// literalLocal declares a local holding a template's literal value, for
// the JSONPath and the JSONata template emitters alike.
func (b *fn) literalLocal(v ir.Value) string {
	l := b.tmp("t")
	b.add(jen.Var().Id(l).Any().Op("=").Add(b.g.value(v)))
	return l
}

// objectLocal declares a local holding a new object with room for n
// members, which the template emitter then sets.
func (b *fn) objectLocal(n int) string {
	o := b.tmp("o")
	b.add(jen.Id(o).Op(":=").Add(rt("NewObject")).Call(jen.Lit(n)))
	return o
}

// arrayLocal declares a local holding an array of a template's items.
func (b *fn) arrayLocal(items []jen.Code) string {
	a := b.tmp("a")
	b.add(jen.Id(a).Op(":=").Index().Any().Values(items...))
	return a
}

// readsInput reports whether evaluating t reads the input it is given:
// a $ path in it, or in an intrinsic's arguments.
func readsInput(t ir.Template) bool {
	switch t := t.(type) {
	case *ir.TObject:
		for _, f := range t.Fields {
			if readsInput(f.Value) {
				return true
			}
		}
	case *ir.TArray:
		for _, it := range t.Items {
			if readsInput(it) {
				return true
			}
		}
	case *ir.TPath:
		return t.Path.Root == ir.RootInput
	case *ir.TIntrinsic:
		return callReadsInput(t.Call)
	case *ir.TExpr:
		return true
	}
	return false
}

func callReadsInput(c *ir.Call) bool {
	for _, a := range c.Args {
		switch a := a.(type) {
		case ir.ArgPath:
			if a.Path.Root == ir.RootInput {
				return true
			}
		case ir.ArgCall:
			if callReadsInput(a.Call) {
				return true
			}
		}
	}
	return false
}

// setOrAppend names the Object method that builds t: Append when its
// keys are distinct, as they nearly always are, or Set, which lets a
// repeated key ("a" and "a.$") keep its first position and last value.
func setOrAppend(t *ir.TObject) string {
	seen := make(map[string]bool, len(t.Fields))
	for _, f := range t.Fields {
		if seen[f.Key] {
			return "Set"
		}
		seen[f.Key] = true
	}
	return "Append"
}

// pathRootValue is the document AWS quotes when a path misses: the input
// for $ paths, the context object for $$ paths.
func (b *fn) pathRootValue(p *ir.Path, input jen.Code) jen.Code {
	switch p.Root {
	case ir.RootContext:
		return b.f().Dot("Context").Call()
	case ir.RootVariable:
		return jen.Nil()
	}
	return input
}

// call evaluates an intrinsic call and returns the local holding its
// result.
func (b *fn) call(c *ir.Call, field string, input jen.Code) string {
	var args []jen.Code
	args = append(args, b.f().Dot("X"))
	for _, a := range c.Args {
		switch a := a.(type) {
		case ir.ArgLiteral:
			args = append(args, b.g.value(a.Value))
		case ir.ArgPath:
			v, ok := b.path(a.Path, input)
			b.failIf(jen.Op("!").Id(ok), b.f().Dot("FieldPathNotFound").Call(jen.Lit(a.Path.Source), jen.Lit(field), b.pathRootValue(a.Path, input)))
			args = append(args, jen.Id(v))
		case ir.ArgCall:
			args = append(args, jen.Id(b.call(a.Call, field, input)))
		}
	}
	v, err := b.tmp("r"), b.tmp("err")
	b.add(jen.List(jen.Id(v), jen.Id(err)).Op(":=").Add(b.g.intrinsic(c.Func)).Call(args...))
	b.checkErr(err)
	return v
}

// intrinsicFunc maps "States.MathAdd" to the runtime's StatesMathAdd,
// from the table written by internal/genintrinsics. The compiler accepts
// no other name.
func intrinsicFunc(name ir.IntrinsicFunc) runtimeName {
	return intrinsicFuncs[name]
}

// intrinsic refers to the runtime function of an intrinsic, noting the
// ones whose program must link runtime/sfncrypto.
func (g *gen) intrinsic(name ir.IntrinsicFunc) *jen.Statement {
	if name == "States.Hash" {
		g.cryptoUsers = true
	}
	return rt(intrinsicFunc(name))
}

// ---- input and output processing

// inputPath applies InputPath to the raw input "in".
func (b *fn) inputPath(p ir.OptionalPath) jen.Code {
	return b.selectPath(p, jen.Id("in"))
}

// selectPath applies an InputPath or OutputPath to the value code v.
func (b *fn) selectPath(p ir.OptionalPath, v jen.Code) jen.Code {
	switch {
	case p.Null:
		b.discard(v) // OutputPath null: a ResultPath placement is still checked
		// Typed any, as every other selection: a Choice asserts on it.
		return jen.Any().Call(rt("NewObject").Call(jen.Lit(0)))
	case p.Path == nil:
		return v
	case p.Path.Root == ir.RootInput && len(p.Path.Segments) == 0:
		return v
	case p.Path.Root != ir.RootInput:
		b.discard(v) // a $$ or $variable path reads no state data
	}
	val, ok := b.path(p.Path, v)
	b.failIf(jen.Op("!").Id(ok), b.f().Dot("PathNotFound").Call(jen.Lit(p.Path.Source), jen.Lit(normalized(p.Path))))
	return jen.Id(val)
}

// discard marks the value of v as read. A step that applies whatever
// follows (an InputPath fails when it selects nothing, a ResultPath
// placement is checked) may leave its value to nothing else, and Go
// refuses a local declared and not used.
// Only a local needs it: not the parameter in, nor an expression.
func (b *fn) discard(v jen.Code) {
	if src := fmt.Sprintf("%#v", v); token.IsIdentifier(src) && src != "in" && src != "nil" {
		b.add(jen.Id("_").Op("=").Add(v))
	}
}

// resultPath places result into raw (ResultPath).
func (b *fn) resultPath(p ir.OptionalPath, raw, result jen.Code) jen.Code {
	switch {
	case p.Null:
		b.discard(result) // ResultPath null discards the result
		return raw
	case p.Path == nil || len(p.Path.Segments) == 0:
		return result
	}
	steps := append([]jen.Code{raw, result}, pathSteps(p.Path)...)
	set := "SetResult"
	if f, isField := p.Path.Segments[0].(ir.Field); isField && len(p.Path.Segments) == 1 {
		// $.key, the most common: no steps to walk.
		set, steps = "SetResultKey", []jen.Code{raw, result, jen.Lit(f.Name)}
	}
	v, ok := b.tmp("v"), b.tmp("ok")
	b.add(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(b.f().Dot(set)).Call(steps...))
	b.failIf(jen.Op("!").Id(ok), b.f().Dot("ResultPathFailure").Call(jen.Lit(p.Path.Source), raw))
	return jen.Id(v)
}

// assign evaluates a JSONPath Assign template ($ is the value code in)
// and returns the local holding the *sfnrt.Object of new values, or "".
func (b *fn) assign(t ir.Template, in jen.Code) string {
	if t == nil {
		return ""
	}
	v := b.template(t, in)
	if _, isObject := t.(*ir.TObject); isObject {
		return v
	}
	o := b.tmp("assigned")
	b.add(jen.List(jen.Id(o), jen.Id("_")).Op(":=").Id(v).Assert(jen.Op("*").Add(rt("Object"))))
	return o
}

// commit makes assigned values visible to the following states, or
// fails the state where they are past AWS's limits on variables.
func (b *fn) commit(assigned string) {
	if assigned != "" {
		err := b.tmp("err")
		b.add(jen.If(jen.Id(err).Op(":=").Add(b.f()).Dot("Assign").Call(jen.Id(assigned)), jen.Id(err).Op("!=").Nil()).Block(b.ret(jen.Id(err))))
	}
}

// outputIsResult reports whether OutputPath selects exactly what
// ResultPath placed (both "$.r"): the output is then the result, once
// the placement is known to be possible.
func outputIsResult(resultPath, outputPath ir.OptionalPath) bool {
	rp, op := resultPath.Path, outputPath.Path
	return rp != nil && op != nil && len(rp.Segments) > 0 &&
		op.Root == ir.RootInput && op.Definite() && normalized(rp) == normalized(op)
}

// finish applies ResultPath and OutputPath to result and returns next.
func (b *fn) finish(c *ir.Common, resultPath ir.OptionalPath, result jen.Code, assigned string) {
	var out jen.Code
	if rp := resultPath.Path; outputIsResult(resultPath, c.OutputPath) {
		// OutputPath selects exactly what ResultPath placed: the output
		// is the result, once the placement is known to be possible.
		b.failIf(jen.Op("!").Add(rt("CanSetPath")).Call(append([]jen.Code{jen.Id("in")}, pathSteps(rp)...)...),
			b.f().Dot("ResultPathFailure").Call(jen.Lit(rp.Source), jen.Id("in")))
		b.commit(assigned)
		b.add(jen.Return(b.p.next(c.Next), result, jen.Nil()))
		return
	}
	out = b.resultPath(resultPath, jen.Id("in"), result)
	out = b.selectPath(c.OutputPath, out)
	b.commit(assigned)
	b.add(jen.Return(b.p.next(c.Next), out, jen.Nil()))
}

// retriers declares a state's Retry as a package variable and returns its
// name, or "" when there is none.
func (g *gen) retriers(name ir.StateName, rs []ir.Retrier) string {
	if len(rs) == 0 {
		return ""
	}
	var items []jen.Code
	for _, r := range rs {
		d := jen.Dict{
			jen.Id("ErrorEquals"):     errorNames(r.ErrorEquals),
			jen.Id("IntervalSeconds"): jen.Lit(float64(r.IntervalSeconds)),
			jen.Id("MaxAttempts"):     jen.Lit(int(r.MaxAttempts)),
			jen.Id("BackoffRate"):     jen.Lit(r.BackoffRate),
		}
		if r.MaxDelaySeconds > 0 {
			d[jen.Id("MaxDelaySeconds")] = jen.Lit(float64(r.MaxDelaySeconds))
		}
		if r.JitterFull {
			d[jen.Id("JitterFull")] = jen.True()
		}
		items = append(items, jen.Values(d))
	}
	v := g.names.unique("retry" + exported(string(name)))
	g.decls = append(g.decls, jen.Var().Id(v).Op("=").Index().Add(rt("Retrier")).Values(items...))
	return v
}

func errorNames(names []ir.ErrorName) jen.Code {
	var items []jen.Code
	for _, n := range names {
		items = append(items, jen.Lit(string(n)))
	}
	return jen.Index().String().Values(items...)
}

// attempt runs the state's work (body fills a closure returning (any,
// error)) under its Retry policy and returns the locals of result and err.
func (b *fn) attempt(retry string, body func(sub *fn)) (res, err string) {
	sub := b.sub()
	body(sub)
	res, err = b.tmp("res"), b.tmp("err")
	closure := jen.Func().Params(jen.Id("ctx").Qual("context", "Context")).Params(jen.Any(), jen.Error()).Block(sub.body...)
	if retry == "" {
		b.add(jen.List(jen.Id(res), jen.Id(err)).Op(":=").Add(closure).Call(jen.Id("ctx")))
	} else {
		b.add(jen.List(jen.Id(res), jen.Id(err)).Op(":=").Add(b.f().Dot("Retry").Call(jen.Id("ctx"), jen.Id(retry), closure)))
	}
	return res, err
}

// catch adds the dispatch of an unhandled error err to the state's
// catchers; with none matching, the error ends the state.
func (b *fn) catch(catchers []ir.Catcher, err string, ata bool) {
	if len(catchers) == 0 {
		b.checkErr(err)
		return
	}
	h := b.child(2000)
	e := h.tmp("e")
	h.add(jen.Id(e).Op(":=").Add(rt("AsError")).Call(jen.Id(err)))
	for i, c := range catchers {
		cb := h.child(100)
		eo := cb.tmp("errOut")
		cb.add(jen.Var().Id(eo).Any().Op("=").Id(e).Dot("ErrorOutput").Call())
		var assigned string
		var out jen.Code
		if ata {
			sv := cb.statesVars(jen.Id("in"), nil, jen.Id(eo))
			// AWS names a catcher's fields under its index: Catch[1]/Output.
			at := "Catch[" + strconv.Itoa(i) + "]/"
			assigned = cb.ataAssign(c.Assign, sv, at)
			out = cb.ataOutput(c.Output, sv, jen.Id(eo), at)
		} else {
			assigned = cb.assign(c.Assign, jen.Id(eo))
			out = cb.resultPath(c.ResultPath, jen.Id("in"), jen.Id(eo))
		}
		cb.commit(assigned)
		cb.add(jen.Return(b.p.next(c.Next), out, jen.Nil()))
		h.n = cb.n
		h.add(jen.If(rt("Matches").Call(errorNames(c.ErrorEquals), jen.Id(e).Dot("Name"))).Block(cb.body...))
	}
	h.add(b.ret(jen.Id(err)))
	b.n = h.n
	b.add(jen.If(jen.Id(err).Op("!=").Nil()).Block(h.body...))
}

// contextShortcut recognises $$.Map.Item.Value, $$.Map.Item.Index and
// $$.Execution.Input at the start of a context path and returns the Frame
// method that reads it and the segments that follow.
func contextShortcut(segs []ir.Segment) (method string, rest []ir.Segment, ok bool) {
	name := func(i int) string {
		if i < len(segs) {
			if f, ok := segs[i].(ir.Field); ok {
				return f.Name
			}
		}
		return ""
	}
	switch {
	case name(0) == "Map" && name(1) == "Item" && name(2) == "Value":
		return "MapItemValue", segs[3:], true
	case name(0) == "Map" && name(1) == "Item" && name(2) == "Index":
		return "MapItemIndex", segs[3:], true
	case name(0) == "Execution" && name(1) == "Input":
		return "ExecutionInput", segs[2:], true
	}
	return "", nil, false
}

// pathSteps returns a reference path's steps as SetPath takes them:
// member names and indexes.
func pathSteps(p *ir.Path) []jen.Code {
	var steps []jen.Code
	for _, s := range p.Segments {
		switch s := s.(type) {
		case ir.Field:
			steps = append(steps, jen.Lit(s.Name))
		case ir.Index:
			steps = append(steps, jen.Lit(s.Index))
		}
	}
	return steps
}
