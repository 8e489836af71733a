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
	s.Parameters = st.parametersOrArguments()
	s.ResultSelector, s.ResultPath = st.resultSelectorAndPath()
	s.Retry, s.Catch = st.retryAndCatch()
	return s
}
