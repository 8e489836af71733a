package engine

import (
	"encoding/json"
	"unicode/utf8"
	"unsafe"
)

// fitsIn reports whether the compact JSON encoding of v has at most limit
// bytes. It walks v without encoding it and stops as soon as the budget
// is spent; a first pass counts every float as its longest form and
// reuses the bounds cached on objects, and only an output that may be too
// large is measured exactly.
func fitsIn(v any, limit int) bool {
	// The root is most often made by the state just run and checked
	// once: caching its bound would cost an objectExt for nothing.
	if sizeBoundOf(v, limit, false) <= limit {
		return true
	}
	return jsonSize(v, limit) <= limit
}

// cacheSizeBoundFrom is the smallest size bound a flat object caches.
const cacheSizeBoundFrom = 512

// maxFloatSize is the longest JSON form of a float64 (-1.2345678901234567E-308).
const maxFloatSize = 24

// sizeBound returns an upper bound of the size of v's compact JSON, or
// some number above budget once that is known to exceed it.
func sizeBound(v any, budget int) int { return sizeBoundOf(v, budget, true) }

// sizeBoundOf is sizeBound; cache says whether v, if an object, may cache
// its bound (its members always may).
func sizeBoundOf(v any, budget int, cache bool) int {
	switch x := v.(type) {
	case *Object:
		return objectBound(x, budget, cache)
	case []any:
		return arrayBound(x, budget)
	}
	return leafBound(v, budget)
}

// leafBound is sizeBound for a value that is neither an object nor an
// array. Object and array members have their leaves bounded in line, in
// the type switch that tells leaves from containers: these walks run on
// every state output.
func leafBound(v any, budget int) int {
	switch x := v.(type) {
	case nil, bool:
		return 5
	case int64:
		return 20
	case string:
		return boundString(x)
	case float64:
		return maxFloatSize
	}
	return jsonSize(v, budget)
}

// objectBound is sizeBoundOf for an object.
func objectBound(x *Object, budget int, cache bool) int {
	if e := x.ext.Load(); e != nil {
		if b := e.sizeBound.Load(); b > 0 {
			return int(b)
		}
	}
	n := 2
	nested := false
	for i := range x.members {
		m := &x.members[i]
		n += boundString(m.Key) + 2 // the colon, and a comma or the brace
		switch y := m.Value.(type) {
		case string:
			n += boundString(y)
		case int64:
			n += 20
		case float64:
			n += maxFloatSize
		case nil, bool:
			n += 5
		case *Object:
			nested = true
			n += objectBound(y, budget-n, true)
		case []any:
			nested = true
			n += arrayBound(y, budget-n)
		default:
			n += jsonSize(y, budget-n)
		}
		if n > budget {
			return n
		}
	}
	// Caching pays for subtrees that later states share; a small
	// flat object, such as a fresh template result, is cheaper to
	// walk again than to write to.
	if cache && (nested || n >= cacheSizeBoundFrom) {
		x.extension().sizeBound.Store(int64(n))
	}
	return n
}

// arrayBound is sizeBoundOf for an array.
func arrayBound(x []any, budget int) int {
	n := 1 // the brackets, less the comma counted before the first element
	for _, e := range x {
		n++
		switch y := e.(type) {
		case string:
			n += boundString(y)
		case int64:
			n += 20
		case float64:
			n += maxFloatSize
		case nil, bool:
			n += 5
		case *Object:
			n += objectBound(y, budget-n, true)
		case []any:
			n += arrayBound(y, budget-n)
		default:
			n += jsonSize(y, budget-n)
		}
		if n > budget {
			return n
		}
	}
	if len(x) == 0 {
		n++
	}
	return n
}

// jsonSize returns the size of v's compact JSON, or some number above
// budget once it is known to exceed it.
func jsonSize(v any, budget int) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case string:
		return stringSize(x)
	case int64:
		n := 1
		if x < 0 {
			n++
			x = -x
		}
		for x >= 10 {
			x /= 10
			n++
		}
		return n
	case float64:
		return len(appendFloat(make([]byte, 0, 24), x))
	case json.Number:
		return len(x)
	case []any:
		n := 2
		for i, e := range x {
			if i > 0 {
				n++
			}
			n += jsonSize(e, budget-n)
			if n > budget {
				return n
			}
		}
		return n
	case *Object:
		n := 2
		for i, m := range x.members {
			if i > 0 {
				n++
			}
			n += stringSize(m.Key) + 1 + jsonSize(m.Value, budget-n)
			if n > budget {
				return n
			}
		}
		return n
	}
	return len(AppendJSON(nil, v))
}

func stringSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20:
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += 6
		} else {
			n += size
		}
		i += size
	}
	return n
}

// limitCause is AWS's cause for a state whose output is over the limit.
func (f *Frame) limitCause() string {
	return "The state/task '" + f.State + "' returned a result with a size exceeding the maximum number of bytes service limit."
}

