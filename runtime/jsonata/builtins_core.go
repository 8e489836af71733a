package jsonata

import (
	"encoding/base64"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/runtime/internal/engine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

func num(v any) float64 {
	f, _ := toFloat(v)
	return f
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func items(v any) []any {
	it, _ := arrayItems(v)
	return it
}

// codePoints splits s into Unicode code points (JavaScript's for..of).
func codePoints(s string) []string {
	out := make([]string, 0, len(s))
	for i, w := 0, 0; i < len(s); i += w {
		_, w = utf8.DecodeRuneInString(s[i:])
		out = append(out, s[i:i+w])
	}
	return out
}

// jsSliceBounds implements Array.prototype.slice's index arithmetic.
func jsSliceBounds(n int, start, end float64) (int, int) {
	rel := func(x float64) int {
		if math.IsNaN(x) {
			return 0
		}
		x = math.Trunc(x)
		if x < 0 {
			x += float64(n)
			if x < 0 {
				x = 0
			}
		}
		if x > float64(n) {
			x = float64(n)
		}
		return int(x)
	}
	s, e := rel(start), rel(end)
	if e < s {
		e = s
	}
	return s, e
}

// FnSum is $sum.
var FnSum = Function{builtin{name: "sum", sigText: "<a<n>:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	total := 0.0
	for _, v := range items(a[0]) {
		total += num(v)
	}
	return total, nil
}}}

// FnCount is $count.
var FnCount = Function{builtin{name: "count", sigText: "<a:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return 0.0, nil
	}
	return float64(len(items(a[0]))), nil
}}}

// FnMax is $max.
var FnMax = Function{builtin{name: "max", sigText: "<a<n>:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return minmax(a, true) }}}

// FnMin is $min.
var FnMin = Function{builtin{name: "min", sigText: "<a<n>:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return minmax(a, false) }}}

// FnAverage is $average.
var FnAverage = Function{builtin{name: "average", sigText: "<a<n>:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	it := items(a[0])
	if a[0] == undefined || len(it) == 0 {
		return undefined, nil
	}
	total := 0.0
	for _, v := range it {
		total += num(v)
	}
	return total / float64(len(it)), nil
}}}

// FnString is $string.
var FnString = Function{builtin{name: "string", sigText: "<x-b?:s>", arity: 1, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	pretty, _ := argAt(a, 1).(bool)
	return fnString(a[0], pretty)
}}}

// FnSubstring is $substring.
var FnSubstring = Function{builtin{name: "substring", sigText: "<s-nn?:s>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	cps := codePoints(str(a[0]))
	n := len(cps)
	start := num(a[1])
	if float64(n)+start < 0 {
		start = 0
	}
	if l := argAt(a, 2); l != undefined {
		length := num(l)
		if length <= 0 {
			return "", nil
		}
		var end float64
		if start >= 0 {
			end = start + length
		} else {
			end = float64(n) + start + length
		}
		s, e := jsSliceBounds(n, start, end)
		return strings.Join(cps[s:e], ""), nil
	}
	s, e := jsSliceBounds(n, start, float64(n))
	return strings.Join(cps[s:e], ""), nil
}}}

// FnSubstringBefore is $substringBefore.
var FnSubstringBefore = Function{builtin{name: "substringBefore", sigText: "<s-s:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s, chars := str(a[0]), str(argAt(a, 1))
	if i := strings.Index(s, chars); i >= 0 {
		return s[:i], nil
	}
	return s, nil
}}}

// FnSubstringAfter is $substringAfter.
var FnSubstringAfter = Function{builtin{name: "substringAfter", sigText: "<s-s:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s, chars := str(a[0]), str(argAt(a, 1))
	if i := strings.Index(s, chars); i >= 0 {
		return s[i+len(chars):], nil
	}
	return s, nil
}}}

// FnLowercase is $lowercase.
var FnLowercase = Function{builtin{name: "lowercase", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return strings.ToLower(str(a[0])), nil
}}}

// FnUppercase is $uppercase.
var FnUppercase = Function{builtin{name: "uppercase", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return strings.ReplaceAll(strings.ToUpper(str(a[0])), "ß", "SS"), nil
}}}

// FnLength is $length.
var FnLength = Function{builtin{name: "length", sigText: "<s-:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return float64(utf8.RuneCountInString(str(a[0]))), nil
}}}

