package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// genMap runs the item processor once per item of ItemsPath.
func (g *gen) genMap(b *fn, s *ir.Map) error {
	ata := s.QueryLanguage == ir.JSONata
	var sv string
	var eff, items jen.Code
	itemsErr := rt("ErrRuntime")
	if ata {
		sv = b.statesVars(jen.Id("in"), nil, nil)
		eff, items = jen.Id("in"), jen.Id("in")
		itemsErr = rt("ErrQueryEvaluationError")
		if s.Items != nil {
			items = jen.Id(b.ataTemplate(s.Items, sv, "Items"))
			if e, ok := s.Items.(*ir.TExpr); ok {
				err := b.tmp("err")
				b.add(jen.Id(err).Op(":=").Add(b.f().Dot("AtaType").Call(jen.Lit("Items"), jen.Lit(e.Expr.Source), items, jen.Lit("array"))))
				b.checkErr(err)
			}
		}
	} else {
		eff = b.inputPath(s.InputPath)
	}
	effID := b.tmp("eff")
	b.add(jen.Id(effID).Op(":=").Add(eff))
	b.add(jen.Id("_").Op("=").Id(effID)) // ItemsPath may read a variable instead
	if !ata {
		items = b.selectPath(s.ItemsPath, jen.Id(effID))
	}
	arr, isArr := b.tmp("items"), b.tmp("ok")
	b.add(jen.List(jen.Id(arr), jen.Id(isArr)).Op(":=").Any().Call(items).Assert(jen.Index().Any()))
	b.failIf(jen.Op("!").Id(isArr), b.f().Dot("Fail").Call(itemsErr,
		jen.Lit("Map state input must be an array but was: ").Op("+").Add(rt("ToJSON")).Call(items)))

	cfg := jen.Dict{}
	if s.Distributed {
		cfg[jen.Id("Distributed")] = jen.True()
	}
	if mc := s.MaxConcurrency; mc != nil {
		if mc.Expr != nil {
			cfg[jen.Id("MaxConcurrency")] = jen.Int().Call(jen.Id(b.ataInt(mc.Expr, sv, "MaxConcurrency")))
		} else if mc.Path != nil {
			v, ok := b.path(mc.Path, jen.Id("in"))
			n, err := b.tmp("n"), b.tmp("err")
			b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit("MaxConcurrencyPath"), jen.Lit(mc.Path.Source), jen.Id(v), jen.Id(ok))))
			b.checkErr(err)
			cfg[jen.Id("MaxConcurrency")] = jen.Id(n)
		} else if mc.Literal > 0 {
			cfg[jen.Id("MaxConcurrency")] = jen.Lit(int(mc.Literal))
		}
	}
	if tc := s.ToleratedFailureCount; tc != nil {
		if tc.Expr != nil {
			cfg[jen.Id("ToleratedFailureCount")] = jen.Int().Call(jen.Id(b.ataInt(tc.Expr, sv, "ToleratedFailureCount")))
		} else if tc.Path != nil {
			v, ok := b.path(tc.Path, jen.Id("in"))
			n, err := b.tmp("n"), b.tmp("err")
			b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit("ToleratedFailureCountPath"), jen.Lit(tc.Path.Source), jen.Id(v), jen.Id(ok))))
			b.checkErr(err)
			b.failIf(jen.Id(n).Op("<").Lit(0), b.f().Dot("Fail").Call(rt("ErrRuntime"), jen.Lit("ToleratedFailureCount cannot be negative.")))
			cfg[jen.Id("ToleratedFailureCount")] = jen.Id(n)
		} else {
			cfg[jen.Id("ToleratedFailureCount")] = jen.Lit(int(tc.Literal))
		}
	}
	if tp := s.ToleratedFailurePercentage; tp != nil {
		if tp.Expr != nil {
			v := b.ataExpr(tp.Expr, sv, "ToleratedFailurePercentage")
			n, err := b.tmp("n"), b.tmp("err")
			b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("AtaFloat").Call(jen.Lit("ToleratedFailurePercentage"), jen.Lit(tp.Expr.Source), jen.Id(v))))
			b.checkErr(err)
			cfg[jen.Id("ToleratedFailurePercentage")] = jen.Id(n)
		} else if tp.Path != nil {
			v, ok := b.path(tp.Path, jen.Id("in"))
			n, err := b.tmp("n"), b.tmp("err")
			b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("FloatField").Call(jen.Lit("ToleratedFailurePercentagePath"), jen.Lit(tp.Path.Source), jen.Id(v), jen.Id(ok))))
			b.checkErr(err)
			b.failIf(jen.Id(n).Op("<").Lit(0).Op("||").Id(n).Op(">").Lit(100), b.f().Dot("Fail").Call(rt("ErrRuntime"), jen.Lit("ToleratedFailurePercentage must be between 0 and 100.")))
			cfg[jen.Id("ToleratedFailurePercentage")] = jen.Id(n)
		} else {
			cfg[jen.Id("ToleratedFailurePercentage")] = jen.Lit(tp.Literal)
		}
	}

	if bt := s.ItemBatcher; bt != nil {
		var maxItems, maxBytes jen.Code = jen.Lit(0), jen.Lit(0)
		if bt.MaxItemsPerBatch != nil {
			maxItems = b.intSetting(bt.MaxItemsPerBatch, "MaxItemsPerBatchPath")
		}
		if bt.MaxInputBytesPerBatch != nil {
			maxBytes = b.intSetting(bt.MaxInputBytesPerBatch, "MaxInputBytesPerBatchPath")
		}
		var batchInput jen.Code = jen.Nil()
		if bt.BatchInput != nil {
			batchInput = jen.Id(b.template(bt.BatchInput, jen.Id(effID)))
		}
		b.add(jen.Id(arr).Op("=").Add(rt("Batch")).Call(jen.Id(arr), maxItems, maxBytes, batchInput))
	}

	var sel jen.Code = jen.Nil()
	if s.ItemSelector != nil {
		sb := &fn{g: g, p: b.p, n: b.n + 3000, frame: "sf", ret: func(err jen.Code) jen.Code { return jen.Return(jen.Nil(), err) }}
		var v string
		if ata {
			v = sb.ataTemplate(s.ItemSelector, sb.statesVars(jen.Id(effID), nil, nil), "ItemSelector")
		} else {
			v = sb.template(s.ItemSelector, jen.Id(effID))
		}
		sb.add(jen.Return(jen.Id(v), jen.Nil()))
		b.n = sb.n
		sel = jen.Func().Params(jen.Id("sf").Op("*").Add(rt("Frame")), jen.Id("_").Any(), jen.Id("_").Int()).Params(jen.Any(), jen.Error()).Block(sb.body...)
	}
	retry := g.retriers(s.Name, s.Retry)
	proc := g.progOf(s.Processor).field
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("Map").Call(jen.Id("ctx"), jen.Id(arr),
			rt("MapConfig").Values(cfg), sel, jen.Id("m").Dot(proc))))
		sub.checkErr(e)
		var result jen.Code = jen.Any().Call(jen.Id(r))
		if s.ResultSelector != nil {
			rr := sub.tmp("rr")
			sub.add(jen.Var().Id(rr).Any().Op("=").Id(r))
			result = jen.Id(sub.template(s.ResultSelector, jen.Id(rr)))
		}
		sub.add(jen.Return(result, jen.Nil()))
	})
	b.catch(s.Catch, err, ata)
	if ata {
		b.ataFinish(&s.Common, b.statesVars(jen.Id("in"), jen.Id(res), nil), jen.Id(res), s.Next)
		return nil
	}
	assigned := b.assign(s.Assign, jen.Id(res))
	b.finish(&s.Common, s.ResultPath, jen.Id(res), assigned)
	return nil
}

// intSetting evaluates an integer setting given literally or by path.
func (b *fn) intSetting(s *ir.Seconds, field string) jen.Code {
	if s.Path == nil {
		return jen.Lit(int(s.Literal))
	}
	v, ok := b.path(s.Path, jen.Id("in"))
	n, err := b.tmp("n"), b.tmp("err")
	b.add(jen.List(jen.Id(n), jen.Id(err)).Op(":=").Add(b.f().Dot("IntField").Call(jen.Lit(field), jen.Lit(s.Path.Source), jen.Id(v), jen.Id(ok))))
	b.checkErr(err)
	return jen.Id(n)
}
