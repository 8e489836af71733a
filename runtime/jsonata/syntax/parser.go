package syntax

import (
	"strconv"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"
)

// maxParseDepth bounds the nesting of the parser and the post-parse pass,
// so hostile input cannot exhaust the stack. AWS refuses to evaluate an
// expression nested past 100 levels (runtime/jsonata's maxEvalDepth), so
// nothing it runs comes near this bound.
const maxParseDepth = 1000

// codeTooDeep is the code of an expression nested past maxParseDepth.
// The reference implementation has no bound of its own on parsing (its
// parser recurses until JavaScript's stack overflows); D1011 is its code
// for its stack guard, the same protection, and the evaluator's code for
// its own nesting bound.
const codeTooDeep = "D1011"

// tooDeep fails the parse of an expression nested past maxParseDepth at
// pos, the position (as every syntax error's, the end of the token) of
// the token that opens the level past the bound. Without it the bound
// read as "Unexpected end of expression", which the expression did not
// have.
func (p *parser) tooDeep(pos int) {
	panic(parseError{&SyntaxError{Offset: pos, Code: codeTooDeep,
		Msg: "Expression nested too deeply (more than " + strconv.Itoa(maxParseDepth) + " levels)"}})
}

// lbp returns the left binding power of each symbol the parser knows;
// symbols absent from the map (names, literals, closers) bind with 0.
// The parser's tables are built on first use, not at init: a program
// whose expressions were all compiled never parses one, and this
// package's code then stays untouched, its pages out of memory (see
// lazy.Value).
var lbpTable lazy.Value[map[string]int]

func lbp() map[string]int { return lbpTable.Get(buildLbp) }

func buildLbp() map[string]int {
	return map[string]int{
		".": 75, "[": 80, "(": 80, "{": 70, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
		"=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40, "&": 50, "and": 30, "or": 25,
		"in": 40, "~>": 40, "??": 40, "^": 40, ":=": 10, "@": 80, "#": 80, "?": 20, "?:": 40,
	}
}

// known returns the set of operator symbols in the parser's symbol table.
var knownTable lazy.Value[map[string]bool]

func known() map[string]bool { return knownTable.Get(buildKnown) }

func buildKnown() map[string]bool {
	return map[string]bool{
		":": true, ";": true, ",": true, ")": true, "]": true, "}": true, "..": true, ".": true,
		"+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "<": true, ">": true,
		"!=": true, "<=": true, ">=": true, "&": true, "and": true, "or": true, "in": true,
		"~>": true, "??": true, "**": true, "(": true, "[": true, "^": true, "{": true,
		":=": true, "@": true, "#": true, "?": true, "?:": true, "|": true,
	}
}

type parser struct {
	src   string
	lx    lexer
	node  *Node
	depth int

	ancestorLabel int
	ancestorIndex int
	ancestry      []*Node
}

// parseError is raised with panic inside the parser and recovered in
// parse.
type parseError struct{ err *SyntaxError }

func (p *parser) fail(code string, pos int, token any, value any) {
	tok, hasToken := "", token != nil
	switch t := token.(type) {
	case string:
		tok = t
	case float64:
		tok = FormatNumber(t)
	case bool:
		tok = strconv.FormatBool(t)
	case *Regexp:
		tok = "/" + t.Source + "/"
	default:
		hasToken = false
	}
	panic(parseError{newSyntaxError(code, pos, tok, hasToken, value)})
}

// Parse parses an expression (the text between {% and %}). A syntax
// error is a *SyntaxError with the byte offset of the problem.
func Parse(src string) (*Node, error) {
	return ParseWith(src, CompileRegexp)
}

// ParseWith is Parse with the regular expressions of regex literals and
// signatures compiled by compile. With none, they parse as they would
// but hold no Matcher: a literal fails with ErrNoRegexp when evaluated, a
// signature cannot validate arguments. The engine parses so what the
// compiler has parsed and found free of them (NeedsRegexp), in a
// program that does not link package regexp.
func ParseWith(src string, compile Compiler) (*Node, error) {
	return parse(src, compile)
}

