package engine

import (
	"encoding/json"
	"math"
	"testing"
)

// TestEqualities: Equal and javaEqual share EqualBy's walk (order-free
// objects, arrays item by item, an object equal to itself) and differ
// on numbers: Equal by exact value whatever the Go type, javaEqual as
// Java's equals() of Long, BigInteger and Double.
func TestEqualities(t *testing.T) {
	nan := math.NaN()
	self := MustParseJSON(`{"a":[1,{"b":null}]}`)
	tests := []struct {
		name      string
		a, b      any
		json, jav bool
	}{
		{"objects in another order", MustParseJSON(`{"a":1,"b":[true,"x"]}`), MustParseJSON(`{"b":[true,"x"],"a":1}`), true, true},
		{"a member missing", MustParseJSON(`{"a":1,"b":2}`), MustParseJSON(`{"a":1,"c":2}`), false, false},
		{"a longer object", MustParseJSON(`{"a":1}`), MustParseJSON(`{"a":1,"b":2}`), false, false},
		{"the same object", self, self, true, true},
		{"arrays in another order", []any{int64(1), int64(2)}, []any{int64(2), int64(1)}, false, false},
		{"a longer array", []any{int64(1)}, []any{int64(1), int64(1)}, false, false},
		{"an array and an object", []any{}, ObjectOf(), false, false},
		{"null and false", nil, false, false, false},
		{"strings", "a", "a", true, true},
		{"a string and a number", "1", int64(1), false, false},
		{"integer and double of one value", int64(1), 1.0, true, false},
		{"integer and big integer", int64(5), json.Number("5"), true, false},
		{"big integers", json.Number("123456789012345678901234567890"), json.Number("123456789012345678901234567890"), true, true},
		{"0 and -0", 0.0, math.Copysign(0, -1), true, false},
		{"NaN and NaN", nan, nan, true, true},
		{"nested numbers of other types", []any{ObjectOf(Member{"n", int64(2)})}, []any{ObjectOf(Member{"n", 2.0})}, true, false},
	}
	for _, tc := range tests {
		if got := Equal(tc.a, tc.b); got != tc.json {
			t.Errorf("%s: Equal = %v, want %v", tc.name, got, tc.json)
		}
		if got := Equal(tc.b, tc.a); got != tc.json {
			t.Errorf("%s: Equal reversed = %v, want %v", tc.name, got, tc.json)
		}
		if got := javaEqual(tc.a, tc.b); got != tc.jav {
			t.Errorf("%s: javaEqual = %v, want %v", tc.name, got, tc.jav)
		}
	}
}
