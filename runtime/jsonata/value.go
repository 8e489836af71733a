package jsonata

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/internal/engine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// Inside the evaluator, values are the runtime's JSON values plus:
//
//	undefined  JSONata's "no value" (distinct from JSON null, which is nil)
//	*seq       an array carrying the reference implementation's flags
//	           (sequence, keepSingleton, outerWrapper, tupleStream, cons)
//	function   lambdas, built-ins, partial applications, regex matchers
//	tuple      an element of a tuple stream (focus/index/parent bindings)
//
// Numbers computed by the evaluator are float64; values read from the input
// keep their type (int64, float64, json.Number) and compare by value.

type undefinedType struct{}

var undefined any = undefinedType{}

// A seq is an array with the reference implementation's hidden flags.
type seq struct {
	items         []any
	sequence      bool
	keepSingleton bool
	outerWrapper  bool
	tupleStream   bool
	cons          bool
}

func newSeq(items ...any) *seq {
	return &seq{items: items, sequence: true}
}

func newSeqCap(n int) *seq { return &seq{items: make([]any, 0, n), sequence: true} }

func (s *seq) push(v any) { s.items = append(s.items, v) }

// pushDefined appends v unless it is undefined: $map and $each leave out
// the items their function answers nothing for.
func (s *seq) pushDefined(v any) {
	if v != undefined {
		s.items = append(s.items, v)
	}
}

// A tuple binds the context value "@" and focus, index and ancestor
// variables for one element of a tuple stream.
type tuple map[string]any

// arrayItems returns the elements of an array value ([]any or *seq).
func arrayItems(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case *seq:
		return a.items, true
	}
	return nil, false
}

func isArray(v any) bool {
	switch v.(type) {
	case []any, *seq:
		return true
	}
	return false
}

func isSequence(v any) bool {
	s, ok := v.(*seq)
	return ok && s.sequence
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, int64, json.Number:
		return true
	}
	return false
}

// toFloat converts a JSON number to a float64 (JavaScript's view of it).
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil || f != 0
	}
	return 0, false
}

// isNumeric mirrors utils.isNumeric: true for finite numbers, an error for
// infinite ones, false for everything else (NaN included).
func isNumeric(v any) (bool, error) {
	f, ok := toFloat(v)
	if !ok {
		return false, nil
	}
	if math.IsNaN(f) {
		return false, nil
	}
	if math.IsInf(f, 0) {
		return false, errVal("D1001", f)
	}
	return true, nil
}

// isInteger is Number.isInteger.
func isInteger(v any) bool {
	f, ok := toFloat(v)
	return ok && !math.IsInf(f, 0) && f == math.Trunc(f)
}

// deepEqual mirrors utils.isDeepEqual (numbers by value, objects
// regardless of key order, functions by identity). Each value compared is
// a step of the evaluation: arrays that share themselves many times over
// make equality exponential.
func (ev *evaluator) deepEqual(a, b any) bool {
	switch a.(type) {
	case *sfnrt.Object, []any, *seq:
		ev.mustSteps(1 + containerLen(a))
		ev.enter()
		eq := ev.deepEqualContainer(a, b)
		ev.leave()
		return eq
	}
	return ev.deepEqualContainer(a, b)
}

// deepEqualContainer is deepEqual without the accounting: the
// runtime's walk of JSON equality (engine.EqualBy) under JSONata's rule.
func (ev *evaluator) deepEqualContainer(a, b any) bool {
	return engine.EqualBy((*ataEquality)(ev), a, b)
}

// ataEquality is JSONata's rule of deep equality over the walk: numbers
// as doubles, undefined equal to itself alone, sequences as arrays,
// functions by identity, and each item or member a step (deepEqual).
type ataEquality evaluator

func (q *ataEquality) Leaf(a, b any) bool {
	if s, ok := a.(*seq); ok {
		return engine.EqualItems(q, s.items, b)
	}
	if isNumber(a) {
		if !isNumber(b) {
			return false
		}
		x, _ := toFloat(a)
		y, _ := toFloat(b)
		return x == y
	}
	if a == undefined {
		return b == undefined
	}
	if isFunction(a) {
		return a == b
	}
	return false
}

func (*ataEquality) Items(v any) ([]any, bool) { return arrayItems(v) }

func (q *ataEquality) Elem(a, b any) bool { return (*evaluator)(q).deepEqual(a, b) }

// strictEqual is JavaScript's === for JSON values (the "in" operator):
// arrays and objects by identity, any other value as deep equality
// compares it (numbers as doubles, functions by identity).
func strictEqual(a, b any) bool {
	if same, container := sameContainer(a, b); container {
		return same
	}
	if a == undefined {
		return false // as before: "in" refuses an undefined operand anyway
	}
	// No container left, the rule needs no evaluator: nothing is counted.
	return engine.EqualBy((*ataEquality)(nil), a, b)
}