func parse(src string, compile Compiler) (ast *Node, err error) {
	p := &parser{src: src, lx: lexer{src: src, compile: compile}}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			ast, err = nil, pe.err
		}
	}()
	p.advance("", false)
	expr := p.expression(0)
	if p.node.ID != "(end)" {
		p.fail("S0201", p.node.Pos, p.node.Value, nil)
	}
	expr = p.process(expr)
	if expr.Kind == Parent || expr.SeekingParent != nil {
		p.fail("S0217", expr.Pos, kindNames[expr.Kind], nil)
	}
	markSimplePaths(expr, 0)
	return expr, nil
}

func (p *parser) advance(id string, infix bool) *Node {
	if id != "" && p.node.ID != id {
		code := "S0202"
		if p.node.ID == "(end)" {
			code = "S0203"
		}
		p.fail(code, p.node.Pos, p.node.Value, id)
	}
	tok, err := p.lx.next(infix)
	if err != nil {
		panic(parseError{err.(*SyntaxError)})
	}
	if tok == nil {
		p.node = &Node{ID: "(end)", Kind: End, Value: "(end)", Pos: len(p.src)}
		return p.node
	}
	n := &Node{Value: tok.value, Pos: tok.pos}
	switch tok.typ {
	case tokName:
		n.ID, n.Kind = "(name)", Name
	case tokVariable:
		n.ID, n.Kind = "(name)", Variable
	case tokOperator:
		op := tok.value.(string)
		if !known()[op] {
			p.fail("S0204", tok.pos, op, nil)
		}
		n.ID, n.Kind = op, Operator
	case tokString:
		n.ID, n.Kind = "(literal)", String
	case tokNumber:
		n.ID, n.Kind = "(literal)", Number
	case tokValue:
		n.ID, n.Kind = "(literal)", Value
	case tokRegex:
		n.ID, n.Kind = "(regex)", Regex
	}
	p.node = n
	return n
}

func (p *parser) expression(rbp int) *Node {
	p.depth++
	if p.depth > maxParseDepth {
		p.tooDeep(p.node.Pos)
	}
	t := p.node
	p.advance("", true)
	left := p.nud(t)
	for rbp < lbp()[p.node.ID] {
		t = p.node
		p.advance("", false)
		left = p.led(t, left)
	}
	p.depth--
	return left
}

func (p *parser) nud(t *Node) *Node {
	switch t.ID {
	case "(name)", "(literal)", "(regex)", "(end)", "and", "or", "in":
		return t
	case "-":
		t.Expression = p.expression(70)
		t.Kind = Unary
		return t
	case "*":
		t.Kind = Wildcard
		return t
	case "**":
		t.Kind = Descendant
		return t
	case "%":
		t.Kind = Parent
		return t
	case "(":
		var exprs []*Node
		for p.node.ID != ")" {
			exprs = append(exprs, p.expression(0))
			if p.node.ID != ";" {
				break
			}
			p.advance(";", false)
		}
		p.advance(")", true)
		t.Kind = Block
		t.Expressions = exprs
		return t
	case "[":
		var items []*Node
		if p.node.ID != "]" {
			for {
				item := p.expression(0)
				if p.node.ID == ".." {
					r := &Node{Kind: Binary, Value: "..", Pos: p.node.Pos, LHS: item}
					p.advance("..", false)
					r.RHS = p.expression(0)
					item = r
				}
				items = append(items, item)
				if p.node.ID != "," {
					break
				}
				p.advance(",", false)
			}
		}
		p.advance("]", true)
		t.Expressions = items
		t.Kind = Unary
		return t
	case "{":
		t.Pairs = p.objectPairs()
		t.Kind = Unary
		return t
	case "|":
		t.Kind = Transform
		t.Pattern = p.expression(0)
		p.advance("|", false)
		t.Update = p.expression(0)
		if p.node.ID == "," {
			p.advance(",", false)
			t.Delete = p.expression(0)
		}
		p.advance("|", false)
		return t
	}
	p.fail("S0211", t.Pos, t.Value, nil)
	return nil
}