// FnTrim is $trim.
var FnTrim = Function{builtin{name: "trim", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return trimJS(str(a[0])), nil
}}}

// FnPad is $pad.
var FnPad = Function{builtin{name: "pad", sigText: "<s-ns?:s>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s := str(a[0])
	ch, ok := argAt(a, 2).(string)
	if !ok || ch == "" {
		ch = " "
	}
	width := math.Trunc(num(a[1]))
	// The width is the length of the string asked for: past the
	// string bound it is AWS's memory error, checked before anything
	// is allocated (the reference implementation has no bound here,
	// jsonata-js/jsonata#828, and a width beyond int converts to
	// garbage).
	if math.Abs(width) > maxStringBytes {
		return nil, memoryExceeded()
	}
	padLen := int(math.Abs(width)) - utf8.RuneCountInString(s)
	if padLen <= 0 {
		return s, nil
	}
	perRep := utf8.RuneCountInString(ch)
	reps := (padLen + perRep - 1) / perRep
	if err := c.ev.chargeString(len(s) + reps*len(ch)); err != nil {
		return nil, err
	}
	padding := strings.Repeat(ch, reps)
	if perRep > 1 {
		padding = strings.Join(codePoints(padding)[:padLen], "")
	}
	if width > 0 {
		return s + padding, nil
	}
	return padding + s, nil
}}}

// FnContains is $contains.
var FnContains = Function{builtin{name: "contains", sigText: "<s-(sf):b>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined || argAt(a, 1) == undefined {
		return undefined, nil
	}
	s := str(a[0])
	if tok, ok := a[1].(string); ok {
		return strings.Contains(s, tok), nil
	}
	m, err := c.firstMatch(a[1], s)
	if err != nil {
		return nil, err
	}
	return m != nil, nil
}}}

// FnMatch is $match.
var FnMatch = Function{builtin{name: "match", sigText: "<s-f<s:o>n?:a<o>>", arity: 3, nparams: 3, fn: fnMatch}}

// FnReplace is $replace.
var FnReplace = Function{builtin{name: "replace", sigText: "<s-(sf)(sf)n?:s>", arity: 4, nparams: 4, fn: fnReplace}}

// FnSplit is $split.
var FnSplit = Function{builtin{name: "split", sigText: "<s-(sf)n?:a<s>>", arity: 3, nparams: 3, fn: fnSplit}}

// FnJoin is $join.
var FnJoin = Function{builtin{name: "join", sigText: "<a<s>s?:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	sep, _ := argAt(a, 1).(string)
	it := items(a[0])
	parts := make([]string, len(it))
	n := len(sep) * (len(it) - 1)
	for i, v := range it {
		parts[i] = str(v)
		n += len(parts[i])
	}
	// Check before strings.Join allocates: one long string joined
	// many times over asks for far more than it holds.
	if err := c.ev.chargeString(n); err != nil {
		return nil, err
	}
	return strings.Join(parts, sep), nil
}}}

// FnNumber is $number.
var FnNumber = Function{builtin{name: "number", sigText: "<(nsb)-:n>", arity: 1, nparams: 1, fn: fnNumber}}

