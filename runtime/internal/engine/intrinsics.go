package engine

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/internal/digest"
)

// Intrinsics, the name → function table, is written from
// internal/genintrinsics/data.go into intrinsic_table_gen.go.

// intrinsicErrorName is the error a failed intrinsic raises. The AWS guide
// documents States.IntrinsicFailure, but executions observed on AWS fail
// with States.Runtime and a cause that says "Invalid arguments in
// States.MathAdd" (and so on), which Retry and Catch cannot handle.
const intrinsicErrorName = ErrRuntime

// Limits AWS applies to intrinsic arguments.
const (
	maxIntrinsicStringLen = 10000 // Base64Encode/Decode and Hash input, in UTF-16 units
	maxArrayRangeLen      = 1000
)

func intrinsicArgErr(fn string) error {
	return NewError(intrinsicErrorName, "Invalid arguments in "+fn)
}

func intrinsicArgErrf(fn, detail string) error {
	return NewError(intrinsicErrorName, "Invalid arguments in "+fn+": "+detail)
}

// ---- generic

// StatesFormat is States.Format(template, values...): each {} in the
// template is replaced by the next value, strings raw and other values as
// Java prints them (1, 1.5, null, true, [a, b], {k=v}). The number of {}
// must equal the number of values. \{, \}, \' and \\ in the template stand
// for the character after the backslash, so a template literal may reach
// the runtime with its escapes intact; a { or } that is not part of {} is an
// invalid template.
func StatesFormat(x *Execution, args ...any) (any, error) {
	const fn = "States.Format"
	if len(args) == 0 {
		return nil, intrinsicArgErr(fn)
	}
	tpl, ok := args[0].(string)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	vals := args[1:]
	// Count the placeholders first so that a mismatch fails before any work.
	n, err := formatPlaceholders(tpl)
	if err != nil {
		return nil, err
	}
	if n != len(vals) {
		return nil, intrinsicArgErrf(fn, "number of arguments do not match the occurrences of {}")
	}
	out := make([]byte, 0, len(tpl)+16*len(vals))
	k := 0
	for i := 0; i < len(tpl); i++ {
		c := tpl[i]
		switch {
		case c == '\\' && i+1 < len(tpl) && isFormatEscape(tpl[i+1]):
			i++
			out = append(out, tpl[i])
		case c == '{':
			i++ // formatPlaceholders checked that '}' follows
			out = appendJavaString(out, vals[k])
			k++
		default:
			out = append(out, c)
		}
	}
	return string(out), nil
}

func isFormatEscape(c byte) bool { return c == '{' || c == '}' || c == '\\' || c == '\'' }

func formatPlaceholders(tpl string) (int, error) {
	n := 0
	for i := 0; i < len(tpl); i++ {
		switch tpl[i] {
		case '\\':
			if i+1 < len(tpl) && isFormatEscape(tpl[i+1]) {
				i++
			}
		case '{':
			if i+1 >= len(tpl) || tpl[i+1] != '}' {
				return 0, NewError(intrinsicErrorName, "Invalid template in States.Format: matching '}' not found for '{'.")
			}
			i++
			n++
		case '}':
			return 0, NewError(intrinsicErrorName, "Invalid template in States.Format: matching '{' not found for '}'.")
		}
	}
	return n, nil
}

