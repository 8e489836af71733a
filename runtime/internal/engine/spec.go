package engine

// The ordinary path of the states that fused code runs (see FastFunc).
//
// Fused code hands a Pass, Choice or Succeed state over to the ordinary
// path only where it cannot run it (a path that may select nothing, a
// bound that may not fit, an execution that keeps a history). Rather than
// a second full copy of every such state in generated code, the compiler
// describes each one in a StateSpec, data in a table, and RunSpec runs the
// description: the same steps in the same order, with the same errors, as
// the generated code of any other state. The compiler describes only the
// states it fuses, so a StateSpec holds what fused code supports: paths
// into the state's input through names and indexes, templates of
// literals, paths and intrinsic calls, and comparisons.

// SpecKind is the kind of state a StateSpec describes.
type SpecKind uint8

// The kinds of state a StateSpec describes; the zero value describes none.
const (
	SpecNone SpecKind = iota
	SpecPass
	SpecChoice
	SpecSucceed
)

// A StateSpec describes one state in JSONPath mode without Assign.
type StateSpec struct {
	Kind SpecKind
	// InputPath and OutputPath select from the state's input and output.
	InputPath, OutputPath Selection
	// Pass: the Result literal (a TemplateLiteral) or else the
	// Parameters template, when there is one.
	Result, Parameters *Template
	// Pass: where the result goes (ResultPath).
	ResultPath Placement
	// Pass: OutputPath selects exactly what ResultPath placed, so the
	// output is the result once placing it is known to be possible.
	OutputIsResult bool
	// Choice: the rules in order, each with the state it picks.
	Choices []Choice
	// Next is the state a Pass goes to (or End); a Choice's Default when
	// HasDefault.
	Next       int
	HasDefault bool
}

// A PathSpec is a path into a state's input through names and indexes.
type PathSpec struct {
	Source     string // as written in the definition, for messages
	Normalized string // as Jayway prints it, for messages
	// Lookup selects the path from a value: a lookup function the
	// compiler generated for it.
	Lookup func(v any) (any, bool)
}

// A Selection is an InputPath or OutputPath.
type Selection struct {
	Null bool      // the path is null: an empty object
	Path *PathSpec // nil: the whole value ($, or no path)
}

// A Placement is a ResultPath.
type Placement struct {
	Discard bool   // ResultPath null: the output is the input
	Steps   []any  // member names and indexes; none: the result is the output
	Source  string // as written, for messages
}

// TemplateKind is the kind of node of a Template.
type TemplateKind uint8

// The kinds of template node.
const (
	TemplateLiteral TemplateKind = iota
	TemplateObject
	TemplateArray
	TemplatePath
	TemplateCall
)

// A Template is a payload template (Parameters) node.
type Template struct {
	Kind TemplateKind
	// TemplateLiteral: the literal, Value, or where it is an array or
	// an object, the element of the generated package's table of
	// literals that Ref points to (filled when the package starts, after
	// its tables of StateSpecs are made).
	Value any
	Ref   *any
	// TemplateObject: the members' keys and values in order; Set when a
	// key repeats (it keeps its first place and takes its last value).
	// TemplateArray: the items.
	Keys  []string
	Items []Template
	Set   bool
	// TemplatePath, TemplateCall: the template field ("x.$"), for
	// messages.
	Field string
	Path  *PathSpec
	Call  *Call
}

// A Call is an intrinsic function call.
type Call struct {
	Func func(x *Execution, args ...any) (any, error)
	Args []Arg
}

// An Arg is an intrinsic function's argument: a path, a call, or else
// the literal Value.
type Arg struct {
	Value any
	Path  *PathSpec
	Call  *Call
}

// A Choice is one of a Choice state's rules and the state it picks.
type Choice struct {
	Rule Rule
	Next int
}

// RuleKind is the kind of a Choice rule: an operator, And, Or or Not.
type RuleKind uint8

// The rules: the comparison operators, then And, Or and Not.
const (
	RuleStringEquals RuleKind = iota + 1
	RuleStringLessThan
	RuleStringGreaterThan
	RuleStringLessThanEquals
	RuleStringGreaterThanEquals
	RuleStringMatches
	RuleNumericEquals
	RuleNumericLessThan
	RuleNumericGreaterThan
	RuleNumericLessThanEquals
	RuleNumericGreaterThanEquals
	RuleBooleanEquals
	RuleTimestampEquals
	RuleTimestampLessThan
	RuleTimestampGreaterThan
	RuleTimestampLessThanEquals
	RuleTimestampGreaterThanEquals
	RuleIsNull
	RuleIsPresent
	RuleIsNumeric
	RuleIsString
	RuleIsBoolean
	RuleIsTimestamp
	RuleAnd
	RuleOr
	RuleNot
)

