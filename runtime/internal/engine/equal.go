package engine

import "encoding/json"

// An EqualityRule is what differs between the runtime's equalities of
// JSON values, whose walk EqualBy shares: Equal (JSON values, numbers
// exactly: the nil rule), javaEqual (Java's equals(), for
// States.ArrayUnique) and JSONata's deep equality (runtime/jsonata:
// numbers as doubles, its sequences and functions, a step budget).
type EqualityRule interface {
	// Leaf compares a with b when a is neither null, a boolean, a string,
	// an array ([]any) nor an object: a number, or a value of a model of
	// the rule's own (JSONata's undefined and functions; for an array of
	// its own, EqualItems).
	Leaf(a, b any) bool
	// Items returns the items of b, when b is an array of a model of the
	// rule's own (JSONata's sequences), for an array a; ok is false for
	// any other value.
	Items(b any) (items []any, ok bool)
	// Elem compares two items or member values: the recursion, EqualBy
	// again, where the rule may count its steps.
	Elem(a, b any) bool
}

// EqualBy is the structural walk of JSON equality under rule r: null,
// booleans and strings equal by value, arrays item by item, objects
// member by member whatever their order (the same object is equal to
// itself), anything else as r's Leaf says. The nil rule is Equal's,
// which the walk applies without an indirect call: it is the one on
// the hot paths (JSONPath filters, applications).
func EqualBy(r EqualityRule, a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case *Object:
		y, ok := b.(*Object)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		if x.Len() != y.Len() {
			return false
		}
		for _, m := range x.members {
			w, ok := y.Get(m.Key)
			if !ok {
				return false
			}
			// The nil rule recurses without an indirect call.
			if r == nil && !EqualBy(nil, m.Value, w) || r != nil && !r.Elem(m.Value, w) {
				return false
			}
		}
		return true
	case []any:
		return EqualItems(r, x, b)
	case int64, float64, json.Number:
		if r == nil {
			return IsNumber(b) && CompareNumbers(a, b) == 0
		}
	}
	return r != nil && r.Leaf(a, b)
}

// EqualItems compares the items x of an array with b under r: EqualBy's
// walk of arrays.
func EqualItems(r EqualityRule, x []any, b any) bool {
	y, ok := b.([]any)
	if !ok && r != nil {
		y, ok = r.Items(b)
	}
	if !ok || len(x) != len(y) {
		return false
	}
	for i := range x {
		if r == nil && !EqualBy(nil, x[i], y[i]) || r != nil && !r.Elem(x[i], y[i]) {
			return false
		}
	}
	return true
}

// Equal reports whether a and b are the same JSON value: numbers compare
// by value, objects regardless of key order.
func Equal(a, b any) bool { return EqualBy(nil, a, b) }