// FnAbs is $abs.
var FnAbs = Function{builtin{name: "abs", sigText: "<n-:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return mathFn(a, math.Abs) }}}

// FnFloor is $floor.
var FnFloor = Function{builtin{name: "floor", sigText: "<n-:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return mathFn(a, math.Floor) }}}

// FnCeil is $ceil.
var FnCeil = Function{builtin{name: "ceil", sigText: "<n-:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return mathFn(a, math.Ceil) }}}

// FnRound is $round.
var FnRound = Function{builtin{name: "round", sigText: "<n-n?:n>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	p := 0.0
	if v := argAt(a, 1); v != undefined {
		p = num(v)
	}
	return roundHalfEven(num(a[0]), p), nil
}}}

// FnSqrt is $sqrt.
var FnSqrt = Function{builtin{name: "sqrt", sigText: "<n-:n>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	f := num(a[0])
	if f < 0 {
		return nil, &Error{Code: "D3060", Position: -1, Value: a[0], Index: 1}
	}
	return math.Sqrt(f), nil
}}}

// FnPower is $power.
var FnPower = Function{builtin{name: "power", sigText: "<n-n:n>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	r := jsPow(num(a[0]), num(argAt(a, 1)))
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return nil, &Error{Code: "D3061", Position: -1, Value: a[0], Index: 1,
			extra: map[string]string{"exp": syntax.FormatNumber(num(argAt(a, 1)))}}
	}
	return r, nil
}}}

// FnBoolean is $boolean.
var FnBoolean = Function{builtin{name: "boolean", sigText: "<x-:b>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return toBoolean(a[0]) }}}

// FnNot is $not.
var FnNot = Function{builtin{name: "not", sigText: "<x-:b>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	b, err := toBoolean(a[0])
	if err != nil {
		return nil, err
	}
	return b != true, nil
}}}

// FnExists is $exists.
var FnExists = Function{builtin{name: "exists", sigText: "<x:b>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return a[0] != undefined, nil }}}

// FnMap is $map.
var FnMap = Function{builtin{name: "map", sigText: "<af>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr := items(a[0])
	out := newSeqCap(len(arr))
	for i, v := range arr {
		r, err := c.callHOF(a[1], v, float64(i), a[0])
		if err != nil {
			return nil, err
		}
		out.pushDefined(r)
	}
	return out, nil
}}}

// FnFilter is $filter.
var FnFilter = Function{builtin{name: "filter", sigText: "<af>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr := items(a[0])
	out := newSeq()
	for i, v := range arr {
		if ok, err := c.passes(a[1], v, float64(i), a[0]); err != nil {
			return nil, err
		} else if ok {
			out.push(v)
		}
	}
	return out, nil
}}}

// FnSingle is $single.
var FnSingle = Function{builtin{name: "single", sigText: "<af?>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	found := false
	var result any = undefined
	for i, v := range items(a[0]) {
		ok := true
		if f := argAt(a, 1); f != undefined {
			var err error
			if ok, err = c.passes(f, v, float64(i), a[0]); err != nil {
				return nil, err
			}
		}
		if ok {
			if found {
				return nil, &Error{Code: "D3138", Position: -1, Index: i}
			}
			result, found = v, true
		}
	}
	if !found {
		return nil, &Error{Code: "D3139", Position: -1}
	}
	return result, nil
}}}

// FnZip is $zip.
var FnZip = Function{builtin{name: "zip", sigText: "<a+>", arity: 0, nparams: 0, fn: func(c *call, a []any) (any, error) {
	n := math.MaxInt
	for _, v := range a {
		l := 0
		if it, ok := arrayItems(v); ok {
			l = len(it)
		}
		if l < n {
			n = l
		}
	}
	if len(a) == 0 {
		n = 0
	}
	out := make([]any, 0, n)
	for i := 0; i < n; i++ {
		t := make([]any, len(a))
		for j, v := range a {
			t[j] = items(v)[i]
		}
		out = append(out, t)
	}
	return out, nil
}}}

// FnReduce is $reduce.
var FnReduce = Function{builtin{name: "reduce", sigText: "<afj?:j>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arity := functionArity(a[1])
	if arity < 2 {
		return nil, &Error{Code: "D3050", Position: -1, Index: 1}
	}
	arr := items(a[0])
	var result any
	i := 0
	if init := argAt(a, 2); init == undefined && len(arr) > 0 {
		result, i = arr[0], 1
	} else {
		result = init
	}
	for ; i < len(arr); i++ {
		args := []any{result, arr[i]}
		if arity >= 3 {
			args = append(args, float64(i))
		}
		if arity >= 4 {
			args = append(args, a[0])
		}
		r, err := c.callFunction(a[1], args...)
		if err != nil {
			return nil, err
		}
		result = r
	}
	return result, nil
}}}

// FnSift is $sift.
var FnSift = Function{builtin{name: "sift", sigText: "<o-f?:o>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	o, ok := a[0].(*sfnrt.Object)
	if !ok {
		return undefined, nil
	}
	f := argAt(a, 1)
	out := sfnrt.NewObject(o.Len())
	for _, m := range o.Members() {
		if ok, err := c.passes(f, m.Value, m.Key, o); err != nil {
			return nil, err
		} else if ok {
			out.Set(m.Key, m.Value)
		}
	}
	if out.Len() == 0 {
		return undefined, nil
	}
	return out, nil
}}}

