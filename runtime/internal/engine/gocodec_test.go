package engine

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// These tests check the typed-handler helpers of gocodec.go against their
// definition. A Decode helper either reports false, and generated code
// falls back to json.Unmarshal of AppendJSON(nil, v), or it stores exactly
// what that Unmarshal stores into a zero destination, the Unmarshal
// succeeding. An Encode helper either reports false or returns a value
// whose JSON text (and Go type) is that of EncodeJSON(x), the runtime value
// of json.Marshal's text. encoding/json is the reference, not expectations
// computed by hand: a typed handler's semantics are defined as that round
// trip, and the helpers exist only to skip it, so any difference from it
// (a range, a rounding, U+FFFD for invalid UTF-8, 2.0 against 2) is a bug.
// Beyond the contract, each check requires the fast path for the values a
// helper is meant to handle, so that a helper that always reported false
// fails too.

type (
	gcKind  string
	gcFlag  bool
	gcLevel int8
	gcCount uint16
	gcScore float64
)

// exact compares floats bit for bit, telling -0 from 0.
var exact = cmp.Options{
	cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }),
	cmp.Comparer(func(a, b gcScore) bool { return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) }),
}

// checkDecode checks decode(v) against json.Unmarshal(AppendJSON(nil, v))
// into a zero T. When plain(v) holds and Unmarshal succeeds, decode must
// report true; when it reports false, it must leave *dst alone.
func checkDecode[T any](t *testing.T, v any, decode func(any, *T) bool, plain func(any) bool) {
	t.Helper()
	text := AppendJSON(nil, v)
	var want, got, zero T
	werr := json.Unmarshal(text, &want)
	name := reflect.TypeFor[T]().String()
	if !decode(v, &got) {
		if diff := cmp.Diff(zero, got, exact); diff != "" {
			t.Errorf("Decode[%s](%#v) reports false but wrote *dst (-zero +got):\n%s", name, v, diff)
		}
		if plain(v) && werr == nil {
			t.Errorf("Decode[%s](%#v) reports false; want the fast path (json.Unmarshal(%s) gives %#v)", name, v, text, want)
		}
		return
	}
	if werr != nil {
		t.Errorf("Decode[%s](%#v) stores %#v, true; json.Unmarshal(%s) fails: %v", name, v, got, text, werr)
	} else if diff := cmp.Diff(want, got, exact); diff != "" {
		t.Errorf("Decode[%s](%#v) differs from json.Unmarshal(%s) (-want +got):\n%s", name, v, text, diff)
	}
}

