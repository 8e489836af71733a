package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// This file checks the use of workflow variables across the definition
// (asl-reference §1.3). Lowering records, per variable scope, every name
// an Assign field writes (states, Choice rules, Catchers) and every
// variable a JSONPath path, an intrinsic argument or a JSONata expression
// reads; checkVariables then reports
//
//   - an error for an Assign inside a Parallel branch or a Map iteration
//     to a name that an enclosing scope assigns: inner scopes may read
//     outer variables but not write them (AWS rejects the write);
//   - a warning for a read of a variable that no state visible from the
//     read assigns. A Distributed Map's item processor runs as a child
//     workflow that cannot see the parent's variables.
//
// The checks follow scopes, not control flow: a read is satisfied by any
// assignment in a visible scope, even one that runs later, and an inner
// assignment conflicts with any assignment of the name in an enclosing
// scope.

// A varScope is the variable scope of a (sub-)machine: the top level, a
// Parallel branch or a Map item processor (one scope for all its
// iterations).
type varScope struct {
	parent *varScope
	// what names the scope in messages: "a Parallel branch", ...
	what string
	// isolated marks a Distributed Map's item processor: a child workflow
	// that cannot read the variables of the enclosing scopes.
	isolated bool
	assigns  []varUse
	reads    []varUse
	first    map[string]*varUse // the first assignment of each name
}

// A varUse is one assignment or read of a variable.
type varUse struct {
	name  string
	off   int
	ptr   ir.Pointer
	state string // the state whose field it is in
}

// Kinds of nested scope, as named in messages.
const (
	scopeBranch      = "a Parallel branch"
	scopeIteration   = "a Map iteration"
	scopeDistributed = "a Distributed Map child workflow"
)

// pushScope enters a new variable scope nested in the current one and
// returns a function that leaves it.
func (c *compiler) pushScope(what string, isolated bool) (pop func()) {
	prev := c.vscope
	s := &varScope{parent: prev, what: what, isolated: isolated}
	c.scopes = append(c.scopes, s)
	c.vscope = s
	return func() { c.vscope = prev }
}

// assignVar records that the current state assigns the variable name.
func (c *compiler) assignVar(name string, off int, ptr ir.Pointer) {
	if c.vscope != nil {
		c.vscope.assigns = append(c.vscope.assigns, varUse{name: name, off: off, ptr: ptr, state: c.state})
	}
}

// readVar records that the current state reads the variable name.
func (c *compiler) readVar(name string, off int, ptr ir.Pointer) {
	if c.vscope != nil && name != reservedStates {
		c.vscope.reads = append(c.vscope.reads, varUse{name: name, off: off, ptr: ptr, state: c.state})
	}
}

// checkVariables reports outer-scope writes and reads of unassigned
// variables once the whole definition has been lowered.
func (c *compiler) checkVariables() {
	all := map[string]bool{}
	for _, s := range c.scopes {
		s.first = map[string]*varUse{}
		for i := range s.assigns {
			a := &s.assigns[i]
			if s.first[a.name] == nil {
				s.first[a.name] = a
			}
			all[a.name] = true
		}
	}
	for _, s := range c.scopes {
		for _, a := range s.assigns {
			if o := s.outerAssign(a.name); o != nil {
				c.errorf(a.off, a.ptr, codeSchema,
					"Cannot assign to the variable '%s' in %s: it belongs to an outer scope, where state '%s' assigns it; Parallel branches and Map iterations may read outer variables but not assign them",
					a.name, s.what, o.state)
			}
		}
		type key struct{ state, name string }
		seen := map[key]bool{}
		for _, r := range s.reads {
			k := key{r.state, r.name}
			if seen[k] || s.visible(r.name) {
				continue
			}
			seen[k] = true
			switch {
			case s.inAncestor(r.name):
				c.warnf(r.off, r.ptr, codeUnassignedVar,
					"The variable '%s' is assigned outside %s, which cannot read the variables of its parent workflow; pass the value in through ItemSelector",
					r.name, scopeDistributed)
			case all[r.name]:
				c.warnf(r.off, r.ptr, codeUnassignedVar,
					"No state in this scope or an enclosing one assigns the variable '%s': it is assigned only inside other Parallel branches or Map iterations, whose variables are not visible here",
					r.name)
			default:
				c.warnf(r.off, r.ptr, codeUnassignedVar, "No state assigns the variable '%s'", r.name)
			}
		}
	}
}

// outerAssign returns the first assignment of name in a scope enclosing
// s, up to the nearest child-workflow boundary, or nil.
func (s *varScope) outerAssign(name string) *varUse {
	for cur := s; cur.parent != nil && !cur.isolated; cur = cur.parent {
		if a := cur.parent.first[name]; a != nil {
			return a
		}
	}
	return nil
}

// visible reports whether a read of name in s can see an assignment: in s
// or an enclosing scope, up to the nearest child-workflow boundary.
func (s *varScope) visible(name string) bool {
	for cur := s; cur != nil; cur = cur.parent {
		if cur.first[name] != nil {
			return true
		}
		if cur.isolated {
			return false
		}
	}
	return false
}

// inAncestor reports whether any enclosing scope of s assigns name,
// across child-workflow boundaries.
func (s *varScope) inAncestor(name string) bool {
	for cur := s.parent; cur != nil; cur = cur.parent {
		if cur.first[name] != nil {
			return true
		}
	}
	return false
}
