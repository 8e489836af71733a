package ir

// An IntrinsicFunc names an intrinsic function, e.g. "States.Format".
type IntrinsicFunc string

// A Call is an intrinsic function call, parsed at compile time.
type Call struct {
	Pos  Pos
	Func IntrinsicFunc
	Args []Arg
}

// An Arg is an argument of a Call: ArgLiteral, ArgPath or ArgCall.
type Arg interface{ isArg() }

// ArgLiteral is a string, number, boolean or null literal.
type ArgLiteral struct{ Value Value }

// ArgPath is a path argument ($..., $$..., $var...).
type ArgPath struct{ Path *Path }

// ArgCall is a nested intrinsic call.
type ArgCall struct{ Call *Call }

func (ArgLiteral) isArg() {}
func (ArgPath) isArg()    {}
func (ArgCall) isArg()    {}
