package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// lowerFail lowers a Fail state: Error xor ErrorPath, Cause xor CausePath.
func (st *stateCtx) lowerFail() ir.State {
	s := &ir.Fail{Common: st.common()}
	s.Error = st.stringSource("Error", "ErrorPath")
	s.Cause = st.stringSource("Cause", "CausePath")
	return s
}

// stringSource lowers a pair of fields such as Error/ErrorPath: a literal
// (or, in JSONata, an expression) or a reference path or intrinsic call.
func (st *stateCtx) stringSource(lit, path string) *ir.StringSource {
	c := st.c
	if st.jsonata() {
		n := st.field(lit)
		if n == nil {
			return nil
		}
		s, ok := c.str(n)
		if !ok {
			return nil
		}
		if isExpr(s) {
			if e := c.expr(n); e != nil {
				return &ir.StringSource{Pos: n.pos(), Expr: e}
			}
			return nil
		}
		return &ir.StringSource{Pos: n.pos(), Literal: s}
	}
	m := c.exclusive(st.obj, false, lit, path)
	if m == nil {
		return nil
	}
	n := m.val
	if m.key == lit {
		s, ok := c.str(n)
		if !ok {
			return nil
		}
		if looksDynamic(s) {
			c.warnAt(n, codeNoPath, "The value of the field '%s' looks like a path, but the field name does not end in 'Path', so it is used literally", lit)
		}
		return &ir.StringSource{Pos: n.pos(), Literal: s}
	}
	p, call := c.pathOrCall(n, path, PathReference)
	if p == nil && call == nil {
		return nil
	}
	return &ir.StringSource{Pos: n.pos(), Path: p, Call: call}
}
