package ir

// A Task state runs work: in generated code, a Go handler bound by the
// application, a mocked response, or an AWS integration.
type Task struct {
	Common
	Resource       string
	Parameters     Template // JSONPath Parameters or JSONata Arguments; nil when absent
	ResultSelector Template
	ResultPath     OptionalPath
	Timeout        *Seconds // nil: no TimeoutSeconds
	Heartbeat      *Seconds // nil: no HeartbeatSeconds
	Credentials    Template // nil when absent
	Retry          []Retrier
	Catch          []Catcher
}

func (*Task) isState() {}

// Seconds is a duration given literally, by a reference path, or by a
// JSONata expression.
type Seconds struct {
	Pos     Pos
	Literal int64
	Path    *Path // the …Path form
	Expr    *Expr // JSONata {% %}
}