// FnEach is $each.
var FnEach = Function{builtin{name: "each", sigText: "<o-f:a>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	out := newSeq()
	o, ok := a[0].(*sfnrt.Object)
	if !ok {
		return out, nil
	}
	for _, m := range o.Members() {
		r, err := c.callHOF(a[1], m.Value, m.Key, o)
		if err != nil {
			return nil, err
		}
		out.pushDefined(r)
	}
	return out, nil
}}}

// FnSort is $sort.
var FnSort = Function{builtin{name: "sort", sigText: "<af?:a>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr := items(a[0])
	if len(arr) <= 1 {
		return a[0], nil
	}
	var swap func(x, y any) (bool, error)
	if f := argAt(a, 1); f == undefined {
		if _, ok, err := arrayOfNumbers(arr); err != nil {
			return nil, err
		} else if ok {
			swap = func(x, y any) (bool, error) { return num(x) > num(y), nil }
		} else if arrayOfStrings(arr) {
			swap = func(x, y any) (bool, error) { return str(x) > str(y), nil }
		} else {
			return nil, &Error{Code: "D3070", Position: -1, Index: 1}
		}
	} else {
		swap = func(x, y any) (bool, error) {
			r, err := c.callFunction(f, x, y)
			if err != nil {
				return false, err
			}
			return jsTruthy(r), nil
		}
	}
	var sortErr error
	out := mergeSort(arr, func(x, y any) (bool, error) {
		s, err := swap(x, y)
		if err != nil && sortErr == nil {
			sortErr = err
		}
		return s, err
	})
	if sortErr != nil {
		return nil, sortErr
	}
	return out, nil
}}}

// FnKeys is $keys.
var FnKeys = Function{builtin{name: "keys", sigText: "<x-:a<s>>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return fnKeys(a[0]), nil }}}

// FnLookup is $lookup.
var FnLookup = Function{builtin{name: "lookup", sigText: "<x-s:x>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) { return lookupField(a[0], str(argAt(a, 1))), nil }}}

// FnAppend is $append.
var FnAppend = Function{builtin{name: "append", sigText: "<xx:a>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) { return appendValues(a[0], argAt(a, 1)), nil }}}

// FnSpread is $spread.
var FnSpread = Function{builtin{name: "spread", sigText: "<x-:a<o>>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) { return fnSpread(a[0]), nil }}}

// FnMerge is $merge.
var FnMerge = Function{builtin{name: "merge", sigText: "<a<o>:o>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	out := sfnrt.NewObject(4)
	for _, v := range items(a[0]) {
		if o, ok := v.(*sfnrt.Object); ok {
			for _, m := range o.Members() {
				out.Set(m.Key, m.Value)
			}
		}
	}
	return out, nil
}}}

// FnReverse is $reverse.
var FnReverse = Function{builtin{name: "reverse", sigText: "<a:a>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr := items(a[0])
	if len(arr) <= 1 {
		return a[0], nil
	}
	out := make([]any, len(arr))
	for i, v := range arr {
		out[len(arr)-1-i] = v
	}
	return out, nil
}}}

// FnShuffle is $shuffle.
var FnShuffle = Function{builtin{name: "shuffle", sigText: "<a:a>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr := items(a[0])
	if len(arr) <= 1 {
		return a[0], nil
	}
	out := make([]any, len(arr))
	for i, v := range arr {
		j := rand.Intn(i + 1)
		if i != j {
			out[i] = out[j]
		}
		out[j] = v
	}
	return out, nil
}}}

// FnDistinct is $distinct.
var FnDistinct = Function{builtin{name: "distinct", sigText: "<x:x>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	arr, ok := arrayItems(a[0])
	if !ok || len(arr) <= 1 {
		return a[0], nil
	}
	var out []any
	for _, v := range arr {
		dup := false
		for _, w := range out {
			if c.ev.deepEqual(v, w) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	if isSequence(a[0]) {
		return &seq{items: out, sequence: true}, nil
	}
	return out, nil
}}}

// FnType is $type.
var FnType = Function{builtin{name: "type", sigText: "<x:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	v := a[0]
	switch v.(type) {
	case undefinedType:
		return undefined, nil
	case nil:
		return "null", nil
	case string:
		return "string", nil
	case bool:
		return "boolean", nil
	}
	if isNumber(v) {
		return "number", nil
	}
	if isArray(v) {
		return "array", nil
	}
	if isFunction(v) {
		return "function", nil
	}
	return "object", nil
}}}

// FnError is $error.
var FnError = Function{builtin{name: "error", sigText: "<s?:x>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	msg, _ := argAt(a, 0).(string)
	if msg == "" {
		msg = "$error() function evaluated"
	}
	return nil, &Error{Code: "D3137", Position: -1, Message: msg}
}}}

// FnAssert is $assert.
var FnAssert = Function{builtin{name: "assert", sigText: "<bs?:x>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] != true {
		msg, _ := argAt(a, 1).(string)
		if msg == "" {
			msg = "$assert() statement failed"
		}
		return nil, &Error{Code: "D3141", Position: -1, Message: msg}
	}
	return undefined, nil
}}}

// FnClone is $clone.
var FnClone = Function{builtin{name: "clone", sigText: "<(oa)-:o>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return cloneValue(a[0])
}}}

// FnBase64encode is $base64encode.
var FnBase64encode = Function{builtin{name: "base64encode", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	var b []byte
	for _, r := range str(a[0]) {
		if r >= 0x10000 {
			hi, lo := (r-0x10000)>>10+0xD800, (r-0x10000)&0x3FF+0xDC00
			b = append(b, byte(hi), byte(lo))
		} else {
			b = append(b, byte(r))
		}
	}
	return base64.StdEncoding.EncodeToString(b), nil
}}}

