package jsonata

import (
	"strconv"
)

// maxParseDepth bounds the nesting of the parser and the post-parse pass,
// so hostile input cannot exhaust the stack.
const maxParseDepth = 1000

// lbp is the left binding power of each symbol the parser knows; symbols
// absent from the map (names, literals, closers) bind with 0.
var lbp = map[string]int{
	".": 75, "[": 80, "(": 80, "{": 70, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
	"=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40, "&": 50, "and": 30, "or": 25,
	"in": 40, "~>": 40, "??": 40, "^": 40, ":=": 10, "@": 80, "#": 80, "?": 20, "?:": 40,
}

// known is the set of operator symbols in the parser's symbol table.
var known = map[string]bool{
	":": true, ";": true, ",": true, ")": true, "]": true, "}": true, "..": true, ".": true,
	"+": true, "-": true, "*": true, "/": true, "%": true, "=": true, "<": true, ">": true,
	"!=": true, "<=": true, ">=": true, "&": true, "and": true, "or": true, "in": true,
	"~>": true, "??": true, "**": true, "(": true, "[": true, "^": true, "{": true,
	":=": true, "@": true, "#": true, "?": true, "?:": true, "|": true,
}

type parser struct {
	src   string
	lx    lexer
	node  *node
	depth int

	ancestorLabel int
	ancestorIndex int
	ancestry      []*node
}

// parseError is raised with panic inside the parser and recovered in
// parse.
type parseError struct{ err *SyntaxError }

func (p *parser) fail(code string, pos int, token any, value any) {
	e := &Error{Code: code, Position: pos, Value: value}
	if token != nil {
		switch t := token.(type) {
		case string:
			e.Token, e.hasToken = t, true
		case float64:
			e.Token, e.hasToken = formatNumber(t), true
		case bool:
			e.Token, e.hasToken = strconv.FormatBool(t), true
		case *regexLit:
			e.Token, e.hasToken = "/"+t.source+"/", true
		}
	}
	panic(parseError{&SyntaxError{Offset: pos, Code: code, Msg: e.Text()}})
}

func parse(src string) (ast *node, err error) {
	p := &parser{src: src, lx: lexer{src: src}}
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
	if p.node.id != "(end)" {
		p.fail("S0201", p.node.pos, p.node.value, nil)
	}
	expr = p.process(expr)
	if expr.kind == kParent || expr.seekingParent != nil {
		p.fail("S0217", expr.pos, kindNames[expr.kind], nil)
	}
	markSimplePaths(expr, 0)
	return expr, nil
}

func (p *parser) advance(id string, infix bool) *node {
	if id != "" && p.node.id != id {
		code := "S0202"
		if p.node.id == "(end)" {
			code = "S0203"
		}
		p.fail(code, p.node.pos, p.node.value, id)
	}
	tok, err := p.lx.next(infix)
	if err != nil {
		panic(parseError{err.(*SyntaxError)})
	}
	if tok == nil {
		p.node = &node{id: "(end)", kind: kEnd, value: "(end)", pos: len(p.src)}
		return p.node
	}
	n := &node{value: tok.value, pos: tok.pos}
	switch tok.typ {
	case tokName:
		n.id, n.kind = "(name)", kName
	case tokVariable:
		n.id, n.kind = "(name)", kVariable
	case tokOperator:
		op := tok.value.(string)
		if !known[op] {
			p.fail("S0204", tok.pos, op, nil)
		}
		n.id, n.kind = op, kOperator
	case tokString:
		n.id, n.kind = "(literal)", kString
	case tokNumber:
		n.id, n.kind = "(literal)", kNumber
	case tokValue:
		n.id, n.kind = "(literal)", kValue
	case tokRegex:
		n.id, n.kind = "(regex)", kRegex
	}
	p.node = n
	return n
}

func (p *parser) expression(rbp int) *node {
	p.depth++
	if p.depth > maxParseDepth {
		p.fail("S0207", p.node.pos, nil, nil)
	}
	t := p.node
	p.advance("", true)
	left := p.nud(t)
	for rbp < lbp[p.node.id] {
		t = p.node
		p.advance("", false)
		left = p.led(t, left)
	}
	p.depth--
	return left
}

