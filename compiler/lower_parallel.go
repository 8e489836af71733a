package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// lowerParallel lowers a Parallel state; each branch is a sub-machine.
func (st *stateCtx) lowerParallel() ir.State {
	c := st.c
	s := &ir.Parallel{Common: st.common()}
	if n := st.field("Branches"); n != nil {
		if c.want(n, kindArray) {
			if len(n.items) == 0 {
				c.errAt(n, codeSchema, "Value cannot be empty")
			}
			for _, it := range n.items {
				if m := c.lowerSub(it, branchSchema, scopeBranch, false); m != nil {
					s.Branches = append(s.Branches, m)
				}
			}
		}
	} else {
		c.require(st.obj, "Branches")
	}
	if n := st.field("Parameters"); n != nil {
		s.Parameters = c.objectTemplate(n, st.ql)
	}
	if n := st.field("Arguments"); n != nil {
		s.Parameters = c.objectTemplate(n, st.ql)
	}
	if n := st.field("ResultSelector"); n != nil {
		s.ResultSelector = c.objectTemplate(n, st.ql)
	}
	if n := st.field("ResultPath"); n != nil {
		s.ResultPath = c.optPath(n, "ResultPath", PathReference, false)
	}
	if n := st.field("Retry"); n != nil {
		s.Retry = st.retry(n)
	}
	if n := st.field("Catch"); n != nil {
		s.Catch = st.catch(n)
	}
	return s
}