// StatesStringToJson is States.StringToJson(s): s parsed as JSON. An empty
// or blank string gives null.
func StatesStringToJson(x *Execution, args ...any) (any, error) {
	const fn = "States.StringToJson"
	if len(args) != 1 {
		return nil, intrinsicArgErr(fn)
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	s = strings.Trim(s, " \t\r\n")
	if s == "" {
		return nil, nil
	}
	v, err := ParseJSON([]byte(s))
	if err != nil {
		return nil, intrinsicArgErr(fn)
	}
	return v, nil
}

// StatesJsonToString is States.JsonToString(v): v as compact JSON with its
// keys in order.
func StatesJsonToString(x *Execution, args ...any) (any, error) {
	if len(args) != 1 {
		return nil, intrinsicArgErr("States.JsonToString")
	}
	return string(AppendJSON(nil, args[0])), nil
}

// ---- arrays

// StatesArray is States.Array(values...): the values as an array.
func StatesArray(x *Execution, args ...any) (any, error) {
	a := make([]any, len(args))
	copy(a, args)
	return a, nil
}

// StatesArrayPartition is States.ArrayPartition(array, size): the array cut
// into chunks of size elements, the last one shorter. A fractional size is
// truncated and must then be at least 1.
func StatesArrayPartition(x *Execution, args ...any) (any, error) {
	const fn = "States.ArrayPartition"
	if len(args) != 2 {
		return nil, intrinsicArgErr(fn)
	}
	a, ok := args[0].([]any)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	size, ok := javaIntCast(args[1])
	if !ok || size < 1 {
		return nil, intrinsicArgErr(fn)
	}
	out := make([]any, 0, (int64(len(a))+size-1)/size)
	for i := 0; i < len(a); {
		j := len(a)
		if int64(j-i) > size {
			j = i + int(size)
		}
		out = append(out, a[i:j:j]) // capped, so appending to a chunk copies
		i = j
	}
	return out, nil
}

// StatesArrayContains is States.ArrayContains(array, value). AWS compares
// the Java string forms of the elements and the value, so {"a":1,"b":2}
// does not match {"b":2,"a":1} but true matches "true" and 5 matches "5".
func StatesArrayContains(x *Execution, args ...any) (any, error) {
	const fn = "States.ArrayContains"
	if len(args) != 2 {
		return nil, intrinsicArgErr(fn)
	}
	a, ok := args[0].([]any)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	want := javaString(args[1])
	var buf []byte
	for _, e := range a {
		if s, ok := e.(string); ok {
			if s == want {
				return true, nil
			}
			continue
		}
		buf = appendJavaString(buf[:0], e)
		if string(buf) == want {
			return true, nil
		}
	}
	return false, nil
}

// StatesArrayRange is States.ArrayRange(start, end, step): start, start+step,
// ... up to and including end when it is hit. Fractions are truncated, the
// step must not be 0 and may be negative, and the result holds at most 1000
// elements.
func StatesArrayRange(x *Execution, args ...any) (any, error) {
	const fn = "States.ArrayRange"
	if len(args) != 3 {
		return nil, intrinsicArgErr(fn)
	}
	var v [3]int64
	for i, a := range args {
		n, ok := javaIntCast32(a)
		if !ok {
			return nil, intrinsicArgErr(fn)
		}
		v[i] = n
	}
	start, end, step := v[0], v[1], v[2]
	if step == 0 {
		return nil, intrinsicArgErr(fn)
	}
	if step > 0 && start > end || step < 0 && start < end {
		return []any{}, nil
	}
	count := (end-start)/step + 1
	if count > maxArrayRangeLen {
		return nil, intrinsicArgErr(fn)
	}
	out := make([]any, count)
	for i := range out {
		out[i] = start + int64(i)*step
	}
	return out, nil
}

// StatesArrayGetItem is States.ArrayGetItem(array, index). A fractional
// index is truncated; a negative index or one past the end fails, except
// that AWS returns null for any index into an empty array.
func StatesArrayGetItem(x *Execution, args ...any) (any, error) {
	const fn = "States.ArrayGetItem"
	if len(args) != 2 {
		return nil, intrinsicArgErr(fn)
	}
	a, ok := args[0].([]any)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	i, ok := javaIntCast(args[1])
	if !ok || i < 0 {
		return nil, intrinsicArgErr(fn)
	}
	if len(a) == 0 {
		return nil, nil
	}
	if i >= int64(len(a)) {
		return nil, intrinsicArgErr(fn)
	}
	return a[i], nil
}

// StatesArrayLength is States.ArrayLength(array) as an int64.
func StatesArrayLength(x *Execution, args ...any) (any, error) {
	if len(args) != 1 {
		return nil, intrinsicArgErr("States.ArrayLength")
	}
	a, ok := args[0].([]any)
	if !ok {
		return nil, intrinsicArgErr("States.ArrayLength")
	}
	return int64(len(a)), nil
}

// StatesArrayUnique is States.ArrayUnique(array): the distinct elements.
// AWS puts the array through a java.util.HashSet, so elements are equal as
// Java objects (objects regardless of key order, 1 and 1.0 distinct) and
// come out in hash order: [true, false, true] gives [false, true].
func StatesArrayUnique(x *Execution, args ...any) (any, error) {
	const fn = "States.ArrayUnique"
	if len(args) != 1 {
		return nil, intrinsicArgErr(fn)
	}
	a, ok := args[0].([]any)
	if !ok {
		return nil, intrinsicArgErr(fn)
	}
	// new HashSet<>(list) sizes its map for the whole list up front.
	m := newJavaHashMapCap(max(int(float32(len(a))/0.75)+1, 16))
	for _, e := range a {
		m.put(e, nil)
	}
	out := make([]any, 0, len(m.keys))
	for _, i := range m.order() {
		out = append(out, m.keys[i])
	}
	return out, nil
}

// ---- encoding, hashing

// StatesBase64Encode is States.Base64Encode(s): the UTF-8 bytes of s in
// padded standard Base64. s may hold at most 10,000 characters.
func StatesBase64Encode(x *Execution, args ...any) (any, error) {
	const fn = "States.Base64Encode"
	if len(args) != 1 {
		return nil, intrinsicArgErr(fn)
	}
	s, ok := args[0].(string)
	if !ok || intrinsicTooLong(s) {
		return nil, intrinsicArgErr(fn)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// StatesBase64Decode is States.Base64Decode(s), decoded as leniently as AWS
// does: padding is optional, characters outside the alphabet are skipped
// and the first '=' ends the data. Bytes that are not UTF-8 become U+FFFD.
// s may hold at most 10,000 characters.
func StatesBase64Decode(x *Execution, args ...any) (any, error) {
	const fn = "States.Base64Decode"
	if len(args) != 1 {
		return nil, intrinsicArgErr(fn)
	}
	s, ok := args[0].(string)
	if !ok || intrinsicTooLong(s) {
		return nil, intrinsicArgErr(fn)
	}
	return javaUTF8String(decodeBase64Lenient(s)), nil
}

// intrinsicTooLong reports whether s exceeds the 10,000-character limit, counted in
// UTF-16 units as Java does.
func intrinsicTooLong(s string) bool {
	// Every UTF-16 unit takes at least one byte of UTF-8.
	return len(s) > maxIntrinsicStringLen && UTF16Len(s) > maxIntrinsicStringLen
}

// StatesHash is States.Hash(data, algorithm): the lowercase hex digest of the
// UTF-8 bytes of data with MD5, SHA-1, SHA-256, SHA-384 or SHA-512 (spelled
// exactly so). data may hold at most 10,000 characters; a non-string is
// hashed in its Java string form, as AWS does.
func StatesHash(x *Execution, args ...any) (any, error) {
	const fn = "States.Hash"
	if len(args) != 2 || args[0] == nil {
		return nil, intrinsicArgErr(fn)
	}
	data := javaString(args[0])
	alg, ok := args[1].(string)
	if !ok || intrinsicTooLong(data) {
		return nil, intrinsicArgErr(fn)
	}
	h, err := digest.New(alg)
	if errors.Is(err, digest.ErrUnknown) {
		return nil, intrinsicArgErr(fn)
	}
	if err != nil {
		return nil, NewError(ErrRuntime, fn+": "+err.Error())
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ---- JSON

// StatesJsonMerge is States.JsonMerge(a, b, deep): a shallow merge in which
// the keys of b win. Deep merging (deep = true) is not supported. AWS merges
// into a java.util.HashMap, so the keys come out in its hash order.
func StatesJsonMerge(x *Execution, args ...any) (any, error) {
	const fn = "States.JsonMerge"
	if len(args) != 3 {
		return nil, intrinsicArgErr(fn)
	}
	a, ok1 := args[0].(*Object)
	b, ok2 := args[1].(*Object)
	if !ok1 || !ok2 || args[2] == true {
		return nil, intrinsicArgErr(fn)
	}
	// new HashMap<>(a), then putAll(b).
	m := newJavaHashMap()
	for _, o := range [2]*Object{a, b} {
		ms := o.Members()
		keys, vals := make([]any, len(ms)), make([]any, len(ms))
		for i, mb := range ms {
			keys[i], vals[i] = mb.Key, mb.Value
		}
		m.putAll(keys, vals)
	}
	out := NewObject(len(m.keys))
	for _, i := range m.order() {
		out.Set(m.keys[i].(string), m.vals[i])
	}
	return out, nil
}

// ---- math

// StatesMathRandom is States.MathRandom(start, end[, seed]): a random
// integer with start <= n < end. Fractional bounds are truncated and start
// must stay below end. With a seed the result is what java.util.Random
// gives AWS for that seed; without, it comes from the execution's source.
func StatesMathRandom(x *Execution, args ...any) (any, error) {
	const fn = "States.MathRandom"
	if len(args) != 2 && len(args) != 3 {
		return nil, intrinsicArgErr(fn)
	}
	start, ok1 := javaIntCast32(args[0])
	end, ok2 := javaIntCast32(args[1])
	if !ok1 || !ok2 || start >= end {
		return nil, intrinsicArgErr(fn)
	}
	bound := end - start
	if bound > math.MaxInt32 {
		return nil, intrinsicArgErr(fn)
	}
	if len(args) == 3 {
		seed, ok := javaIntCast(args[2])
		if !ok {
			return nil, intrinsicArgErr(fn)
		}
		return start + int64(newJavaRandom(seed).nextInt(int32(bound))), nil
	}
	return start + intrinsicExec(x).RandInt63()%bound, nil
}

// StatesMathAdd is States.MathAdd(a, b): the integer sum. A fraction is
// first rounded as Java's Math.round does (half toward positive infinity:
// 1.5 -> 2, -1.5 -> -1). Operands and sum must fit in 32 bits.
func StatesMathAdd(x *Execution, args ...any) (any, error) {
	const fn = "States.MathAdd"
	if len(args) != 2 {
		return nil, intrinsicArgErr(fn)
	}
	var sum int64
	for _, a := range args {
		var n int64
		switch v := a.(type) {
		case int64:
			n = v
		case float64:
			n = javaRound(v)
		default:
			return nil, intrinsicArgErr(fn)
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, intrinsicArgErr(fn)
		}
		sum += n
	}
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, intrinsicArgErr(fn)
	}
	return sum, nil
}

// javaIntCast converts a JSON number to an integer the way a Java cast does,
// dropping any fraction; false for non-numbers and values beyond int64.
func javaIntCast(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		if n != n || n >= 9.223372036854775807e18 || n < -9.223372036854775808e18 {
			return 0, false
		}
		return int64(n), true
	case json.Number:
		return Int(n)
	}
	return 0, false
}

// javaIntCast32 is javaIntCast limited to Java's int range.
func javaIntCast32(v any) (int64, bool) {
	n, ok := javaIntCast(v)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

// ---- strings, ids

// StatesStringSplit is States.StringSplit(s, delimiters): s split at every
// character of delimiters, empty pieces dropped (java.util.StringTokenizer).
func StatesStringSplit(x *Execution, args ...any) (any, error) {
	const fn = "States.StringSplit"
	if len(args) != 2 {
		return nil, intrinsicArgErr(fn)
	}
	s, ok1 := args[0].(string)
	d, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, intrinsicArgErr(fn)
	}
	out := []any{}
	isDelim := func(r rune) bool { return strings.ContainsRune(d, r) }
	if len(d) == 1 {
		c := rune(d[0])
		isDelim = func(r rune) bool { return r == c }
	}
	start := -1
	for i, r := range s {
		if isDelim(r) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out, nil
}

// StatesUUID is States.UUID(): a version 4 UUID from the execution's random
// source.
func StatesUUID(x *Execution, args ...any) (any, error) {
	if len(args) != 0 {
		return nil, intrinsicArgErr("States.UUID")
	}
	return intrinsicExec(x).UUID(), nil
}

// intrinsicFallbackExec serves intrinsic calls made without an execution.
var intrinsicFallbackExec Execution

func intrinsicExec(x *Execution) *Execution {
	if x == nil {
		return &intrinsicFallbackExec
	}
	return x
}
