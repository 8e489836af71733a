package syntax

import (
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"
)

// A SyntaxError is an expression that does not parse. Offset is the byte
// offset in the expression text where the problem was found.
type SyntaxError struct {
	Offset int
	Code   string
	Msg    string
}

// Error returns "jsonata syntax error at offset N: CODE: message".
func (e *SyntaxError) Error() string {
	return "jsonata syntax error at offset " + strconv.Itoa(e.Offset) + ": " + e.Code + ": " + e.Msg
}

// Messages returns the reference implementation's message templates of
// the syntax errors (S0xxx), keyed by code; Render fills them in. The
// engine keeps the templates of its evaluation errors beside its own
// Error. The map is built on first use: a program that parses nothing at
// run time (every expression compiled) never runs this package's code,
// and its pages stay out of memory (see README, peak RSS).
var messages lazy.Value[map[string]string]

func Messages() map[string]string { return messages.Get(buildMessages) }

func buildMessages() map[string]string {
	return map[string]string{
		"S0101": "String literal must be terminated by a matching quote",
		"S0102": "Number out of range: {{token}}",
		"S0103": "Unsupported escape sequence: \\{{token}}",
		"S0104": "The escape sequence \\u must be followed by 4 hex digits",
		"S0105": "Quoted property name must be terminated with a backquote (`)",
		"S0106": "Comment has no closing tag",
		"S0201": "Syntax error: {{token}}",
		"S0202": "Expected {{value}}, got {{token}}",
		"S0203": "Expected {{value}} before end of expression",
		"S0204": "Unknown operator: {{token}}",
		"S0205": "Unexpected token: {{token}}",
		"S0206": "Unknown expression type: {{token}}",
		"S0207": "Unexpected end of expression",
		"S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
		"S0209": "A predicate cannot follow a grouping expression in a step",
		"S0210": "Each step can only have one grouping expression",
		"S0211": "The symbol {{token}} cannot be used as a unary operator",
		"S0212": "The left side of := must be a variable name (start with $)",
		"S0213": "The literal value {{value}} cannot be used as a step within a path expression",
		"S0214": "The right side of {{token}} must be a variable name (start with $)",
		"S0215": "A context variable binding must precede any predicates on a step",
		"S0216": "A context variable binding must precede the 'order-by' clause on a step",
		"S0217": "The object representing the 'parent' cannot be derived from this expression",
		"S0301": "Empty regular expressions are not allowed",
		"S0302": "No terminating / in regular expression",
		"S0402": "Choice groups containing parameterized types are not supported",
		"S0401": "Type parameters can only be applied to functions and arrays",
		"S0500": "Attempted to evaluate an expression containing syntax error(s)",
	}
}

// Render fills in a message template of the reference implementation:
// {{x}} inserts field x as JSON, {{{x}}} as text; field returns the
// inserted text.
func Render(tmpl string, field func(name string, asJSON bool) string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); {
		if strings.HasPrefix(tmpl[i:], "{{{") {
			end := strings.Index(tmpl[i+3:], "}}}")
			if end >= 0 {
				b.WriteString(field(tmpl[i+3:i+3+end], false))
				i += end + 6
				continue
			}
		}
		if strings.HasPrefix(tmpl[i:], "{{") {
			end := strings.Index(tmpl[i+2:], "}}")
			if end >= 0 {
				b.WriteString(field(tmpl[i+2:i+2+end], true))
				i += end + 4
				continue
			}
		}
		b.WriteByte(tmpl[i])
		i++
	}
	return b.String()
}

// newSyntaxError renders the message of code: token is the offending
// token (hasToken false where there is none: the message then says
// "undefined", as the reference implementation's does), value the
// expected symbol, parameter index or literal the message names (a
// string, float64, bool or nil).
func newSyntaxError(code string, pos int, token string, hasToken bool, value any) *SyntaxError {
	msg := Render(Messages()[code], func(name string, asJSON bool) string {
		switch name {
		case "token":
			if !hasToken {
				return "undefined"
			}
			if asJSON {
				return quoteJSON(token)
			}
			return token
		case "value":
			return literalJSON(value, asJSON)
		}
		return "undefined"
	})
	return &SyntaxError{Offset: pos, Code: code, Msg: msg}
}

// literalJSON writes a literal of the syntax (string, number, boolean
// or null) as JSON.stringify does, or as text where asJSON is false.
func literalJSON(v any, asJSON bool) string {
	switch x := v.(type) {
	case string:
		if asJSON {
			return quoteJSON(x)
		}
		return x
	case float64:
		if x != x || x-x != 0 { // NaN and the infinities have no JSON form
			return "null"
		}
		return FormatNumber(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return "null"
}

func quoteJSON(s string) string {
	var b strings.Builder
	WriteJSONString(&b, s)
	return b.String()
}
