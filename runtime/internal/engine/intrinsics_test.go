package engine

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// j parses a JSON literal for test tables.
func j(s string) any { return MustParseJSON(s) }

// intrinsicCase calls fn with args and expects want (compared as JSON values,
// numbers by value, key order included) or, when errPart is set, an *Error
// whose cause contains errPart.
type intrinsicCase struct {
	name    string
	fn      string
	args    []any
	want    any
	errPart string
}

func runIntrinsicCases(t *testing.T, cases []intrinsicCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.fn+"/"+c.name, func(t *testing.T) {
			f := Intrinsics[c.fn]
			if f == nil {
				t.Fatalf("no intrinsic %s", c.fn)
			}
			x := &Execution{}
			x.Seed(1)
			got, err := f(x, c.args...)
			if c.errPart != "" {
				checkIntrinsicError(t, err, c.errPart)
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", c.fn, err)
			}
			if !Equal(c.want, got) || ToJSON(c.want) != ToJSON(got) {
				t.Errorf("%s(%s) mismatch (-want +got):\n%s", c.fn, argsJSON(c.args),
					cmp.Diff(ToJSON(c.want), ToJSON(got)))
			}
		})
	}
}

func checkIntrinsicError(t *testing.T, err error, part string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want an *Error", err, err)
	}
	if e.Name != ErrRuntime {
		t.Errorf("error name %q, want %q", e.Name, ErrRuntime)
	}
	if !e.HasCause || !strings.Contains(e.Cause, part) {
		t.Errorf("cause %q does not contain %q", e.Cause, part)
	}
}

func argsJSON(args []any) string {
	var parts []string
	for _, a := range args {
		parts = append(parts, ToJSON(a))
	}
	return strings.Join(parts, ", ")
}