func (p *parser) nud(t *node) *node {
	switch t.id {
	case "(name)", "(literal)", "(regex)", "(end)", "and", "or", "in":
		return t
	case "-":
		t.expression = p.expression(70)
		t.kind = kUnary
		return t
	case "*":
		t.kind = kWildcard
		return t
	case "**":
		t.kind = kDescendant
		return t
	case "%":
		t.kind = kParent
		return t
	case "(":
		var exprs []*node
		for p.node.id != ")" {
			exprs = append(exprs, p.expression(0))
			if p.node.id != ";" {
				break
			}
			p.advance(";", false)
		}
		p.advance(")", true)
		t.kind = kBlock
		t.expressions = exprs
		return t
	case "[":
		var items []*node
		if p.node.id != "]" {
			for {
				item := p.expression(0)
				if p.node.id == ".." {
					r := &node{kind: kBinary, value: "..", pos: p.node.pos, lhs: item}
					p.advance("..", false)
					r.rhs = p.expression(0)
					item = r
				}
				items = append(items, item)
				if p.node.id != "," {
					break
				}
				p.advance(",", false)
			}
		}
		p.advance("]", true)
		t.expressions = items
		t.kind = kUnary
		return t
	case "{":
		t.pairs = p.objectPairs()
		t.kind = kUnary
		return t
	case "|":
		t.kind = kTransform
		t.pattern = p.expression(0)
		p.advance("|", false)
		t.update = p.expression(0)
		if p.node.id == "," {
			p.advance(",", false)
			t.del = p.expression(0)
		}
		p.advance("|", false)
		return t
	}
	p.fail("S0211", t.pos, t.value, nil)
	return nil
}

func (p *parser) objectPairs() [][2]*node {
	pairs := [][2]*node{}
	if p.node.id != "}" {
		for {
			k := p.expression(0)
			p.advance(":", false)
			v := p.expression(0)
			pairs = append(pairs, [2]*node{k, v})
			if p.node.id != "," {
				break
			}
			p.advance(",", false)
		}
	}
	p.advance("}", true)
	return pairs
}

func (p *parser) led(t *node, left *node) *node {
	switch t.id {
	case "(":
		t.procedure = left
		t.kind = kFunction
		t.args = []*node{}
		if p.node.id != ")" {
			for {
				if p.node.kind == kOperator && p.node.id == "?" {
					t.kind = kPartial
					t.args = append(t.args, p.node)
					p.advance("?", false)
				} else {
					t.args = append(t.args, p.expression(0))
				}
				if p.node.id != "," {
					break
				}
				p.advance(",", false)
			}
		}
		p.advance(")", true)
		if left.kind == kName && (left.value == "function" || left.value == "\u03BB") {
			for i, a := range t.args {
				if a.kind != kVariable {
					p.fail("S0208", a.pos, a.value, float64(i+1))
				}
			}
			t.kind = kLambda
			if p.node.id == "<" {
				sigPos := p.node.pos
				depth := 1
				sig := "<"
				for depth > 0 && p.node.id != "{" && p.node.id != "(end)" {
					tok := p.advance("", false)
					if tok.id == ">" {
						depth--
					} else if tok.id == "<" {
						depth++
					}
					switch v := tok.value.(type) {
					case string:
						sig += v
					case float64:
						sig += formatNumber(v)
					}
				}
				p.advance(">", false)
				s, serr := parseSignature(sig)
				if serr != nil {
					serr.Position = sigPos + serr.Position
					panic(parseError{&SyntaxError{Offset: serr.Position, Code: serr.Code, Msg: serr.Text()}})
				}
				t.sig = s
			}
			p.advance("{", false)
			t.body = p.expression(0)
			p.advance("}", false)
		}
		return t
	case "[":
		if p.node.id == "]" {
			step := left
			for step != nil && step.kind == kBinary && step.value == "[" {
				step = step.lhs
			}
			step.keepArray = true
			p.advance("]", false)
			return left
		}
		t.lhs = left
		t.rhs = p.expression(0)
		t.kind = kBinary
		p.advance("]", true)
		return t
	case "^":
		p.advance("(", false)
		var terms []sortTerm
		for {
			term := sortTerm{}
			if p.node.id == "<" {
				p.advance("<", false)
			} else if p.node.id == ">" {
				term.descending = true
				p.advance(">", false)
			}
			term.expr = p.expression(0)
			terms = append(terms, term)
			if p.node.id != "," {
				break
			}
			p.advance(",", false)
		}
		p.advance(")", false)
		t.lhs = left
		t.terms = terms
		t.kind = kBinary
		return t
	case "{":
		t.pairs = p.objectPairs()
		t.lhs = left
		t.kind = kBinary
		return t
	case ":=":
		if left.kind != kVariable {
			p.fail("S0212", left.pos, left.value, nil)
		}
		t.lhs = left
		t.rhs = p.expression(lbp[":="] - 1)
		t.kind = kBinary
		return t
	case "@", "#":
		t.lhs = left
		t.rhs = p.expression(lbp[t.id])
		if t.rhs.kind != kVariable {
			p.fail("S0214", t.rhs.pos, t.id, nil)
		}
		t.kind = kBinary
		return t
	case "?":
		t.kind = kCondition
		t.cond = left
		t.then = p.expression(0)
		if p.node.id == ":" {
			p.advance(":", false)
			t.els = p.expression(0)
		}
		return t
	case "?:":
		t.kind = kCondition
		t.cond = left.clone()
		t.then = left
		t.els = p.expression(0)
		return t
	case "??":
		t.kind = kCondition
		t.cond = &node{kind: kFunction, value: "(", pos: t.pos,
			procedure: &node{kind: kVariable, value: "exists", pos: t.pos},
			args:      []*node{left.clone()}}
		t.then = left
		t.els = p.expression(0)
		return t
	}
	// plain infix operators
	t.lhs = left
	t.rhs = p.expression(lbp[t.id])
	t.kind = kBinary
	return t
}

