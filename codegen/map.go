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
	arr := b.tmp("items")
	if s.ItemReader == nil {
		// With an ItemReader, AWS ignores ItemsPath (recorded).
		if !ata {
			items = b.selectPath(s.ItemsPath, jen.Id(effID))
		}
		isArr := b.tmp("ok")
		b.add(jen.List(jen.Id(arr), jen.Id(isArr)).Op(":=").Any().Call(items).Assert(jen.Index().Any()))
		b.failIf(jen.Op("!").Id(isArr), b.f().Dot("Fail").Call(itemsErr,
			jen.Lit("Map state input must be an array but was: ").Op("+").Add(rt("ToJSON")).Call(items)))
	}

	cfg := jen.Dict{}
	if mc := s.MaxConcurrency; mc != nil {
		cfg[jen.Id("MaxConcurrency")] = jen.Int().Call(b.seconds(mc, sv, "MaxConcurrency"))
	}
	if tc := s.ToleratedFailureCount; tc != nil {
		n := b.tmp("n")
		b.add(jen.Id(n).Op(":=").Int().Call(b.seconds(tc, sv, "ToleratedFailureCount")))
		b.failIf(jen.Id(n).Op("<").Lit(0), b.f().Dot("Fail").Call(rt("ErrRuntime"), jen.Lit("ToleratedFailureCount cannot be negative.")))
		cfg[jen.Id("ToleratedFailureCount")] = jen.Id(n)
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
			maxItems = jen.Int().Call(b.seconds(bt.MaxItemsPerBatch, sv, "MaxItemsPerBatch"))
		}
		if bt.MaxInputBytesPerBatch != nil {
			maxBytes = jen.Int().Call(b.seconds(bt.MaxInputBytesPerBatch, sv, "MaxInputBytesPerBatch"))
		}
		var batchInput jen.Code = jen.Nil()
		if bt.BatchInput != nil {
			batchInput = jen.Id(b.mapTemplate(bt.BatchInput, ata, sv, effID, "BatchInput"))
		}
		if s.Distributed {
			// A Map Run batches as it reads: its items are streamed.
			cfg[jen.Id("Batcher")] = jen.Op("&").Add(rt("BatcherConfig")).Values(jen.Dict{
				jen.Id("MaxItems"): maxItems, jen.Id("MaxBytes"): maxBytes, jen.Id("BatchInput"): batchInput,
			})
		} else {
			b.add(jen.Id(arr).Op("=").Add(rt("Batch")).Call(jen.Id(arr), maxItems, maxBytes, batchInput))
		}
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
	if s.Distributed {
		open := b.distributedMap(s, cfg, arr, effID, sv)
		res, err := b.attempt(retry, func(sub *fn) {
			r, e := sub.tmp("r"), sub.tmp("err")
			sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("DistributedMap").Call(jen.Id("ctx"), open,
				rt("DistributedMapConfig").Values(cfg), sel, jen.Id("m").Dot(proc))))
			sub.selectResult(r, e, s.ResultSelector)
		})
		b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
		return nil
	}
	res, err := b.attempt(retry, func(sub *fn) {
		r, e := sub.tmp("r"), sub.tmp("err")
		sub.add(jen.List(jen.Id(r), jen.Id(e)).Op(":=").Add(sub.f().Dot("Map").Call(jen.Id("ctx"), jen.Id(arr),
			rt("MapConfig").Values(cfg), sel, jen.Id("m").Dot(proc))))
		sub.selectResult(r, e, s.ResultSelector)
	})
	b.endWork(&s.Common, s.Catch, s.ResultPath, res, err)
	return nil
}

// mapTemplate evaluates a template of a Map state's field (BatchInput, an
// ItemReader's or ResultWriter's Parameters or Arguments) on the
// effective input, or in JSONata on $states.
func (b *fn) mapTemplate(t ir.Template, ata bool, sv, effID, field string) string {
	if ata {
		return b.ataTemplate(t, sv, field)
	}
	return b.template(t, jen.Id(effID))
}

// distributedMap completes the configuration of a Distributed Map (Label,
// ExecutionType, MapStateStarted's length, ResultWriter) and returns the
// function that opens its items: the ItemReader's, or the array arr.
func (b *fn) distributedMap(s *ir.Map, cfg jen.Dict, arr, effID, sv string) jen.Code {
	ata := s.QueryLanguage == ir.JSONata
	if s.Label != "" {
		cfg[jen.Id("Label")] = jen.Lit(s.Label)
	}
	cfg[jen.Id("ExecutionType")] = jen.Lit(s.ExecType)
	if w := s.ResultWriter; w != nil {
		wc := jen.Dict{}
		if w.Export {
			wc[jen.Id("Export")] = jen.True()
		}
		if w.Args != nil {
			wc[jen.Id("Args")] = jen.Id(b.mapTemplate(w.Args, ata, sv, effID, "Arguments"))
		}
		if w.Transformation != "" {
			wc[jen.Id("Transformation")] = jen.Lit(w.Transformation)
		}
		if w.OutputType != "" {
			wc[jen.Id("OutputType")] = jen.Lit(w.OutputType)
		}
		cfg[jen.Id("Writer")] = jen.Op("&").Add(rt("ResultWriterConfig")).Values(wc)
	}
	sig := jen.Func().Params(jen.Id("ctx").Qual("context", "Context")).Params(rt("ItemIterator"), jen.Error())
	r := s.ItemReader
	if r == nil {
		cfg[jen.Id("Length")] = jen.Len(jen.Id(arr))
		return sig.Block(jen.Return(rt("SliceItems").Call(jen.Id(arr)), jen.Nil()))
	}
	rc := jen.Dict{jen.Id("Resource"): jen.Lit(r.Resource)}
	if r.InputType != "" {
		rc[jen.Id("InputType")] = jen.Lit(r.InputType)
	}
	if r.CSVHeaders != nil {
		hs := make([]jen.Code, len(r.CSVHeaders))
		for i, h := range r.CSVHeaders {
			hs[i] = jen.Lit(h)
		}
		rc[jen.Id("CSVHeaders")] = jen.Index().String().Values(hs...)
	}
	if r.CSVDelimiter != "" {
		rc[jen.Id("CSVDelimiter")] = jen.Lit(r.CSVDelimiter)
	}
	if r.MaxItems != nil {
		rc[jen.Id("MaxItems")] = jen.Int().Call(b.seconds(r.MaxItems, sv, "MaxItems"))
	}
	var args jen.Code = jen.Nil()
	if r.Args != nil {
		args = jen.Id(b.mapTemplate(r.Args, ata, sv, effID, "Arguments"))
	}
	return sig.Block(jen.Return(b.f().Dot("ReadItems").Call(jen.Id("ctx"), rt("ItemReaderConfig").Values(rc), args)))
}
