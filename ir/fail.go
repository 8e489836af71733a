package ir

// A Fail state ends the execution with an error and a cause.
type Fail struct {
	Common
	Error *StringSource // nil when absent
	Cause *StringSource // nil when absent
}

func (*Fail) isState() {}

// A StringSource is a string given literally, by a path (ErrorPath,
// CausePath), by an intrinsic call, or by a JSONata expression.
type StringSource struct {
	Pos     Pos
	Literal string
	Path    *Path
	Call    *Call
	Expr    *Expr
}