// checkOutput fails with States.DataLimitExceeded when a state's output is
// larger than the execution's payload limit. When it passes v under a
// limit, it leaves f.made as v and f.madeBound its bound, or f.madeBound
// 0: the run loop takes madeBound as the next state's input bound.
func (f *Frame) checkOutput(v any) error {
	// Most outputs are what the frame bounded as it made them
	// (SetResultKey, a Task's typed result), within the limit: the same
	// box, which costs no type switch to tell. (With the call below,
	// checkOutput costs 86 of the inliner's budget of 80: it is not
	// inlined where each state ends.)
	if f.madeBound > 0 && f.madeBound <= f.X.payloadLimit && identical(v, f.made) {
		return nil
	}
	return f.checkOutputSlow(v)
}

// checkOutputSlow is checkOutput for an output the frame did not bound
// as it made it, or bounded above the limit.
func (f *Frame) checkOutputSlow(v any) error {
	limit := f.X.payloadLimit
	if limit <= 0 {
		return nil
	}
	if f.madeBound > 0 && samePayload(v, f.made) {
		if f.madeBound <= limit {
			return nil
		}
	} else if b := sizeBoundOf(v, limit, false); b <= limit {
		// The root is most often made by the state just run and
		// checked once: caching its bound on it would cost an
		// objectExt for nothing; the frame keeps it instead.
		f.made, f.madeBound = v, b
		return nil
	}
	f.madeBound = 0
	if jsonSize(v, limit) > limit {
		return NewError(ErrDataLimitExceeded, f.limitCause())
	}
	return nil
}

// SetResult is SetPath for ResultPath: it places result into in, the
// state's input, and bounds the size of what it makes from the bounds of
// in and result, so that the check of the state's output does not walk
// the whole input again.
func (f *Frame) SetResult(in, result any, steps ...any) (any, bool) {
	resultBound := f.resultBound(result)
	out, ok := SetPath(in, result, steps...)
	f.madeBound = 0
	if !ok || f.X.payloadLimit <= 0 || f.inBound <= 0 {
		return out, ok
	}
	n := 0
	for _, s := range steps {
		key, isKey := s.(string)
		if !isKey {
			return out, ok
		}
		n += boundString(key) + 4 // a colon, a comma, the braces of an object made on the way
	}
	f.boundSetResult(out, result, n, resultBound)
	return out, ok
}

// SetResultKey is SetResult for a ResultPath of one member name, $.key,
// the most common: no variadic steps, no type switch on each, no call
// for the value: about 70 instructions less of the 700 or so a placement
// takes in the order workload, its allocation included. (setKey's work,
// in line: a call with the value and key is some 40 instructions more.)
func (f *Frame) SetResultKey(in, result any, key string) (any, bool) {
	r, isObject := in.(*Object)
	if !isObject {
		f.madeBound = 0
		return nil, false
	}
	resultBound := f.resultBound(result)
	out := r.withMember(r.find(key), key, result)
	f.madeBound = 0
	if f.X.payloadLimit <= 0 || f.inBound <= 0 {
		return out, true
	}
	f.boundSetResult(out, result, boundString(key)+4, resultBound)
	return out, true
}

// resultBound returns the bound of result the frame keeps (0: none): a
// Task's result was checked when the task ended, a Parallel's bounded
// from its branches.
func (f *Frame) resultBound(result any) int {
	if f.madeBound > 0 && samePayload(result, f.made) {
		return f.madeBound
	}
	return 0
}

// boundSetResult bounds out, the state's input (of bound f.inBound, known)
// with result placed in it by ResultPath, whose member names bound
// keysBound bytes: resultBound is result's bound if known, else 0.
func (f *Frame) boundSetResult(out, result any, keysBound, resultBound int) {
	n := f.inBound + keysBound
	if resultBound > 0 {
		n += resultBound
	} else {
		n += sizeBound(result, f.X.payloadLimit)
	}
	f.made, f.madeBound = out, n
}

// identical reports whether a and b hold the same box: the same value,
// whatever its type (samePayload, which also tells apart slices boxed
// twice, costs a type switch), with no comparison of contents, which
// would panic on a slice.
func identical(a, b any) bool {
	// (A struct rather than an array of two words: == on the array
	// calls memequal.)
	type words struct{ typ, data unsafe.Pointer }
	return *(*words)(unsafe.Pointer(&a)) == *(*words)(unsafe.Pointer(&b))
}

// knownBound returns the size bound cached on v, or 0.
func knownBound(v any) int {
	if o, ok := v.(*Object); ok {
		if e := o.ext.Load(); e != nil {
			return int(e.sizeBound.Load())
		}
	}
	return 0
}

// boundString bounds the JSON size of s without reading it: no byte
// takes more than six (\u001f) in an escaped string.
func boundString(s string) int { return 6*len(s) + 2 }