func tailCallOptimize(e *node) *node {
	switch e.kind {
	case kFunction:
		if e.predicate == nil {
			return &node{kind: kLambda, thunk: true, args: []*node{}, pos: e.pos, body: e}
		}
	case kCondition:
		e.then = tailCallOptimize(e.then)
		if e.els != nil {
			e.els = tailCallOptimize(e.els)
		}
	case kBlock:
		if n := len(e.expressions); n > 0 {
			e.expressions[n-1] = tailCallOptimize(e.expressions[n-1])
		}
	}
	return e
}

func (p *parser) seekParent(n *node, s *slot) *slot {
	switch n.kind {
	case kName, kWildcard:
		s.level--
		if s.level == 0 {
			if n.ancestor == nil {
				n.ancestor = s
			} else {
				p.ancestry[s.index].slot.label = n.ancestor.label
				n.ancestor = s
			}
			n.tuple = true
		}
	case kParent:
		s.level++
	case kBlock:
		if len(n.expressions) > 0 {
			n.tuple = true
			s = p.seekParent(n.expressions[len(n.expressions)-1], s)
		}
	case kPath:
		n.tuple = true
		i := len(n.steps) - 1
		s = p.seekParent(n.steps[i], s)
		i--
		for s.level > 0 && i >= 0 {
			s = p.seekParent(n.steps[i], s)
			i--
		}
	default:
		p.fail("S0217", n.pos, kindNames[n.kind], nil)
	}
	return s
}

func pushAncestry(result, value *node) {
	if value.seekingParent != nil || value.kind == kParent {
		slots := value.seekingParent
		if slots == nil {
			slots = &[]*slot{}
		}
		if value.kind == kParent {
			*slots = append(*slots, value.slot)
		}
		if result.seekingParent == nil {
			result.seekingParent = slots
		} else {
			*result.seekingParent = append(*result.seekingParent, *slots...)
		}
	}
}

func (p *parser) resolveAncestry(path *node) {
	last := path.steps[len(path.steps)-1]
	var slots []*slot
	if last.seekingParent != nil {
		slots = *last.seekingParent
	}
	if last.kind == kParent {
		if last.seekingParent != nil {
			*last.seekingParent = append(*last.seekingParent, last.slot)
			slots = *last.seekingParent
		} else {
			slots = []*slot{last.slot}
		}
	}
	for _, s := range slots {
		i := len(path.steps) - 2
		for s.level > 0 {
			if i < 0 {
				if path.seekingParent == nil {
					path.seekingParent = &[]*slot{s}
				} else {
					*path.seekingParent = append(*path.seekingParent, s)
				}
				break
			}
			step := path.steps[i]
			i--
			for i >= 0 && step.hasFocus && path.steps[i].hasFocus {
				step = path.steps[i]
				i--
			}
			s = p.seekParent(step, s)
		}
	}
}