// sameContainer reports, for an object or array a (container), whether
// b is the very same one.
func sameContainer(a, b any) (same, container bool) {
	switch x := a.(type) {
	case *sfnrt.Object:
		y, ok := b.(*sfnrt.Object)
		return ok && x == y, true
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0]), true
	case *seq:
		y, ok := b.(*seq)
		return ok && x == y, true
	}
	return false, false
}

// numberString is how a JSON number of the runtime model prints in JS.
func numberString(v any) string {
	switch n := v.(type) {
	case int64:
		if n > -1e15 && n < 1e15 {
			return strconv.FormatInt(n, 10)
		}
	case json.Number:
		f, _ := toFloat(n)
		return syntax.FormatNumber(f)
	}
	f, _ := toFloat(v)
	return syntax.FormatNumber(f)
}

// stringifyJSON is JSON.stringify with no replacer: numbers as JS prints
// them, functions and undefined dropped from objects and null in arrays.
func stringifyJSON(v any) string {
	s, _ := writeCapped(v, false, "")
	return s
}

// stringify implements $string's serialisation (JSON.stringify with the
// replacer that rounds non-integers to 15 significant digits and turns
// functions into "").
// ok is false when the JSON would pass maxStringBytes or nest deeper than
// maxValueDepth; s is then cut short.
func stringify(v any, pretty bool) (s string, ok bool) {
	indent := ""
	if pretty {
		indent = "  "
	}
	return writeCapped(v, true, indent)
}

// jsonTooBig stops writeJSON past maxStringBytes or maxValueDepth: a value
// that shares arrays expands when written (it may be in an error message,
// written after the evaluation), and the writer recurses.
type jsonTooBig struct{}

func writeCapped(v any, replacer bool, indent string) (s string, ok bool) {
	var b strings.Builder
	defer func() {
		if r := recover(); r != nil {
			if _, big := r.(jsonTooBig); !big {
				panic(r)
			}
			s, ok = strings.ToValidUTF8(b.String()[:min(b.Len(), 64)], "")+"...", false
		}
	}()
	writeJSON(&b, v, replacer, indent, "", 0)
	return b.String(), true
}

func roundPrecision15(f float64) float64 {
	if f == math.Trunc(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'e', 14, 64), 64)
	if err != nil {
		return f
	}
	return r
}

func writeJSON(b *strings.Builder, v any, replacer bool, indent, cur string, depth int) {
	if b.Len() > maxStringBytes || depth > maxValueDepth {
		panic(jsonTooBig{})
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		syntax.WriteJSONString(b, x)
	case float64, int64, json.Number:
		f, _ := toFloat(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return
		}
		if replacer {
			if _, isInt := x.(int64); !isInt {
				f = roundPrecision15(f)
			}
			b.WriteString(syntax.FormatNumber(f))
			return
		}
		b.WriteString(numberString(x))
	case *sfnrt.Object:
		b.WriteByte('{')
		inner := cur + indent
		first := true
		for _, m := range jsKeyOrder(x) {
			val := m.Value
			if val == undefined || (isFunction(val) && !replacer) {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if indent != "" {
				b.WriteByte('\n')
				b.WriteString(inner)
			}
			syntax.WriteJSONString(b, m.Key)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			if isFunction(val) {
				b.WriteString(`""`)
				continue
			}
			writeJSON(b, val, replacer, indent, inner, depth+1)
		}
		if !first && indent != "" {
			b.WriteByte('\n')
			b.WriteString(cur)
		}
		b.WriteByte('}')
	case tuple:
		b.WriteString("{}")
	default:
		if items, ok := arrayItems(v); ok {
			b.WriteByte('[')
			inner := cur + indent
			for i, e := range items {
				if i > 0 {
					b.WriteByte(',')
				}
				if indent != "" {
					b.WriteByte('\n')
					b.WriteString(inner)
				}
				switch {
				case e == undefined:
					b.WriteString("null")
				case isFunction(e):
					if replacer {
						b.WriteString(`""`)
					} else {
						b.WriteString("null")
					}
				default:
					writeJSON(b, e, replacer, indent, inner, depth+1)
				}
			}
			if len(items) > 0 && indent != "" {
				b.WriteByte('\n')
				b.WriteString(cur)
			}
			b.WriteByte(']')
			return
		}
		if isFunction(v) {
			if replacer {
				b.WriteString(`""`)
			} else {
				b.WriteString("null")
			}
			return
		}
		b.WriteString("null")
	}
}

// jsKeyOrder returns an object's members in insertion order. (JavaScript
// would list integer-like keys first; the runtime keeps insertion order,
// as AWS's outputs do.)
func jsKeyOrder(o *sfnrt.Object) []sfnrt.Member { return o.Members() }

// utf16Offset converts a byte offset in s to a UTF-16 offset.
func utf16Offset(s string, byteOff int) int {
	return engine.UTF16Len(s[:byteOff])
}

// normalizeNumber turns a computed float64 into the runtime's preferred
// form: int64 when integral and within ±2^53, else float64.
func normalizeNumber(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		if f == 0 {
			return int64(0)
		}
		return int64(f)
	}
	return f
}