func (p *parser) objectPairs() [][2]*Node {
	pairs := [][2]*Node{}
	if p.node.ID != "}" {
		for {
			k := p.expression(0)
			p.advance(":", false)
			v := p.expression(0)
			pairs = append(pairs, [2]*Node{k, v})
			if p.node.ID != "," {
				break
			}
			p.advance(",", false)
		}
	}
	p.advance("}", true)
	return pairs
}

func (p *parser) led(t *Node, left *Node) *Node {
	switch t.ID {
	case "(":
		t.Procedure = left
		t.Kind = Function
		t.Args = []*Node{}
		if p.node.ID != ")" {
			for {
				if p.node.Kind == Operator && p.node.ID == "?" {
					t.Kind = Partial
					t.Args = append(t.Args, p.node)
					p.advance("?", false)
				} else {
					t.Args = append(t.Args, p.expression(0))
				}
				if p.node.ID != "," {
					break
				}
				p.advance(",", false)
			}
		}
		p.advance(")", true)
		if left.Kind == Name && (left.Value == "function" || left.Value == "\u03BB") {
			for i, a := range t.Args {
				if a.Kind != Variable {
					p.fail("S0208", a.Pos, a.Value, float64(i+1))
				}
			}
			t.Kind = Lambda
			if p.node.ID == "<" {
				sigPos := p.node.Pos
				depth := 1
				sig := "<"
				for depth > 0 && p.node.ID != "{" && p.node.ID != "(end)" {
					tok := p.advance("", false)
					if tok.ID == ">" {
						depth--
					} else if tok.ID == "<" {
						depth++
					}
					switch v := tok.Value.(type) {
					case string:
						sig += v
					case float64:
						sig += FormatNumber(v)
					}
				}
				p.advance(">", false)
				s, serr := ParseSignatureWith(sig, p.lx.compile)
				if serr != nil {
					serr.Offset += sigPos
					panic(parseError{serr})
				}
				t.Sig = s
			}
			p.advance("{", false)
			t.Body = p.expression(0)
			p.advance("}", false)
		}
		return t
	case "[":
		if p.node.ID == "]" {
			step := left
			for step != nil && step.Kind == Binary && step.Value == "[" {
				step = step.LHS
			}
			step.KeepArray = true
			p.advance("]", false)
			return left
		}
		t.LHS = left
		t.RHS = p.expression(0)
		t.Kind = Binary
		p.advance("]", true)
		return t
	case "^":
		p.advance("(", false)
		var terms []SortTerm
		for {
			term := SortTerm{}
			if p.node.ID == "<" {
				p.advance("<", false)
			} else if p.node.ID == ">" {
				term.Descending = true
				p.advance(">", false)
			}
			term.Expr = p.expression(0)
			terms = append(terms, term)
			if p.node.ID != "," {
				break
			}
			p.advance(",", false)
		}
		p.advance(")", false)
		t.LHS = left
		t.Terms = terms
		t.Kind = Binary
		return t
	case "{":
		t.Pairs = p.objectPairs()
		t.LHS = left
		t.Kind = Binary
		return t
	case ":=":
		if left.Kind != Variable {
			p.fail("S0212", left.Pos, left.Value, nil)
		}
		t.LHS = left
		t.RHS = p.expression(lbp()[":="] - 1)
		t.Kind = Binary
		return t
	case "@", "#":
		t.LHS = left
		t.RHS = p.expression(lbp()[t.ID])
		if t.RHS.Kind != Variable {
			p.fail("S0214", t.RHS.Pos, t.ID, nil)
		}
		t.Kind = Binary
		return t
	case "?":
		t.Kind = Condition
		t.Cond = left
		t.Then = p.expression(0)
		if p.node.ID == ":" {
			p.advance(":", false)
			t.Else = p.expression(0)
		}
		return t
	case "?:":
		t.Kind = Condition
		t.Cond = left.clone()
		t.Then = left
		t.Else = p.expression(0)
		return t
	case "??":
		t.Kind = Condition
		t.Cond = &Node{Kind: Function, Value: "(", Pos: t.Pos,
			Procedure: &Node{Kind: Variable, Value: "exists", Pos: t.Pos},
			Args:      []*Node{left.clone()}}
		t.Then = left
		t.Else = p.expression(0)
		return t
	}
	// plain infix operators
	t.LHS = left
	t.RHS = p.expression(lbp()[t.ID])
	t.Kind = Binary
	return t
}

