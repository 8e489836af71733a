package engine

import (
	"cmp"
	"encoding/json"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
)

// AWS Step Functions evaluates intrinsic functions in Java on plain Java
// objects: JSON objects are maps, arrays are lists, integers are Integer,
// Long or BigInteger by size, fractions are Double. Several functions leak
// that representation, and this file reproduces the parts that show:
//
//   - String.valueOf of such an object (States.Format, States.ArrayContains,
//     States.Hash of a non-string);
//   - hashCode and equals (States.ArrayUnique goes through a HashSet);
//   - the iteration order of java.util.HashMap (States.ArrayUnique and
//     States.JsonMerge return elements in hash order, not insertion order);
//   - java.util.Random (seeded States.MathRandom), Math.round (MathAdd),
//     the lenient Apache Commons Base64 decoder and new String(bytes, UTF_8).

// appendJavaString appends String.valueOf(v) for the Java form of a runtime
// value: strings raw, null as null, numbers as Java prints them, lists as
// [a, b] and maps as {k=v, k2=v2} in key order.
func appendJavaString(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return append(dst, x...)
	case bool:
		return strconv.AppendBool(dst, x)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return appendFloat(dst, x)
	case json.Number:
		return append(dst, x...)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJavaString(dst, e)
		}
		return append(dst, ']')
	case *Object:
		dst = append(dst, '{')
		for i, m := range x.Members() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, m.Key...)
			dst = append(dst, '=')
			dst = appendJavaString(dst, m.Value)
		}
		return append(dst, '}')
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	}
	return AppendJSON(dst, v)
}

// javaString returns String.valueOf(v) for the Java form of v.
func javaString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(appendJavaString(nil, v))
}

// javaHash returns hashCode() of the Java form of v (0 for null).
func javaHash(v any) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1231
		}
		return 1237
	case string:
		return javaStringHash(x)
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return int32(x) // Integer
		}
		return int32(x ^ int64(uint64(x)>>32)) // Long
	case float64:
		b := math.Float64bits(x)
		if x != x {
			b = 0x7ff8000000000000 // doubleToLongBits canonical NaN
		}
		return int32(b ^ b>>32)
	case json.Number:
		return bigIntegerHash(x)
	case []any:
		h := int32(1)
		for _, e := range x {
			h = 31*h + javaHash(e)
		}
		return h
	case *Object:
		var h int32
		for _, m := range x.Members() {
			h += javaStringHash(m.Key) ^ javaHash(m.Value)
		}
		return h
	}
	return 0
}

// javaStringHash is String.hashCode, over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			h = 31*h + int32(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// bigIntegerHash is BigInteger.hashCode for an integer written in decimal.
func bigIntegerHash(n json.Number) int32 {
	z, ok := new(big.Int).SetString(string(n), 10)
	if !ok {
		f, _ := n.Float64()
		return javaHash(f)
	}
	// The magnitude as big-endian 32-bit words, without leading zeros.
	mag := z.Bytes()
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	var h int32
	for i := 0; i < len(mag); i += 4 {
		w := uint32(mag[i])<<24 | uint32(mag[i+1])<<16 | uint32(mag[i+2])<<8 | uint32(mag[i+3])
		h = int32(31*int64(h) + int64(w))
	}
	return h * int32(z.Sign())
}

// javaEqual is equals() of the Java forms of a and b. Integer, Long and
// BigInteger never hold the same value, so integers compare by value, but
// an integer never equals a Double, and Doubles compare by bits.
func javaEqual(a, b any) bool { return EqualBy(javaEquality{}, a, b) }

// javaEquality is javaEqual's rule for numbers.
type javaEquality struct{}

func (javaEquality) Leaf(a, b any) bool {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		// Double.equals compares bits: 0.0 and -0.0 differ, NaN equals NaN.
		return ok && (math.Float64bits(x) == math.Float64bits(y) || (x != x && y != y))
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		zx, okx := new(big.Int).SetString(string(x), 10)
		zy, oky := new(big.Int).SetString(string(y), 10)
		if okx && oky {
			return zx.Cmp(zy) == 0
		}
		return x == y
	}
	return false
}

func (javaEquality) Items(any) ([]any, bool) { return nil, false }

func (javaEquality) Elem(a, b any) bool { return javaEqual(a, b) }

// ---- java.util.HashMap iteration order

const (
	jmMaxCapacity      = 1 << 30
	jmTreeifyThreshold = 8
	jmMinTreeifyCap    = 64
)

// A javaHashMap tracks what decides the iteration order of a
// java.util.HashMap: the table capacity and, per bucket, the order in which
// keys arrived. Resizing splits buckets without reordering them, so the
// final order is the entries sorted by bucket index, ties in insertion order.
// Treeified buckets (nine or more colliding keys in a table of 64 or more)
// iterate in tree order in Java; they keep insertion order here.
type javaHashMap struct {
	cap, threshold int
	keys           []any   // in insertion order
	hashes         []int32 // spread hash of keys[i]
	vals           []any
	byHash         map[int32][]int // spread hash -> indexes into keys
	bins           map[int]int     // bucket index -> entries, for the current cap
}

func newJavaHashMap() *javaHashMap {
	return &javaHashMap{byHash: map[int32][]int{}, bins: map[int]int{}}
}

// newJavaHashMapCap is new HashMap<>(initialCapacity).
func newJavaHashMapCap(initialCapacity int) *javaHashMap {
	m := newJavaHashMap()
	m.threshold = tableSizeFor(initialCapacity)
	return m
}

// tableSizeFor is HashMap.tableSizeFor: the smallest power of two >= c.
func tableSizeFor(c int) int {
	if c <= 1 {
		return 1
	}
	if c >= jmMaxCapacity {
		return jmMaxCapacity
	}
	return 1 << bits.Len(uint(c-1))
}