// FnBase64decode is $base64decode.
var FnBase64decode = Function{builtin{name: "base64decode", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	var clean []byte
	for _, ch := range []byte(str(a[0])) {
		switch {
		case ch >= 'A' && ch <= 'Z', ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '+', ch == '/':
			clean = append(clean, ch)
		case ch == '-':
			clean = append(clean, '+')
		case ch == '_':
			clean = append(clean, '/')
		case ch == '=':
			goto done
		}
	}
done:
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	raw, _ := base64.RawStdEncoding.DecodeString(string(clean))
	var sb strings.Builder
	for _, bt := range raw {
		sb.WriteRune(rune(bt))
	}
	return sb.String(), nil
}}}

// FnEncodeUrlComponent is $encodeUrlComponent.
var FnEncodeUrlComponent = Function{builtin{name: "encodeUrlComponent", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	return urlFn(a, "encodeUrlComponent", func(s string) (string, bool) { return encodeURI(s, uriUnreservedComponent) })
}}}

// FnEncodeUrl is $encodeUrl.
var FnEncodeUrl = Function{builtin{name: "encodeUrl", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	return urlFn(a, "encodeUrl", func(s string) (string, bool) { return encodeURI(s, uriUnreservedFull) })
}}}

// FnDecodeUrlComponent is $decodeUrlComponent.
var FnDecodeUrlComponent = Function{builtin{name: "decodeUrlComponent", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	return urlFn(a, "decodeUrlComponent", func(s string) (string, bool) { return decodeURI(s, "") })
}}}

// FnDecodeUrl is $decodeUrl.
var FnDecodeUrl = Function{builtin{name: "decodeUrl", sigText: "<s-:s>", arity: 1, nparams: 1, fn: func(c *call, a []any) (any, error) {
	return urlFn(a, "decodeUrl", func(s string) (string, bool) { return decodeURI(s, ";/?:@&=+$,#") })
}}}

// minmax is $max (isMax) or $min.
func minmax(a []any, isMax bool) (any, error) {
	it := items(a[0])
	if a[0] == undefined || len(it) == 0 {
		return undefined, nil
	}
	r := num(it[0])
	for _, v := range it[1:] {
		f := num(v)
		if math.IsNaN(f) || math.IsNaN(r) {
			r = math.NaN()
		} else if isMax && f > r || !isMax && f < r {
			r = f
		}
	}
	return r, nil
}

// mathFn applies f to a number argument, undefined to undefined.
func mathFn(a []any, f func(float64) float64) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return f(num(a[0])), nil
}

// jsPow is Math.pow (which differs from math.Pow for 1**±Inf and NaN).
func jsPow(x, y float64) float64 {
	if math.IsNaN(y) {
		return math.NaN()
	}
	if (x == 1 || x == -1) && math.IsInf(y, 0) {
		return math.NaN()
	}
	return math.Pow(x, y)
}

