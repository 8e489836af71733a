package codegen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genChoice tests the rules in order; the first that holds picks Next.
func (g *gen) genChoice(b *fn, s *ir.Choice) error {
	if s.QueryLanguage == ir.JSONata {
		return g.genChoiceAta(b, s)
	}
	eff := b.inputPath(s.InputPath)
	effID := b.tmp("eff")
	b.add(jen.Id(effID).Op(":=").Add(eff))
	for _, br := range s.Choices {
		cond, err := b.rule(br.Rule, jen.Id(effID))
		if err != nil {
			return err
		}
		blk := b.child(500)
		assigned := blk.assign(br.Assign, jen.Id(effID))
		if assigned == "" {
			assigned = blk.assign(s.Assign, jen.Id(effID))
		}
		out := blk.selectPath(s.OutputPath, jen.Id(effID))
		b.choiceBranch(cond, blk, assigned, br.Next, out)
	}
	if s.Default == "" {
		b.choiceNoMatch()
		return nil
	}
	assigned := b.assign(s.Assign, jen.Id(effID))
	out := b.selectPath(s.OutputPath, jen.Id(effID))
	b.commit(assigned)
	b.add(jen.Return(b.p.next(s.Default), out, jen.Nil()))
	return nil
}

// rule evaluates a Choice rule against input and returns the bool local
// holding its outcome. And and Or short-circuit.
func (b *fn) rule(r ir.Rule, input jen.Code) (string, error) {
	return b.ruleWith(r, func(b *fn, r ir.Rule, res string) (string, error) {
		switch r := r.(type) {
		case *ir.Compare:
			return b.compare(r, input, res)
		case *ir.Condition:
			if r.Expr == nil {
				b.add(jen.Id(res).Op(":=").Lit(r.Literal))
				return res, nil
			}
			field := b.condField
			if field == "" {
				field = "Condition"
			}
			v := b.ataExpr(r.Expr, b.sv, field)
			// A boolean is the rule's outcome; only another value calls
			// AtaType, for AWS's error.
			err, isBool := b.tmp("err"), b.tmp("isBool")
			b.add(jen.List(jen.Id(res), jen.Id(isBool)).Op(":=").Id(v).Assert(jen.Bool()))
			fail := b.child(0)
			fail.add(jen.Id(err).Op(":=").Add(b.f().Dot("AtaType").Call(jen.Lit(field), jen.Lit(r.Expr.Source), jen.Id(v), jen.Lit("boolean"))))
			fail.checkErr(err)
			b.n = fail.n
			b.add(jen.If(jen.Op("!").Id(isBool)).Block(fail.body...))
			return res, nil
		}
		panic(fmt.Sprintf("codegen: unknown rule %T", r))
	})
}

// ruleWith evaluates And, Or and Not, short-circuiting, and leaves every
// other rule to leaf, which sets the bool local res to its outcome. It
// returns the local holding the outcome of r.
func (b *fn) ruleWith(r ir.Rule, leaf func(b *fn, r ir.Rule, res string) (string, error)) (string, error) {
	res := b.tmp("match")
	switch r := r.(type) {
	case *ir.And, *ir.Or:
		var rules []ir.Rule
		isAnd := false
		if a, ok := r.(*ir.And); ok {
			rules, isAnd = a.Rules, true
		} else {
			rules = r.(*ir.Or).Rules
		}
		b.add(jen.Id(res).Op(":=").Lit(isAnd))
		// Each sub-rule runs only while the outcome is still open.
		for _, sub := range rules {
			inner := b.child(100)
			v, err := inner.ruleWith(sub, leaf)
			if err != nil {
				return "", err
			}
			inner.add(jen.Id(res).Op("=").Id(v))
			b.n = inner.n
			cond := jen.Id(res)
			if !isAnd {
				cond = jen.Op("!").Id(res)
			}
			b.add(jen.If(cond).Block(inner.body...))
		}
		return res, nil
	case *ir.Not:
		v, err := b.ruleWith(r.Rule, leaf)
		if err != nil {
			return "", err
		}
		b.add(jen.Id(res).Op(":=").Op("!").Id(v))
		return res, nil
	}
	return leaf(b, r, res)
}

func (b *fn) compare(c *ir.Compare, input jen.Code, res string) (string, error) {
	v, found := b.path(c.Variable, input)
	if c.Op == ir.IsPresent {
		b.add(jen.Id("_").Op("=").Id(v))
		b.add(jen.Id(res).Op(":=").Id(found).Op("==").Add(b.g.value(c.Value)))
		return res, nil
	}
	// A Variable that selects nothing fails the execution (only IsPresent
	// may test for absence).
	b.failIf(jen.Op("!").Id(found), b.f().Dot("PathNotFound").Call(jen.Lit(c.Variable.Source), jen.Lit(normalized(c.Variable))))
	var operand jen.Code
	if c.OperandPath != nil {
		w, ok := b.path(c.OperandPath, input)
		b.failIf(jen.Op("!").Id(ok), b.f().Dot("PathNotFound").Call(jen.Lit(c.OperandPath.Source), jen.Lit(normalized(c.OperandPath))))
		operand = jen.Id(w)
	} else {
		operand = b.g.value(c.Value)
	}
	return b.compareValues(c, jen.Id(v), operand, res)
}

