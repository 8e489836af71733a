package jsonata

type nodeKind uint8

const (
	kEnd nodeKind = iota
	kName
	kVariable
	kOperator
	kString
	kNumber
	kValue
	kRegex
	kPath
	kBinary
	kUnary
	kWildcard
	kDescendant
	kParent
	kCondition
	kBlock
	kBind
	kFunction
	kPartial
	kLambda
	kApply
	kTransform
	kSort
	kFilterStage
	kIndexStage
)

var kindNames = [...]string{
	kEnd: "(end)", kName: "name", kVariable: "variable", kOperator: "operator", kString: "string",
	kNumber: "number", kValue: "value", kRegex: "regex", kPath: "path", kBinary: "binary",
	kUnary: "unary", kWildcard: "wildcard", kDescendant: "descendant", kParent: "parent",
	kCondition: "condition", kBlock: "block", kBind: "bind", kFunction: "function",
	kPartial: "partial", kLambda: "lambda", kApply: "apply", kTransform: "transform",
	kSort: "sort", kFilterStage: "filter", kIndexStage: "index",
}

// A node is one node of the syntax tree, in both the parser's form and
// the processed form the evaluator walks (as in the reference
// implementation, which reuses one object shape for both).
type node struct {
	kind  nodeKind
	id    string // parser symbol id
	value any    // name, variable name, operator, literal, *regexLit
	pos   int

	lhs, rhs    *node
	expression  *node
	expressions []*node
	pairs       [][2]*node

	steps              []*node
	keepSingletonArray bool

	cond, then, els *node

	procedure *node
	args      []*node
	sig       *signature
	body      *node
	thunk     bool
	native    *builtin

	pattern, update, del *node

	terms []sortTerm

	predicate []*node
	stages    []*node
	group     *groupExpr

	keepArray bool
	consarray bool
	tuple     bool
	focus     string
	hasFocus  bool
	index     string
	ancestor  *slot
	slot      *slot

	seekingParent *[]*slot

	simplePath bool // a path of a variable or name followed by plain names (fast path)
}

type groupExpr struct {
	pairs [][2]*node
	pos   int
}

type sortTerm struct {
	descending bool
	expr       *node
}

type slot struct {
	label string
	level int
	index int
}

func (n *node) str() string {
	s, _ := n.value.(string)
	return s
}

// clone deep-copies a parser node (the reference implementation copies the
// left side of ?: and ?? through JSON).
func (n *node) clone() *node {
	if n == nil {
		return nil
	}
	c := *n
	c.lhs = n.lhs.clone()
	c.rhs = n.rhs.clone()
	c.expression = n.expression.clone()
	c.expressions = cloneNodes(n.expressions)
	if n.pairs != nil {
		c.pairs = make([][2]*node, len(n.pairs))
		for i, p := range n.pairs {
			c.pairs[i] = [2]*node{p[0].clone(), p[1].clone()}
		}
	}
	c.steps = cloneNodes(n.steps)
	c.cond = n.cond.clone()
	c.then = n.then.clone()
	c.els = n.els.clone()
	c.procedure = n.procedure.clone()
	c.args = cloneNodes(n.args)
	c.body = n.body.clone()
	c.pattern = n.pattern.clone()
	c.update = n.update.clone()
	c.del = n.del.clone()
	if n.terms != nil {
		c.terms = make([]sortTerm, len(n.terms))
		for i, t := range n.terms {
			c.terms[i] = sortTerm{t.descending, t.expr.clone()}
		}
	}
	return &c
}

func cloneNodes(ns []*node) []*node {
	if ns == nil {
		return nil
	}
	out := make([]*node, len(ns))
	for i, n := range ns {
		out[i] = n.clone()
	}
	return out
}

// markSimplePaths flags the paths the evaluator can walk without building
// sequences: a variable or name followed by names, with no predicates,
// bindings, grouping or array flags.
func markSimplePaths(n *node, depth int) {
	if n == nil || depth > maxParseDepth {
		return
	}
	if n.kind == kPath && !n.keepSingletonArray && n.group == nil && !n.tuple && !n.keepArray && n.predicate == nil {
		ok := len(n.steps) > 0
		for i, s := range n.steps {
			if s.stages != nil || s.predicate != nil || s.group != nil || s.tuple || s.hasFocus || s.index != "" ||
				s.keepArray || s.consarray || s.ancestor != nil {
				ok = false
				break
			}
			if s.kind != kName && !(i == 0 && s.kind == kVariable) {
				ok = false
				break
			}
		}
		n.simplePath = ok
	}
	d := depth + 1
	markSimplePaths(n.lhs, d)
	markSimplePaths(n.rhs, d)
	markSimplePaths(n.expression, d)
	for _, x := range n.expressions {
		markSimplePaths(x, d)
	}
	for _, p := range n.pairs {
		markSimplePaths(p[0], d)
		markSimplePaths(p[1], d)
	}
	for _, x := range n.steps {
		markSimplePaths(x, d)
	}
	markSimplePaths(n.cond, d)
	markSimplePaths(n.then, d)
	markSimplePaths(n.els, d)
	markSimplePaths(n.procedure, d)
	for _, x := range n.args {
		markSimplePaths(x, d)
	}
	markSimplePaths(n.body, d)
	markSimplePaths(n.pattern, d)
	markSimplePaths(n.update, d)
	markSimplePaths(n.del, d)
	for _, t := range n.terms {
		markSimplePaths(t.expr, d)
	}
	for _, x := range n.predicate {
		markSimplePaths(x.expression, d)
	}
	for _, x := range n.stages {
		markSimplePaths(x.expression, d)
	}
	if n.group != nil {
		for _, p := range n.group.pairs {
			markSimplePaths(p[0], d)
			markSimplePaths(p[1], d)
		}
	}
}