// jsTruthy is JavaScript's ToBoolean.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case undefinedType, nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	}
	if isNumber(v) {
		f := num(v)
		return f != 0 && !math.IsNaN(f)
	}
	return true
}

func trimJS(s string) string {
	var b strings.Builder
	inWS := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !inWS {
				b.WriteByte(' ')
			}
			inWS = true
			continue
		}
		inWS = false
		b.WriteByte(c)
	}
	r := b.String()
	r = strings.TrimPrefix(r, " ")
	r = strings.TrimSuffix(r, " ")
	return r
}

func fnNumber(c *call, a []any) (any, error) {
	v := a[0]
	switch x := v.(type) {
	case undefinedType:
		return undefined, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if isDecimalString(x) {
			f, err := strconv.ParseFloat(x, 64)
			if err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
		if len(x) > 2 && x[0] == '0' {
			base := 0
			switch x[1] {
			case 'x', 'X':
				base = 16
			case 'o', 'O':
				base = 8
			case 'b', 'B':
				base = 2
			}
			if base != 0 {
				if n, err := strconv.ParseUint(x[2:], base, 64); err == nil {
					return float64(n), nil
				}
			}
		}
		return nil, &Error{Code: "D3030", Position: -1, Value: v, Index: 1}
	}
	if isNumber(v) {
		return v, nil
	}
	return nil, &Error{Code: "D3030", Position: -1, Value: v, Index: 1}
}

// isDecimalString matches /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.
func isDecimalString(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() bool {
		st := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > st
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// shiftDecimal multiplies x by 10^p through its decimal text, as
// JSONata's round does to avoid binary rounding error.
func shiftDecimal(x float64, p float64) float64 {
	s := syntax.FormatNumber(x)
	mant, exp := s, 0.0
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant = s[:i]
		e, _ := strconv.ParseFloat(s[i+1:], 64)
		exp = e
	}
	r, err := strconv.ParseFloat(mant+"e"+syntax.FormatNumber(exp+p), 64)
	if err != nil && !math.IsInf(r, 0) {
		return math.NaN()
	}
	return r
}

func roundHalfEven(x, precision float64) float64 {
	if precision != 0 {
		x = shiftDecimal(x, precision)
	}
	result := math.Floor(x + 0.5)
	diff := result - x
	if math.Abs(diff) == 0.5 && math.Abs(math.Mod(result, 2)) == 1 {
		result--
	}
	if precision != 0 {
		result = shiftDecimal(result, -precision)
	}
	if result == 0 {
		result = 0
	}
	return result
}

func fnKeys(v any) any {
	out := newSeq()
	if arr, ok := arrayItems(v); ok {
		seen := map[string]bool{}
		for _, it := range arr {
			for _, k := range items(fnKeysList(it)) {
				ks := k.(string)
				if !seen[ks] {
					seen[ks] = true
					out.push(ks)
				}
			}
		}
		return out
	}
	return fnKeysList(v)
}

func fnKeysList(v any) any {
	out := newSeq()
	if o, ok := v.(*sfnrt.Object); ok {
		for _, m := range o.Members() {
			out.push(m.Key)
		}
	}
	return out
}

func fnSpread(v any) any {
	if arr, ok := arrayItems(v); ok {
		// fn.append in a loop, appending in place: a copy per item made
		// $spread quadratic, beyond the time limit's reach inside one
		// built-in.
		var out []any
		appended := false
		for _, it := range arr {
			r := fnSpread(it)
			if r == undefined {
				continue
			}
			appended = true
			if ri, ok := arrayItems(r); ok {
				out = append(out, ri...)
			} else {
				out = append(out, r)
			}
		}
		if !appended {
			return newSeq()
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	if o, ok := v.(*sfnrt.Object); ok {
		out := newSeqCap(o.Len())
		for _, m := range o.Members() {
			out.push(sfnrt.ObjectOf(m))
		}
		return out
	}
	return v
}

// cloneValue is $clone: a deep copy through JSON (numbers rounded to 15
// significant digits, as $string does).
func cloneValue(v any) (any, error) {
	s, err := fnString(v, false)
	if err != nil {
		return nil, err
	}
	return sfnrt.ParseJSON([]byte(s))
}

func fnMatch(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s := str(a[0])
	limit := argAt(a, 2)
	if limit != undefined && num(limit) < 0 {
		return nil, &Error{Code: "D3040", Position: -1, Value: limit, Index: 3}
	}
	out := newSeq()
	if limit != undefined && num(limit) <= 0 {
		return out, nil
	}
	m, err := c.firstMatch(a[1], s)
	if err != nil {
		return nil, err
	}
	count := 0
	// index counts UTF-16 units up to the match from where the last one
	// left off: counting from the start each time made a string with
	// many matches quadratic.
	lastByte, lastUnits := 0, 0
	for m != nil && (limit == undefined || float64(count) < num(limit)) {
		if len(out.items) >= maxItems {
			return nil, memoryExceeded()
		}
		c.ev.mustStep()
		if m.start >= lastByte {
			lastUnits += engine.UTF16Len(s[lastByte:m.start])
		} else {
			lastUnits = utf16Offset(s, m.start)
		}
		lastByte = m.start
		o := sfnrt.NewObject(3)
		o.Set("match", m.text)
		o.Set("index", float64(lastUnits))
		groups := make([]any, len(m.groups))
		copy(groups, m.groups)
		o.Set("groups", groups)
		out.push(o)
		if m, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	return out, nil
}

func substituteGroups(replacement string, m *regexMatch) string {
	var b strings.Builder
	position := 0
	index := strings.IndexByte(replacement, '$')
	for index != -1 && position < len(replacement) {
		b.WriteString(replacement[position:index])
		position = index + 1
		var dollar byte
		if position < len(replacement) {
			dollar = replacement[position]
		}
		switch {
		case dollar == '$':
			b.WriteByte('$')
			position++
		case dollar == '0':
			b.WriteString(m.text)
			position++
		default:
			maxDigits := 1
			if len(m.groups) > 0 {
				maxDigits = int(math.Floor(math.Log10(float64(len(m.groups))))) + 1
			}
			end := min(position+maxDigits, len(replacement))
			idx, ok := parseLeadingInt(replacement[position:end])
			if maxDigits > 1 && ok && idx > len(m.groups) {
				idx, ok = parseLeadingInt(replacement[position : end-1])
			}
			if ok {
				if len(m.groups) > 0 && idx >= 1 && idx <= len(m.groups) {
					if g, isStr := m.groups[idx-1].(string); isStr {
						b.WriteString(g)
					}
				}
				position += len(strconv.Itoa(idx))
			} else {
				b.WriteByte('$')
			}
		}
		next := strings.IndexByte(replacement[position:], '$')
		if next < 0 {
			index = -1
		} else {
			index = position + next
		}
	}
	if position < len(replacement) {
		b.WriteString(replacement[position:])
	}
	return b.String()
}

// parseLeadingInt is parseInt(s, 10) for the leading digits of s.
func parseLeadingInt(s string) (int, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, err == nil
}

func fnReplace(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s := str(a[0])
	pattern := argAt(a, 1)
	if pattern == "" {
		return nil, &Error{Code: "D3010", Position: -1, Value: pattern, Index: 2}
	}
	limit := argAt(a, 3)
	if limit != undefined && num(limit) < 0 {
		return nil, &Error{Code: "D3011", Position: -1, Value: limit, Index: 4}
	}
	replacement := argAt(a, 2)
	if limit != undefined && num(limit) <= 0 {
		return s, nil
	}
	within := func(count int) bool { return limit == undefined || float64(count) < num(limit) }
	var b strings.Builder
	if p, ok := pattern.(string); ok {
		rep, _ := replacement.(string)
		position, count := 0, 0
		for {
			i := strings.Index(s[position:], p)
			if i < 0 || !within(count) {
				break
			}
			b.WriteString(s[position : position+i])
			b.WriteString(rep)
			position += i + len(p)
			count++
			if b.Len() > maxStringBytes {
				return nil, memoryExceeded()
			}
		}
		b.WriteString(s[position:])
		return b.String(), nil
	}
	m, err := c.firstMatch(pattern, s)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return s, nil
	}
	position, count := 0, 0
	for m != nil && within(count) {
		if m.start >= position && m.start <= len(s) {
			b.WriteString(s[position:m.start])
		}
		var with any
		if rep, ok := replacement.(string); ok {
			with = substituteGroups(rep, m)
		} else {
			with, err = c.callFunction(replacement, matchObject(s, m))
			if err != nil {
				return nil, err
			}
		}
		ws, ok := with.(string)
		if !ok {
			return nil, &Error{Code: "D3012", Position: -1, Value: with}
		}
		b.WriteString(ws)
		if b.Len() > maxStringBytes {
			return nil, memoryExceeded()
		}
		position = m.start + len(m.text)
		count++
		if m, err = m.next(); err != nil {
			return nil, err
		}
	}
	if position <= len(s) {
		b.WriteString(s[position:])
	}
	return b.String(), nil
}

func fnSplit(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	s := str(a[0])
	limit := argAt(a, 2)
	if limit != undefined && num(limit) < 0 {
		return nil, &Error{Code: "D3020", Position: -1, Value: limit, Index: 3}
	}
	out := []any{}
	if limit != undefined && num(limit) <= 0 {
		return out, nil
	}
	within := func(count int) bool { return limit == undefined || float64(count) < num(limit) }
	if sep, ok := argAt(a, 1).(string); ok {
		var parts []string
		if sep == "" {
			parts = codePoints(s)
		} else {
			parts = strings.Split(s, sep)
		}
		for i, p := range parts {
			if !within(i) {
				break
			}
			out = append(out, p)
		}
		return out, nil
	}
	m, err := c.firstMatch(a[1], s)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return append(out, s), nil
	}
	start, count := 0, 0
	for m != nil && within(count) {
		if len(out) >= maxItems {
			return nil, memoryExceeded()
		}
		c.ev.mustStep()
		if m.start >= start {
			out = append(out, s[start:m.start])
		} else {
			out = append(out, "")
		}
		start = m.end
		if m, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	if within(count) {
		if start <= len(s) {
			out = append(out, s[start:])
		}
	}
	return out, nil
}

const (
	uriUnreservedComponent = "-_.!~*'()"
	uriUnreservedFull      = "-_.!~*'();/?:@&=+$,#"
)

// urlFn applies the URL function name, f, to a string argument.
func urlFn(a []any, name string, f func(string) (string, bool)) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	r, ok := f(str(a[0]))
	if !ok {
		return nil, &Error{Code: "D3140", Position: -1, Value: a[0], extra: map[string]string{"functionName": name}}
	}
	return r, nil
}

func encodeURI(s string, keep string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			return "", false
		}
		c := s[i]
		if w == 1 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
		} else {
			for j := 0; j < w; j++ {
				b.WriteByte('%')
				b.WriteByte("0123456789ABCDEF"[s[i+j]>>4])
				b.WriteByte("0123456789ABCDEF"[s[i+j]&15])
			}
		}
		i += w
	}
	return b.String(), true
}

