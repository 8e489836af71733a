package codegen

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// The ordinary path of the states fused code runs.
//
// Fused code hands a state over to the ordinary path only where it
// cannot run it (and an execution that keeps a history, or a durable
// one, runs it there): there such a state needs exact semantics more than
// speed, so rather than a second full copy of its code it is described
// by an sfnimpl.StateSpec, a package variable, and sfnimpl's Frame.RunSpec
// runs the description. Other states keep their generated method.

// specKinds names the runtime's SpecKind of each state kind fused code runs.
var specKinds = map[string]runtimeName{"Pass": "SpecPass", "Choice": "SpecChoice", "Succeed": "SpecSucceed"}

// ruleKinds names the runtime's RuleKind of each Choice operator.
var ruleKinds = map[ir.Operator]runtimeName{
	ir.StringEquals: "RuleStringEquals", ir.StringLessThan: "RuleStringLessThan", ir.StringGreaterThan: "RuleStringGreaterThan",
	ir.StringLessThanEquals: "RuleStringLessThanEquals", ir.StringGreaterThanEquals: "RuleStringGreaterThanEquals",
	ir.StringMatches: "RuleStringMatches",
	ir.NumericEquals: "RuleNumericEquals", ir.NumericLessThan: "RuleNumericLessThan", ir.NumericGreaterThan: "RuleNumericGreaterThan",
	ir.NumericLessThanEquals: "RuleNumericLessThanEquals", ir.NumericGreaterThanEquals: "RuleNumericGreaterThanEquals",
	ir.BooleanEquals:   "RuleBooleanEquals",
	ir.TimestampEquals: "RuleTimestampEquals", ir.TimestampLessThan: "RuleTimestampLessThan", ir.TimestampGreaterThan: "RuleTimestampGreaterThan",
	ir.TimestampLessThanEquals: "RuleTimestampLessThanEquals", ir.TimestampGreaterThanEquals: "RuleTimestampGreaterThanEquals",
	ir.IsNull: "RuleIsNull", ir.IsPresent: "RuleIsPresent", ir.IsNumeric: "RuleIsNumeric", ir.IsString: "RuleIsString",
	ir.IsBoolean: "RuleIsBoolean", ir.IsTimestamp: "RuleIsTimestamp",
}

// errNoSpec reports a state that a StateSpec cannot describe: it keeps
// its generated method.
type errNoSpec struct{ what string }

func (e errNoSpec) Error() string { return "no StateSpec for " + e.what }

// maxSpecFields bounds the keyed fields of one StateSpec: a package
// variable's initialiser is code to the Go compiler, whose time and
// memory grow with it (see TestGeneratedCodeBounded). A state whose
// description would be larger keeps its method.
const maxSpecFields = 100

// specs declares a StateSpec for each state in fused that one can
// describe, and returns those states.
func (g *gen) specs(p *prog, fused []int) map[int]bool {
	sort.Ints(fused)
	done := map[int]bool{}
	for _, i := range fused {
		s := p.m.States[i]
		g.specFields = 0
		code, ok := g.stateSpec(p, s)
		if !ok || g.specFields > maxSpecFields {
			continue
		}
		done[i] = true
		c := s.Base()
		g.decls = append(g.decls, jen.Comment(fmt.Sprintf("%s describes %s state %q (%s), which fused code runs, for", specName(p, i), ir.Kind(s), c.Name, c.Pos.Pointer)).Line().
			Comment("the ordinary path where fused code hands it over (see sfnimpl.Frame.RunSpec).").Line().
			Var().Id(specName(p, i)).Op("=").Add(rt("StateSpec")).Add(code))
	}
	return done
}

// specName names the package variable holding the StateSpec of state i
// of p.
func specName(p *prog, i int) string { return fmt.Sprintf("spec%d_%d", p.index, i) }

// kv is kv, counting the fields of the StateSpec being emitted.
func (g *gen) kv(key string, v jen.Code) jen.Code {
	g.specFields++
	return kv(key, v)
}