func spreadHash(h int32) int32 { return h ^ int32(uint32(h)>>16) }

// resize is HashMap.resize: allocate the first table or double it.
func (m *javaHashMap) resize() {
	switch {
	case m.cap > 0:
		if m.cap >= jmMaxCapacity {
			m.threshold = math.MaxInt32
			return
		}
		m.cap <<= 1
	case m.threshold > 0:
		m.cap = m.threshold
	default:
		m.cap = 16
	}
	m.threshold = int(float32(m.cap) * 0.75)
	if m.cap >= jmMaxCapacity {
		m.threshold = math.MaxInt32
	}
	clear(m.bins)
	for _, h := range m.hashes {
		m.bins[int(h)&(m.cap-1)]++
	}
}

// put is HashMap.put: replace the value of an equal key in place, or
// append a new entry, growing the table as Java does.
func (m *javaHashMap) put(k, v any) {
	h := spreadHash(javaHash(k))
	if m.cap == 0 {
		m.resize()
	}
	for _, i := range m.byHash[h] {
		if javaEqual(m.keys[i], k) {
			m.vals[i] = v
			return
		}
	}
	m.byHash[h] = append(m.byHash[h], len(m.keys))
	m.keys = append(m.keys, k)
	m.hashes = append(m.hashes, h)
	m.vals = append(m.vals, v)
	bin := int(h) & (m.cap - 1)
	m.bins[bin]++
	if m.bins[bin] > jmTreeifyThreshold && m.cap < jmMinTreeifyCap {
		m.resize() // treeifyBin on a small table resizes instead
	}
	if len(m.keys) > m.threshold {
		m.resize()
	}
}

// putAll is HashMap.putAll (putMapEntries) as of JDK 8 to 18: presize from
// the incoming size, then put each entry.
func (m *javaHashMap) putAll(keys []any, vals []any) {
	s := len(keys)
	if s == 0 {
		return
	}
	if m.cap == 0 {
		ft := float32(s)/0.75 + 1
		t := jmMaxCapacity
		if ft < float32(jmMaxCapacity) {
			t = int(ft)
		}
		if t > m.threshold {
			m.threshold = tableSizeFor(t)
		}
	} else if s > m.threshold {
		m.resize()
	}
	for i := range keys {
		m.put(keys[i], vals[i])
	}
}

// order returns the entry indexes in Java iteration order.
func (m *javaHashMap) order() []int {
	idx := make([]int, len(m.keys))
	for i := range idx {
		idx[i] = i
	}
	mask := int32(m.cap - 1)
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(m.hashes[a]&mask, m.hashes[b]&mask)
	})
	return idx
}

// ---- java.util.Random

// A javaRandom is java.util.Random: the 48-bit linear congruential
// generator, so a seeded States.MathRandom gives AWS's number.
type javaRandom struct{ seed int64 }

const (
	jrMultiplier = 0x5DEECE66D
	jrAddend     = 0xB
	jrMask       = 1<<48 - 1
)

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (seed ^ jrMultiplier) & jrMask}
}

func (r *javaRandom) next(n uint) int32 {
	r.seed = (r.seed*jrMultiplier + jrAddend) & jrMask
	return int32(r.seed >> (48 - n))
}

// nextInt is Random.nextInt(bound) for 0 < bound <= MaxInt32.
func (r *javaRandom) nextInt(bound int32) int32 {
	v := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(v)) >> 31)
	}
	for u := v; ; u = r.next(31) {
		v = u % bound
		if u-v+m >= 0 { // int32 overflow is the rejection test, as in Java
			return v
		}
	}
}

// ---- numbers

// javaRound is Math.round(double): the closest long, ties toward positive
// infinity; NaN is 0 and out-of-range values saturate.
func javaRound(f float64) int64 {
	if f != f {
		return 0
	}
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	if r >= 9.223372036854775807e18 {
		return math.MaxInt64
	}
	if r <= -9.223372036854775808e18 {
		return math.MinInt64
	}
	return int64(r)
}

// ---- Base64 and UTF-8

// decodeBase64Lenient decodes like Apache Commons Codec's
// Base64.decodeBase64, which AWS accepts input through: characters outside
// the standard and URL-safe alphabets are skipped, the first '=' ends the
// input, missing padding is fine and a dangling sixth of a byte is dropped.
func decodeBase64Lenient(s string) []byte {
	out := make([]byte, 0, len(s)*3/4+2)
	var work uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			break
		}
		d := base64Value(c)
		if d < 0 {
			continue
		}
		work = work<<6 | uint32(d)
		n++
		if n == 4 {
			out = append(out, byte(work>>16), byte(work>>8), byte(work))
			work, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(work>>4))
	case 3:
		work >>= 2
		out = append(out, byte(work>>8), byte(work))
	}
	return out
}

func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+' || c == '-':
		return 62
	case c == '/' || c == '_':
		return 63
	}
	return -1
}

// javaUTF8String is new String(b, UTF_8): each maximal ill-formed
// subsequence becomes one U+FFFD.
func javaUTF8String(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			out = append(out, b[i:i+size]...)
			i += size
			continue
		}
		out = utf8.AppendRune(out, utf8.RuneError)
		i += malformedLen(b[i:])
	}
	return string(out)
}

// malformedLen is the length of the maximal subpart of an ill-formed
// UTF-8 sequence at the start of b (at least 1).
func malformedLen(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c >= 0xE0 && c <= 0xEF:
		need = 2
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 3
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		x := b[n]
		if k == 0 && (x < lo || x > hi) || k > 0 && (x < 0x80 || x > 0xBF) {
			break
		}
		n++
	}
	return n
}

// UTF16Len is Java's String.length() and JavaScript's length (runtime/jsonata):
// UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
