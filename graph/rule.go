package graph

import (
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// RuleString returns a readable form of a Choice rule, such as
// `$.x > 5`, `$.s == "a" && !($.t is present)` or, for a JSONata
// Condition, the expression between {% and %}.
func RuleString(r ir.Rule) string {
	return ruleString(r, false)
}

func ruleString(r ir.Rule, nested bool) string {
	switch r := r.(type) {
	case *ir.Compare:
		if r == nil {
			return "?"
		}
		return compareString(r)
	case *ir.And:
		if r == nil {
			return "?"
		}
		return joinRules(r.Rules, " && ", nested)
	case *ir.Or:
		if r == nil {
			return "?"
		}
		return joinRules(r.Rules, " || ", nested)
	case *ir.Not:
		if r == nil {
			return "?"
		}
		return "!(" + ruleString(r.Rule, false) + ")"
	case *ir.Condition:
		if r == nil {
			return "?"
		}
		if r.Expr == nil {
			return strconv.FormatBool(r.Literal)
		}
		return exprString(r.Expr)
	}
	return "?"
}

// joinRules joins the rules of an And or Or; nested ones with more than
// one rule are parenthesised, whatever the precedence, to read at once.
func joinRules(rules []ir.Rule, sep string, nested bool) string {
	parts := make([]string, len(rules))
	for i, sub := range rules {
		parts[i] = ruleString(sub, true)
	}
	s := strings.Join(parts, sep)
	if nested && len(rules) > 1 {
		return "(" + s + ")"
	}
	return s
}

// exprString is a JSONata expression without its {% %} delimiters.
func exprString(e *ir.Expr) string {
	if e == nil {
		return "?"
	}
	s := strings.TrimSpace(e.Source)
	s = strings.TrimPrefix(s, "{%")
	s = strings.TrimSuffix(s, "%}")
	return strings.Join(strings.Fields(s), " ")
}

var compareSymbols = map[string]string{
	"Equals":            "==",
	"LessThan":          "<",
	"GreaterThan":       ">",
	"LessThanEquals":    "<=",
	"GreaterThanEquals": ">=",
}

var isTests = map[string]string{
	"IsNull":      "null",
	"IsPresent":   "present",
	"IsNumeric":   "numeric",
	"IsString":    "a string",
	"IsBoolean":   "a boolean",
	"IsTimestamp": "a timestamp",
}

func compareString(c *ir.Compare) string {
	v := pathString(c.Variable)
	op := c.Op.String()
	if what, ok := isTests[op]; ok {
		if b, ok := c.Value.(ir.Bool); ok && !bool(b) {
			if op == "IsPresent" {
				return v + " is absent"
			}
			return v + " is not " + what
		}
		return v + " is " + what
	}
	operand := valueString(c.Value)
	if c.OperandPath != nil {
		operand = pathString(c.OperandPath)
	}
	if op == "StringMatches" {
		return v + " matches " + operand
	}
	if op == "BooleanEquals" {
		return v + " == " + operand
	}
	for _, fam := range []string{"String", "Numeric", "Timestamp"} {
		if rest, ok := strings.CutPrefix(op, fam); ok {
			if sym, ok := compareSymbols[rest]; ok {
				return v + " " + sym + " " + operand
			}
		}
	}
	return v + " " + op + " " + operand
}

func pathString(p *ir.Path) string {
	if p == nil {
		return "$"
	}
	return p.Source
}

// valueString returns v as compact JSON.
func valueString(v ir.Value) string {
	var b strings.Builder
	writeValue(&b, v, 0)
	return b.String()
}

func writeValue(b *strings.Builder, v ir.Value, depth int) {
	if depth > 32 {
		b.WriteString("…")
		return
	}
	switch v := v.(type) {
	case nil, ir.Null:
		b.WriteString("null")
	case ir.Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case ir.Number:
		b.WriteString(v.Text)
	case ir.String:
		b.WriteString(strconv.Quote(string(v)))
	case ir.Array:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, e, depth+1)
		}
		b.WriteByte(']')
	case ir.Object:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(m.Key))
			b.WriteByte(':')
			writeValue(b, m.Value, depth+1)
		}
		b.WriteByte('}')
	default:
		b.WriteString("?")
	}
}