// stateSpec returns the StateSpec literal of s, or false where one cannot
// describe it.
func (g *gen) stateSpec(p *prog, s ir.State) (code jen.Code, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isNoSpec := r.(errNoSpec); !isNoSpec {
				panic(r)
			}
			code, ok = nil, false
		}
	}()
	c := s.Base()
	if c.QueryLanguage != ir.JSONPath || c.Assign != nil {
		return nil, false
	}
	fields := []jen.Code{g.kv("Kind", rt(specKinds[ir.Kind(s)]))}
	add := func(key string, v jen.Code) { fields = append(fields, g.kv(key, v)) }
	if sel := g.selection(c.InputPath); sel != nil {
		add("InputPath", sel)
	}
	switch s := s.(type) {
	case *ir.Pass:
		switch {
		case s.Result != nil:
			add("Result", jen.Op("&").Add(rt("Template")).Add(g.templateSpec(&ir.TLiteral{Value: s.Result})))
		case s.Parameters != nil:
			add("Parameters", jen.Op("&").Add(rt("Template")).Add(g.templateSpec(s.Parameters)))
		}
		rp, op := s.ResultPath, c.OutputPath
		switch {
		case rp.Null:
			add("ResultPath", rt("Placement").Values(g.kv("Discard", jen.True())))
		case rp.Path != nil && len(rp.Path.Segments) > 0:
			if rp.Path.Root != ir.RootInput || !rp.Path.Definite() {
				panic(errNoSpec{"ResultPath " + rp.Path.Source})
			}
			add("ResultPath", rt("Placement").Values(g.kv("Source", jen.Lit(rp.Path.Source)),
				g.kv("Steps", jen.Index().Any().Values(pathSteps(rp.Path)...))))
			if outputIsResult(rp, op) {
				// As the generated code does (see finish).
				add("OutputIsResult", jen.True())
				op = ir.OptionalPath{}
			}
		}
		if sel := g.selection(op); sel != nil {
			add("OutputPath", sel)
		}
		add("Next", p.next(s.Next))
	case *ir.Succeed:
		if sel := g.selection(c.OutputPath); sel != nil {
			add("OutputPath", sel)
		}
		add("Next", rt("End"))
	case *ir.Choice:
		var choices []jen.Code
		for _, br := range s.Choices {
			if br.Assign != nil || br.Output != nil {
				return nil, false
			}
			choices = append(choices, jen.Line().Values(g.kv("Rule", rt("Rule").Add(g.ruleSpec(br.Rule))), g.kv("Next", p.next(br.Next))))
		}
		add("Choices", jen.Index().Add(rt("Choice")).Values(append(choices, jen.Line())...))
		if sel := g.selection(c.OutputPath); sel != nil {
			add("OutputPath", sel)
		}
		if s.Default != "" {
			add("Next", p.next(s.Default))
			add("HasDefault", jen.True())
		}
	default:
		return nil, false
	}
	return jen.Values(fields...), true
}

// kv is the keyed element key: v of a composite literal.
func kv(key string, v jen.Code) jen.Code { return jen.Id(key).Op(":").Add(v) }

// selection returns the sfnimpl.Selection of an InputPath or OutputPath,
// or nil for the whole value (the zero Selection).
func (g *gen) selection(p ir.OptionalPath) jen.Code {
	switch {
	case p.Null:
		return rt("Selection").Values(g.kv("Null", jen.True()))
	case p.Path == nil || p.Path.Root == ir.RootInput && len(p.Path.Segments) == 0:
		return nil
	}
	return rt("Selection").Values(g.kv("Path", g.pathSpec(p.Path)))
}

// pathSpec returns a pointer to the sfnimpl.PathSpec of p, declared once
// per path as written.
func (g *gen) pathSpec(p *ir.Path) jen.Code {
	if p.Root != ir.RootInput || !p.Definite() || len(p.Segments) == 0 {
		panic(errNoSpec{"path " + p.Source})
	}
	key := p.Source + "\x00" + normalized(p)
	name, ok := g.pathSpecs[key]
	if !ok {
		g.pathCall(p, jen.Id("v")) // declares the path's lookup function
		fnName := g.paths[segmentsKey(p)]
		name = g.names.unique(fnName + "Spec")
		g.pathSpecs[key] = name
		g.decls = append(g.decls, jen.Var().Id(name).Op("=").Add(rt("PathSpec")).Values(
			g.kv("Source", jen.Lit(p.Source)), g.kv("Normalized", jen.Lit(normalized(p))), g.kv("Lookup", jen.Id(fnName))))
	}
	return jen.Op("&").Id(name)
}

