package engine

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
)

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
	// NormalResult says that Result is a typed handler's output encoded
	// from a Go type whose encoding holds no integral float, which is
	// what normalising it would rewrite: native code reads it as it is.
	NormalResult bool

	states *Object
	heap   *StatesVars // see Heap
}

// Heap returns v, or a copy of it on the heap, for the JSONata engine.
// Generated code declares a state's bindings in its frame and computes
// most expressions natively from them; handing v itself to the engine
// would move them to the heap in every state, though only some
// expressions need the engine. The bindings do not change once declared,
// so one copy serves all the state's expressions.
func (v *StatesVars) Heap() *StatesVars {
	if v.heap == nil {
		c := *v
		v.heap = &c
	}
	return v.heap
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
	if err == nil && defined {
		return v, nil
	}
	if err != nil {
		if end, ok := contextEnd(err); ok {
			return nil, end
		}
	}
	// Only a failure pays for its message.
	prefix := "The JSONata expression '" + src + "' specified for the field '" + field + "'"
	switch {
	case err != nil && unsupported:
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" returned an unsupported result type.")
	case err != nil:
		// AWS ends its sentence before a coded JSONata error ("T2001: …")
		// and joins a bare message with a colon.
		sep := ": "
		if m := err.Error(); len(m) > 6 && m[0] >= 'A' && m[0] <= 'Z' && isDigits(m[1:5]) && m[5] == ':' {
			sep = ". "
		}
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" threw an error during evaluation"+sep+err.Error())
	case !defined:
		return nil, f.Fail(ErrQueryEvaluationError, prefix+" returned nothing (undefined).")
	}
	return v, nil
}

// contextEnd recognises an evaluation that gave up because its context
// ended (the engine returns the context's cause): the machine's
// TimeoutSeconds (its cause is the States.Timeout error), another
// deadline, or a cancellation. It is not the expression's fault, so it is
// not a States.QueryEvaluationError: the state ends as contextError would.
func contextEnd(err error) (*Error, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e, true
	case errors.Is(err, context.DeadlineExceeded):
		return NewError(ErrTimeout, ""), true
	case errors.Is(err, context.Canceled):
		return &Error{Name: errExecutionCancelledInternal}, true
	}
	return nil, false
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

// ataNumber returns a JSONata arithmetic result as the engine hands it
// back: integral values within ±2^53 as int64.
func ataNumber(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		if f == 0 {
			return int64(0)
		}
		return int64(f)
	}
	return f
}

func ataFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// AtaBinary applies a JSONata binary operator to two defined values for
// natively compiled expressions. ok is false where the fast path does not
// decide (types other than plain numbers, strings and booleans; mixed
// types where JSONata raises an error; non-finite results; non-ASCII
// ordering): the expression then goes to the engine.
func AtaBinary(op string, a, b any) (v any, ok bool) {
	switch op {
	case "+", "-", "*", "/", "%":
		x, ok1 := ataFloat(a)
		y, ok2 := ataFloat(b)
		if !ok1 || !ok2 {
			return nil, false
		}
		var r float64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			r = x / y
		case "%":
			r = math.Mod(x, y)
		}
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, false
		}
		return ataNumber(r), true
	case "<", "<=", ">", ">=":
		var c int
		if x, ok1 := ataFloat(a); ok1 {
			y, ok2 := ataFloat(b)
			if !ok2 {
				return nil, false
			}
			c = cmpFloat(x, y)
		} else {
			s, ok1 := a.(string)
			t, ok2 := b.(string)
			if !ok1 || !ok2 || !isASCII(s) || !isASCII(t) {
				return nil, false
			}
			c = strings.Compare(s, t)
		}
		switch op {
		case "<":
			return c < 0, true
		case "<=":
			return c <= 0, true
		case ">":
			return c > 0, true
		}
		return c >= 0, true
	case "=", "!=":
		eq, ok := scalarEqual(a, b)
		if !ok {
			return nil, false
		}
		return eq == (op == "="), true
	case "&":
		s, ok1 := a.(string)
		t, ok2 := b.(string)
		if !ok1 || !ok2 {
			return nil, false
		}
		return s + t, true
	case "and", "or":
		x, ok1 := a.(bool)
		y, ok2 := b.(bool)
		if !ok1 || !ok2 {
			return nil, false
		}
		if op == "and" {
			return x && y, true
		}
		return x || y, true
	}
	return nil, false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// scalarEqual is JSONata's deep equality for scalars; ok is false for
