package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Native JSONata: the common expression forms (literals, paths on
// $states.input / $states.context / $states.result / $states.errorOutput
// / variables, arithmetic, comparison, string concatenation, and/or,
// conditionals, a few built-in functions, and $merge of a value with one
// new member, the JSONata form of ResultPath) compile to Go. The generated code is guarded: whenever a value is not
// of the simple kind the fast path handles (undefined, an array a path
// would map over, mixed types, a non-finite result, non-ASCII string
// ordering), it reports that it did not decide, and the expression is
// evaluated by the engine instead. So the fast path only ever agrees with
// the engine; a test holds it to that.

// ataNode is a parsed expression of the native subset.
type ataNode struct {
	op   string     // "num", "str", "bool", "null", "path", "neg", "call", "?:", "merge1", or a binary operator
	num  float64    // num
	str  string     // str; path root; call name; merge1's new key
	b    bool       // bool
	keys []string   // path
	args []*ataNode // operands
}

// ataBuiltins are the built-in functions compiled natively, with their
// argument counts.
var ataBuiltins = map[string]int{"uppercase": 1, "lowercase": 1, "exists": 1, "not": 1, "abs": 1, "floor": 1, "ceil": 1}

// parseNativeAta parses src when it lies entirely in the native subset.
func parseNativeAta(src string) (*ataNode, bool) {
	p := &ataParser{src: src}
	p.next()
	n := p.expr(0)
	if p.err || p.tok != "" || n == nil {
		return nil, false
	}
	return n, true
}

type ataParser struct {
	src   string
	pos   int
	tok   string // current token: an operator, "num", "str", "var", "name", or "" at the end
	val   string
	err   bool
	depth int
}

func (p *ataParser) next() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\n\r", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = ""
		return
	}
	s := p.src[p.pos:]
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%", "&", "?", ":", "(", ")", "[", "]", "{", "}", ",", "."} {
		if strings.HasPrefix(s, op) {
			if op == "/" && strings.HasPrefix(s, "/*") { // comment
				p.err, p.tok = true, ""
				return
			}
			p.tok, p.val = op, op
			p.pos += len(op)
			return
		}
	}
	c := s[0]
	switch {
	case c >= '0' && c <= '9':
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
			(s[i] == '-' || s[i] == '+') && i > 0 && (s[i-1] == 'e' || s[i-1] == 'E')) {
			i++
		}
		p.tok, p.val = "num", s[:i]
		p.pos += i
	case c == '"' || c == '\'':
		i := 1
		for i < len(s) && s[i] != c {
			if s[i] == '\\' { // escapes: left to the engine
				p.err, p.tok = true, ""
				return
			}
			i++
		}
		if i >= len(s) {
			p.err, p.tok = true, ""
			return
		}
		p.tok, p.val = "str", s[1:i]
		p.pos += i + 1
	case c == '$' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		i := 1
		for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		p.tok, p.val = "name", s[:i]
		if c == '$' {
			p.tok, p.val = "var", s[1:i]
		}
		p.pos += i
	default:
		p.err, p.tok = true, ""
	}
}

var ataPrec = map[string]int{"or": 25, "and": 30, "=": 40, "!=": 40, "<": 40, "<=": 40, ">": 40, ">=": 40,
	"+": 50, "-": 50, "&": 50, "*": 60, "/": 60, "%": 60}

// expr parses with precedence climbing, as the JSONata parser binds its
// operators (all left-associative; ?: at 20).
func (p *ataParser) expr(min int) *ataNode {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 50 {
		p.err = true
		return nil
	}
	left := p.unary()
	for !p.err {
		op := p.tok
		if op == "name" && (p.val == "and" || p.val == "or") {
			op = p.val
		}
		if op == "?" && min <= 20 {
			p.next()
			then := p.expr(0)
			if p.tok != ":" {
				p.err = true
				return nil
			}
			p.next()
			els := p.expr(20)
			left = &ataNode{op: "?:", args: []*ataNode{left, then, els}}
			continue
		}
		prec, ok := ataPrec[op]
		if !ok || prec <= min {
			return left
		}
		p.next()
		right := p.expr(prec)
		left = &ataNode{op: op, args: []*ataNode{left, right}}
	}
	return left
}