func plainString(v any) bool { s, ok := v.(string); return v == nil || ok && utf8.ValidString(s) }
func plainBool(v any) bool   { _, ok := v.(bool); return v == nil || ok }
func plainInt(v any) bool    { _, ok := v.(int64); return v == nil || ok }
func plainNumber(v any) bool {
	f, ok := v.(float64)
	return plainInt(v) || ok && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// checkDecodeAll runs every Decode helper on v for several target types.
func checkDecodeAll(t *testing.T, v any) {
	t.Helper()
	checkDecode(t, v, DecodeString[string], plainString)
	checkDecode(t, v, DecodeString[gcKind], plainString)
	checkDecode(t, v, DecodeBool[bool], plainBool)
	checkDecode(t, v, DecodeBool[gcFlag], plainBool)
	checkDecode(t, v, DecodeInt[int], plainInt)
	checkDecode(t, v, DecodeInt[int8], plainInt)
	checkDecode(t, v, DecodeInt[int16], plainInt)
	checkDecode(t, v, DecodeInt[int32], plainInt)
	checkDecode(t, v, DecodeInt[int64], plainInt)
	checkDecode(t, v, DecodeInt[gcLevel], plainInt)
	checkDecode(t, v, DecodeUint[uint], plainInt)
	checkDecode(t, v, DecodeUint[uint8], plainInt)
	checkDecode(t, v, DecodeUint[uint16], plainInt)
	checkDecode(t, v, DecodeUint[uint32], plainInt)
	checkDecode(t, v, DecodeUint[uint64], plainInt)
	checkDecode(t, v, DecodeUint[uintptr], plainInt)
	checkDecode(t, v, DecodeUint[gcCount], plainInt)
	checkDecode(t, v, DecodeFloat[float64], plainNumber)
	checkDecode(t, v, DecodeFloat[gcScore], plainNumber)
	checkDecode(t, v, DecodeAny, func(any) bool { return true })
}

// checkEncode checks an Encode helper's result got, ok for x against
// EncodeJSON(x). When Marshal succeeds and plain(its value) holds, the
// helper must report true.
func checkEncode(t *testing.T, name string, x, got any, ok bool, plain func(ref any) bool) {
	t.Helper()
	ref, err := EncodeJSON(x)
	switch {
	case !ok:
		if err == nil && plain(ref) {
			t.Errorf("%s(%#v) reports false; want the fast path (encoding/json gives %T %s)", name, x, ref, ToJSON(ref))
		}
	case err != nil:
		t.Errorf("%s(%#v) = %T %s, true; json.Marshal fails: %v", name, x, got, ToJSON(got), err)
	case !sameValue(got, ref):
		t.Errorf("%s(%#v) = %T %s; encoding/json gives %T %s", name, x, got, ToJSON(got), ref, ToJSON(ref))
	}
}

// sameValue reports whether runtime values are identical: same types,
// strings byte for byte, floats bit for bit, keys in the same order.
func sameValue(a, b any) bool {
	return cmp.Equal(a, b, exact, cmp.Comparer(func(x, y *Object) bool { return sameValue(x.Members(), y.Members()) }))
}

func notBig(ref any) bool { _, big := ref.(json.Number); return !big }

// plainFloat reports whether EncodeFloat must take the fast path for f:
// not for integers past 2^53, which Marshal writes as shortest digits
// padded with zeros.
func plainFloat(f float64) func(any) bool {
	return func(any) bool { a := math.Abs(f); return a < 1<<53 || a >= 1e21 }
}

var floatCases = []float64{
	0, math.Copysign(0, -1), 1.5, 2, -3, 0.1, 1e-7, 1e-6, 5e-324, math.MaxFloat64,
	1e7, 1e20, 1e21, -1e21, 1e22, 1 << 53, 1<<53 + 2,
	9.223372036854775807e18, -9.223372036854775808e18, 9.223372036854774784e18,
	1 << 60, 1.8446744073709551615e19, math.NaN(), math.Inf(1), math.Inf(-1),
}

var intCases = []int64{
	0, 1, -1, math.MaxInt8, math.MaxInt8 + 1, math.MinInt8, math.MinInt8 - 1,
	math.MaxUint8, math.MaxUint8 + 1, math.MaxInt16, math.MaxInt16 + 1, math.MinInt16, math.MinInt16 - 1,
	math.MaxUint16, math.MaxUint16 + 1, math.MaxInt32, math.MaxInt32 + 1, math.MinInt32, math.MinInt32 - 1,
	math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64, math.MinInt64,
}

var stringCases = []string{
	"", "plain", "héllo ☃ 𝄞", "<&>\u2028\u2029", "\x00\n\t\"\\\x7f",
	"\xff", "a\xffb", "\xc3", "\xed\xa0\x80", "\xef\xbf\xbd",
}

// jsonSeeds are JSON texts for the decode table and the fuzz corpus. The
// invalid UTF-8 in strings and keys, raw or after an escape, must come out
// of ParseJSON as U+FFFD: DecodeString relies on it (see value.go).
var jsonSeeds = []string{
	"\"\xff\"", "\"\\n\xff\"", "{\"\\t\xc3\":[\"a\\u0041\xed\xa0\x80\"]}", `"k\u00e9\ud834\udd1e"`, `"\ud800"`,
	`null`, `true`, `-0`, `2`, `2.0`, `-0.0`, `1E2`, `1e-7`, `255`, `-129`, `4294967296`,
	`9223372036854775807`, `-9223372036854775808`, `9223372036854775808`, `18446744073709551615`,
	`18446744073709551616`, `-9223372036854775809`, `123456789012345678901234`, `1e400`, `-1e400`,
	`[]`, `{}`, `[1,"a",null,true,2.5,[-1,{"x":300}]]`,
	`{"a":1,"b":[true,null,"\u0000"],"c":{"d":1.0E21,"e":18446744073709551616}}`,
}

func TestDecodeGoCodec(t *testing.T) {
	values := []any{nil, true, false, json.Number("123456789012345678901234"),
		json.Number("18446744073709551616"), json.Number("-9223372036854775809"),
		[]any{}, []any{int64(1), "x", nil, 2.5, []any{false}},
		ObjectOf(Member{"a", int64(1)}, Member{"b", []any{"é", 0.5}}, Member{"c", ObjectOf()}),
	}
	for _, s := range stringCases {
		if utf8.ValidString(s) { // the others are no runtime values
			values = append(values, s)
		}
	}
	for _, i := range intCases {
		values = append(values, i)
	}
	for _, f := range floatCases {
		values = append(values, f)
	}
	for _, text := range jsonSeeds {
		v, err := ParseJSON([]byte(text))
		if err != nil {
			t.Fatalf("ParseJSON(%s): %v", text, err)
		}
		walk(v, func(x any) { values = append(values, x) })
	}
	for _, v := range values {
		checkDecodeAll(t, v)
	}
}

func TestEncodeGoCodec(t *testing.T) {
	floats := append([]float64(nil), floatCases...)
	for _, i := range intCases {
		floats = append(floats, float64(i))
	}
	for _, f := range floats {
		got, ok := EncodeFloat(f)
		checkEncode(t, "EncodeFloat", f, got, ok, plainFloat(f))
	}
	for _, u := range []uint64{0, 1, math.MaxUint8, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64} {
		got, ok := EncodeUint(u)
		checkEncode(t, "EncodeUint", u, got, ok, notBig)
	}
	for _, s := range stringCases {
		got, ok := EncodeString(s)
		checkEncode(t, "EncodeString", s, got, ok, func(any) bool { return utf8.ValidString(s) })
	}
	type rec struct {
		A int
		B string `json:"b"`
		C []float64
		D *int `json:",omitempty"`
		e bool
	}
	for _, c := range []struct {
		x  any
		ok bool
	}{
		{nil, true}, {true, true}, {int64(-7), true}, {"s<>", true}, {"\xff", false},
		{3.0, true}, {1.5, true}, {1e20, true}, {math.Copysign(0, -1), true}, {5, true},
		{uint64(math.MaxUint64), true}, {json.Number("123456789012345678901234"), true},
		{[]any{int64(1), "a", nil, 2.5, 2.0}, true},
		{map[string]any{"b": 1.0, "a": []any{}, "c": "\xff"}, true},
		{rec{A: 1, B: "<x>", C: []float64{0.5, 2}}, true},
		{ObjectOf(Member{"z", 2.0}, Member{"a", json.Number("1e400")}), true},
		{make(chan int), false}, {math.NaN(), false}, {math.Inf(-1), false},
		{map[string]any{"f": math.Inf(1)}, false}, {func() {}, false},
	} {
		got, ok := EncodeAny(c.x)
		if ok != c.ok {
			t.Errorf("EncodeAny(%#v) reports %v, want %v", c.x, ok, c.ok)
		}
		checkEncode(t, "EncodeAny", c.x, got, ok, func(any) bool { return false })
	}
}

// walk calls fn for v and every value nested in it.
func walk(v any, fn func(any)) {
	fn(v)
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	case *Object:
		for _, m := range x.Members() {
			walk(m.Value, fn)
		}
	}
}