// compareValues sets res to the outcome of c's operator on the value vv
// (an `any` local) and operand (an `any` local or c's literal).
func (b *fn) compareValues(c *ir.Compare, vv, operand jen.Code, res string) (string, error) {
	switch c.Op.Family() {
	case ir.FamilyString, ir.FamilyNumeric, ir.FamilyTimestamp:
		if c.Op == ir.StringEquals {
			// Equality needs no ordering: a plain comparison of strings.
			s, ok := b.tmp("s"), b.tmp("ok")
			b.add(jen.List(jen.Id(s), jen.Id(ok)).Op(":=").Add(vv).Assert(jen.String()))
			w, wok := b.tmp("w"), b.tmp("ok")
			b.add(jen.List(jen.Id(w), jen.Id(wok)).Op(":=").Any().Call(operand).Assert(jen.String()))
			b.add(jen.Id(res).Op(":=").Id(ok).Op("&&").Id(wok).Op("&&").Id(s).Op("==").Id(w))
			return res, nil
		}
		if c.Op == ir.StringMatches {
			b.add(jen.Id(res).Op(":=").Add(rt("StringMatches")).Call(vv, operand))
			return res, nil
		}
		cmp, ok := b.tmp("cmp"), b.tmp("ok")
		b.add(jen.List(jen.Id(cmp), jen.Id(ok)).Op(":=").Add(rt(compareFuncs[c.Op.Family()])).Call(vv, operand))
		b.add(jen.Id(res).Op(":=").Id(ok).Op("&&").Id(cmp).Op(relOps[c.Op.Relation()]).Lit(0))
		return res, nil
	case ir.FamilyBoolean:
		b.add(jen.Id(res).Op(":=").Add(rt("BooleanEquals")).Call(vv, operand))
		return res, nil
	}
	switch c.Op {
	case ir.IsNull:
		b.add(jen.Id(res).Op(":=").Parens(jen.Add(vv).Op("==").Nil()).Op("==").Add(operand))
	case ir.IsNumeric:
		b.add(jen.Id(res).Op(":=").Add(rt("IsNumber")).Call(vv).Op("==").Add(operand))
	case ir.IsString:
		b.add(jen.List(jen.Id("_"), jen.Id(res+"s")).Op(":=").Add(vv).Assert(jen.String()))
		b.add(jen.Id(res).Op(":=").Id(res + "s").Op("==").Add(operand))
	case ir.IsBoolean:
		b.add(jen.List(jen.Id("_"), jen.Id(res+"b")).Op(":=").Add(vv).Assert(jen.Bool()))
		b.add(jen.Id(res).Op(":=").Id(res + "b").Op("==").Add(operand))
	case ir.IsTimestamp:
		b.add(jen.Id(res).Op(":=").Add(rt("IsTimestamp")).Call(vv).Op("==").Add(operand))
	default:
		return "", fmt.Errorf("codegen: %s: unknown Choice operator %s", c.Pos.Pointer, c.Op)
	}
	return res, nil
}

// choiceBranch ends the block blk of a rule that holds when cond does:
// the rule's assignments take effect, and the state goes to next with
// output out. Both query languages' Choice states end a rule so.
func (b *fn) choiceBranch(cond string, blk *fn, assigned string, next ir.StateName, out jen.Code) {
	blk.commit(assigned)
	blk.add(jen.Return(b.p.next(next), out, jen.Nil()))
	b.n = blk.n
	b.add(jen.If(jen.Id(cond)).Block(blk.body...))
}

// choiceNoMatch fails a Choice state with no Default whose rules all
// failed, as AWS does.
func (b *fn) choiceNoMatch() {
	b.add(b.ret(b.f().Dot("Fail").Call(rt("ErrNoChoiceMatched"), jen.Lit("No Matches!"))))
}

// relOps spells each ordering relation as a Go operator on a comparison
// result (-1, 0 or 1) and 0.
var relOps = map[ir.Relation]string{
	ir.RelEquals: "==", ir.RelLessThan: "<", ir.RelGreaterThan: ">", ir.RelLessThanEquals: "<=", ir.RelGreaterThanEquals: ">=",
}

// genChoiceAta: each rule's Condition in order; the matching rule's Assign
// and Output (or the state's) apply.
func (g *gen) genChoiceAta(b *fn, s *ir.Choice) error {
	b.sv = b.statesVars(jen.Id("in"), nil, nil)
	for i, br := range s.Choices {
		// AWS names a rule's fields under its index: Choices[0]/Condition.
		at := "Choices[" + strconv.Itoa(i) + "]/"
		b.condField = at + "Condition"
		cond, err := b.rule(br.Rule, jen.Id("in"))
		if err != nil {
			return err
		}
		blk := b.child(500)
		assign, output := br.Assign, br.Output
		assignAt, outputAt := at, at
		if assign == nil {
			assign, assignAt = s.Assign, ""
		}
		if output == nil {
			output, outputAt = s.Output, ""
		}
		assigned := blk.ataAssign(assign, b.sv, assignAt)
		out := blk.ataOutput(output, b.sv, jen.Id("in"), outputAt)
		b.choiceBranch(cond, blk, assigned, br.Next, out)
	}
	if s.Default == "" {
		b.choiceNoMatch()
		return nil
	}
	b.ataFinish(&s.Common, b.sv, jen.Id("in"), s.Default)
	return nil
}
