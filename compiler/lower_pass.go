package compiler

import (
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// lowerPass lowers a Pass state: Result (static JSON), Parameters,
// ResultPath, and the common fields.
func (st *stateCtx) lowerPass() ir.State {
	c := st.c
	s := &ir.Pass{Common: st.common()}
	if n := st.field("Result"); n != nil {
		s.Result = value(n)
		c.warnStaticResult(n)
	}
	if n := st.field("Parameters"); n != nil {
		s.Parameters = c.objectTemplate(n, st.ql)
	}
	if n := st.field("ResultPath"); n != nil {
		s.ResultPath = c.optPath(n, "ResultPath", PathReference, false)
	}
	return s
}

// warnStaticResult warns about "key.$" members inside a Pass Result whose
// value looks like a path: they are not evaluated.
func (c *compiler) warnStaticResult(n *node) {
	switch n.kind {
	case kindObject:
		for i := range n.members {
			m := &n.members[i]
			if strings.HasSuffix(m.key, ".$") && m.val.kind == kindString && looksDynamic(m.val.s) {
				c.warnf(m.keyOff, m.val.ptr(), codePassStatic, "The Result of a Pass state is static: the field '%s' is kept literally, not evaluated as a path", m.key)
			}
			c.warnStaticResult(m.val)
		}
	case kindArray:
		for _, it := range n.items {
			c.warnStaticResult(it)
		}
	}
}
