package engine

import "unicode/utf8"

// The Choice comparison primitives. AWS treats an operand of the wrong type
// as a failed comparison, never as an error: StringEquals on a number,
// NumericEquals on "1", BooleanEquals on 0 and TimestampEquals on a string
// that is not a timestamp are all false. Each comparison therefore reports
// ok=false when it cannot compare, and generated code tests
// "ok && cmp <op> 0".

// StringCompare compares two strings as Java's String.compareTo does, by
// UTF-16 code units (AWS runs on the JVM): -1, 0 or +1 as v sorts before,
// equal to or after operand. ok is false unless both are strings.
//
// UTF-16 order differs from code point order only between characters
// above U+FFFF and those in U+E000–U+FFFF.
func StringCompare(v any, operand any) (cmp int, ok bool) {
	a, ok1 := v.(string)
	b, ok2 := operand.(string)
	if !ok1 || !ok2 {
		return 0, false
	}
	return compareUTF16(a, b), true
}

// NumericCompare compares two JSON numbers by value (1 equals 1.0, -0
// equals 0): -1, 0 or +1. ok is false unless both are numbers.
func NumericCompare(v any, operand any) (cmp int, ok bool) {
	if a, isInt := v.(int64); isInt {
		if b, isInt := operand.(int64); isInt {
			return compareInts(a, b), true
		}
	}
	if !IsNumber(v) || !IsNumber(operand) {
		return 0, false
	}
	return CompareNumbers(v, operand), true
}

// BooleanEquals reports whether v and operand are the same boolean; it is
// false when either is not a boolean.
func BooleanEquals(v any, operand any) bool {
	a, ok1 := v.(bool)
	b, ok2 := operand.(bool)
	return ok1 && ok2 && a == b
}

// TimestampCompare compares two timestamps (strings that ParseTimestamp
// accepts) as instants: -1, 0 or +1. ok is false unless both are strings
// holding timestamps.
func TimestampCompare(v any, operand any) (cmp int, ok bool) {
	a, ok1 := v.(string)
	b, ok2 := operand.(string)
	if !ok1 || !ok2 {
		return 0, false
	}
	ta, ok1 := ParseTimestamp(a)
	tb, ok2 := ParseTimestamp(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return ta.Compare(tb), true
}

// StringMatches reports whether v is a string matched by the StringMatches
// pattern: '*' matches any run of characters (none included), "\*" is a
// literal star and "\\" a literal backslash; a backslash before any other
// character, or at the end, stands for itself. Everything else matches
// itself; there is no '?' and no character class. The whole string must
// match.
func StringMatches(v any, pattern string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	return globMatch(s, pattern)
}

// globMatch is the classic two-pointer wildcard match with backtracking
// to the last star; it runs in O(len(s)·len(pattern)) at worst and does
// not allocate. It works on bytes: literals are compared byte for byte,
// which is the same as comparing characters in UTF-8.
func globMatch(s, pattern string) bool {
	si, pi := 0, 0
	starP, starS := -1, 0 // pattern index after the last star, and where s resumed
	for si < len(s) {
		if pi < len(pattern) {
			c, n, star := patternAt(pattern, pi)
			if star {
				starP, starS = pi+n, si
				pi += n
				continue
			}
			if s[si] == c {
				si++
				pi += n
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si, pi = starS, starP
	}
	for pi < len(pattern) {
		_, n, star := patternAt(pattern, pi)
		if !star {
			return false
		}
		pi += n
	}
	return true
}

// patternAt decodes the pattern item at i: a wildcard, or one literal byte
// (n is how many pattern bytes it used).
func patternAt(p string, i int) (c byte, n int, star bool) {
	switch p[i] {
	case '*':
		return 0, 1, true
	case '\\':
		if i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\') {
			return p[i+1], 2, false
		}
	}
	return p[i], 1, false
}

// compareUTF16 orders strings as Java's String.compareTo: by UTF-16 code
// units.
func compareUTF16(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return compareInts(len(a), len(b))
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	if c := compareInts(int(utf16Lead(ra)), int(utf16Lead(rb))); c != 0 {
		return c
	}
	if ra != rb {
		return compareInts(int(ra), int(rb))
	}
	// Invalid UTF-8 on both sides: fall back to bytes.
	return compareInts(int(a[i]), int(b[i]))
}

// utf16Lead returns the first UTF-16 code unit of r.
func utf16Lead(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

// compareInts returns -1, 0 or +1 as a is less than, equal to or greater
// than b: string orderings and the integer fast path of the numeric
// comparisons (inlined).
func compareInts[T int | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