func TestStatesFormat(t *testing.T) {
	const bad = "Invalid arguments in States.Format"
	runIntrinsicCases(t, []intrinsicCase{
		{"one", "States.Format", []any{"Hello {}", "Ada"}, "Hello Ada", ""},
		{"mixed scalars", "States.Format", []any{"{} {} {}", "x", int64(2), true}, "x 2 true", ""},
		{"no placeholders", "States.Format", []any{"no placeholders"}, "no placeholders", ""},
		{"empty string", "States.Format", []any{"Formatting argument {}.", ""}, "Formatting argument .", ""},
		{"null and numbers", "States.Format", []any{"{}|{}|{}|{}|{}", nil, false, int64(-1), 3.5, int64(9007199254740991)},
			"null|false|-1|3.5|9007199254740991", ""},
		{"float spelling", "States.Format", []any{"{} {} {} {}", 1.1, 1.0, 1e21, 1e-5}, "1.1 1.0 1.0E21 1.0E-5", ""},
		{"big integer", "States.Format", []any{"{}", json.Number("123456789012345678901234567890")},
			"123456789012345678901234567890", ""},
		{"object java style", "States.Format", []any{"{}", j(`{"Arg1":1,"Arg2":[]}`)}, "{Arg1=1, Arg2=[]}", ""},
		{"nested java style", "States.Format", []any{"v={}", j(`{"a":{"b":"x"},"c":[1,"y",null,true,2.5]}`)},
			"v={a={b=x}, c=[1, y, null, true, 2.5]}", ""},
		{"array", "States.Format", []any{"{}", j(`["a",1,[2,3],{}]`)}, "[a, 1, [2, 3], {}]", ""},
		{"whitespace kept", "States.Format", []any{"  {}  ", "x"}, "  x  ", ""},
		{"escaped braces", "States.Format", []any{`a \{\} b {}`, "x"}, "a {} b x", ""},
		{"escaped backslash and quote", "States.Format", []any{`\\ \' {}`, "x"}, `\ ' x`, ""},
		{"other backslash literal", "States.Format", []any{`C:\dir {}`, "x"}, `C:\dir x`, ""},
		{"lone trailing backslash", "States.Format", []any{`a\`}, `a\`, ""},
		{"too few values", "States.Format", []any{"{} {}", "x"}, nil, bad},
		{"too many values", "States.Format", []any{"{}", "x", "y"}, nil, bad},
		{"non-string template", "States.Format", []any{int64(123), "Ada"}, nil, bad},
		{"no arguments", "States.Format", nil, nil, bad},
		{"unmatched open", "States.Format", []any{"Hello {", "x"}, nil, "Invalid template in States.Format"},
		{"doubled braces", "States.Format", []any{"Hello {{}}", "x"}, nil, "Invalid template in States.Format"},
		{"lone close", "States.Format", []any{"}"}, nil, "Invalid template in States.Format"},
	})
}

func TestStatesStringToJson(t *testing.T) {
	const bad = "Invalid arguments in States.StringToJson"
	runIntrinsicCases(t, []intrinsicCase{
		{"object", "States.StringToJson", []any{`{"a":1}`}, j(`{"a":1}`), ""},
		{"array", "States.StringToJson", []any{`[1, 2, "HelloWorld"]`}, j(`[1,2,"HelloWorld"]`), ""},
		{"string", "States.StringToJson", []any{`"HelloWorld"`}, "HelloWorld", ""},
		{"minus zero", "States.StringToJson", []any{"-0"}, int64(0), ""},
		{"fraction", "States.StringToJson", []any{"1.1"}, 1.1, ""},
		{"true", "States.StringToJson", []any{"true"}, true, ""},
		{"null", "States.StringToJson", []any{"null"}, nil, ""},
		{"empty is null", "States.StringToJson", []any{""}, nil, ""},
		{"blank is null", "States.StringToJson", []any{" \n\t "}, nil, ""},
		{"surrounding space", "States.StringToJson", []any{` {"a":1} `}, j(`{"a":1}`), ""},
		{"key order kept", "States.StringToJson", []any{`{"b":1,"a":2}`}, j(`{"b":1,"a":2}`), ""},
		{"malformed", "States.StringToJson", []any{"{bad json}"}, nil, bad},
		{"truncated", "States.StringToJson", []any{`{"a":1`}, nil, bad},
		{"undefined", "States.StringToJson", []any{"undefined"}, nil, bad},
		{"number", "States.StringToJson", []any{int64(123)}, nil, bad},
		{"object arg", "States.StringToJson", []any{j(`{"a":1}`)}, nil, bad},
		{"no arguments", "States.StringToJson", nil, nil, bad},
		{"two arguments", "States.StringToJson", []any{"1", "2"}, nil, bad},
	})
}

func TestStatesJsonToString(t *testing.T) {
	runIntrinsicCases(t, []intrinsicCase{
		{"object", "States.JsonToString", []any{j(`{"Arg1": 1, "Arg2": []}`)}, `{"Arg1":1,"Arg2":[]}`, ""},
		{"key order kept", "States.JsonToString", []any{j(`{"b":{"y":1,"x":2},"a":[true,null]}`)}, `{"b":{"y":1,"x":2},"a":[true,null]}`, ""},
		{"integer", "States.JsonToString", []any{int64(1)}, "1", ""},
		{"fraction", "States.JsonToString", []any{1.1}, "1.1", ""},
		{"string", "States.JsonToString", []any{"HelloWorld"}, `"HelloWorld"`, ""},
		{"null", "States.JsonToString", []any{nil}, "null", ""},
		{"escapes", "States.JsonToString", []any{"a\"b\\c\nd/é"}, `"a\"b\\c\nd/é"`, ""},
		{"no arguments", "States.JsonToString", nil, nil, "Invalid arguments in States.JsonToString"},
		{"two arguments", "States.JsonToString", []any{int64(1), int64(2)}, nil, "Invalid arguments in States.JsonToString"},
	})
}

func TestStatesArray(t *testing.T) {
	runIntrinsicCases(t, []intrinsicCase{
		{"empty", "States.Array", nil, j(`[]`), ""},
		{"values", "States.Array", []any{int64(1), "2", true, nil, j(`{"k":1}`), j(`[1,2]`)}, j(`[1,"2",true,null,{"k":1},[1,2]]`), ""},
	})
}

func TestStatesArrayPartition(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayPartition"
	arr5 := j(`[1,2,3,4,5]`)
	runIntrinsicCases(t, []intrinsicCase{
		{"singletons", "States.ArrayPartition", []any{j(`[1,2,3]`), int64(1)}, j(`[[1],[2],[3]]`), ""},
		{"even", "States.ArrayPartition", []any{j(`[1,2,3,4]`), int64(2)}, j(`[[1,2],[3,4]]`), ""},
		{"remainder", "States.ArrayPartition", []any{j(`[1,2,3,4,5,6,7,8,9]`), int64(4)}, j(`[[1,2,3,4],[5,6,7,8],[9]]`), ""},
		{"oversized", "States.ArrayPartition", []any{j(`[1,2,3]`), int64(10)}, j(`[[1,2,3]]`), ""},
		{"huge size", "States.ArrayPartition", []any{j(`[1,2,3]`), int64(2147483647)}, j(`[[1,2,3]]`), ""},
		{"empty", "States.ArrayPartition", []any{j(`[]`), int64(5)}, j(`[]`), ""},
		{"nested kept", "States.ArrayPartition", []any{j(`[[1],[2],[3]]`), int64(2)}, j(`[[[1],[2]],[[3]]]`), ""},
		{"fraction truncated up", "States.ArrayPartition", []any{arr5, 2.6}, j(`[[1,2],[3,4],[5]]`), ""},
		{"fraction truncated down", "States.ArrayPartition", []any{arr5, 2.4}, j(`[[1,2],[3,4],[5]]`), ""},
		{"fraction below one", "States.ArrayPartition", []any{arr5, 0.6}, nil, bad},
		{"truncates to zero", "States.ArrayPartition", []any{arr5, -0.4}, nil, bad},
		{"zero", "States.ArrayPartition", []any{arr5, int64(0)}, nil, bad},
		{"negative", "States.ArrayPartition", []any{arr5, int64(-1)}, nil, bad},
		{"string size", "States.ArrayPartition", []any{arr5, "2"}, nil, bad},
		{"null size", "States.ArrayPartition", []any{arr5, nil}, nil, bad},
		{"not an array", "States.ArrayPartition", []any{"not-array", int64(2)}, nil, bad},
		{"one argument", "States.ArrayPartition", []any{arr5}, nil, bad},
		{"three arguments", "States.ArrayPartition", []any{arr5, int64(2), int64(999)}, nil, bad},
	})
	// Chunks share the input's elements but appending to one must not
	// overwrite the next.
	out, err := StatesArrayPartition(nil, j(`[1,2,3,4]`), int64(2))
	if err != nil {
		t.Fatal(err)
	}
	chunks := out.([]any)
	_ = append(chunks[0].([]any), "x")
	if got := ToJSON(out); got != `[[1,2],[3,4]]` {
		t.Errorf("append to a chunk changed the result: %s", got)
	}
}

func TestStatesArrayContains(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayContains"
	runIntrinsicCases(t, []intrinsicCase{
		{"number present", "States.ArrayContains", []any{j(`[1,2,3]`), int64(2)}, true, ""},
		{"number absent", "States.ArrayContains", []any{j(`[1,2,3]`), int64(5)}, false, ""},
		{"string", "States.ArrayContains", []any{j(`["A","B","C"]`), "C"}, true, ""},
		{"null present", "States.ArrayContains", []any{j(`[1,null,3]`), nil}, true, ""},
		{"empty and null", "States.ArrayContains", []any{j(`[]`), nil}, false, ""},
		{"empty and empty", "States.ArrayContains", []any{j(`[]`), j(`[]`)}, false, ""},
		{"nested array", "States.ArrayContains", []any{j(`[[1,2,3],2]`), j(`[1,2,3]`)}, true, ""},
		{"nested array and null", "States.ArrayContains", []any{j(`[[1,2,3],2]`), nil}, false, ""},
		{"object", "States.ArrayContains", []any{j(`[{"1":2,"2":[]}]`), j(`{"1":2,"2":[]}`)}, true, ""},
		{"object vs array", "States.ArrayContains", []any{j(`[{"1":2,"2":[]}]`), j(`[]`)}, false, ""},
		{"object extra field", "States.ArrayContains", []any{j(`[{"a":1}]`), j(`{"a":1,"extra":null}`)}, false, ""},
		{"booleans", "States.ArrayContains", []any{j(`[true,false]`), false}, true, ""},
		{"mixed bag", "States.ArrayContains", []any{j(`[null,""," ",0,1,true,false,[0,1,false]]`), j(`[0,1,false]`)}, true, ""},
		{"no bool number coercion", "States.ArrayContains", []any{j(`[0,1,-1,-1.5]`), false}, false, ""},
		// AWS compares Java string forms, so these match on AWS:
		{"key order matters", "States.ArrayContains", []any{j(`[{"a":1,"b":2}]`), j(`{"b":2,"a":1}`)}, false, ""},
		{"bool matches string", "States.ArrayContains", []any{j(`["true","false","maybe"]`), true}, true, ""},
		{"number matches string", "States.ArrayContains", []any{j(`["-1","9007199254740991"]`), int64(9007199254740991)}, true, ""},
		{"1 is not 1.0", "States.ArrayContains", []any{j(`[1]`), 1.0}, false, ""},
		{"not an array", "States.ArrayContains", []any{"not-array", "x"}, nil, bad},
		{"one argument", "States.ArrayContains", []any{j(`[1]`)}, nil, bad},
		{"three arguments", "States.ArrayContains", []any{j(`[1]`), int64(1), int64(2)}, nil, bad},
	})
}

func TestStatesArrayRange(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayRange"
	var thousand, thousandDown []any
	for i := 1; i <= 1000; i++ {
		thousand = append(thousand, int64(i))
		thousandDown = append(thousandDown, int64(1001-i))
	}
	runIntrinsicCases(t, []intrinsicCase{
		{"end not hit", "States.ArrayRange", []any{int64(0), int64(10), int64(3)}, j(`[0,3,6,9]`), ""},
		{"end hit", "States.ArrayRange", []any{int64(0), int64(9), int64(3)}, j(`[0,3,6,9]`), ""},
		{"big step", "States.ArrayRange", []any{int64(1), int64(9), int64(9)}, j(`[1]`), ""},
		{"odd numbers", "States.ArrayRange", []any{int64(1), int64(9), int64(2)}, j(`[1,3,5,7,9]`), ""},
		{"crosses zero", "States.ArrayRange", []any{int64(-2), int64(2), int64(2)}, j(`[-2,0,2]`), ""},
		{"equal bounds", "States.ArrayRange", []any{int64(3), int64(3), int64(-1)}, j(`[3]`), ""},
		{"descending", "States.ArrayRange", []any{int64(5), int64(1), int64(-2)}, j(`[5,3,1]`), ""},
		{"wrong direction up", "States.ArrayRange", []any{int64(5), int64(1), int64(1)}, j(`[]`), ""},
		{"wrong direction down", "States.ArrayRange", []any{int64(1), int64(5), int64(-1)}, j(`[]`), ""},
		{"fractions truncated", "States.ArrayRange", []any{1.4, 5.6, 2.2}, j(`[1,3,5]`), ""},
		{"truncation not rounding", "States.ArrayRange", []any{1.6, 1.4, int64(1)}, j(`[1]`), ""},
		{"truncation toward zero", "States.ArrayRange", []any{5.4, -0.6, -2.4}, j(`[5,3,1]`), ""},
		{"1000 elements", "States.ArrayRange", []any{int64(1), int64(1000), int64(1)}, thousand, ""},
		{"1000 descending", "States.ArrayRange", []any{int64(1000), int64(1), int64(-1)}, thousandDown, ""},
		{"1001 elements", "States.ArrayRange", []any{int64(1), int64(1001), int64(1)}, nil, bad},
		{"1001 descending", "States.ArrayRange", []any{int64(1001), int64(1), int64(-1)}, nil, bad},
		{"zero step", "States.ArrayRange", []any{int64(1), int64(10), int64(0)}, nil, bad},
		{"step truncates to zero", "States.ArrayRange", []any{int64(1), int64(10), 0.49}, nil, bad},
		{"string start", "States.ArrayRange", []any{"a", int64(5), int64(1)}, nil, bad},
		{"string end", "States.ArrayRange", []any{int64(1), "b", int64(1)}, nil, bad},
		{"null step", "States.ArrayRange", []any{int64(1), int64(5), nil}, nil, bad},
		{"two arguments", "States.ArrayRange", []any{int64(1), int64(5)}, nil, bad},
		{"four arguments", "States.ArrayRange", []any{int64(1), int64(5), int64(1), int64(99)}, nil, bad},
	})
}

func TestStatesArrayGetItem(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayGetItem"
	arr := j(`[10,20,30]`)
	runIntrinsicCases(t, []intrinsicCase{
		{"first", "States.ArrayGetItem", []any{j(`["a","b","c"]`), int64(0)}, "a", ""},
		{"middle", "States.ArrayGetItem", []any{j(`[1,2,3,4,5,6,7,8,9]`), int64(5)}, int64(6), ""},
		{"null item", "States.ArrayGetItem", []any{j(`[null]`), int64(0)}, nil, ""},
		{"object item", "States.ArrayGetItem", []any{j(`[{"a":1},{"b":2}]`), int64(1)}, j(`{"b":2}`), ""},
		{"fraction truncated", "States.ArrayGetItem", []any{arr, 1.2}, int64(20), ""},
		{"empty array gives null", "States.ArrayGetItem", []any{j(`[]`), int64(999)}, nil, ""},
		{"index equals length", "States.ArrayGetItem", []any{arr, int64(3)}, nil, bad},
		{"negative index", "States.ArrayGetItem", []any{arr, int64(-1)}, nil, bad},
		{"string index", "States.ArrayGetItem", []any{arr, "1"}, nil, bad},
		{"not an array", "States.ArrayGetItem", []any{"not-array", int64(0)}, nil, bad},
		{"one argument", "States.ArrayGetItem", []any{arr}, nil, bad},
		{"three arguments", "States.ArrayGetItem", []any{arr, int64(1), int64(999)}, nil, bad},
	})
}

func TestStatesArrayLength(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayLength"
	runIntrinsicCases(t, []intrinsicCase{
		{"empty", "States.ArrayLength", []any{j(`[]`)}, int64(0), ""},
		{"nine", "States.ArrayLength", []any{j(`[1,2,3,4,5,6,7,8,9]`)}, int64(9), ""},
		{"top level only", "States.ArrayLength", []any{j(`[[1],[2],[3]]`)}, int64(3), ""},
		{"string", "States.ArrayLength", []any{"not-array"}, nil, bad},
		{"object", "States.ArrayLength", []any{j(`{"k":1}`)}, nil, bad},
		{"no arguments", "States.ArrayLength", nil, nil, bad},
		{"two arguments", "States.ArrayLength", []any{j(`[1]`), int64(999)}, nil, bad},
	})
	got, _ := StatesArrayLength(nil, j(`[1,2]`))
	if _, ok := got.(int64); !ok {
		t.Errorf("ArrayLength returned %T, want int64", got)
	}
}

func TestStatesArrayUnique(t *testing.T) {
	const bad = "Invalid arguments in States.ArrayUnique"
	runIntrinsicCases(t, []intrinsicCase{
		{"numbers", "States.ArrayUnique", []any{j(`[1,2,3,3,3,4]`)}, j(`[1,2,3,4]`), ""},
		{"recorded assign case", "States.ArrayUnique", []any{j(`[1,2,2,3,3,4]`)}, j(`[1,2,3,4]`), ""},
		{"strings", "States.ArrayUnique", []any{j(`["a","b","a","c","b"]`)}, j(`["a","b","c"]`), ""},
		{"empty", "States.ArrayUnique", []any{j(`[]`)}, j(`[]`), ""},
		{"nulls", "States.ArrayUnique", []any{j(`[null,null,1,null]`)}, j(`[null,1]`), ""},
		{"lookalikes distinct", "States.ArrayUnique", []any{j(`[1,"1","01"]`)}, j(`[1,"1","01"]`), ""},
		{"objects", "States.ArrayUnique", []any{j(`[{"a":1},{"a":1}]`)}, j(`[{"a":1}]`), ""},
		{"object key order", "States.ArrayUnique", []any{j(`[{"a":1,"b":2},{"b":2,"a":1}]`)}, j(`[{"a":1,"b":2}]`), ""},
		{"nested objects", "States.ArrayUnique", []any{j(`[{"nested":{"x":1}},{"nested":{"x":1}}]`)}, j(`[{"nested":{"x":1}}]`), ""},
		// AWS returns HashSet order; these two orders were observed on AWS.
		{"booleans hash order", "States.ArrayUnique", []any{j(`[true,false,true,false]`)}, j(`[false,true]`), ""},
		{"arrays hash order", "States.ArrayUnique", []any{j(`[[1,2],[1,2],[2,1]]`)}, j(`[[2,1],[1,2]]`), ""},
		// Predicted by the same model: Integer 1 and Double 1.0 differ, and
		// 1.0 hashes to bucket 0.
		{"1 and 1.0", "States.ArrayUnique", []any{[]any{int64(1), 1.0}}, []any{1.0, int64(1)}, ""},
		{"not an array", "States.ArrayUnique", []any{"not-array"}, nil, bad},
		{"object", "States.ArrayUnique", []any{j(`{"a":1}`)}, nil, bad},
		{"no arguments", "States.ArrayUnique", nil, nil, bad},
		{"two arguments", "States.ArrayUnique", []any{j(`[1,1]`), int64(123)}, nil, bad},
	})
	// Large inputs keep every distinct element exactly once.
	var big []any
	for i := 0; i < 5000; i++ {
		big = append(big, int64(i%1234), fmt.Sprint(i%77))
	}
	out, err := StatesArrayUnique(nil, big)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.([]any)); n != 1234+77 {
		t.Errorf("ArrayUnique of a large array kept %d elements, want %d", n, 1234+77)
	}
}

func TestStatesBase64(t *testing.T) {
	const badEnc, badDec = "Invalid arguments in States.Base64Encode", "Invalid arguments in States.Base64Decode"
	a10000, a10001 := strings.Repeat("a", 10000), strings.Repeat("a", 10001)
	rocket5000 := strings.Repeat("🚀", 5000) // 10,000 UTF-16 units
	eacute10000 := strings.Repeat("é", 10000)
	invalid, _ := base64.RawStdEncoding.DecodeString("invalid")
	runIntrinsicCases(t, []intrinsicCase{
		{"hello", "States.Base64Encode", []any{"hello"}, "aGVsbG8=", ""},
		{"empty", "States.Base64Encode", []any{""}, "", ""},
		{"recorded", "States.Base64Encode", []any{"Data to encode"}, "RGF0YSB0byBlbmNvZGU=", ""},
		{"checkmark", "States.Base64Encode", []any{"✓"}, "4pyT", ""},
		{"japanese", "States.Base64Encode", []any{"こんにちは"}, "44GT44KT44Gr44Gh44Gv", ""},
		{"astral", "States.Base64Encode", []any{"🚀"}, "8J+agA==", ""},
		{"nul", "States.Base64Encode", []any{"abc\x00def"}, "YWJjAGRlZg==", ""},
		{"10000 chars", "States.Base64Encode", []any{a10000}, base64.StdEncoding.EncodeToString([]byte(a10000)), ""},
		{"10000 UTF-16 units", "States.Base64Encode", []any{rocket5000}, base64.StdEncoding.EncodeToString([]byte(rocket5000)), ""},
		{"10000 two-byte chars", "States.Base64Encode", []any{eacute10000}, base64.StdEncoding.EncodeToString([]byte(eacute10000)), ""},
		{"10001 chars", "States.Base64Encode", []any{a10001}, nil, badEnc},
		{"10002 UTF-16 units", "States.Base64Encode", []any{rocket5000 + "🚀"}, nil, badEnc},
		{"number", "States.Base64Encode", []any{int64(123)}, nil, badEnc},
		{"object", "States.Base64Encode", []any{j(`{}`)}, nil, badEnc},
		{"array", "States.Base64Encode", []any{j(`["x"]`)}, nil, badEnc},
		{"no arguments", "States.Base64Encode", nil, nil, badEnc},
		{"two arguments", "States.Base64Encode", []any{"a", "b"}, nil, badEnc},

		{"hello", "States.Base64Decode", []any{"aGVsbG8="}, "hello", ""},
		{"empty", "States.Base64Decode", []any{""}, "", ""},
		{"recorded", "States.Base64Decode", []any{"RGF0YSB0byBlbmNvZGU="}, "Data to encode", ""},
		{"checkmark", "States.Base64Decode", []any{"4pyT"}, "✓", ""},
		{"japanese", "States.Base64Decode", []any{"44GT44KT44Gr44Gh44Gv"}, "こんにちは", ""},
		{"nul", "States.Base64Decode", []any{"YWJjAGRlZg=="}, "abc\x00def", ""},
		{"padded", "States.Base64Decode", []any{"YWJjZA=="}, "abcd", ""},
		{"unpadded", "States.Base64Decode", []any{"YWJjZA"}, "abcd", ""},
		{"unpadded 3", "States.Base64Decode", []any{"YWJjZGU"}, "abcde", ""},
		{"url alphabet", "States.Base64Decode", []any{"-_-_"}, string(javaUTF8String([]byte{0xfb, 0xff, 0xbf})), ""},
		{"surrounding spaces", "States.Base64Decode", []any{" YWJjZA== "}, "abcd", ""},
		{"newline inside", "States.Base64Decode", []any{"YWJj\nZA=="}, "abcd", ""},
		{"padding ends data", "States.Base64Decode", []any{"ab==cd"}, "i", ""},
		{"short group", "States.Base64Decode", []any{"abc"}, "i\uFFFD", ""},
		{"dangling char dropped", "States.Base64Decode", []any{"YWJjZ"}, "abc", ""},
		{"junk skipped", "States.Base64Decode", []any{"!!!invalid!!!"}, javaUTF8String(invalid), ""},
		{"10000 chars", "States.Base64Decode", []any{strings.Repeat("QUJD", 2500)}, strings.Repeat("ABC", 2500), ""},
		{"10001 chars", "States.Base64Decode", []any{strings.Repeat("A", 10001)}, nil, badDec},
		{"number", "States.Base64Decode", []any{int64(123)}, nil, badDec},
		{"object", "States.Base64Decode", []any{j(`{}`)}, nil, badDec},
		{"no arguments", "States.Base64Decode", nil, nil, badDec},
		{"two arguments", "States.Base64Decode", []any{"aGVsbG8=", "extra"}, nil, badDec},
	})
}

func TestJavaUTF8String(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{[]byte("abc"), "abc"},
		{[]byte{0xff}, "\uFFFD"},
		{[]byte{'a', 0xe2, 0x82, 'b'}, "a\uFFFDb"},       // truncated 3-byte sequence: one U+FFFD
		{[]byte{0xe0, 0x80, 0x80}, "\uFFFD\uFFFD\uFFFD"}, // overlong: E0 needs A0..BF next
		{[]byte{0xf0, 0x9f, 0x9a}, "\uFFFD"},             // truncated 4-byte sequence
		{[]byte{0xed, 0xa0, 0x80}, "\uFFFD\uFFFD\uFFFD"}, // surrogate
		{[]byte{0xc3, 0xa9, 0x80}, "é\uFFFD"},
	}
	for _, tt := range tests {
		if got := javaUTF8String(tt.in); got != tt.want {
			t.Errorf("javaUTF8String(% x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStatesHash(t *testing.T) {
	const bad = "Invalid arguments in States.Hash"
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	runIntrinsicCases(t, []intrinsicCase{
		{"md5", "States.Hash", []any{"hello", "MD5"}, "5d41402abc4b2a76b9719d911017c592", ""},
		{"sha1", "States.Hash", []any{"hello", "SHA-1"}, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", ""},
		{"sha256", "States.Hash", []any{"hello", "SHA-256"}, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ""},
		{"sha384", "States.Hash", []any{"hello", "SHA-384"}, "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f", ""},
		{"sha512", "States.Hash", []any{"hello", "SHA-512"}, "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043", ""},
		{"recorded sha1", "States.Hash", []any{"input data", "SHA-1"}, "aaff4a450a104cd177d28d18d74485e8cae074b7", ""},
		{"empty", "States.Hash", []any{"", "SHA-256"}, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ""},
		{"checkmark", "States.Hash", []any{"✓", "SHA-256"}, "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604", ""},
		{"japanese", "States.Hash", []any{"こんにちは", "SHA-256"}, "125aeadf27b0459b8760c13a3d80912dfa8a81a68261906f60d87f4a0268646c", ""},
		{"astral", "States.Hash", []any{"🚀", "SHA-256"}, "ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5", ""},
		{"nul", "States.Hash", []any{"abc\x00def", "MD5"}, "a5e4d5963ae44c1f4bfb37b1a3d55a3c", ""},
		{"10000 chars", "States.Hash", []any{strings.Repeat("a", 10000), "SHA-256"}, sum(strings.Repeat("a", 10000)), ""},
		{"number stringified", "States.Hash", []any{int64(123), "SHA-256"}, sum("123"), ""},
		{"object stringified", "States.Hash", []any{j(`{}`), "SHA-256"}, sum("{}"), ""},
		{"10001 chars", "States.Hash", []any{strings.Repeat("a", 10001), "SHA-256"}, nil, bad},
		{"numeric algorithm", "States.Hash", []any{"hello", int64(123)}, nil, bad},
		{"unsupported", "States.Hash", []any{"data", "UNSUPPORTED"}, nil, bad},
		{"lowercase", "States.Hash", []any{"data", "sha-256"}, nil, bad},
		{"no hyphen", "States.Hash", []any{"data", "SHA256"}, nil, bad},
		{"blank", "States.Hash", []any{"data", ""}, nil, bad},
		{"MD-5", "States.Hash", []any{"data", "MD-5"}, nil, bad},
		{"null data", "States.Hash", []any{nil, "MD5"}, nil, bad},
		{"no arguments", "States.Hash", nil, nil, bad},
		{"one argument", "States.Hash", []any{"hello"}, nil, bad},
		{"three arguments", "States.Hash", []any{"hello", "SHA-256", "extra"}, nil, bad},
	})
}

func TestStatesJsonMerge(t *testing.T) {
	const bad = "Invalid arguments in States.JsonMerge"
	runIntrinsicCases(t, []intrinsicCase{
		{"disjoint", "States.JsonMerge", []any{j(`{"x":1}`), j(`{"y":2}`), false}, j(`{"x":1,"y":2}`), ""},
		{"second wins", "States.JsonMerge", []any{j(`{"x":1,"y":2}`), j(`{"y":3,"z":4}`), false}, j(`{"x":1,"y":3,"z":4}`), ""},
		{"left empty", "States.JsonMerge", []any{j(`{}`), j(`{"x":1}`), false}, j(`{"x":1}`), ""},
		{"right empty", "States.JsonMerge", []any{j(`{"x":1}`), j(`{}`), false}, j(`{"x":1}`), ""},
		{"both empty", "States.JsonMerge", []any{j(`{}`), j(`{}`), false}, j(`{}`), ""},
		{"shallow", "States.JsonMerge", []any{j(`{"a":{"a1":1,"a2":2}}`), j(`{"a":{"a3":3,"a4":4}}`), false}, j(`{"a":{"a3":3,"a4":4}}`), ""},
		{"null overwrites", "States.JsonMerge", []any{j(`{"nested":{"left":true},"keep":1}`), j(`{"nested":null}`), false}, j(`{"nested":null,"keep":1}`), ""},
		// Key order is java.util.HashMap order; both were recorded on AWS.
		{"recorded order a", "States.JsonMerge", []any{j(`{"a":1,"b":2}`), j(`{"c":3,"d":4}`), false}, j(`{"a":1,"b":2,"c":3,"d":4}`), ""},
		{"recorded order b", "States.JsonMerge", []any{j(`{"constant_in_literal":"false"}`), j(`{"constant_input_field":"constant_value"}`), false},
			j(`{"constant_input_field":"constant_value","constant_in_literal":"false"}`), ""},
		{"non-boolean flag", "States.JsonMerge", []any{j(`{}`), j(`{}`), "false"}, j(`{}`), ""},
		{"deep", "States.JsonMerge", []any{j(`{}`), j(`{}`), true}, nil, bad},
		{"null first", "States.JsonMerge", []any{nil, j(`{}`), false}, nil, bad},
		{"null second", "States.JsonMerge", []any{j(`{}`), nil, false}, nil, bad},
		{"array first", "States.JsonMerge", []any{j(`[]`), j(`{}`), false}, nil, bad},
		{"string second", "States.JsonMerge", []any{j(`{}`), "x", false}, nil, bad},
		{"two arguments", "States.JsonMerge", []any{j(`{}`), j(`{}`)}, nil, bad},
		{"four arguments", "States.JsonMerge", []any{j(`{}`), j(`{}`), false, int64(1)}, nil, bad},
	})
	// Many keys: every key once, the second object's values winning.
	a, b := NewObject(0), NewObject(0)
	for i := 0; i < 300; i++ {
		a.Set("k"+strconv.Itoa(i), int64(i))
		b.Set("k"+strconv.Itoa(i*2), "b")
	}
	out, err := StatesJsonMerge(nil, a, b, false)
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*Object)
	if o.Len() != 450 {
		t.Errorf("merged %d keys, want 450", o.Len())
	}
	if v, _ := o.Get("k4"); v != "b" {
		t.Errorf("k4 = %v, want b", v)
	}
	if v, _ := o.Get("k3"); v != int64(3) {
		t.Errorf("k3 = %v, want 3", v)
	}
}

func TestStatesMathAdd(t *testing.T) {
	const bad = "Invalid arguments in States.MathAdd"
	add := func(name string, a, b any, want int64) intrinsicCase {
		return intrinsicCase{name, "States.MathAdd", []any{a, b}, want, ""}
	}
	fail := func(name string, args ...any) intrinsicCase {
		return intrinsicCase{name, "States.MathAdd", args, nil, bad}
	}
	runIntrinsicCases(t, []intrinsicCase{
		add("integers", int64(5), int64(3), 8),
		add("decrement", int64(111), int64(-1), 110),
		add("negatives", int64(-5), int64(-3), -8),
		// Recorded on AWS: Math.round per operand, ties toward +infinity.
		add("1.49+1.5", 1.49, 1.5, 3),
		add("1.5+1.51", 1.5, 1.51, 4),
		add("-1.49+-1.5", -1.49, -1.5, -2),
		add("-1.5+-1.51", -1.5, -1.51, -3),
		add("1.5", 1.5, int64(0), 2),
		add("1.51", 1.51, int64(0), 2),
		add("-1.51", -1.51, int64(0), -2),
		add("0.5", 0.5, int64(0), 1),
		add("2.5", 2.5, int64(0), 3),
		add("3.5", 3.5, int64(0), 4),
		add("-0.5", -0.5, int64(0), 0),
		add("-1.5", -1.5, int64(0), -1),
		add("-3.5", -3.5, int64(0), -3),
		add("1.6+2.7", 1.6, 2.7, 5),
		add("0.1+0.2", 0.1, 0.2, 0),
		add("0.49999999999999994", 0.49999999999999994, int64(0), 0),
		add("max int32", int64(2147483647), int64(0), 2147483647),
		add("min int32", int64(-2147483648), int64(0), -2147483648),
		add("upper sum", int64(2147483646), int64(1), 2147483647),
		add("lower sum", int64(-2147483647), int64(-1), -2147483648),
		fail("overflow", int64(2147483647), int64(1)),
		fail("underflow", int64(-2147483648), int64(-1)),
		fail("operand too big", int64(3000000000), int64(1)),
		fail("operand too small", int64(-3000000000), int64(1)),
		fail("big integer", json.Number("99999999999999999999"), int64(1)),
		fail("string", "a", int64(1)),
		fail("numeric string", "-1", int64(2)),
		fail("null", nil, int64(1)),
		fail("boolean", true, int64(1)),
		fail("array", int64(-1), j(`[1]`)),
		fail("one argument", int64(1)),
		fail("three arguments", int64(1), int64(2), int64(999)),
	})
}

func TestStatesMathRandom(t *testing.T) {
	const bad = "Invalid arguments in States.MathRandom"
	runIntrinsicCases(t, []intrinsicCase{
		// Observed on AWS: seed 42 over [-5, 5) gives -5.
		{"seeded as on AWS", "States.MathRandom", []any{int64(-5), int64(5), int64(42)}, int64(-5), ""},
		{"equal bounds", "States.MathRandom", []any{int64(1), int64(1)}, nil, bad},
		{"reversed bounds", "States.MathRandom", []any{int64(10), int64(5)}, nil, bad},
		{"truncated to equal", "States.MathRandom", []any{1.4, 1.6}, nil, bad},
		{"truncated equal 1.49", "States.MathRandom", []any{1.49, 1.49}, nil, bad},
		{"string start", "States.MathRandom", []any{"a", int64(10)}, nil, bad},
		{"string end", "States.MathRandom", []any{int64(1), "b"}, nil, bad},
		{"string seed", "States.MathRandom", []any{int64(1), int64(10), "seed"}, nil, bad},
		{"null seed", "States.MathRandom", []any{int64(1), int64(10), nil}, nil, bad},
		{"null start", "States.MathRandom", []any{nil, int64(10)}, nil, bad},
		{"one argument", "States.MathRandom", []any{int64(1)}, nil, bad},
		{"four arguments", "States.MathRandom", []any{int64(1), int64(10), int64(5), int64(99)}, nil, bad},
	})
	inRange := func(args []any, lo, hi int64) {
		t.Helper()
		x := &Execution{}
		x.Seed(7)
		for i := 0; i < 200; i++ {
			got, err := StatesMathRandom(x, args...)
			if err != nil {
				t.Fatalf("MathRandom(%s): %v", argsJSON(args), err)
			}
			n, ok := got.(int64)
			if !ok || n < lo || n >= hi {
				t.Fatalf("MathRandom(%s) = %v, want an int64 in [%d, %d)", argsJSON(args), got, lo, hi)
			}
		}
	}
	inRange([]any{int64(1), int64(999)}, 1, 999)
	inRange([]any{1.6, 5.4}, 1, 5)
	inRange([]any{12.5, 44.51}, 12, 44)
	inRange([]any{int64(-1000000), int64(1000000)}, -1000000, 1000000)
	inRange([]any{int64(2147483640), int64(2147483647), int64(1)}, 2147483640, 2147483647)
	inRange([]any{int64(1), int64(10), int64(-10)}, 1, 10)
	inRange([]any{int64(1), int64(10), 2.6}, 1, 10)
	inRange([]any{int64(-2147483648), int64(-2147483647)}, -2147483648, -2147483647)
	// Both ends are reachable from the unseeded source: start inclusive,
	// end exclusive.
	x := &Execution{}
	x.Seed(3)
	seen := map[int64]bool{}
	for i := 0; i < 500; i++ {
		v, _ := StatesMathRandom(x, int64(1), int64(4))
		seen[v.(int64)] = true
	}
	if len(seen) != 3 || !seen[1] || !seen[3] {
		t.Errorf("MathRandom(1, 4) produced %v, want exactly 1, 2 and 3", seen)
	}
	// A seed gives the same number every time.
	a, _ := StatesMathRandom(nil, int64(1), int64(100), int64(42))
	b, _ := StatesMathRandom(nil, int64(1), int64(100), int64(42))
	if a != b {
		t.Errorf("seeded MathRandom gave %v then %v", a, b)
	}
	// Executions seeded alike agree.
	x1, x2 := &Execution{}, &Execution{}
	x1.Seed(99)
	x2.Seed(99)
	r1, _ := StatesMathRandom(x1, int64(0), int64(1000000))
	r2, _ := StatesMathRandom(x2, int64(0), int64(1000000))
	if r1 != r2 {
		t.Errorf("equally seeded executions gave %v and %v", r1, r2)
	}
	if _, err := StatesMathRandom(nil, int64(-2147483648), int64(2147483647)); err == nil {
		t.Errorf("MathRandom over more than 2^31 values succeeded; Java's nextInt cannot")
	}
}

func TestStatesStringSplit(t *testing.T) {
	const bad = "Invalid arguments in States.StringSplit"
	split := func(name, s, d, want string) intrinsicCase {
		return intrinsicCase{name, "States.StringSplit", []any{s, d}, j(want), ""}
	}
	runIntrinsicCases(t, []intrinsicCase{
		split("space", " ", ",", `[" "]`),
		split("spaces", " , ", ",", `[" "," "]`),
		split("empties dropped", ", , ,", ",", `[" "," "]`),
		split("only delimiters", ",,,,", ",", `[]`),
		split("numbers", "1,2,3,4,5", ",", `["1","2","3","4","5"]`),
		split("delimiter set", "This.is+a,test=string", ".+,=", `["This","is","a","test","string"]`),
		split("newline", "split on T and \nnew line", "T\n", `["split on "," and ","new line"]`),
		split("adjacent", "a,,b", ",", `["a","b"]`),
		split("leading", ",a,b", ",", `["a","b"]`),
		split("trailing", "a,b,", ",", `["a","b"]`),
		split("single delimiter", ",", ",", `[]`),
		split("empty input", "", ",", `[]`),
		split("empty delimiters", "abc", "", `["abc"]`),
		split("characters not substring", "1a2b3ab4", "ab", `["1","2","3","4"]`),
		split("mixed adjacent", "a.,,b", ".,", `["a","b"]`),
		split("regex chars literal", "a|b.c+d", "|.+", `["a","b","c","d"]`),
		split("unicode delimiter", "a✓b✓✓c", "✓", `["a","b","c"]`),
		split("unicode text", "héllo wörld", " ", `["héllo","wörld"]`),
		{"number", "States.StringSplit", []any{int64(123), ","}, nil, bad},
		{"number delimiter", "States.StringSplit", []any{"a,b", int64(1)}, nil, bad},
		{"null", "States.StringSplit", []any{nil, ","}, nil, bad},
		{"null delimiter", "States.StringSplit", []any{"a,b", nil}, nil, bad},
		{"array delimiter", "States.StringSplit", []any{"a,b", j(`[","]`)}, nil, bad},
		{"boolean", "States.StringSplit", []any{false, ","}, nil, bad},
		{"one argument", "States.StringSplit", []any{"a,b"}, nil, bad},
		{"three arguments", "States.StringSplit", []any{"a,b", ",", "x"}, nil, bad},
	})
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestStatesUUID(t *testing.T) {
	x := &Execution{}
	x.Seed(5)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		v, err := StatesUUID(x)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := v.(string)
		if !uuidV4.MatchString(s) || seen[s] {
			t.Fatalf("UUID() = %q: not a fresh v4 UUID", s)
		}
		seen[s] = true
	}
	y := &Execution{}
	y.Seed(5)
	if first, _ := StatesUUID(y); !seen[first.(string)] {
		t.Errorf("an equally seeded execution gave a different UUID")
	}
	if v, err := StatesUUID(nil); err != nil || !uuidV4.MatchString(v.(string)) {
		t.Errorf("UUID without an execution = %v, %v", v, err)
	}
	_, err := StatesUUID(x, "x")
	checkIntrinsicError(t, err, "Invalid arguments in States.UUID")
}

func TestIntrinsicsTable(t *testing.T) {
	if len(Intrinsics) != 18 {
		t.Errorf("Intrinsics has %d functions, want 18", len(Intrinsics))
	}
	// No intrinsic panics on arguments of any type or count.
	samples := []any{nil, true, "", "a,b", int64(-1), int64(0), int64(3), 2.5, math.Inf(1), math.NaN(),
		json.Number("1e400"), json.Number("123456789012345678901234567890"), j(`[]`), j(`[1,"a",null]`), j(`{}`), j(`{"a":[1]}`)}
	for name, f := range Intrinsics {
		for n := 0; n <= 3; n++ {
			var rec func(args []any)
			rec = func(args []any) {
				if len(args) == n {
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s(%s) panicked: %v", name, argsJSON(args), r)
							}
						}()
						_, err := f(nil, args...)
						if err != nil {
							var e *Error
							if !errors.As(err, &e) {
								t.Errorf("%s(%s) returned %T, want *Error", name, argsJSON(args), err)
							}
						}
					}()
					return
				}
				for _, s := range samples {
					rec(append(args[:len(args):len(args)], s))
				}
			}
			rec(nil)
		}
	}
}

// ---- Java emulation

func TestJavaRandom(t *testing.T) {
	// new Random(42).nextInt() is -1170105035 in every JDK.
	if got := newJavaRandom(42).next(32); got != -1170105035 {
		t.Errorf("Random(42).nextInt() = %d, want -1170105035", got)
	}
	if got := newJavaRandom(42).nextInt(10); got != 0 {
		t.Errorf("Random(42).nextInt(10) = %d, want 0", got)
	}
	r := newJavaRandom(0)
	for i := 0; i < 1000; i++ {
		if v := r.nextInt(7); v < 0 || v >= 7 {
			t.Fatalf("nextInt(7) = %d", v)
		}
		if v := r.nextInt(16); v < 0 || v >= 16 {
			t.Fatalf("nextInt(16) = %d", v)
		}
		if v := r.nextInt(math.MaxInt32); v < 0 {
			t.Fatalf("nextInt(MaxInt32) = %d", v)
		}
	}
}

func TestJavaHash(t *testing.T) {
	tests := []struct {
		v    any
		want int32
	}{
		{nil, 0},
		{true, 1231},
		{false, 1237},
		{"", 0},
		{"hello", 99162322},
		{"🚀", 31*0xD83D + 0xDE80},
		{int64(-1), -1},                   // Integer
		{int64(3000000000), -1294967296},  // Long
		{int64(-3000000000), -1294967297}, // Long: (int)(v ^ v>>>32)
		{1.0, 1072693248},                 // Double
		{json.Number("9223372036854775808"), math.MinInt32}, // BigInteger
		{j(`[1,2]`), 994},
		{j(`[2,1]`), 1024},
		{j(`{"a":1}`), 97 ^ 1},
		{j(`{"a":1,"b":2}`), (97 ^ 1) + (98 ^ 2)},
	}
	for _, tt := range tests {
		if got := javaHash(tt.v); got != tt.want {
			t.Errorf("javaHash(%s) = %d, want %d", ToJSON(tt.v), got, tt.want)
		}
	}
}

func TestJavaRound(t *testing.T) {
	tests := []struct {
		in   float64
		want int64
	}{
		{0, 0}, {0.5, 1}, {-0.5, 0}, {1.5, 2}, {-1.5, -1}, {2.5, 3}, {-2.5, -2},
		{0.49999999999999994, 0}, {-0.49999999999999994, 0}, {1e300, math.MaxInt64}, {-1e300, math.MinInt64}, {math.NaN(), 0},
	}
	for _, tt := range tests {
		if got := javaRound(tt.in); got != tt.want {
			t.Errorf("javaRound(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestJavaHashMapGrowth(t *testing.T) {
	// Keys whose hashes collide in a small table force the treeify resize:
	// a ninth key in one bucket of a 16-slot table grows it to 32, which
	// changes the iteration order.
	m := newJavaHashMapCap(16)
	var keys []any
	for i := 0; i < 9; i++ {
		k := int64(i * 16)
		keys = append(keys, k)
		m.put(k, nil)
	}
	if m.cap != 32 {
		t.Errorf("capacity after 9 colliding keys = %d, want 32", m.cap)
	}
	var got []int64
	for _, i := range m.order() {
		got = append(got, m.keys[i].(int64))
	}
	want := []int64{0, 32, 64, 96, 128, 16, 48, 80, 112}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if tableSizeFor(1) != 1 || tableSizeFor(2) != 2 || tableSizeFor(3) != 4 || tableSizeFor(17) != 32 {
		t.Errorf("tableSizeFor is wrong")
	}
}

// ---- conformance recordings

// TestIntrinsicConformance replays the recorded AWS executions in
// conformance/cases/intrinsic_functions whose definition is a single Pass
// state whose Parameters hold intrinsic calls with literal, path or nested
// call arguments (and at most plain ResultPath and OutputPath fields), and
// compares the outputs.
func TestIntrinsicConformance(t *testing.T) {
	dir := findConformanceDir(t, "intrinsic_functions")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	covered, skipped := 0, map[string]string{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		caseDir := filepath.Join(dir, name)
		why := runConformanceCase(t, name, caseDir)
		if why != "" {
			skipped[name] = why
			continue
		}
		covered++
	}
	var names []string
	for n := range skipped {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("skipped %s: %s", n, skipped[n])
	}
	t.Logf("conformance: %d of %d intrinsic_functions cases replayed", covered, covered+len(skipped))
	if covered == 0 {
		t.Errorf("no conformance case was replayed")
	}
}

func findConformanceDir(t *testing.T, category string) string {
	t.Helper()
	if d := os.Getenv("SFN_CONFORMANCE"); d != "" {
		return filepath.Join(d, "cases", category)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "conformance", "cases", category)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Skipf("conformance cases not found (no shared/conformance/cases/%s above %s; set SFN_CONFORMANCE)", category, wd)
	return ""
}

// runConformanceCase replays one case, failing t on a mismatch. It returns
// why the case is out of scope, or "" once it has been compared.
func runConformanceCase(t *testing.T, name, dir string) string {
	defBytes, err := os.ReadFile(filepath.Join(dir, "definition.asl.json"))
	if err != nil {
		return "no definition"
	}
	var def struct {
		StartAt string
		States  map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(defBytes, &def); err != nil {
		return "definition does not decode"
	}
	if len(def.States) != 1 {
		return "not a single state"
	}
	st := def.States[def.StartAt]
	var typ string
	_ = json.Unmarshal(st["Type"], &typ)
	if typ != "Pass" || st["Parameters"] == nil {
		return "not a Pass state with Parameters"
	}
	var resultPath, outputPath []string
	for k, raw := range st {
		switch k {
		case "Type", "Parameters", "End", "Comment":
		case "ResultPath", "OutputPath":
			// Only plain "$.a.b" paths, enough for the recorded cases.
			var p string
			if json.Unmarshal(raw, &p) != nil || !strings.HasPrefix(p, "$.") || strings.ContainsAny(p, "[]*'\"") {
				return "uses " + k
			}
			fields := strings.Split(p[2:], ".")
			if k == "ResultPath" {
				resultPath = fields
			} else {
				outputPath = fields
			}
		default:
			return "uses " + k
		}
	}
	params, err := ParseJSON(st["Parameters"])
	if err != nil {
		return "Parameters do not parse"
	}
	po, ok := params.(*Object)
	if !ok {
		return "Parameters is not an object"
	}
	input := any(NewObject(0))
	if b, err := os.ReadFile(filepath.Join(dir, "input.json")); err == nil {
		if input, err = ParseJSON(b); err != nil {
			return "input does not parse"
		}
	}
	expBytes, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		return "no expected.json"
	}
	var exp struct {
		Status           string          `json:"status"`
		Output           json.RawMessage `json:"output"`
		Error            string          `json:"error"`
		Cause            string          `json:"cause"`
		Nondeterministic []string        `json:"nondeterministic"`
	}
	if err := json.Unmarshal(expBytes, &exp); err != nil {
		return "expected.json does not decode"
	}

	// Evaluate the template: literal values are copied, ".$" values must be
	// intrinsic calls this test can parse.
	x := &Execution{}
	x.Seed(1)
	out := NewObject(po.Len())
	var callErr error
	for _, m := range po.Members() {
		if !strings.HasSuffix(m.Key, ".$") {
			if s, ok := m.Value.(*Object); ok && s.Len() > 0 {
				return "nested template"
			}
			out.Set(m.Key, m.Value)
			continue
		}
		src, ok := m.Value.(string)
		if !ok {
			return "non-string .$ value"
		}
		call, why := parseTestCall(src)
		if why != "" {
			return why
		}
		v, err, why := call.eval(x, input)
		if why != "" {
			return why
		}
		if err != nil {
			callErr = err
			break
		}
		out.Set(strings.TrimSuffix(m.Key, ".$"), v)
	}
	result := any(out)
	if callErr == nil && resultPath != nil {
		if len(resultPath) != 1 {
			return "deep ResultPath"
		}
		in, ok := input.(*Object)
		if !ok {
			return "ResultPath on a non-object"
		}
		merged := in.Clone()
		merged.Set(resultPath[0], out)
		result = merged
	}
	if callErr == nil && outputPath != nil {
		for _, k := range outputPath {
			o, ok := result.(*Object)
			if !ok {
				return "OutputPath does not resolve"
			}
			if result, ok = o.Get(k); !ok {
				return "OutputPath does not resolve"
			}
		}
	}

	t.Run(name, func(t *testing.T) {
		switch exp.Status {
		case "SUCCEEDED":
			if callErr != nil {
				t.Fatalf("recorded success, got error %v", callErr)
			}
			want, err := ParseJSON(exp.Output)
			if err != nil {
				t.Fatalf("recorded output does not parse: %v", err)
			}
			if !matchRecorded(want, result, exp.Nondeterministic) {
				t.Errorf("output mismatch (-recorded +got):\n%s", cmp.Diff(ToJSON(want), ToJSON(result)))
			}
		case "FAILED":
			var e *Error
			if !errors.As(callErr, &e) {
				t.Fatalf("recorded failure %s (%s), got success %s", exp.Error, exp.Cause, ToJSON(result))
			}
			if e.Name != exp.Error || !strings.Contains(exp.Cause, e.Cause) {
				t.Errorf("error %s: %s, recorded %s: %s", e.Name, e.Cause, exp.Error, exp.Cause)
			}
		default:
			t.Skipf("status %s", exp.Status)
		}
	})
	return ""
}

// matchRecorded compares a recorded value with ours as JSON values, numbers
// by value; a recorded placeholder string listed as nondeterministic
// stands for any value of the kind its intrinsic produces.
func matchRecorded(want, got any, wild []string) bool {
	if s, ok := want.(string); ok {
		for _, w := range wild {
			if s == w {
				switch w {
				case "generated-uuid":
					g, ok := got.(string)
					return ok && uuidV4.MatchString(g)
				case "RandomNumberGenerated":
					_, ok := got.(int64)
					return ok
				}
				return true
			}
		}
	}
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !matchRecorded(w[i], g[i], wild) {
				return false
			}
		}
		return true
	case *Object:
		g, ok := got.(*Object)
		if !ok || g.Len() != w.Len() {
			return false
		}
		for _, m := range w.Members() {
			v, ok := g.Get(m.Key)
			if !ok || !matchRecorded(m.Value, v, wild) {
				return false
			}
		}
		return true
	}
	return Equal(want, got)
}

// A testCall is an intrinsic call parsed by the small parser below:
// arguments are '…' strings (with \' \{ \} \\ escapes), numbers, true,
// false, null, $ or $$.Execution.Input paths of plain field names, or
// nested calls.
type testCall struct {
	fn   string
	args []testArg
}

type testArg struct {
	lit  any
	path []string // fields below the input
	call *testCall
}

func (c *testCall) eval(x *Execution, input any) (v any, err error, why string) {
	f := Intrinsics[c.fn]
	if f == nil {
		return nil, nil, "unknown function " + c.fn
	}
	var args []any
	for _, a := range c.args {
		switch {
		case a.call != nil:
			v, err, why := a.call.eval(x, input)
			if why != "" || err != nil {
				return nil, err, why
			}
			args = append(args, v)
		case a.path != nil:
			v := input
			for _, k := range a.path {
				o, ok := v.(*Object)
				if !ok {
					return nil, nil, "path does not resolve"
				}
				if v, ok = o.Get(k); !ok {
					return nil, nil, "path does not resolve"
				}
			}
			args = append(args, v)
		default:
			args = append(args, a.lit)
		}
	}
	v, err = f(x, args...)
	return v, err, ""
}

func parseTestCall(src string) (*testCall, string) {
	p := &testParser{s: src}
	c, why := p.call()
	if why != "" {
		return nil, why
	}
	p.space()
	if p.i != len(p.s) {
		return nil, "trailing text in " + src
	}
	return c, ""
}

type testParser struct {
	s string
	i int
}

func (p *testParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *testParser) call() (*testCall, string) {
	p.space()
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != '(' {
		p.i++
	}
	if p.i == len(p.s) || !strings.HasPrefix(p.s[start:], "States.") {
		return nil, "not an intrinsic call: " + p.s
	}
	c := &testCall{fn: strings.TrimSpace(p.s[start:p.i])}
	p.i++ // (
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ')' {
		p.i++
		return c, ""
	}
	for {
		a, why := p.arg()
		if why != "" {
			return nil, why
		}
		c.args = append(c.args, a)
		p.space()
		if p.i >= len(p.s) {
			return nil, "unterminated call"
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ')':
			p.i++
			return c, ""
		default:
			return nil, "unexpected " + p.s[p.i:]
		}
	}
}

func (p *testParser) arg() (testArg, string) {
	p.space()
	if p.i >= len(p.s) {
		return testArg{}, "missing argument"
	}
	rest := p.s[p.i:]
	switch {
	case rest[0] == '\'':
		var b strings.Builder
		for p.i++; p.i < len(p.s); p.i++ {
			c := p.s[p.i]
			if c == '\\' && p.i+1 < len(p.s) {
				p.i++
				b.WriteByte(p.s[p.i])
				continue
			}
			if c == '\'' {
				p.i++
				return testArg{lit: b.String()}, ""
			}
			b.WriteByte(c)
		}
		return testArg{}, "unterminated string"
	case strings.HasPrefix(rest, "States."):
		c, why := p.call()
		return testArg{call: c}, why
	case rest[0] == '$':
		end := strings.IndexAny(rest, ", )")
		if end < 0 {
			end = len(rest)
		}
		path := rest[:end]
		p.i += end
		switch {
		case path == "$":
			return testArg{path: []string{}}, ""
		case strings.HasPrefix(path, "$$.Execution.Input"):
			path = "$" + strings.TrimPrefix(path, "$$.Execution.Input")
		case path == "$$.StateMachine.Name":
			// Recorded as a placeholder; any machine name will do.
			return testArg{lit: "IntrinsicMachine-1234"}, ""
		case strings.HasPrefix(path, "$$"):
			return testArg{}, "context path " + path
		}
		if !strings.HasPrefix(path, "$.") && path != "$" {
			return testArg{}, "unsupported path " + path
		}
		fields := strings.Split(strings.TrimPrefix(path, "$."), ".")
		if path == "$" {
			fields = []string{}
		}
		for _, f := range fields {
			if f == "" || strings.ContainsAny(f, "[]*'\"") {
				return testArg{}, "unsupported path " + path
			}
		}
		return testArg{path: fields}, ""
	}
	end := strings.IndexAny(rest, ", )")
	if end < 0 {
		end = len(rest)
	}
	tok := rest[:end]
	p.i += end
	switch tok {
	case "true":
		return testArg{lit: true}, ""
	case "false":
		return testArg{lit: false}, ""
	case "null":
		return testArg{lit: nil}, ""
	}
	v, err := ParseJSON([]byte(tok))
	if err != nil || !IsNumber(v) {
		return testArg{}, "unsupported literal " + tok
	}
	return testArg{lit: v}, ""
}

// ---- benchmarks

func BenchmarkStatesMathAdd(b *testing.B) {
	b.Run("ints", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = StatesMathAdd(nil, int64(111), int64(-1))
		}
	})
	b.Run("floats", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = StatesMathAdd(nil, 1.49, 1.5)
		}
	})
}

func BenchmarkStatesFormat(b *testing.B) {
	b.Run("scalars", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = StatesFormat(nil, "Hello {}, welcome to {}! You are visitor {}.", "John", "LocalStack", int64(12345))
		}
	})
	obj := j(`{"Arg1":1,"Arg2":[1.5,"x",null],"Arg3":{"k":true}}`)
	b.Run("object", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = StatesFormat(nil, "value={}", obj)
		}
	})
}