// FuzzGoCodec checks every Decode helper on the root of a parsed document
// and on each scalar in it, the Encode helpers on those scalars, and
// EncodeAny on the document as encoding/json decodes it into an any.
func FuzzGoCodec(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := ParseJSON(data)
		if err != nil {
			t.Skip()
		}
		switch root.(type) {
		case []any, *Object: // scalars are checked below
			checkDecodeAll(t, root)
		}
		walk(root, func(v any) {
			switch x := v.(type) {
			case []any:
				return
			case *Object:
				for _, m := range x.Members() {
					if !utf8.ValidString(m.Key) {
						t.Errorf("ParseJSON(%q) has key %q: invalid UTF-8", data, m.Key)
					}
				}
				return
			case int64:
				got, ok := EncodeUint(uint64(x))
				checkEncode(t, "EncodeUint", uint64(x), got, ok, notBig)
			case float64:
				got, ok := EncodeFloat(x)
				checkEncode(t, "EncodeFloat", x, got, ok, plainFloat(x))
			case string:
				got, ok := EncodeString(x)
				checkEncode(t, "EncodeString", x, got, ok, func(any) bool { return utf8.ValidString(x) })
			}
			checkDecodeAll(t, v)
		})
		var g any
		if ToGo(root, &g) == nil { // not for numbers beyond float64
			got, ok := EncodeAny(g)
			checkEncode(t, "EncodeAny", g, got, ok, func(any) bool { return true })
		}
	})
}