// templateSpec returns the sfnimpl.Template literal of t, its type elided.
func (g *gen) templateSpec(t ir.Template) jen.Code {
	switch t := t.(type) {
	case *ir.TLiteral:
		switch t.Value.(type) {
		case ir.Array, ir.Object:
			return jen.Values(g.kv("Ref", jen.Op("&").Add(g.value(t.Value))))
		}
		return jen.Values(g.kv("Value", g.value(t.Value)))
	case *ir.TObject:
		var keys, items []jen.Code
		for _, f := range t.Fields {
			keys = append(keys, jen.Lit(f.Key))
			items = append(items, jen.Line().Add(g.templateSpec(f.Value)))
		}
		fields := []jen.Code{g.kv("Kind", rt("TemplateObject")), g.kv("Keys", jen.Index().String().Values(keys...)),
			g.kv("Items", jen.Index().Add(rt("Template")).Values(append(items, jen.Line())...))}
		if setOrAppend(t) == "Set" {
			fields = append(fields, g.kv("Set", jen.True()))
		}
		return jen.Values(fields...)
	case *ir.TArray:
		var items []jen.Code
		for _, it := range t.Items {
			items = append(items, jen.Line().Add(g.templateSpec(it)))
		}
		return jen.Values(g.kv("Kind", rt("TemplateArray")),
			g.kv("Items", jen.Index().Add(rt("Template")).Values(append(items, jen.Line())...)))
	case *ir.TPath:
		return jen.Values(g.kv("Kind", rt("TemplatePath")), g.kv("Field", jen.Lit(t.Field)), g.kv("Path", g.pathSpec(t.Path)))
	case *ir.TIntrinsic:
		return jen.Values(g.kv("Kind", rt("TemplateCall")), g.kv("Field", jen.Lit(t.Field)), g.kv("Call", g.callSpec(t.Call)))
	}
	panic(errNoSpec{fmt.Sprintf("template %T", t)})
}

// callSpec returns a pointer to the sfnimpl.Call literal of c.
func (g *gen) callSpec(c *ir.Call) jen.Code {
	var args []jen.Code
	for _, a := range c.Args {
		switch a := a.(type) {
		case ir.ArgLiteral:
			switch a.Value.(type) {
			case ir.Array, ir.Object:
				panic(errNoSpec{"an array or object argument"})
			}
			args = append(args, jen.Values(g.kv("Value", g.value(a.Value))))
		case ir.ArgPath:
			args = append(args, jen.Values(g.kv("Path", g.pathSpec(a.Path))))
		case ir.ArgCall:
			args = append(args, jen.Values(g.kv("Call", g.callSpec(a.Call))))
		}
	}
	return jen.Op("&").Add(rt("Call")).Values(g.kv("Func", g.intrinsic(c.Func)), g.kv("Args", jen.Index().Add(rt("Arg")).Values(args...)))
}

// ruleSpec returns the sfnimpl.Rule literal of r, its type elided.
func (g *gen) ruleSpec(r ir.Rule) jen.Code {
	var sub []ir.Rule
	var kind runtimeName
	switch r := r.(type) {
	case *ir.And:
		kind, sub = "RuleAnd", r.Rules
	case *ir.Or:
		kind, sub = "RuleOr", r.Rules
	case *ir.Not:
		kind, sub = "RuleNot", []ir.Rule{r.Rule}
	case *ir.Compare:
		kind = ruleKinds[r.Op]
		if kind == "" {
			panic(errNoSpec{"operator " + r.Op.String()})
		}
		fields := []jen.Code{g.kv("Kind", rt(kind)), g.kv("Variable", g.pathSpec(r.Variable))}
		switch {
		case r.OperandPath != nil:
			fields = append(fields, g.kv("Operand", g.pathSpec(r.OperandPath)))
		default:
			switch r.Value.(type) {
			case ir.Array, ir.Object:
				panic(errNoSpec{"an array or object operand"})
			}
			fields = append(fields, g.kv("Value", g.value(r.Value)))
		}
		return jen.Values(fields...)
	default:
		panic(errNoSpec{fmt.Sprintf("rule %T", r)})
	}
	var items []jen.Code
	for _, s := range sub {
		items = append(items, jen.Line().Add(g.ruleSpec(s)))
	}
	return jen.Values(g.kv("Kind", rt(kind)), g.kv("Rules", jen.Index().Add(rt("Rule")).Values(append(items, jen.Line())...)))
}
