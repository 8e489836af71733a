package syntax

import "sort"

// LibraryNames returns the built-in functions (see Functions) that an
// evaluation of the tree may look up by name, sorted: a program whose
// expressions are these trees needs no others, and the compiler links
// only these into it (jsonata.Library). An evaluation looks a function
// up
//   - for a $name the tree spells, wherever it is (bound or not: a
//     superset is safe, and scoping is the evaluator's business);
//   - for the transform operator (| ... |), which calls $clone;
//   - for a call of a path whose first step is a field name, string(x):
//     it fails with T1005 ("did you mean $string?") where $string is a
//     function, T1006 where it is not.
//
// The engine has no $eval, so no other name can reach a function.
func LibraryNames(root *Node) []string {
	seen := map[string]bool{}
	walkNodes(root, func(n *Node) {
		switch n.Kind {
		case Variable:
			seen[n.Str()] = true
		case Transform:
			seen["clone"] = true
		case Function, Partial:
			if p := n.Procedure; p != nil && p.Kind == Path && len(p.Steps) > 0 {
				seen[p.Steps[0].Str()] = true
			}
		}
	})
	var out []string
	for name := range seen {
		if Functions()[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// walkNodes calls visit on n and every node under it: every field of
// Node that holds nodes, in the parser's form and the processed form.
func walkNodes(n *Node, visit func(*Node)) {
	if n == nil {
		return
	}
	visit(n)
	for _, x := range []*Node{n.LHS, n.RHS, n.Expression, n.Cond, n.Then, n.Else, n.Procedure, n.Body, n.Pattern, n.Update, n.Delete} {
		walkNodes(x, visit)
	}
	for _, list := range [][]*Node{n.Expressions, n.Steps, n.Args, n.Predicate, n.Stages} {
		for _, x := range list {
			walkNodes(x, visit)
		}
	}
	for _, p := range n.Pairs {
		walkNodes(p[0], visit)
		walkNodes(p[1], visit)
	}
	if n.Group != nil {
		for _, p := range n.Group.Pairs {
			walkNodes(p[0], visit)
			walkNodes(p[1], visit)
		}
	}
	for _, t := range n.Terms {
		walkNodes(t.Expr, visit)
	}
}

// NeedsRegexp reports whether an evaluation of the tree may compile a
// regular expression: it holds a regex literal, a function with a
// signature (function($x)<n:n>{...}), a transform (whose function has
// one), or names a built-in function (every one checks its arguments
// against its signature). Where none does, the engine parses the tree
// with no Compiler (ParseWith), and the program links no package regexp.
func NeedsRegexp(root *Node) bool {
	needs := false
	walkNodes(root, func(n *Node) {
		switch {
		case n.Kind == Regex, n.Kind == Transform, n.Kind == Lambda && n.Sig != nil:
			needs = true
		}
	})
	return needs || len(LibraryNames(root)) > 0
}
