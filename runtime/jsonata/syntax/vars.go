package syntax

import (
	"sort"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"
)

// Functions returns the names of the built-in functions of the language
// as Step Functions runs it: a $name that is one of these and is not
// bound in the expression calls the function, and is no free variable.
// The engine's table of built-ins holds exactly these (a test keeps them
// together). Built on first use, as the parser's tables are (see lbp).
var functions lazy.Value[map[string]bool]

func Functions() map[string]bool { return functions.Get(buildFunctions) }

func buildFunctions() map[string]bool {
	names := map[string]bool{}
	for _, name := range []string{
		"abs", "append", "assert", "average", "base64decode", "base64encode", "boolean", "ceil", "clone",
		"contains", "count", "decodeUrl", "decodeUrlComponent", "distinct", "each", "encodeUrl",
		"encodeUrlComponent", "error", "exists", "filter", "floor", "formatBase", "formatInteger",
		"formatNumber", "fromMillis", "hash", "join", "keys", "length", "lookup", "lowercase", "map",
		"match", "max", "merge", "millis", "min", "not", "now", "number", "pad", "parse", "parseInteger",
		"partition", "power", "random", "range", "reduce", "replace", "reverse", "round", "shuffle", "sift",
		"single", "sort", "split", "spread", "sqrt", "string", "substring", "substringAfter",
		"substringBefore", "sum", "toMillis", "trim", "type", "uppercase", "uuid", "zip",
	} {
		names[name] = true
	}
	return names
}

// A VarRef is a reference to a free variable: $name where name is
// bound neither inside the expression (by :=, a function parameter, @
// or #) nor to a built-in function.
type VarRef struct {
	Name   string
	Offset int    // byte offset of the '$' in the expression text
	Member string // the name a path selects right after it ($states.input has "input"), or ""
}

// FreeVars lists the references to free variables in the tree, in
// the order of the text. Block bindings count as bound from their := on
// (a conservative approximation of JSONata's dynamic frames).
func FreeVars(root *Node) []VarRef {
	var refs []VarRef
	collectVars(root, map[string]bool{}, &refs, "")
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Offset < refs[j].Offset })
	return refs
}

// VarNames returns the names of the free variables, sorted and without
// duplicates.
func VarNames(refs []VarRef) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range refs {
		if !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// collectVars walks the tree; bound holds names bound in an enclosing
// scope; member is the name selected after n where n is a path's first
// step.
func collectVars(n *Node, bound map[string]bool, out *[]VarRef, member string) {
	if n == nil {
		return
	}
	switch n.Kind {
	case Variable:
		name := n.Str()
		if name != "" && name != "$" && !bound[name] && !Functions()[name] {
			*out = append(*out, VarRef{Name: name, Offset: n.Pos - len(name) - 1, Member: member})
		}
	case Block:
		inner := copyBound(bound)
		for _, x := range n.Expressions {
			collectVars(x, inner, out, "")
		}
		collectStepExtras(n, bound, out)
		return
	case Bind:
		collectVars(n.RHS, bound, out, "")
		bound[n.LHS.Str()] = true
		collectStepExtras(n, bound, out)
		return
	case Lambda:
		inner := copyBound(bound)
		for _, a := range n.Args {
			inner[a.Str()] = true
		}
		collectVars(n.Body, inner, out, "")
		return
	case Path:
		inner := copyBound(bound)
		for i, s := range n.Steps {
			if s.HasFocus && s.Focus != "" {
				inner[s.Focus] = true
			}
			if s.Index != "" {
				inner[s.Index] = true
			}
			for _, st := range s.Stages {
				if st.Kind == IndexStage {
					inner[st.Str()] = true
				}
			}
			m := ""
			if i == 0 && len(n.Steps) > 1 && n.Steps[1].Kind == Name {
				m = n.Steps[1].Str()
			}
			collectVars(s, inner, out, m)
		}
		if n.Group != nil {
			for _, p := range n.Group.Pairs {
				collectVars(p[0], inner, out, "")
				collectVars(p[1], inner, out, "")
			}
		}
		return
	}
	for _, x := range []*Node{n.LHS, n.RHS, n.Expression} {
		collectVars(x, bound, out, "")
	}
	for _, x := range n.Expressions {
		collectVars(x, bound, out, "")
	}
	for _, p := range n.Pairs {
		collectVars(p[0], bound, out, "")
		collectVars(p[1], bound, out, "")
	}
	for _, x := range []*Node{n.Cond, n.Then, n.Else, n.Procedure} {
		collectVars(x, bound, out, "")
	}
	for _, a := range n.Args {
		collectVars(a, bound, out, "")
	}
	for _, x := range []*Node{n.Body, n.Pattern, n.Update, n.Delete} {
		collectVars(x, bound, out, "")
	}
	for _, t := range n.Terms {
		collectVars(t.Expr, bound, out, "")
	}
	collectStepExtras(n, bound, out)
}

func collectStepExtras(n *Node, bound map[string]bool, out *[]VarRef) {
	for _, p := range n.Predicate {
		collectVars(p.Expression, bound, out, "")
	}
	for _, p := range n.Stages {
		collectVars(p.Expression, bound, out, "")
	}
	if n.Group != nil {
		for _, p := range n.Group.Pairs {
			collectVars(p[0], bound, out, "")
			collectVars(p[1], bound, out, "")
		}
	}
}

func copyBound(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m)+2)
	for k, v := range m {
		c[k] = v
	}
	return c
}
