package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// lowerSucceed lowers a Succeed state: only the common fields.
func (st *stateCtx) lowerSucceed() ir.State {
	return &ir.Succeed{Common: st.common()}
}