func (p *ataParser) unary() *ataNode {
	switch p.tok {
	case "-":
		p.next()
		n := p.unary()
		return &ataNode{op: "neg", args: []*ataNode{n}}
	case "(":
		p.next()
		n := p.expr(0)
		if p.tok != ")" {
			p.err = true
			return nil
		}
		p.next()
		return n
	case "num":
		f, err := strconv.ParseFloat(p.val, 64)
		if err != nil {
			p.err = true
			return nil
		}
		p.next()
		return &ataNode{op: "num", num: f}
	case "str":
		s := p.val
		p.next()
		return &ataNode{op: "str", str: s}
	case "name":
		switch p.val {
		case "true", "false":
			n := &ataNode{op: "bool", b: p.val == "true"}
			p.next()
			return n
		case "null":
			p.next()
			return &ataNode{op: "null"}
		}
	case "var":
		name := p.val
		p.next()
		if name == "merge" && p.tok == "(" {
			return p.mergeMember()
		}
		if p.tok == "(" {
			arity, ok := ataBuiltins[name]
			if !ok {
				p.err = true
				return nil
			}
			p.next()
			var args []*ataNode
			for p.tok != ")" && !p.err {
				args = append(args, p.expr(0))
				if p.tok == "," {
					p.next()
				} else if p.tok != ")" {
					p.err = true
				}
			}
			p.next()
			if len(args) != arity {
				p.err = true
				return nil
			}
			return &ataNode{op: "call", str: name, args: args}
		}
		var keys []string
		for p.tok == "." {
			p.next()
			if p.tok != "name" || jsonataWords[p.val] {
				p.err = true
				return nil
			}
			keys = append(keys, p.val)
			p.next()
		}
		if name == "states" {
			if len(keys) == 0 || keys[0] != "input" && keys[0] != "context" && keys[0] != "result" && keys[0] != "errorOutput" {
				p.err = true
				return nil
			}
			name, keys = "states."+keys[0], keys[1:]
		}
		if name == "" || jsonataWords[name] {
			p.err = true
			return nil
		}
		return &ataNode{op: "path", str: name, keys: keys}
	}
	p.err = true
	return nil
}

// mergeMember parses the rest of $merge([A, {'key': B}]), the one $merge
// form compiled natively: an object with one member set. Any other
// argument (more objects, a computed key, a non-literal array) is the
// engine's.
func (p *ataParser) mergeMember() *ataNode {
	for _, want := range []string{"(", "["} {
		if p.tok != want {
			p.err = true
			return nil
		}
		p.next()
	}
	base := p.expr(0)
	if p.err || p.tok != "," {
		p.err = true
		return nil
	}
	p.next()
	if p.tok != "{" {
		p.err = true
		return nil
	}
	p.next()
	if p.tok != "str" {
		p.err = true
		return nil
	}
	key := p.val
	p.next()
	if p.tok != ":" {
		p.err = true
		return nil
	}
	p.next()
	val := p.expr(0)
	for _, want := range []string{"}", "]", ")"} {
		if p.err || p.tok != want {
			p.err = true
			return nil
		}
		p.next()
	}
	return &ataNode{op: "merge1", str: key, args: []*ataNode{base, val}}
}

// nativeAtaFunc emits the Go function of a native expression and returns
// its name: func(sv *sfnrt.StatesVars) (v any, ok bool), ok false meaning
// "let the engine decide".
func (g *gen) nativeAtaFunc(src string, n *ataNode) string {
	key := "native:" + src
	if name, ok := g.lits[key]; ok {
		return name
	}
	name := g.names.unique("ataNative" + strconv.Itoa(len(g.lits)))
	g.lits[key] = name
	e := &ataEmitter{}
	v := e.node(n)
	e.body = append(e.body, jen.Return(jen.Id(v), jen.True()))
	g.decls = append(g.decls, jen.Comment(fmt.Sprintf("%s computes %s natively; ok is false where the engine must.", name, strconv.Quote(src))).Line().
		Func().Id(name).Params(jen.Id("sv").Op("*").Add(rt("StatesVars"))).Params(jen.Any(), jen.Bool()).Block(e.body...))
	return name
}

type ataEmitter struct {
	body []jen.Code
	n    int
}

func (e *ataEmitter) tmp() string {
	e.n++
	return "x" + strconv.Itoa(e.n)
}

// bail returns "not decided" from the generated function when cond holds.
func (e *ataEmitter) bail(cond jen.Code) {
	e.body = append(e.body, jen.If(cond).Block(jen.Return(jen.Nil(), jen.False())))
}

