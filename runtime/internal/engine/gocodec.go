package engine

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"unicode/utf8"
	"unsafe"
)

// The helpers in this file serve the codecs that sfn-compile generates for
// typed Task handlers (gen -handlers). A handler's input is decoded as
// encoding/json.Unmarshal would decode the input's JSON text, and its
// output is the runtime value of json.Marshal's text: that round trip
// defines the semantics. Generated code goes straight from runtime values
// to Go values and back for the common cases, and each Decode helper
// reports false, each Encode helper false, when its case is not a plain
// one; the generated code then takes the round trip (ToGo, FromGo) for the
// whole value, which also gives encoding/json's own error.

// DecodeString stores the string v into *dst, as Unmarshal would. Null
// leaves *dst alone.
func DecodeString[T ~string](v any, dst *T) bool {
	switch s := v.(type) {
	case string:
		*dst = T(s) // valid UTF-8, as runtime strings are (see value.go)
		return true
	case nil:
		return true
	}
	return false
}

// ValidUTF8 reports whether s is valid UTF-8, which a Go string must be
// to be its own runtime value (see EncodeString; generated encoders check
// the strings they box in place with it, see StringAt). It is
// utf8.ValidString with a faster path for ASCII, which most
// strings are: eight bytes at a time, without the call, and the tail in
// one more load that overlaps what was read (the strings handlers return
// are short: a byte loop over the tail cost as much as the words). Up to
// 16 bytes, the most common, that is two loads and no loop.
func ValidUTF8(s string) bool {
	const high64, high32 = 0x8080808080808080, 0x80808080
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	n := len(b)
	switch {
	case n > 16:
		i := 0
		for ; i+8 <= n; i += 8 {
			if binary.LittleEndian.Uint64(b[i:])&high64 != 0 {
				return utf8.Valid(b[i:])
			}
		}
		if i < n && binary.LittleEndian.Uint64(b[n-8:])&high64 != 0 {
			return utf8.Valid(b[i:]) // b[i-1] is ASCII: a rune starts at i
		}
		return true
	case n >= 8:
		return (binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[n-8:]))&high64 == 0 || utf8.Valid(b)
	case n >= 4:
		return (binary.LittleEndian.Uint32(b)|binary.LittleEndian.Uint32(b[n-4:]))&high32 == 0 || utf8.Valid(b)
	}
	for i := 0; i < n; i++ {
		if b[i] >= utf8.RuneSelf {
			return utf8.Valid(b)
		}
	}
	return true
}

// DecodeJSON decodes v into a new T through its JSON text, as Unmarshal
// does: the generated code's fallback. (A function of its own, so that the
// caller's T does not escape to the heap on the common path.)
func DecodeJSON[T any](v any) (T, error) {
	var x T
	err := ToGo(v, &x)
	return x, err
}

// DecodeBool stores the boolean v into *dst, as Unmarshal would.
func DecodeBool[T ~bool](v any, dst *T) bool {
	switch b := v.(type) {
	case bool:
		*dst = T(b)
		return true
	case nil:
		return true
	}
	return false
}

// DecodeInt stores the integer v into *dst when it fits, as Unmarshal
// would. A number with a fraction or an exponent is not plain: the
// runtime writes 2.0 as "2.0", which Unmarshal refuses for an integer.
func DecodeInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](v any, dst *T) bool {
	switch i := v.(type) {
	case int64:
		if int64(T(i)) != i {
			return false
		}
		*dst = T(i)
		return true
	case nil:
		return true
	}
	return false
}

// DecodeUint stores the non-negative integer v into *dst when it fits.
func DecodeUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](v any, dst *T) bool {
	switch i := v.(type) {
	case int64:
		if i < 0 || uint64(T(i)) != uint64(i) {
			return false
		}
		*dst = T(i)
		return true
	case nil:
		return true
	}
	return false
}

// DecodeFloat stores the number v into *dst. An int64 converts with the
// rounding strconv.ParseFloat applies to its text, and a float64 is
// written in the shortest form that reads back as itself, so both equal
// what Unmarshal computes.
func DecodeFloat[T ~float64](v any, dst *T) bool {
	switch f := v.(type) {
	case int64:
		*dst = T(f)
		return true
	case float64:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		*dst = T(f)
		return true
	case nil:
		return true
	}
	return false
}

// DecodeAny stores v into the interface *dst as Unmarshal would: objects
// as map[string]any, numbers as float64.
func DecodeAny(v any, dst *any) bool {
	return json.Unmarshal(AppendJSON(nil, v), dst) == nil
}

// EncodeString returns the runtime value of a Go string: itself, when it
// is valid UTF-8 (Marshal writes U+FFFD for invalid bytes).
func EncodeString(s string) (any, bool) {
	return s, ValidUTF8(s)
}

// EncodeUint returns the runtime value of an unsigned integer: an int64
// when it fits (larger ones are json.Number, from the round trip).
func EncodeUint(u uint64) (any, bool) {
	return int64(u), u <= math.MaxInt64
}

// EncodeFloat returns the runtime value of Marshal's text for f: an
// integral f below 1e21 is written without a fraction or an exponent, so
// it reads back as an integer; other numbers read back as themselves.
// Integers past 2^53 are not plain: Marshal writes their shortest digits
// padded with zeros (9223372036854775000 for 2^63-1024), which reads back
// as another int64, or as a json.Number. NaN and infinities are not plain
// either (Marshal refuses them).
func EncodeFloat(f float64) (any, bool) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return nil, false
	case f != math.Trunc(f) || math.Abs(f) >= 1e21:
		return f, true
	case math.Abs(f) < 1<<53:
		return int64(f), true
	}
	return nil, false
}

// EncodeAny returns the runtime value of x, a Go value held in an
// interface: what EncodeJSON returns, without the round trip for the
// values that are their own runtime value.
func EncodeAny(x any) (any, bool) {
	switch y := x.(type) {
	case nil, bool, int64:
		return x, true
	case string:
		return EncodeString(y)
	}
	v, err := EncodeJSON(x)
	return v, err == nil
}

// EncodeJSON returns the runtime value of json.Marshal's text for x. It
// defines what a typed handler's output is; generated code calls it when
// its own encoding reports a case that is not plain.
func EncodeJSON(x any) (any, error) {
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return ParseJSON(b)
}