// A Rule is a Choice rule: a comparison of the value at Variable with
// the value at Operand or else the literal Value, or And, Or, Not over
// Rules.
type Rule struct {
	Kind     RuleKind
	Variable *PathSpec
	Operand  *PathSpec
	Value    any
	Rules    []Rule
}

// RunSpec runs the state s describes on input in, as its generated code
// would: it returns the next state (or End) and the output, or an error.
func (f *Frame) RunSpec(s *StateSpec, in any) (int, any, error) {
	eff, err := f.selectSpec(s.InputPath, in)
	if err != nil {
		return 0, nil, err
	}
	switch s.Kind {
	case SpecSucceed:
		out, err := f.selectSpec(s.OutputPath, eff)
		if err != nil {
			return 0, nil, err
		}
		return End, out, nil
	case SpecChoice:
		return f.runChoice(s, eff)
	case SpecPass:
		return f.runPass(s, in, eff)
	}
	return 0, nil, NewError(ErrRuntime, "unknown state")
}

func (f *Frame) runPass(s *StateSpec, in, eff any) (int, any, error) {
	result := eff
	switch {
	case s.Result != nil:
		result = s.Result.literal()
	case s.Parameters != nil:
		var err error
		if result, err = f.template(s.Parameters, eff); err != nil {
			return 0, nil, err
		}
	}
	rp := s.ResultPath
	if s.OutputIsResult {
		if !CanSetPath(in, rp.Steps...) {
			return 0, nil, f.ResultPathFailure(rp.Source, in)
		}
		return s.Next, result, nil
	}
	out := result
	switch {
	case rp.Discard:
		out = in
	case len(rp.Steps) > 0:
		var ok bool
		if out, ok = f.SetResult(in, result, rp.Steps...); !ok {
			return 0, nil, f.ResultPathFailure(rp.Source, in)
		}
	}
	out, err := f.selectSpec(s.OutputPath, out)
	if err != nil {
		return 0, nil, err
	}
	return s.Next, out, nil
}

func (f *Frame) runChoice(s *StateSpec, eff any) (int, any, error) {
	for i := range s.Choices {
		c := &s.Choices[i]
		match, err := f.rule(&c.Rule, eff)
		if err != nil {
			return 0, nil, err
		}
		if match {
			out, err := f.selectSpec(s.OutputPath, eff)
			if err != nil {
				return 0, nil, err
			}
			return c.Next, out, nil
		}
	}
	if !s.HasDefault {
		return 0, nil, f.Fail(ErrNoChoiceMatched, "No Matches!")
	}
	out, err := f.selectSpec(s.OutputPath, eff)
	if err != nil {
		return 0, nil, err
	}
	return s.Next, out, nil
}

// selectSpec applies an InputPath or OutputPath to v.
func (f *Frame) selectSpec(sel Selection, v any) (any, error) {
	switch {
	case sel.Null:
		return NewObject(0), nil
	case sel.Path == nil:
		return v, nil
	}
	out, ok := sel.Path.Lookup(v)
	if !ok {
		return nil, f.PathNotFound(sel.Path.Source, sel.Path.Normalized)
	}
	return out, nil
}

// template evaluates t on in, the state's effective input.
func (f *Frame) template(t *Template, in any) (any, error) {
	switch t.Kind {
	case TemplateLiteral:
		return t.literal(), nil
	case TemplateObject:
		o := NewObject(len(t.Items))
		for i := range t.Items {
			v, err := f.template(&t.Items[i], in)
			if err != nil {
				return nil, err
			}
			if t.Set {
				o.Set(t.Keys[i], v)
			} else {
				o.Append(t.Keys[i], v)
			}
		}
		return o, nil
	case TemplateArray:
		a := make([]any, len(t.Items))
		for i := range t.Items {
			v, err := f.template(&t.Items[i], in)
			if err != nil {
				return nil, err
			}
			a[i] = v
		}
		return a, nil
	case TemplatePath:
		v, ok := t.Path.Lookup(in)
		if !ok {
			return nil, f.FieldPathNotFound(t.Path.Source, t.Field, in)
		}
		return v, nil
	case TemplateCall:
		return f.call(t.Call, t.Field, in)
	}
	return nil, NewError(ErrRuntime, "unknown template")
}