// FuzzEncodeNumber checks EncodeFloat and EncodeUint on arbitrary bits,
// and the numeric Decode helpers on the same numbers as runtime values.
func FuzzEncodeNumber(f *testing.F) {
	for i, x := range floatCases {
		f.Add(x, uint64(intCases[i%len(intCases)]))
	}
	f.Fuzz(func(t *testing.T, x float64, u uint64) {
		got, ok := EncodeFloat(x)
		checkEncode(t, "EncodeFloat", x, got, ok, plainFloat(x))
		got, ok = EncodeUint(u)
		checkEncode(t, "EncodeUint", u, got, ok, notBig)
		checkDecodeAll(t, x)
		checkDecodeAll(t, int64(u))
		if v, ok := EncodeFloat(x); ok {
			checkDecodeAll(t, v)
		}
	})
}

// TestValidUTF8 checks ValidUTF8 against utf8.ValidString for every length
// up to 24 with a non-ASCII byte (a rune's first or later byte, or a stray
// one) at every position: the fast path reads words and overlapping tails.
func TestValidUTF8(t *testing.T) {
	for n := 0; n <= 24; n++ {
		base := []byte("abcdefghijklmnopqrstuvwxyz"[:n])
		check := func(s string) {
			if got, want := ValidUTF8(s), utf8.ValidString(s); got != want {
				t.Errorf("ValidUTF8(%q) = %v, want %v", s, got, want)
			}
		}
		check(string(base))
		for i := 0; i < n; i++ {
			for _, ins := range []string{"\xff", "\x80", "é", "€", "\xe2\x82", "😀"} {
				s := append(append(append([]byte(nil), base[:i]...), ins...), base[i:]...)
				check(string(s[:len(s)-len(ins)])) // same length as base
				check(string(s))
			}
		}
	}
}

// A typed handler's output of a type without interfaces is normal for
// JSONata on the adapter's fallback too (codegen's normalEncoding relies
// on it): json.Marshal writes an integral float64 below 1e21 without a
// fraction or exponent, which the decoder reads as an integer, and
// EncodeFloat gives one as an int64.
func TestEncodedFloatsAreNotIntegralFloats(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -5, 123, 1 << 53, 1<<53 + 2, -(1 << 53), 1e20, 1e21, 1e300, 1e-7, 0.5, 42.5, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		v, err := EncodeJSON(struct{ F []float64 }{[]float64{f}})
		if err != nil {
			t.Fatal(err)
		}
		got := v.(*Object).Members()[0].Value.([]any)[0]
		if g, isFloat := got.(float64); isFloat && integralFloat(g) {
			t.Errorf("EncodeJSON of %v gives the integral float %v", f, g)
		}
		if e, ok := EncodeFloat(f); ok {
			if g, isFloat := e.(float64); isFloat && integralFloat(g) {
				t.Errorf("EncodeFloat(%v) gives the integral float %v", f, g)
			}
		}
	}
}
