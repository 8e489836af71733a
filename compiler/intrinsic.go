package compiler

import "github.com/sfn-compile/sfn-compile/ir"

// IsIntrinsic reports whether src looks like an intrinsic function call.
func IsIntrinsic(src string) bool {
	return false
}

// ParseIntrinsic parses src as an intrinsic function call.
func ParseIntrinsic(src string) (*ir.Call, *SyntaxError) {
	return nil, &SyntaxError{Offset: 0, Msg: "not implemented"}
}