// literal is the value of a TemplateLiteral.
func (t *Template) literal() any {
	if t.Ref != nil {
		return *t.Ref
	}
	return t.Value
}

// call evaluates an intrinsic call of template field field on in.
func (f *Frame) call(c *Call, field string, in any) (any, error) {
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		switch {
		case a.Path != nil:
			v, ok := a.Path.Lookup(in)
			if !ok {
				return nil, f.FieldPathNotFound(a.Path.Source, field, in)
			}
			args[i] = v
		case a.Call != nil:
			v, err := f.call(a.Call, field, in)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.Value
		}
	}
	return c.Func(f.X, args...)
}

// rule evaluates a Choice rule on in; And and Or short-circuit.
func (f *Frame) rule(r *Rule, in any) (bool, error) {
	switch r.Kind {
	case RuleAnd, RuleOr:
		and := r.Kind == RuleAnd
		for i := range r.Rules {
			match, err := f.rule(&r.Rules[i], in)
			if err != nil {
				return false, err
			}
			if match != and {
				return match, nil
			}
		}
		return and, nil
	case RuleNot:
		match, err := f.rule(&r.Rules[0], in)
		return !match, err
	}
	v, found := r.Variable.Lookup(in)
	if r.Kind == RuleIsPresent {
		return found == r.Value, nil
	}
	// A Variable that selects nothing fails the execution (only
	// IsPresent may test for absence).
	if !found {
		return false, f.PathNotFound(r.Variable.Source, r.Variable.Normalized)
	}
	operand := r.Value
	if r.Operand != nil {
		w, ok := r.Operand.Lookup(in)
		if !ok {
			return false, f.PathNotFound(r.Operand.Source, r.Operand.Normalized)
		}
		operand = w
	}
	return compareRule(r.Kind, v, operand), nil
}

// compareRule is the outcome of comparison k of v with operand: false,
// never an error, where an operand is not of the type k compares.
func compareRule(k RuleKind, v, operand any) bool {
	switch k {
	case RuleStringEquals:
		s, ok := v.(string)
		w, wok := operand.(string)
		return ok && wok && s == w
	case RuleStringMatches:
		pattern, _ := operand.(string)
		return StringMatches(v, pattern)
	case RuleStringLessThan, RuleStringGreaterThan, RuleStringLessThanEquals, RuleStringGreaterThanEquals:
		cmp, ok := StringCompare(v, operand)
		return ok && holds(k-RuleStringEquals, cmp)
	case RuleNumericEquals, RuleNumericLessThan, RuleNumericGreaterThan, RuleNumericLessThanEquals, RuleNumericGreaterThanEquals:
		cmp, ok := NumericCompare(v, operand)
		return ok && holds(k-RuleNumericEquals, cmp)
	case RuleTimestampEquals, RuleTimestampLessThan, RuleTimestampGreaterThan, RuleTimestampLessThanEquals, RuleTimestampGreaterThanEquals:
		cmp, ok := TimestampCompare(v, operand)
		return ok && holds(k-RuleTimestampEquals, cmp)
	case RuleBooleanEquals:
		return BooleanEquals(v, operand)
	case RuleIsNull:
		return (v == nil) == operand
	case RuleIsNumeric:
		return IsNumber(v) == operand
	case RuleIsString:
		_, ok := v.(string)
		return ok == operand
	case RuleIsBoolean:
		_, ok := v.(bool)
		return ok == operand
	case RuleIsTimestamp:
		return IsTimestamp(v) == operand
	}
	return false
}

// holds reports whether the comparison result cmp (-1, 0 or 1) satisfies
// a relation, numbered as each family orders its operators: Equals,
// LessThan, GreaterThan, LessThanEquals, GreaterThanEquals.
func holds(rel RuleKind, cmp int) bool {
	switch rel {
	case 0:
		return cmp == 0
	case 1:
		return cmp < 0
	case 2:
		return cmp > 0
	case 3:
		return cmp <= 0
	}
	return cmp >= 0
}