// arrays, objects and big integers.
func scalarEqual(a, b any) (eq, ok bool) {
	switch a.(type) {
	case []any, *Object, json.Number:
		return false, false
	}
	switch b.(type) {
	case []any, *Object, json.Number:
		return false, false
	}
	if x, isNum := ataFloat(a); isNum {
		y, isNum := ataFloat(b)
		return isNum && x == y, true
	}
	return a == b, true
}

// AtaCall applies a built-in JSONata function natively; ok is false
// where the engine must decide.
func AtaCall(name string, arg any) (v any, ok bool) {
	switch name {
	case "uppercase", "lowercase":
		s, isStr := arg.(string)
		if !isStr || !isASCII(s) {
			return nil, false
		}
		if name == "uppercase" {
			return strings.ToUpper(s), true
		}
		return strings.ToLower(s), true
	case "exists":
		return true, true // native operands are always defined
	case "not":
		b, isBool := arg.(bool)
		if !isBool {
			return nil, false
		}
		return !b, true
	case "abs", "floor", "ceil":
		x, isNum := ataFloat(arg)
		if !isNum {
			return nil, false
		}
		switch name {
		case "abs":
			x = math.Abs(x)
		case "floor":
			x = math.Floor(x)
		default:
			x = math.Ceil(x)
		}
		return ataNumber(x), true
	}
	return nil, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// AtaMergeMember is JSONata's $merge([o, {key: v}]) for an object o: o's
// members in their order, key's value replaced in place or appended, as
// the engine's $merge sets them one by one. It shares o's members where
// SetPath can (ResultPath's way of adding a result). ok is false where o
// is not an object: the array constructor would flatten an array, and
// anything else fails $merge's signature, so the engine decides.
func AtaMergeMember(o any, key string, v any) (any, bool) {
	if _, isObject := o.(*Object); !isObject {
		return nil, false
	}
	return SetPath(o, v, key)
}

// exactInt bounds the int64 operands that the integer fast paths of
// AtaAdd, AtaSub and the comparisons take: within ±2^52, float64 holds
// them and their sums and differences exactly, so integer arithmetic
// gives what JSONata's doubles give.
const exactInt = 1 << 52

func exactInts(a, b any) (x, y int64, ok bool) {
	x, ok1 := a.(int64)
	y, ok2 := b.(int64)
	return x, y, ok1 && ok2 && -exactInt <= x && x <= exactInt && -exactInt <= y && y <= exactInt
}

// AtaAdd is AtaBinary("+", a, b), without the conversions to float64
// where both are small integers (a counter's $i + 1).
func AtaAdd(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x + y, true
	}
	return AtaBinary("+", a, b)
}

// AtaSub is AtaBinary("-", a, b), likewise.
func AtaSub(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x - y, true
	}
	return AtaBinary("-", a, b)
}

// AtaLess is AtaBinary("<", a, b), likewise.
func AtaLess(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x < y, true
	}
	return AtaBinary("<", a, b)
}

// AtaLessEq is AtaBinary("<=", a, b), likewise.
func AtaLessEq(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x <= y, true
	}
	return AtaBinary("<=", a, b)
}

// AtaGreater is AtaBinary(">", a, b), likewise.
func AtaGreater(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x > y, true
	}
	return AtaBinary(">", a, b)
}

// AtaGreaterEq is AtaBinary(">=", a, b), likewise.
func AtaGreaterEq(a, b any) (any, bool) {
	if x, y, ok := exactInts(a, b); ok {
		return x >= y, true
	}
	return AtaBinary(">=", a, b)
}