func tailCallOptimize(e *Node) *Node {
	switch e.Kind {
	case Function:
		if e.Predicate == nil {
			return &Node{Kind: Lambda, Thunk: true, Args: []*Node{}, Pos: e.Pos, Body: e}
		}
	case Condition:
		e.Then = tailCallOptimize(e.Then)
		if e.Else != nil {
			e.Else = tailCallOptimize(e.Else)
		}
	case Block:
		if n := len(e.Expressions); n > 0 {
			e.Expressions[n-1] = tailCallOptimize(e.Expressions[n-1])
		}
	}
	return e
}

func (p *parser) seekParent(n *Node, s *Slot) *Slot {
	switch n.Kind {
	case Name, Wildcard:
		s.Level--
		if s.Level == 0 {
			if n.Ancestor == nil {
				n.Ancestor = s
			} else {
				p.ancestry[s.Index].Slot.Label = n.Ancestor.Label
				n.Ancestor = s
			}
			n.Tuple = true
		}
	case Parent:
		s.Level++
	case Block:
		if len(n.Expressions) > 0 {
			n.Tuple = true
			s = p.seekParent(n.Expressions[len(n.Expressions)-1], s)
		}
	case Path:
		n.Tuple = true
		i := len(n.Steps) - 1
		s = p.seekParent(n.Steps[i], s)
		i--
		for s.Level > 0 && i >= 0 {
			s = p.seekParent(n.Steps[i], s)
			i--
		}
	default:
		p.fail("S0217", n.Pos, kindNames[n.Kind], nil)
	}
	return s
}

func pushAncestry(result, value *Node) {
	if value.SeekingParent != nil || value.Kind == Parent {
		slots := value.SeekingParent
		if slots == nil {
			slots = &[]*Slot{}
		}
		if value.Kind == Parent {
			*slots = append(*slots, value.Slot)
		}
		if result.SeekingParent == nil {
			result.SeekingParent = slots
		} else {
			*result.SeekingParent = append(*result.SeekingParent, *slots...)
		}
	}
}

func (p *parser) resolveAncestry(path *Node) {
	last := path.Steps[len(path.Steps)-1]
	var slots []*Slot
	if last.SeekingParent != nil {
		slots = *last.SeekingParent
	}
	if last.Kind == Parent {
		if last.SeekingParent != nil {
			*last.SeekingParent = append(*last.SeekingParent, last.Slot)
			slots = *last.SeekingParent
		} else {
			slots = []*Slot{last.Slot}
		}
	}
	for _, s := range slots {
		i := len(path.Steps) - 2
		for s.Level > 0 {
			if i < 0 {
				if path.SeekingParent == nil {
					path.SeekingParent = &[]*Slot{s}
				} else {
					*path.SeekingParent = append(*path.SeekingParent, s)
				}
				break
			}
			step := path.Steps[i]
			i--
			for i >= 0 && step.HasFocus && path.Steps[i].HasFocus {
				step = path.Steps[i]
				i--
			}
			s = p.seekParent(step, s)
		}
	}
}

