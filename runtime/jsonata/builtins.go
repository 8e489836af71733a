package jsonata

import (
	"math"
	"sync"
)

var (
	builtinsOnce sync.Once
	builtins     map[string]*builtin
)

// lookupBuiltin returns the library function bound to name, or nil.
func lookupBuiltin(name string) *builtin {
	builtinsOnce.Do(initBuiltins)
	return builtins[name]
}

// def registers a built-in. arity is JavaScript's implementation.length,
// nparams the number of declared parameters.
func def(name, sig string, arity, nparams int, fn func(c *call, args []any) (any, error)) {
	b := &builtin{name: name, arity: arity, nparams: nparams, fn: fn}
	if sig != "" {
		b.sig = mustSignature(sig)
	}
	builtins[name] = b
}

// fnString is $string: JSON for non-strings, "" for functions.
func fnString(v any, pretty bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case undefinedType:
		return "", nil
	}
	if isFunction(v) {
		return "", nil
	}
	if isNumber(v) {
		f, _ := toFloat(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return "", errVal("D3001", f)
		}
	}
	if s, ok := v.(*seq); ok && s.outerWrapper && len(s.items) > 0 {
		v = s.items[0]
	}
	s, ok := stringify(v, pretty)
	if !ok {
		return "", memoryExceeded()
	}
	return s, nil
}