// process is the post-parse pass (processAST): it flattens paths into
// steps, attaches predicates, grouping, sorting and bindings to steps and
// resolves the parent operator.
func (p *parser) process(e *node) *node {
	p.depth++
	if p.depth > maxParseDepth {
		p.fail("S0207", e.pos, nil, nil)
	}
	defer func() { p.depth-- }()
	var result *node
	switch e.kind {
	case kBinary:
		switch e.value {
		case ".":
			lstep := p.process(e.lhs)
			if lstep.kind == kPath {
				result = lstep
			} else {
				result = &node{kind: kPath, steps: []*node{lstep}, pos: e.pos}
			}
			if lstep.kind == kParent {
				result.seekingParent = &[]*slot{lstep.slot}
			}
			rest := p.process(e.rhs)
			if rest.kind == kPath {
				result.steps = append(result.steps, rest.steps...)
			} else {
				if rest.predicate != nil {
					rest.stages = rest.predicate
					rest.predicate = nil
				}
				result.steps = append(result.steps, rest)
			}
			for _, step := range result.steps {
				if step.kind == kNumber || step.kind == kValue {
					p.fail("S0213", step.pos, nil, step.value)
				}
				if step.kind == kString {
					step.kind = kName
				}
			}
			for _, step := range result.steps {
				if step.keepArray {
					result.keepSingletonArray = true
					break
				}
			}
			first := result.steps[0]
			if first.kind == kUnary && first.value == "[" {
				first.consarray = true
			}
			last := result.steps[len(result.steps)-1]
			if last.kind == kUnary && last.value == "[" {
				last.consarray = true
			}
			p.resolveAncestry(result)
		case "[":
			result = p.process(e.lhs)
			step := result
			stages := false
			if result.kind == kPath {
				step = result.steps[len(result.steps)-1]
				stages = true
			}
			if step.group != nil {
				p.fail("S0209", e.pos, nil, nil)
			}
			pred := p.process(e.rhs)
			if pred.seekingParent != nil {
				for _, s := range *pred.seekingParent {
					if s.level == 1 {
						p.seekParent(step, s)
					} else {
						s.level--
					}
				}
				pushAncestry(step, pred)
			}
			st := &node{kind: kFilterStage, expression: pred, pos: e.pos}
			if stages {
				step.stages = append(step.stages, st)
			} else {
				step.predicate = append(step.predicate, st)
			}
		case "{":
			result = p.process(e.lhs)
			if result.group != nil {
				p.fail("S0210", e.pos, nil, nil)
			}
			g := &groupExpr{pos: e.pos, pairs: make([][2]*node, len(e.pairs))}
			for i, pr := range e.pairs {
				g.pairs[i] = [2]*node{p.process(pr[0]), p.process(pr[1])}
			}
			result.group = g
		case "^":
			result = p.process(e.lhs)
			if result.kind != kPath {
				result = &node{kind: kPath, steps: []*node{result}, pos: e.pos}
			}
			sortStep := &node{kind: kSort, pos: e.pos}
			for _, t := range e.terms {
				x := p.process(t.expr)
				pushAncestry(sortStep, x)
				sortStep.terms = append(sortStep.terms, sortTerm{t.descending, x})
			}
			result.steps = append(result.steps, sortStep)
			p.resolveAncestry(result)
		case ":=":
			result = &node{kind: kBind, value: e.value, pos: e.pos}
			result.lhs = p.process(e.lhs)
			result.rhs = p.process(e.rhs)
			pushAncestry(result, result.rhs)
		case "@":
			result = p.process(e.lhs)
			step := result
			if result.kind == kPath {
				step = result.steps[len(result.steps)-1]
			}
			if step.stages != nil || step.predicate != nil {
				p.fail("S0215", e.pos, nil, nil)
			}
			if step.kind == kSort {
				p.fail("S0216", e.pos, nil, nil)
			}
			if e.keepArray {
				step.keepArray = true
			}
			step.focus = e.rhs.str()
			step.hasFocus = true
			step.tuple = true
		case "#":
			result = p.process(e.lhs)
			step := result
			if result.kind == kPath {
				step = result.steps[len(result.steps)-1]
			} else {
				result = &node{kind: kPath, steps: []*node{result}, pos: e.pos}
				if step.predicate != nil {
					step.stages = step.predicate
					step.predicate = nil
				}
			}
			if step.stages == nil {
				step.index = e.rhs.str()
			} else {
				step.stages = append(step.stages, &node{kind: kIndexStage, value: e.rhs.str(), pos: e.pos})
			}
			step.tuple = true
		case "~>":
			result = &node{kind: kApply, value: e.value, pos: e.pos}
			result.lhs = p.process(e.lhs)
			result.rhs = p.process(e.rhs)
			result.keepArray = result.lhs.keepArray || result.rhs.keepArray
		default:
			result = &node{kind: kBinary, value: e.value, pos: e.pos}
			result.lhs = p.process(e.lhs)
			result.rhs = p.process(e.rhs)
			pushAncestry(result, result.lhs)
			pushAncestry(result, result.rhs)
		}
	case kUnary:
		result = &node{kind: kUnary, value: e.value, pos: e.pos}
		switch e.value {
		case "[":
			result.expressions = make([]*node, len(e.expressions))
			for i, it := range e.expressions {
				v := p.process(it)
				pushAncestry(result, v)
				result.expressions[i] = v
			}
		case "{":
			result.pairs = make([][2]*node, len(e.pairs))
			for i, pr := range e.pairs {
				k := p.process(pr[0])
				pushAncestry(result, k)
				v := p.process(pr[1])
				pushAncestry(result, v)
				result.pairs[i] = [2]*node{k, v}
			}
		default:
			result.expression = p.process(e.expression)
			if e.value == "-" && result.expression.kind == kNumber {
				result = result.expression
				result.value = -result.value.(float64)
			} else {
				pushAncestry(result, result.expression)
			}
		}
	case kFunction, kPartial:
		result = &node{kind: e.kind, value: e.value, pos: e.pos}
		result.args = make([]*node, len(e.args))
		for i, a := range e.args {
			x := p.process(a)
			pushAncestry(result, x)
			result.args[i] = x
		}
		result.procedure = p.process(e.procedure)
	case kLambda:
		result = &node{kind: kLambda, args: e.args, sig: e.sig, pos: e.pos}
		result.body = tailCallOptimize(p.process(e.body))
	case kCondition:
		result = &node{kind: kCondition, pos: e.pos}
		result.cond = p.process(e.cond)
		pushAncestry(result, result.cond)
		result.then = p.process(e.then)
		pushAncestry(result, result.then)
		if e.els != nil {
			result.els = p.process(e.els)
			pushAncestry(result, result.els)
		}
	case kTransform:
		result = &node{kind: kTransform, pos: e.pos}
		result.pattern = p.process(e.pattern)
		result.update = p.process(e.update)
		if e.del != nil {
			result.del = p.process(e.del)
		}
	case kBlock:
		result = &node{kind: kBlock, pos: e.pos}
		result.expressions = make([]*node, len(e.expressions))
		for i, it := range e.expressions {
			part := p.process(it)
			pushAncestry(result, part)
			if part.consarray || (part.kind == kPath && part.steps[0].consarray) {
				result.consarray = true
			}
			result.expressions[i] = part
		}
	case kName:
		result = &node{kind: kPath, steps: []*node{e}, pos: e.pos}
		if e.keepArray {
			result.keepSingletonArray = true
		}
	case kParent:
		result = &node{kind: kParent, pos: e.pos, slot: &slot{label: "!" + strconv.Itoa(p.ancestorLabel), level: 1, index: p.ancestorIndex}}
		p.ancestorLabel++
		p.ancestorIndex++
		p.ancestry = append(p.ancestry, result)
	case kString, kNumber, kValue, kWildcard, kDescendant, kVariable, kRegex:
		result = e
	case kOperator:
		switch e.value {
		case "and", "or", "in":
			e.kind = kName
			result = p.process(e)
		case "?":
			result = e
		default:
			p.fail("S0201", e.pos, e.value, nil)
		}
	default:
		code := "S0206"
		if e.id == "(end)" {
			code = "S0207"
		}
		p.fail(code, e.pos, e.value, nil)
	}
	if e.keepArray {
		result.keepArray = true
	}
	return result
}
