package compiler

import (
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// An operandType is what a Choice comparison operator compares against.
type operandType int

const (
	operandString operandType = iota
	operandNumber
	operandBool
	operandTimestamp
	operandIs   // Is* type tests: true or false
	operandPath // …Path operators: a reference path
)

// compareOps maps each comparison operator to its operand type
// (asl-reference §4.1).
var compareOps = func() map[string]operandType {
	m := map[string]operandType{"StringMatches": operandString}
	for _, cmp := range []string{"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"} {
		m["String"+cmp] = operandString
		m["Numeric"+cmp] = operandNumber
		m["Timestamp"+cmp] = operandTimestamp
		for _, fam := range []string{"String", "Numeric", "Timestamp"} {
			m[fam+cmp+"Path"] = operandPath
		}
	}
	m["BooleanEquals"] = operandBool
	m["BooleanEqualsPath"] = operandPath
	for _, t := range []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} {
		m[t] = operandIs
	}
	return m
}()

// ruleSchema returns the fields a Choice rule accepts; top-level rules
// also take Next, Assign and, in JSONata, Output.
func ruleSchema(top bool) schema {
	s := schema{"Comment": anyLang, "Variable": onlyPath, "And": onlyPath, "Or": onlyPath, "Not": onlyPath}
	for op := range compareOps {
		s[op] = onlyPath
	}
	if top {
		s["Next"] = anyLang
		s["Assign"] = anyLang
		s["Condition"] = onlyAta
		s["Output"] = onlyAta
	}
	return s
}

var (
	topRuleSchema    = ruleSchema(true)
	nestedRuleSchema = ruleSchema(false)
)

// lowerChoice lowers a Choice state.
func (st *stateCtx) lowerChoice() ir.State {
	c := st.c
	s := &ir.Choice{Common: st.common()}
	if n := st.field("Choices"); n != nil {
		if c.want(n, kindArray) {
			if len(n.items) == 0 {
				c.errAt(n, codeSchema, "Value cannot be empty")
			}
			for _, it := range n.items {
				if b, ok := st.branch(it); ok {
					s.Choices = append(s.Choices, b)
				}
			}
		} else {
			st.sc.broken = true
		}
	} else {
		c.require(st.obj, "Choices")
	}
	if n := st.field("Default"); n != nil {
		s.Default = st.target(n)
	}
	return s
}

// branch lowers a top-level Choice rule.
func (st *stateCtx) branch(n *node) (ir.ChoiceBranch, bool) {
	c := st.c
	if !c.object(n) {
		st.sc.broken = true
		return ir.ChoiceBranch{}, false
	}
	c.checkSchema(n, topRuleSchema, st.ql)
	b := ir.ChoiceBranch{Pos: n.pos()}
	if v := n.val("Next"); v != nil {
		b.Next = st.target(v)
	} else {
		c.require(n, "Next")
		st.sc.broken = true
	}
	if v := n.val("Assign"); v != nil {
		b.Assign = c.assign(v, st.ql)
	}
	if st.jsonata() {
		if v := n.val("Output"); v != nil {
			b.Output = c.output(v)
		}
		if v := n.val("Condition"); v != nil {
			b.Rule = c.condition(v)
		} else {
			c.require(n, "Condition")
		}
	} else {
		b.Rule = st.rule(n, true)
	}
	return b, true
}

// condition lowers a JSONata Condition: true, false or an expression.
func (c *compiler) condition(n *node) ir.Rule {
	switch {
	case n.kind == kindBool:
		return &ir.Condition{Pos: n.pos(), Literal: n.b}
	case n.kind == kindString && isExpr(n.s):
		if e := c.expr(n); e != nil {
			return &ir.Condition{Pos: n.pos(), Expr: e}
		}
		return nil
	}
	c.errAt(n, codeSchema, "The value of Condition must be a boolean or a JSONata expression '{%% ... %%}'")
	return nil
}

// rule lowers a JSONPath Choice rule: a comparison, And, Or or Not. The
// schema of n has been checked by the caller when top is set.
func (st *stateCtx) rule(n *node, top bool) ir.Rule {
	c := st.c
	if !top {
		if !c.object(n) {
			return nil
		}
		c.checkSchema(n, nestedRuleSchema, st.ql)
	}
	var op *member
	for i := range n.members {
		m := &n.members[i]
		_, isCompare := compareOps[m.key]
		if !isCompare && m.key != "And" && m.key != "Or" && m.key != "Not" {
			continue
		}
		if op != nil {
			c.errKey(m, codeSchema, "A Choice rule must have exactly one operator, but has both '%s' and '%s'", op.key, m.key)
			continue
		}
		op = m
	}
	if op == nil {
		c.errAt(n, codeSchema, "A Choice rule must have a comparison operator or one of And, Or, Not")
		return nil
	}
	switch op.key {
	case "And", "Or":
		if v := n.get("Variable"); v != nil {
			c.errKey(v, codeSchema, "Field 'Variable' is not supported with '%s'", op.key)
		}
		if !c.want(op.val, kindArray) {
			return nil
		}
		if len(op.val.items) == 0 {
			c.errAt(op.val, codeSchema, "Value cannot be empty")
		}
		var rules []ir.Rule
		for _, it := range op.val.items {
			if r := st.rule(it, false); r != nil {
				rules = append(rules, r)
			}
		}
		if op.key == "And" {
			return &ir.And{Pos: n.pos(), Rules: rules}
		}
		return &ir.Or{Pos: n.pos(), Rules: rules}
	case "Not":
		if v := n.get("Variable"); v != nil {
			c.errKey(v, codeSchema, "Field 'Variable' is not supported with 'Not'")
		}
		if !c.want(op.val, kindObject) {
			return nil
		}
		return &ir.Not{Pos: n.pos(), Rule: st.rule(op.val, false)}
	}
	// compareOps holds only operators ir knows (TestCompareOpsParse).
	operator, _ := ir.ParseOperator(strings.TrimSuffix(op.key, "Path"))
	cmp := &ir.Compare{Pos: n.pos(), Op: operator}
	if v := n.val("Variable"); v != nil {
		cmp.Variable = c.path(v, "Variable", PathReference, true)
	} else {
		c.require(n, "Variable")
	}
	v := op.val
	switch compareOps[op.key] {
	case operandString:
		if s, ok := c.str(v); ok {
			cmp.Value = ir.String(s)
		}
	case operandNumber:
		if c.want(v, kindNumber) {
			cmp.Value = value(v)
		}
	case operandBool, operandIs:
		if b, ok := c.boolean(v); ok {
			cmp.Value = ir.Bool(b)
		}
	case operandTimestamp:
		if s, ok := c.str(v); ok {
			if !validTimestamp(s) {
				c.errAt(v, codeSchema, "String does not match RFC3339 timestamp")
			}
			cmp.Value = ir.String(s)
		}
	case operandPath:
		cmp.OperandPath = c.path(v, op.key, PathReference, true)
	}
	return cmp
}