func decodeURI(s string, reserved string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		if i+3 > len(s) || !isHexByte(s[i+1:i+3]) {
			return "", false
		}
		v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if v < 0x80 {
			if strings.IndexByte(reserved, byte(v)) >= 0 {
				b.WriteString(s[i : i+3])
			} else {
				b.WriteByte(byte(v))
			}
			i += 3
			continue
		}
		// multi-byte UTF-8 sequence: all continuation bytes must be escaped
		n := 0
		switch {
		case v&0xE0 == 0xC0:
			n = 2
		case v&0xF0 == 0xE0:
			n = 3
		case v&0xF8 == 0xF0:
			n = 4
		default:
			return "", false
		}
		buf := []byte{byte(v)}
		j := i + 3
		for k := 1; k < n; k++ {
			if j+3 > len(s) || s[j] != '%' || !isHexByte(s[j+1:j+3]) {
				return "", false
			}
			cb, _ := strconv.ParseUint(s[j+1:j+3], 16, 8)
			buf = append(buf, byte(cb))
			j += 3
		}
		r, w := utf8.DecodeRune(buf)
		if r == utf8.RuneError || w != n {
			return "", false
		}
		b.Write(buf)
		i = j
	}
	return b.String(), true
}

// isHexByte reports whether s is two hexadecimal digits (a %XX escape).
func isHexByte(s string) bool {
	_, err := strconv.ParseUint(s, 16, 8)
	return len(s) == 2 && err == nil
}
