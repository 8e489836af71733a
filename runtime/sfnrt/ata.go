package sfnrt

// StatesVars binds the variables of a JSONata expression in a state: the
// reserved $states (input, context, and where the field may read them,
// result and errorOutput) and the workflow variables in scope. Package
// jsonata reads it through its Vars interface.
type StatesVars struct {
	F              *Frame
	Input          any
	Result         any
	HasResult      bool
	ErrorOutput    any
	HasErrorOutput bool

	states *Object
}

// Lookup returns the value of $name.
func (v *StatesVars) Lookup(name string) (any, bool) {
	if name == "states" {
		if v.states == nil {
			o := NewObject(4)
			o.Set("input", v.Input)
			o.Set("context", v.F.Context())
			if v.HasResult {
				o.Set("result", v.Result)
			}
			if v.HasErrorOutput {
				o.Set("errorOutput", v.ErrorOutput)
			}
			v.states = o
		}
		return v.states, true
	}
	return v.F.Vars.Get(name)
}

// AtaResult turns the outcome of evaluating the JSONata expression src
// for field into its value, or into AWS's States.QueryEvaluationError:
// an expression that yields nothing is an error, not a missing field.
// unsupported reports an error saying the value (a function) is not JSON.
func (f *Frame) AtaResult(field, src string, v any, defined bool, err error, unsupported bool) (any, error) {
	prefix := "The JSONata expression '" + src + "' specified for the field '" + field + "'"
	switch {
	case err != nil && unsupported:
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" returned an unsupported result type.")
	case err != nil:
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" threw an error during evaluation: "+err.Error())
	case !defined:
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" returned nothing (undefined).")
	}
	return v, nil
}

// AtaType checks that the value of a JSONata field has the JSON type
// want ("array", "number", ...), failing as AWS does.
func (f *Frame) AtaType(field, src string, v any, want string) error {
	if got := TypeName(v); got != want {
		return f.Fail(ErrQueryEvaluationError, "The JSONata expression '"+src+"' specified for the field '"+field+
			"' returned an unexpected result type. Expected '"+want+"', but was '"+got+"' for value: "+ToJSON(v))
	}
	return nil
}

// AtaInt reads an integer JSONata field (Seconds, MaxConcurrency, ...).
func (f *Frame) AtaInt(field, src string, v any) (int64, error) {
	if n, ok := Int(v); ok && IsInteger(v) {
		return n, nil
	}
	return 0, f.Fail(ErrQueryEvaluationError, "The JSONata expression '"+src+"' specified for the field '"+field+
		"' returned an unexpected result type. Expected 'integer', but was '"+TypeName(v)+"' for value: "+ToJSON(v))
}

// AtaFloat reads a number JSONata field (ToleratedFailurePercentage).
func (f *Frame) AtaFloat(field, src string, v any) (float64, error) {
	if n, ok := Float(v); ok {
		return n, nil
	}
	return 0, f.Fail(ErrQueryEvaluationError, "The JSONata expression '"+src+"' specified for the field '"+field+
		"' returned an unexpected result type. Expected 'number', but was '"+TypeName(v)+"' for value: "+ToJSON(v))
}

// AtaString renders the value of a JSONata Error or Cause field.
func AtaString(v any) string { return plain(v) }

// AtaLookup follows member names from v, as the JSONata path
// "<root>.k1.k2…" does when every step meets an object: a missing member
// or a step on a scalar is undefined. native is false when a step meets
// an array, where JSONata maps the path over the elements: the caller then
// evaluates the expression with the engine.
func AtaLookup(v any, keys ...string) (result any, defined, native bool) {
	for _, k := range keys {
		switch x := v.(type) {
		case *Object:
			w, ok := x.Get(k)
			if !ok {
				return nil, false, true
			}
			v = w
		case []any:
			return nil, false, false
		default:
			return nil, false, true
		}
	}
	return v, true, true
}
