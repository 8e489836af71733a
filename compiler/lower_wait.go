package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// lowerWait lowers a Wait state: exactly one of Seconds, SecondsPath,
// Timestamp, TimestampPath (JSONata: Seconds or Timestamp, literal or
// expression).
func (st *stateCtx) lowerWait() ir.State {
	c := st.c
	s := &ir.Wait{Common: st.common()}
	fields := []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}
	if st.jsonata() {
		fields = []string{"Seconds", "Timestamp"}
	}
	m := c.exclusive(st.obj, true, fields...)
	if m == nil {
		return s
	}
	n := m.val
	switch m.key {
	case "Seconds":
		s.Seconds = st.seconds(n, 0, maxSeconds)
	case "SecondsPath":
		s.Seconds = st.secondsPath(n, m.key)
	case "Timestamp":
		if st.jsonata() && n.kind == kindString && isExpr(n.s) {
			s.TimestampExpr = c.expr(n)
			break
		}
		if ts, ok := c.str(n); ok {
			if validTimestamp(ts) {
				s.Timestamp = ts
			} else {
				c.errAt(n, codeSchema, "String does not match RFC3339 timestamp")
			}
		}
	case "TimestampPath":
		s.TimestampPath = c.path(n, m.key, PathReference, true)
	}
	return s
}

// seconds lowers an integer field that JSONata states may also give as an
// expression.
func (st *stateCtx) seconds(n *node, lo, hi int64) *ir.Seconds {
	c := st.c
	if st.jsonata() && n.kind == kindString {
		if !isExpr(n.s) {
			c.errAt(n, codeSchema, "Expected an integer or a JSONata expression '{%% ... %%}' but got a string")
			return nil
		}
		if e := c.expr(n); e != nil {
			return &ir.Seconds{Pos: n.pos(), Expr: e}
		}
		return nil
	}
	v, ok := c.integer(n, lo, hi)
	if !ok {
		return nil
	}
	return &ir.Seconds{Pos: n.pos(), Literal: v}
}

// secondsPath lowers the …Path form of an integer field.
func (st *stateCtx) secondsPath(n *node, field string) *ir.Seconds {
	p := st.c.path(n, field, PathReference, true)
	if p == nil {
		return nil
	}
	return &ir.Seconds{Pos: n.pos(), Path: p}
}
