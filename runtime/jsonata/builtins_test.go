package jsonata

import (
	"regexp"
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// These run without the oracle; TestDifferential covers the library
// functions against the reference implementation.
func TestAWSFunctions(t *testing.T) {
	runEvalCases(t, []evalCase{
		{expr: "$partition([1, 2, 3, 4, 5], 2)", want: `[[1,2],[3,4],[5]]`},
		{expr: "$partition([0], 1)", want: `[[0]]`},
		{expr: "$partition([0, 1, 2], 5)", want: `[[0,1,2]]`},
		{expr: "$partition([1], 0)", err: "D3200"},
		{expr: "$range(0, 10, 2)", want: `[0,2,4,6,8,10]`},
		{expr: "$range(0, 10, 3)", want: `[0,3,6,9]`},
		{expr: "$range(1, 9, 9)", want: `1`},
		{expr: "$range(10, 0, -5)", want: `[10,5,0]`},
		{expr: "$range(0, 1, 0)", err: "D3200"},
		{expr: `$hash("Hello World", "SHA-256")`, want: `"a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"`},
		{expr: `$hash("Hello World", "MD5")`, want: `"b10a8db164e0754105b7a99be72e3fe5"`},
		{expr: `$hash("x", "CRC32")`, err: "D3200"},
		{expr: `$parse('{"a":[1,{"b":null}]}')`, want: `{"a":[1,{"b":null}]}`},
		{expr: `$parse("nope")`, err: "D3200"},
		{expr: `$random(42) = $random(42)`, want: `true`},
		{expr: `$random() < 1`, want: `true`},
		{expr: `$length($uuid())`, want: `36`},
		{expr: `$now()`, want: `"2024-05-06T07:08:09.123Z"`},
		{expr: `$millis()`, want: `1714979289123`},
		{expr: `$fromMillis($millis(), "[Y]-[M01]-[D01]")`, want: `"2024-05-06"`},
		{expr: `$toMillis("2024-05-06T07:08:09.123Z")`, want: `1714979289123`},
		{expr: `$eval("1")`, err: "T1006"},
	})
	v, ok, err := MustParse("$uuid()").Eval(nil, nil)
	if err != nil || !ok || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(v.(string)) {
		t.Errorf("$uuid() = %v %v %v", v, ok, err)
	}
}

func TestBuiltins(t *testing.T) {
	runEvalCases(t, []evalCase{
		{expr: "$sum(items.p)", want: `6`},
		{expr: "$average(items.p)", want: `2`},
		{expr: "$string(f)", want: `"1.5"`},
		{expr: "$string(0.1 + 0.2)", want: `"0.3"`},
		{expr: "0.1 + 0.2", want: `0.30000000000000004`},
		{expr: "$round(2.5) & $round(3.5) & $round(-2.5)", want: `"24-2"`},
		{expr: "$round(1.005, 2)", want: `1`},
		{expr: "$substring(s, 6)", want: `"World"`},
		{expr: "$uppercase(s)", want: `"HELLO WORLD"`},
		{expr: "$split(s, ' ')", want: `["Hello","World"]`},
		{expr: "$join(items.n, ',')", want: `"x,y,x"`},
		{expr: "$replace(s, /o/, '0')", want: `"Hell0 W0rld"`},
		{expr: "$match(s, /l+/).match", want: `["ll","l"]`},
		{expr: "$contains(s, /world/i)", want: `true`},
		{expr: "$formatNumber(1234.5, '#,##0.00')", want: `"1,234.50"`},
		{expr: "$formatBase(255, 16)", want: `"ff"`},
		{expr: "$formatInteger(1999, 'I')", want: `"MCMXCIX"`},
		{expr: "$number('42')", want: `42`},
		{expr: "$boolean(nul)", want: `false`},
		{expr: "$not(t)", want: `false`},
		{expr: "$exists(nul)", want: `true`},
		{expr: "$keys(a)", want: `"b"`},
		{expr: "$map(items, function($v, $i){$v.p * $i})", want: `[0,2,6]`},
		{expr: "$filter(items, function($v){$v.n = 'x'}).p", want: `[1,3]`},
		{expr: "$reduce(items.p, function($a, $b){$a * $b})", want: `6`},
		{expr: "$sort(items.n)", want: `["x","x","y"]`},
		{expr: "$reverse(items.p)", want: `[3,2,1]`},
		{expr: "$distinct(items.n)", want: `["x","y"]`},
		{expr: "$zip([1,2],[3,4])", want: `[[1,3],[2,4]]`},
		{expr: "$merge([{'a':1},{'b':2}])", want: `{"a":1,"b":2}`},
		{expr: "$spread({'a':1,'b':2})", want: `[{"a":1},{"b":2}]`},
		{expr: "$each({'a':1}, function($v, $k){$k & $v})", want: `"a1"`},
		{expr: "$sift({'a':1,'b':2}, function($v){$v > 1})", want: `{"b":2}`},
		{expr: "$type(a)", want: `"object"`},
		{expr: "$lookup(a, 'b')[0]", want: `1`},
		{expr: "$single(items, function($v){$v.p = 2}).n", want: `"y"`},
		{expr: "$base64encode('Hello World')", want: `"SGVsbG8gV29ybGQ="`},
		{expr: "$decodeUrlComponent('a%20b')", want: `"a b"`},
		{expr: "$encodeUrl('a b')", want: `"a%20b"`},
		{expr: "$power(2, 10)", want: `1024`},
		{expr: "$sqrt(-1)", err: "D3060"},
		{expr: "$pad('x', -3, '0')", want: `"00x"`},
		{expr: "$trim('  a  b  ')", want: `"a b"`},
		{expr: "($up := $uppercase ~> $substring(?, 0, 2); $up('hello'))", want: `"HE"`},
		{expr: "a ~> | $ | {'x': 1}, ['b'] |", want: `{"x":1}`},
		{expr: "$ ~> | a | {'x': 1} |", want: `{"a":{"b":[1,2,{"c":3}],"x":1},"items":[{"p":1,"n":"x"},{"p":2,"n":"y"},{"p":3,"n":"x"}],"s":"Hello World","f":1.5,"z":0,"nul":null,"t":true}`},
	})
}

// TestFunctionNames holds the parser's list of built-in function names
// (what the compiler knows of them) to the engine's library.
func TestFunctionNames(t *testing.T) {
	defined := map[string]bool{}
	for _, f := range fullLibrary.Functions {
		if defined[f.b.name] {
			t.Errorf("$%s is in the library twice", f.b.name)
		}
		defined[f.b.name] = true
		if !syntax.Functions()[f.b.name] {
			t.Errorf("built-in $%s is missing from syntax.Functions", f.b.name)
		}
	}
	for name := range syntax.Functions() {
		if fullLibrary.lookup(name) == nil {
			t.Errorf("syntax.Functions lists $%s, which the engine does not define", name)
		}
	}
}
