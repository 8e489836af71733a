// Package syntax is the JSONata parser: the lexer, the parser and the
// syntax tree of the reference implementation (npm jsonata 2.x), with
// its post-parse pass (paths flattened into steps, predicates, grouping
// and bindings attached, the parent operator resolved).
//
// It imports only the standard library, so that the compiler checks and
// lowers expressions with the very parser the engine (package jsonata)
// evaluates them with: one parser, one set of syntax errors.
package syntax

// A Kind is what a Node is.
type Kind uint8

// The kinds of node, as the reference implementation names them (its
// node types, and the processed forms: Path, Bind, Apply, Sort and the
// stages of a step).
const (
	End Kind = iota
	Name
	Variable
	Operator
	String
	Number
	Value
	Regex
	Path
	Binary
	Unary
	Wildcard
	Descendant
	Parent
	Condition
	Block
	Bind
	Function
	Partial
	Lambda
	Apply
	Transform
	Sort
	FilterStage
	IndexStage
)

var kindNames = [...]string{
	End: "(end)", Name: "name", Variable: "variable", Operator: "operator", String: "string",
	Number: "number", Value: "value", Regex: "regex", Path: "path", Binary: "binary",
	Unary: "unary", Wildcard: "wildcard", Descendant: "descendant", Parent: "parent",
	Condition: "condition", Block: "block", Bind: "bind", Function: "function",
	Partial: "partial", Lambda: "lambda", Apply: "apply", Transform: "transform",
	Sort: "sort", FilterStage: "filter", IndexStage: "index",
}

// A Node is one node of the syntax tree, in both the parser's form and
// the processed form the evaluator walks (as in the reference
// implementation, which reuses one object shape for both). Parse returns
// a tree of its own to each caller; the engine only reads it after.
type Node struct {
	Kind  Kind
	ID    string // parser symbol id
	Value any    // name, variable name, operator, literal, *Regexp
	Pos   int

	LHS, RHS    *Node
	Expression  *Node
	Expressions []*Node
	Pairs       [][2]*Node

	Steps              []*Node
	KeepSingletonArray bool

	Cond, Then, Else *Node

	Procedure *Node
	Args      []*Node
	Sig       *Signature
	Body      *Node
	Thunk     bool // a tail call wrapped in a lambda (the trampoline)

	Pattern, Update, Delete *Node

	Terms []SortTerm

	Predicate []*Node
	Stages    []*Node
	Group     *Group

	KeepArray bool
	ConsArray bool
	Tuple     bool
	Focus     string
	HasFocus  bool
	Index     string
	Ancestor  *Slot
	Slot      *Slot

	SeekingParent *[]*Slot

	SimplePath bool // a path of a variable or name followed by plain names (fast path)
}

// A Group is the {key: value} grouping of a path step.
type Group struct {
	Pairs [][2]*Node
	Pos   int
}

// A SortTerm is one term of an order-by (^(<a, >b)).
type SortTerm struct {
	Descending bool
	Expr       *Node
}

// A Slot is where the parent operator (%) finds its ancestor: label
// names the binding, level how many steps up it lies.
type Slot struct {
	Label string
	Level int
	Index int
}

// Str returns the name a Name, Variable or String node holds ("" for
// the others).
func (n *Node) Str() string {
	s, _ := n.Value.(string)
	return s
}

// clone deep-copies a parser node (the reference implementation copies the
// left side of ?: and ?? through JSON).
func (n *Node) clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.LHS = n.LHS.clone()
	c.RHS = n.RHS.clone()
	c.Expression = n.Expression.clone()
	c.Expressions = cloneNodes(n.Expressions)
	if n.Pairs != nil {
		c.Pairs = make([][2]*Node, len(n.Pairs))
		for i, p := range n.Pairs {
			c.Pairs[i] = [2]*Node{p[0].clone(), p[1].clone()}
		}
	}
	c.Steps = cloneNodes(n.Steps)
	c.Cond = n.Cond.clone()
	c.Then = n.Then.clone()
	c.Else = n.Else.clone()
	c.Procedure = n.Procedure.clone()
	c.Args = cloneNodes(n.Args)
	c.Body = n.Body.clone()
	c.Pattern = n.Pattern.clone()
	c.Update = n.Update.clone()
	c.Delete = n.Delete.clone()
	if n.Terms != nil {
		c.Terms = make([]SortTerm, len(n.Terms))
		for i, t := range n.Terms {
			c.Terms[i] = SortTerm{t.Descending, t.Expr.clone()}
		}
	}
	return &c
}

func cloneNodes(ns []*Node) []*Node {
	if ns == nil {
		return nil
	}
	out := make([]*Node, len(ns))
	for i, n := range ns {
		out[i] = n.clone()
	}
	return out
}

// markSimplePaths flags the paths the evaluator can walk without building
// sequences: a variable or name followed by names, with no predicates,
// bindings, grouping or array flags.
func markSimplePaths(n *Node, depth int) {
	if n == nil || depth > maxParseDepth {
		return
	}
	if n.Kind == Path && !n.KeepSingletonArray && n.Group == nil && !n.Tuple && !n.KeepArray && n.Predicate == nil {
		ok := len(n.Steps) > 0
		for i, s := range n.Steps {
			if s.Stages != nil || s.Predicate != nil || s.Group != nil || s.Tuple || s.HasFocus || s.Index != "" ||
				s.KeepArray || s.ConsArray || s.Ancestor != nil {
				ok = false
				break
			}
			if s.Kind != Name && !(i == 0 && s.Kind == Variable) {
				ok = false
				break
			}
		}
		n.SimplePath = ok
	}
	d := depth + 1
	markSimplePaths(n.LHS, d)
	markSimplePaths(n.RHS, d)
	markSimplePaths(n.Expression, d)
	for _, x := range n.Expressions {
		markSimplePaths(x, d)
	}
	for _, p := range n.Pairs {
		markSimplePaths(p[0], d)
		markSimplePaths(p[1], d)
	}
	for _, x := range n.Steps {
		markSimplePaths(x, d)
	}
	markSimplePaths(n.Cond, d)
	markSimplePaths(n.Then, d)
	markSimplePaths(n.Else, d)
	markSimplePaths(n.Procedure, d)
	for _, x := range n.Args {
		markSimplePaths(x, d)
	}
	markSimplePaths(n.Body, d)
	markSimplePaths(n.Pattern, d)
	markSimplePaths(n.Update, d)
	markSimplePaths(n.Delete, d)
	for _, t := range n.Terms {
		markSimplePaths(t.Expr, d)
	}
	for _, x := range n.Predicate {
		markSimplePaths(x.Expression, d)
	}
	for _, x := range n.Stages {
		markSimplePaths(x.Expression, d)
	}
	if n.Group != nil {
		for _, p := range n.Group.Pairs {
			markSimplePaths(p[0], d)
			markSimplePaths(p[1], d)
		}
	}
}