// node emits the evaluation of n and returns the local holding its
// value, which is always defined when execution gets past it.
func (e *ataEmitter) node(n *ataNode) string {
	v := e.tmp()
	switch n.op {
	case "num":
		// JSONata numbers are doubles; integral ones come back as int64.
		var lit jen.Code = jen.Lit(n.num)
		if n.num == math.Trunc(n.num) && math.Abs(n.num) <= 1<<53 {
			lit = jen.Lit(int64(n.num))
		}
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Add(lit))
	case "str":
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Lit(n.str))
	case "bool":
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Lit(n.b))
	case "null":
		e.body = append(e.body, jen.Var().Id(v).Any().Op("=").Nil())
	case "path":
		var root jen.Code
		switch n.str {
		case "states.input":
			root = jen.List(jen.Id("sv").Dot("Input"), jen.True())
		case "states.context":
			root = jen.List(jen.Any().Call(jen.Id("sv").Dot("F").Dot("Context").Call()), jen.True())
		case "states.result":
			// Where $states.result is not bound, the engine reports it.
			root = jen.List(jen.Id("sv").Dot("Result"), jen.Id("sv").Dot("HasResult"))
		case "states.errorOutput":
			root = jen.List(jen.Id("sv").Dot("ErrorOutput"), jen.Id("sv").Dot("HasErrorOutput"))
		default:
			root = jen.Id("sv").Dot("F").Dot("Vars").Dot("Get").Call(jen.Lit(n.str))
		}
		r, ok := e.tmp(), e.tmp()
		e.body = append(e.body, jen.List(jen.Id(r), jen.Id(ok)).Op(":=").Add(root))
		e.bail(jen.Op("!").Id(ok))
		args := []jen.Code{jen.Id(r)}
		for _, k := range n.keys {
			args = append(args, jen.Lit(k))
		}
		def, native := e.tmp(), e.tmp()
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(def), jen.Id(native)).Op(":=").Add(rt("AtaLookup")).Call(args...))
		e.bail(jen.Op("!").Id(def).Op("||").Op("!").Id(native))
		e.body = append(e.body, jen.Id(v).Op("=").Qual(ataPath, "Normalize").Call(jen.Id(v)))
	case "?:":
		return e.ternary(n, v)
	case "neg":
		// -x is 0 - x: the same value, with -0 normalised to 0 either way.
		x, ok := e.node(n.args[0]), e.tmp()
		e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(rt("AtaBinary")).Call(jen.Lit("-"), jen.Int64().Call(jen.Lit(0)), jen.Id(x)))
		e.bail(jen.Op("!").Id(ok))
	default:
		var args []string
		for _, a := range n.args {
			args = append(args, e.node(a))
		}
		ids := make([]jen.Code, len(args))
		for i, a := range args {
			ids[i] = jen.Id(a)
		}
		if n.op == "merge1" || n.op == "call" {
			// A workflow variable of the function's name shadows it in
			// the engine (calling it fails there).
			fn := n.str
			if n.op == "merge1" {
				fn = "merge"
			}
			shadowed := e.tmp()
			e.body = append(e.body, jen.List(jen.Id("_"), jen.Id(shadowed)).Op(":=").Id("sv").Dot("F").Dot("Vars").Dot("Get").Call(jen.Lit(fn)))
			e.bail(jen.Id(shadowed))
		}
		switch n.op {
		case "merge1":
			// Both operands are normalised already, as the engine's
			// export would leave them.
			ok := e.tmp()
			e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(rt("AtaMergeMember")).Call(ids[0], jen.Lit(n.str), ids[1]))
			e.bail(jen.Op("!").Id(ok))
		case "call":
			ok := e.tmp()
			e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(rt("AtaCall")).Call(append([]jen.Code{jen.Lit(n.str)}, ids...)...))
			e.bail(jen.Op("!").Id(ok))
		default:
			ok := e.tmp()
			call := rt("AtaBinary").Call(append([]jen.Code{jen.Lit(opName(n.op))}, ids...)...)
			if f, typed := ataOpFuncs[n.op]; typed {
				call = rt(f).Call(ids...)
			}
			e.body = append(e.body, jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(call))
			e.bail(jen.Op("!").Id(ok))
		}
	}
	return v
}

// ternary evaluates the condition, which must be a boolean, and then only
// the branch it chooses, as JSONata does.
func (e *ataEmitter) ternary(n *ataNode, v string) string {
	cond := e.node(n.args[0])
	b, ok := e.tmp(), e.tmp()
	e.body = append(e.body, jen.List(jen.Id(b), jen.Id(ok)).Op(":=").Id(cond).Assert(jen.Bool()))
	e.bail(jen.Op("!").Id(ok))
	e.body = append(e.body, jen.Var().Id(v).Any())
	then := &ataEmitter{n: e.n}
	tv := then.node(n.args[1])
	then.body = append(then.body, jen.Id(v).Op("=").Id(tv))
	els := &ataEmitter{n: then.n}
	ev := els.node(n.args[2])
	els.body = append(els.body, jen.Id(v).Op("=").Id(ev))
	e.n = els.n
	e.body = append(e.body, jen.If(jen.Id(b)).Block(then.body...).Else().Block(els.body...))
	return v
}

// ataOpFuncs are the operators the runtime has a function of their own
// for, with a fast path for small integers: a counter's arithmetic and
// its bound's comparison.
var ataOpFuncs = map[string]runtimeName{"+": "AtaAdd", "-": "AtaSub", "<": "AtaLess", "<=": "AtaLessEq", ">": "AtaGreater", ">=": "AtaGreaterEq"}

// opName is the runtime's name of a binary operator.
func opName(op string) string { return op }
