package compiler

import (
	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// maxNativeAtaDepth bounds the nesting of an expression compiled to Go:
// deeper ones (rare in a definition, and each level a block of generated
// code) are left to the engine.
const maxNativeAtaDepth = 50

// lowerAta lowers a parsed JSONata expression to the IR: a tree of the
// forms codegen compiles to Go where every node of the expression is one
// of them, otherwise an ir.AtaEngine (the engine evaluates whole
// expressions, so one form it alone knows sends it all there).
func lowerAta(tree *syntax.Node) ir.AtaNode {
	if n := nativeAta(tree, 0); n != nil {
		return n
	}
	return &ir.AtaEngine{Offset: tree.Pos}
}

// nativeAta lowers n, or returns nil where n or a node under it is not
// of the native forms.
func nativeAta(n *syntax.Node, depth int) ir.AtaNode {
	if depth > maxNativeAtaDepth || !plainAta(n) {
		return nil
	}
	d := depth + 1
	switch n.Kind {
	case syntax.Number:
		return &ir.AtaNumber{Offset: n.Pos, Value: n.Value.(float64)}
	case syntax.String:
		return &ir.AtaString{Offset: n.Pos, Value: n.Str()}
	case syntax.Value:
		if b, ok := n.Value.(bool); ok {
			return &ir.AtaBool{Offset: n.Pos, Value: b}
		}
		return &ir.AtaNull{Offset: n.Pos}
	case syntax.Variable:
		return ataPath(n.Pos, n.Str(), nil)
	case syntax.Path:
		// A simple path: a variable, then member names (no predicate,
		// binding, grouping or array flag anywhere, which the parser's
		// SimplePath already vouches for).
		if !n.SimplePath || n.Steps[0].Kind != syntax.Variable {
			return nil
		}
		keys := make([]string, len(n.Steps)-1)
		for i, s := range n.Steps[1:] {
			keys[i] = s.Str()
		}
		return ataPath(n.Pos, n.Steps[0].Str(), keys)
	case syntax.Block:
		// (x) is x: a block of one expression binds nothing.
		if len(n.Expressions) == 1 {
			return nativeAta(n.Expressions[0], d)
		}
	case syntax.Unary:
		if n.Value == "-" {
			if x := nativeAta(n.Expression, d); x != nil {
				return &ir.AtaNegate{Offset: n.Pos, X: x}
			}
		}
	case syntax.Binary:
		op, ok := ir.AtaOpOf(n.Str())
		if !ok {
			return nil
		}
		l, r := nativeAta(n.LHS, d), nativeAta(n.RHS, d)
		if l == nil || r == nil {
			return nil
		}
		return &ir.AtaBinary{Offset: n.Pos, Op: op, Left: l, Right: r}
	case syntax.Condition:
		if n.Else == nil {
			return nil // undefined where the condition is false: the engine's
		}
		c, t, e := nativeAta(n.Cond, d), nativeAta(n.Then, d), nativeAta(n.Else, d)
		if c == nil || t == nil || e == nil {
			return nil
		}
		return &ir.AtaCond{Offset: n.Pos, Cond: c, Then: t, Else: e}
	case syntax.Function:
		return nativeAtaCall(n, d)
	}
	return nil
}

// ataPath is a path from the variable name; $states needs a member that
// names one of its parts, and $ and $$ (the context) are the engine's.
func ataPath(offset int, name string, keys []string) ir.AtaNode {
	switch name {
	case "", "$":
		return nil
	case reservedStates:
		if len(keys) == 0 {
			return nil
		}
		roots := map[string]ir.AtaRoot{"input": ir.AtaInput, "context": ir.AtaContext,
			"result": ir.AtaResult, "errorOutput": ir.AtaErrorOutput}
		root, ok := roots[keys[0]]
		if !ok {
			return nil
		}
		var rest []string
		if len(keys) > 1 {
			rest = keys[1:]
		}
		return &ir.AtaPath{Offset: offset, Root: root, Keys: rest}
	}
	return &ir.AtaPath{Offset: offset, Root: ir.AtaVariable, Var: name, Keys: keys}
}

// nativeAtaCall lowers a call of one of the natively compiled built-in
// functions, or of $merge([base, {'key': value}]).
func nativeAtaCall(n *syntax.Node, d int) ir.AtaNode {
	if n.Procedure.Kind != syntax.Variable {
		return nil
	}
	name := n.Procedure.Str()
	if name == "merge" {
		return nativeAtaMerge(n, d)
	}
	f, ok := ir.AtaFuncOf(name)
	if !ok || len(n.Args) != f.Arity() {
		return nil
	}
	args := make([]ir.AtaNode, len(n.Args))
	for i, a := range n.Args {
		if args[i] = nativeAta(a, d); args[i] == nil {
			return nil
		}
	}
	return &ir.AtaCall{Offset: n.Pos, Func: f, Args: args}
}

// nativeAtaMerge lowers $merge([base, {'key': value}]), the one $merge
// form compiled natively: an object with one member set. Any other
// argument (more objects, a computed key, a non-literal array) is the
// engine's.
func nativeAtaMerge(n *syntax.Node, d int) ir.AtaNode {
	if len(n.Args) != 1 {
		return nil
	}
	arr := n.Args[0]
	if arr.Kind != syntax.Unary || arr.Value != "[" || !plainAta(arr) || len(arr.Expressions) != 2 {
		return nil
	}
	obj := arr.Expressions[1]
	if obj.Kind != syntax.Unary || obj.Value != "{" || !plainAta(obj) || len(obj.Pairs) != 1 {
		return nil
	}
	key := obj.Pairs[0][0]
	if key.Kind != syntax.String || !plainAta(key) {
		return nil
	}
	base, val := nativeAta(arr.Expressions[0], d+1), nativeAta(obj.Pairs[0][1], d+1)
	if base == nil || val == nil {
		return nil
	}
	return &ir.AtaMergeMember{Offset: n.Pos, Base: base, Key: key.Str(), Value: val}
}

// plainAta reports whether n carries none of what a path step can carry
// beyond its value: predicates, stages, grouping, bindings, array flags,
// parent references. A node with any of them is the engine's.
func plainAta(n *syntax.Node) bool {
	return n.Predicate == nil && n.Stages == nil && n.Group == nil && !n.KeepArray && !n.KeepSingletonArray &&
		!n.ConsArray && !n.Tuple && !n.HasFocus && n.Index == "" && n.Ancestor == nil && n.SeekingParent == nil
}

// LowerJSONata parses and lowers one expression, the text between {%
// and %}, on its own: for tools and tests that need the IR of an
// expression without a definition around it.
func LowerJSONata(src string) (ir.AtaNode, error) {
	tree, err := parseJSONata(src)
	if err != nil {
		return nil, err
	}
	return lowerAta(tree), nil
}