// process is the post-parse pass (processAST): it flattens paths into
// steps, attaches predicates, grouping, sorting and bindings to steps and
// resolves the parent operator.
func (p *parser) process(e *Node) *Node {
	p.depth++
	if p.depth > maxParseDepth {
		p.tooDeep(e.Pos)
	}
	defer func() { p.depth-- }()
	var result *Node
	switch e.Kind {
	case Binary:
		switch e.Value {
		case ".":
			lstep := p.process(e.LHS)
			if lstep.Kind == Path {
				result = lstep
			} else {
				result = &Node{Kind: Path, Steps: []*Node{lstep}, Pos: e.Pos}
			}
			if lstep.Kind == Parent {
				result.SeekingParent = &[]*Slot{lstep.Slot}
			}
			rest := p.process(e.RHS)
			if rest.Kind == Path {
				result.Steps = append(result.Steps, rest.Steps...)
			} else {
				if rest.Predicate != nil {
					rest.Stages = rest.Predicate
					rest.Predicate = nil
				}
				result.Steps = append(result.Steps, rest)
			}
			for _, step := range result.Steps {
				if step.Kind == Number || step.Kind == Value {
					p.fail("S0213", step.Pos, nil, step.Value)
				}
				if step.Kind == String {
					step.Kind = Name
				}
			}
			for _, step := range result.Steps {
				if step.KeepArray {
					result.KeepSingletonArray = true
					break
				}
			}
			first := result.Steps[0]
			if first.Kind == Unary && first.Value == "[" {
				first.ConsArray = true
			}
			last := result.Steps[len(result.Steps)-1]
			if last.Kind == Unary && last.Value == "[" {
				last.ConsArray = true
			}
			p.resolveAncestry(result)
		case "[":
			result = p.process(e.LHS)
			step := result
			stages := false
			if result.Kind == Path {
				step = result.Steps[len(result.Steps)-1]
				stages = true
			}
			if step.Group != nil {
				p.fail("S0209", e.Pos, nil, nil)
			}
			pred := p.process(e.RHS)
			if pred.SeekingParent != nil {
				for _, s := range *pred.SeekingParent {
					if s.Level == 1 {
						p.seekParent(step, s)
					} else {
						s.Level--
					}
				}
				pushAncestry(step, pred)
			}
			st := &Node{Kind: FilterStage, Expression: pred, Pos: e.Pos}
			if stages {
				step.Stages = append(step.Stages, st)
			} else {
				step.Predicate = append(step.Predicate, st)
			}
		case "{":
			result = p.process(e.LHS)
			if result.Group != nil {
				p.fail("S0210", e.Pos, nil, nil)
			}
			g := &Group{Pos: e.Pos, Pairs: make([][2]*Node, len(e.Pairs))}
			for i, pr := range e.Pairs {
				g.Pairs[i] = [2]*Node{p.process(pr[0]), p.process(pr[1])}
			}
			result.Group = g
		case "^":
			result = p.process(e.LHS)
			if result.Kind != Path {
				result = &Node{Kind: Path, Steps: []*Node{result}, Pos: e.Pos}
			}
			sortStep := &Node{Kind: Sort, Pos: e.Pos}
			for _, t := range e.Terms {
				x := p.process(t.Expr)
				pushAncestry(sortStep, x)
				sortStep.Terms = append(sortStep.Terms, SortTerm{t.Descending, x})
			}
			result.Steps = append(result.Steps, sortStep)
			p.resolveAncestry(result)
		case ":=":
			result = &Node{Kind: Bind, Value: e.Value, Pos: e.Pos}
			result.LHS = p.process(e.LHS)
			result.RHS = p.process(e.RHS)
			pushAncestry(result, result.RHS)
		case "@":
			result = p.process(e.LHS)
			step := result
			if result.Kind == Path {
				step = result.Steps[len(result.Steps)-1]
			}
			if step.Stages != nil || step.Predicate != nil {
				p.fail("S0215", e.Pos, nil, nil)
			}
			if step.Kind == Sort {
				p.fail("S0216", e.Pos, nil, nil)
			}
			if e.KeepArray {
				step.KeepArray = true
			}
			step.Focus = e.RHS.Str()
			step.HasFocus = true
			step.Tuple = true
		case "#":
			result = p.process(e.LHS)
			step := result
			if result.Kind == Path {
				step = result.Steps[len(result.Steps)-1]
			} else {
				result = &Node{Kind: Path, Steps: []*Node{result}, Pos: e.Pos}
				if step.Predicate != nil {
					step.Stages = step.Predicate
					step.Predicate = nil
				}
			}
			if step.Stages == nil {
				step.Index = e.RHS.Str()
			} else {
				step.Stages = append(step.Stages, &Node{Kind: IndexStage, Value: e.RHS.Str(), Pos: e.Pos})
			}
			step.Tuple = true
		case "~>":
			result = &Node{Kind: Apply, Value: e.Value, Pos: e.Pos}
			result.LHS = p.process(e.LHS)
			result.RHS = p.process(e.RHS)
			result.KeepArray = result.LHS.KeepArray || result.RHS.KeepArray
		default:
			result = &Node{Kind: Binary, Value: e.Value, Pos: e.Pos}
			result.LHS = p.process(e.LHS)
			result.RHS = p.process(e.RHS)
			pushAncestry(result, result.LHS)
			pushAncestry(result, result.RHS)
		}
	case Unary:
		result = &Node{Kind: Unary, Value: e.Value, Pos: e.Pos}
		switch e.Value {
		case "[":
			result.Expressions = make([]*Node, len(e.Expressions))
			for i, it := range e.Expressions {
				v := p.process(it)
				pushAncestry(result, v)
				result.Expressions[i] = v
			}
		case "{":
			result.Pairs = make([][2]*Node, len(e.Pairs))
			for i, pr := range e.Pairs {
				k := p.process(pr[0])
				pushAncestry(result, k)
				v := p.process(pr[1])
				pushAncestry(result, v)
				result.Pairs[i] = [2]*Node{k, v}
			}
		default:
			result.Expression = p.process(e.Expression)
			if e.Value == "-" && result.Expression.Kind == Number {
				result = result.Expression
				result.Value = -result.Value.(float64)
			} else {
				pushAncestry(result, result.Expression)
			}
		}
	case Function, Partial:
		result = &Node{Kind: e.Kind, Value: e.Value, Pos: e.Pos}
		result.Args = make([]*Node, len(e.Args))
		for i, a := range e.Args {
			x := p.process(a)
			pushAncestry(result, x)
			result.Args[i] = x
		}
		result.Procedure = p.process(e.Procedure)
	case Lambda:
		result = &Node{Kind: Lambda, Args: e.Args, Sig: e.Sig, Pos: e.Pos}
		result.Body = tailCallOptimize(p.process(e.Body))
	case Condition:
		result = &Node{Kind: Condition, Pos: e.Pos}
		result.Cond = p.process(e.Cond)
		pushAncestry(result, result.Cond)
		result.Then = p.process(e.Then)
		pushAncestry(result, result.Then)
		if e.Else != nil {
			result.Else = p.process(e.Else)
			pushAncestry(result, result.Else)
		}
	case Transform:
		result = &Node{Kind: Transform, Pos: e.Pos}
		result.Pattern = p.process(e.Pattern)
		result.Update = p.process(e.Update)
		if e.Delete != nil {
			result.Delete = p.process(e.Delete)
		}
	case Block:
		result = &Node{Kind: Block, Pos: e.Pos}
		result.Expressions = make([]*Node, len(e.Expressions))
		for i, it := range e.Expressions {
			part := p.process(it)
			pushAncestry(result, part)
			if part.ConsArray || (part.Kind == Path && part.Steps[0].ConsArray) {
				result.ConsArray = true
			}
			result.Expressions[i] = part
		}
	case Name:
		result = &Node{Kind: Path, Steps: []*Node{e}, Pos: e.Pos}
		if e.KeepArray {
			result.KeepSingletonArray = true
		}
	case Parent:
		result = &Node{Kind: Parent, Pos: e.Pos, Slot: &Slot{Label: "!" + strconv.Itoa(p.ancestorLabel), Level: 1, Index: p.ancestorIndex}}
		p.ancestorLabel++
		p.ancestorIndex++
		p.ancestry = append(p.ancestry, result)
	case String, Number, Value, Wildcard, Descendant, Variable, Regex:
		result = e
	case Operator:
		switch e.Value {
		case "and", "or", "in":
			e.Kind = Name
			result = p.process(e)
		case "?":
			result = e
		default:
			p.fail("S0201", e.Pos, e.Value, nil)
		}
	default:
		code := "S0206"
		if e.ID == "(end)" {
			code = "S0207"
		}
		p.fail(code, e.Pos, e.Value, nil)
	}
	if e.KeepArray {
		result.KeepArray = true
	}
	return result
}
