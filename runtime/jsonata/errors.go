package jsonata

import "github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"

// An Error is a JSONata evaluation error. Code is the reference
// implementation's error code (T2001, D3030, ...), Position the byte offset
// in the expression where it arose, Token the operator or function
// concerned and Value the offending value, when known.
type Error struct {
	Code     string
	Position int
	Token    string
	Value    any
	Value2   any
	Index    int
	Message  string // set for codes whose template is the message itself ($error, $assert)
	hasToken bool
	hasPos   bool
	extra    map[string]string
	limit    limit // set for the evaluation bounds (budget.go)
}

// Error returns the reference implementation's message for the code, with
// the code in front: "T2001: The left side of the "+" operator must
// evaluate to a number".
// The evaluation bounds (stack, time, memory) return AWS's sentence alone,
// as AWS reports them.
func (e *Error) Error() string {
	if e.limit != noLimit {
		return e.Text()
	}
	return e.Code + ": " + e.Text()
}

// Text returns the message without the code.
func (e *Error) Text() string {
	if e.limit != noLimit {
		return limitMessages[e.limit]
	}
	tmpl, ok := errorMessages()[e.Code]
	if !ok {
		tmpl, ok = syntax.Messages()[e.Code]
	}
	if !ok {
		if e.Message != "" {
			return e.Message
		}
		return "JSONata evaluation error"
	}
	return syntax.Render(tmpl, e.field)
}

func (e *Error) field(name string, asJSON bool) string {
	var v any = undefined
	switch name {
	case "token":
		if e.hasToken || e.Token != "" {
			v = e.Token
		}
	case "value":
		v = e.Value
	case "value2":
		v = e.Value2
	case "index":
		v = float64(e.Index)
	case "message":
		v = e.Message
	default:
		if s, ok := e.extra[name]; ok {
			v = s
		}
	}
	if !asJSON {
		if s, ok := v.(string); ok {
			return s
		}
		if v == undefined {
			return "undefined"
		}
		s, _ := stringify(v, false)
		return s
	}
	if v == undefined {
		return "undefined"
	}
	if isFunction(v) {
		return "undefined"
	}
	return stringifyJSON(v)
}

// ErrUnsupportedResult is returned (wrapped) by Eval when an expression
// evaluates to a function, which has no JSON form; AWS reports it as
// "returned an unsupported result type".
// It is a value of a type of its own, not errors.New's: a variable that
// needs no init code (see errorMessages).
var ErrUnsupportedResult error = unsupportedResult{}

type unsupportedResult struct{}

func (unsupportedResult) Error() string {
	return "jsonata: expression returned an unsupported result type (a function)"
}

// A SyntaxError is an expression that does not parse (the syntax
// package's, which parses for the engine and the compiler alike).
type SyntaxError = syntax.SyntaxError

func newErr(code string) *Error { return &Error{Code: code, Position: -1} }

func errVal(code string, v any) *Error { return &Error{Code: code, Position: -1, Value: v} }