// export converts an evaluator value into a runtime JSON value: sequences
// become []any, integral float64s int64, undefined members are dropped and
// functions inside structures are handled as JSON.stringify does.
//
// For an evaluation's result (ev not nil) every container it visits
// counts, with its members, against the evaluation's bounds (it panics
// with a limitPanic past them): a value that shares one array many times
// ([[$a], [$a]] doubled in a loop) is small in memory but expands here,
// and in the JSON the runtime writes of it. Normalize passes a nil ev.
func (ev *evaluator) export(v any) any {
	switch x := v.(type) {
	case float64:
		return normalizeNumber(x)
	case nil, bool, string, int64, json.Number:
		return v
	}
	if ev == nil {
		return ev.exportContainer(v)
	}
	ev.visit(v)
	ev.enter()
	r := ev.exportContainer(v)
	ev.leave()
	return r
}

// exportContainer is export for objects, arrays and what is neither.
func (ev *evaluator) exportContainer(v any) any {
	switch x := v.(type) {
	case *sfnrt.Object:
		var out *sfnrt.Object
		ms := x.Members()
		for i, m := range ms {
			nv := m.Value
			if exportsAsIs(nv) {
				if out != nil {
					out.Set(m.Key, nv)
				}
				continue
			}
			drop := nv == undefined || isFunction(nv)
			if !drop {
				nv = ev.export(nv)
			}
			if out == nil && (drop || !sameValue(nv, m.Value)) {
				out = sfnrt.NewObject(len(ms))
				for _, p := range ms[:i] {
					out.Set(p.Key, p.Value)
				}
			}
			if out != nil && !drop {
				out.Set(m.Key, nv)
			}
		}
		if out != nil {
			return out
		}
		return x
	case tuple:
		return sfnrt.NewObject(0)
	}
	if items, ok := arrayItems(v); ok {
		if s, ok := v.(*seq); ok && s.outerWrapper && len(items) == 1 {
			return ev.export(items[0])
		}
		_, plain := v.([]any)
		var out []any
		for i, e := range items {
			var ne any
			if exportsAsIs(e) && plain {
				if out != nil {
					out[i] = e
				}
				continue
			}
			if e == undefined || isFunction(e) {
				ne = nil
			} else {
				ne = ev.export(e)
			}
			if out == nil && (!plain || !sameValue(ne, e)) {
				out = make([]any, len(items))
				copy(out, items[:i])
			}
			if out != nil {
				out[i] = ne
			}
		}
		if out == nil {
			if plain {
				return v
			}
			return []any{}
		}
		return out
	}
	return nil
}

// exportsAsIs reports whether v is a scalar that export returns
// unchanged, so that walking a state's input (natively compiled paths
// normalise what they read) skips the call and the comparison for most
// of its members. A float64 that normalizeNumber keeps (a fraction, or
// beyond ±2^53) counts too: exporting it would box it again, one
// allocation per such member at every walk, only to find it unchanged.
func exportsAsIs(v any) bool {
	switch x := v.(type) {
	case string, bool, nil, int64, json.Number:
		return true
	case float64:
		return keepsNumber(x)
	}
	return false
}

// isNormal reports whether export would return v itself: a value of the
// runtime's JSON model (no sequence, undefined member or function) with
// no number export rewrites. It is export's walk without the copies, for
// Normalize, which natively compiled expressions apply to every value
// they read (a state's whole input for $merge), most of which need
// nothing: one type switch per member, scalars tested in line.
func isNormal(v any) bool {
	switch x := v.(type) {
	case *sfnrt.Object:
		for _, m := range x.Members() {
			switch y := m.Value.(type) {
			case string, bool, nil, int64, json.Number:
			case float64:
				if !keepsNumber(y) {
					return false
				}
			default:
				if !isNormal(y) {
					return false
				}
			}
		}
		return true
	case []any:
		for _, e := range x {
			switch y := e.(type) {
			case string, bool, nil, int64, json.Number:
			case float64:
				if !keepsNumber(y) {
					return false
				}
			default:
				if !isNormal(y) {
					return false
				}
			}
		}
		return true
	case float64:
		return keepsNumber(x)
	case string, bool, nil, int64, json.Number:
		return true
	}
	return false
}

// keepsNumber reports whether normalizeNumber returns f unchanged: a
// fraction, or a magnitude beyond ±2^53 (or not a number at all).
func keepsNumber(f float64) bool { return f != math.Trunc(f) || math.Abs(f) > 1<<53 }

// sameValue reports whether export left a value unchanged (pointer or
// scalar identity), so unchanged containers are not copied.
func sameValue(a, b any) bool {
	if same, container := sameContainer(a, b); container {
		return same
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || (math.IsNaN(x) && math.IsNaN(y)))
	case int64, bool, string, nil, json.Number:
		return a == b
	}
	return false
}
