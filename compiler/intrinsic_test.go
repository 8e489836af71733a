package compiler

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/ir"
)

func icall(off int, fn ir.IntrinsicFunc, args ...ir.Arg) *ir.Call {
	return &ir.Call{Pos: ir.Pos{Offset: off}, Func: fn, Args: args}
}

func istr(s string) ir.Arg { return ir.ArgLiteral{Value: ir.String(s)} }

func inum(text string) ir.Arg { return ir.ArgLiteral{Value: jpNum(text)} }

func ipath(off int, src string, root ir.PathRoot, variable string, segs ...ir.Segment) ir.Arg {
	return ir.ArgPath{Path: &ir.Path{Pos: ir.Pos{Offset: off}, Source: src, Root: root, Variable: variable, Segments: segs}}
}

func TestIsIntrinsic(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"States.Format('x')", true},
		{"States.UUID()", true},
		{"States.Nope()", true}, // a call; ParseIntrinsic names the problem
		{"States.Format (1)", true},
		{"  States.Array()", true},
		{"\nStates.Array()", true},
		{"States.Format", false},
		{"States.(", false},
		{"States.", false},
		{"$.States.Format()", false},
		{"$", false},
		{"", false},
		{"states.format()", false},
		{"Format('x')", false},
	}
	for _, tt := range tests {
		if got := IsIntrinsic(tt.src); got != tt.want {
			t.Errorf("IsIntrinsic(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestParseIntrinsic(t *testing.T) {
	tests := []struct {
		src  string
		want *ir.Call
	}{
		{"States.UUID()", icall(0, "States.UUID")},
		{"States.Array()", icall(0, "States.Array")},
		{"States.Format('x {}', $.a)", icall(0, "States.Format", istr("x {}"),
			ipath(22, "$.a", ir.RootInput, "", jpFld("a")))},
		{"  States.Format( 'a' ,$$.Execution.Id ,\t$name.x[0] )  ", icall(2, "States.Format", istr("a"),
			ipath(22, "$$.Execution.Id", ir.RootContext, "", jpFld("Execution"), jpFld("Id")),
			ipath(40, "$name.x[0]", ir.RootVariable, "name", jpFld("x"), ir.Index{Index: 0}))},
		{"States.Array('Foo', 2022, -1, 1.5, -2e3, true, false, null, $, $$, $v)", icall(0, "States.Array",
			istr("Foo"), inum("2022"), inum("-1"), inum("1.5"), inum("-2e3"),
			ir.ArgLiteral{Value: ir.Bool(true)}, ir.ArgLiteral{Value: ir.Bool(false)}, ir.ArgLiteral{Value: ir.Null{}},
			ipath(60, "$", ir.RootInput, ""), ipath(63, "$$", ir.RootContext, ""), ipath(67, "$v", ir.RootVariable, "v"))},
		// Escapes: resolved everywhere but in a Format template, where
		// \{ \} and \\ stay escaped.
		{`States.StringSplit('a\'b\{\}\\c', ',')`, icall(0, "States.StringSplit", istr(`a'b{}\c`), istr(","))},
		{`States.Format('it\'s \{\} {} \\', 1)`, icall(0, "States.Format", istr(`it's \{\} {} \\`), inum("1"))},
		{`States.Format($.t, 'x\{')`, icall(0, "States.Format",
			ipath(14, "$.t", ir.RootInput, "", jpFld("t")), istr("x{"))},
		// Control characters are literal text (AWS accepted a raw newline).
		{"States.StringSplit('Hello\nWorld', '\n')", icall(0, "States.StringSplit", istr("Hello\nWorld"), istr("\n"))},
		{"States.StringToJson('{\"a\": \"b\"}')", icall(0, "States.StringToJson", istr(`{"a": "b"}`))},
		// Paths with brackets, quotes, commas and filters.
		{"States.Array($['a, b'], $.x[?(@.y == 'p)q')], $.z[0,1])", icall(0, "States.Array",
			ipath(13, "$['a, b']", ir.RootInput, "", jpFld("a, b")),
			ipath(24, "$.x[?(@.y == 'p)q')]", ir.RootInput, "", jpFld("x"), ir.Filter{Expr: ir.FilterCompare{
				Op: "==", Left: jpCur(30, "@.y", jpFld("y")), Right: jpLit(ir.String("p)q"))}}),
			ipath(46, "$.z[0,1]", ir.RootInput, "", jpFld("z"), ir.Union{Indexes: []int{0, 1}}))},
		{"States.MathAdd($.delivery-partner, 1)", icall(0, "States.MathAdd",
			ipath(15, "$.delivery-partner", ir.RootInput, "", jpFld("delivery-partner")), inum("1"))},
		// Nesting.
		{"States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)", icall(0, "States.ArrayGetItem",
			ir.ArgCall{Call: icall(20, "States.StringSplit",
				ipath(39, "$$.StateMachine.Name", ir.RootContext, "", jpFld("StateMachine"), jpFld("Name")), istr("-"))},
			inum("0"))},
		{"States.JsonMerge($.a, States.StringToJson('{}'), false)", icall(0, "States.JsonMerge",
			ipath(17, "$.a", ir.RootInput, "", jpFld("a")),
			ir.ArgCall{Call: icall(22, "States.StringToJson", istr("{}"))},
			ir.ArgLiteral{Value: ir.Bool(false)})},
		// Signatures.
		{"States.Hash($.d, 'SHA-256')", icall(0, "States.Hash", ipath(12, "$.d", ir.RootInput, "", jpFld("d")), istr("SHA-256"))},
		{"States.Hash('x', $.alg)", icall(0, "States.Hash", istr("x"), ipath(17, "$.alg", ir.RootInput, "", jpFld("alg")))},
		{"States.MathRandom(1, 10)", icall(0, "States.MathRandom", inum("1"), inum("10"))},
		{"States.MathRandom(1, 10, 42)", icall(0, "States.MathRandom", inum("1"), inum("10"), inum("42"))},
		{"States.MathAdd(1.5, -2)", icall(0, "States.MathAdd", inum("1.5"), inum("-2"))},
		{"States.ArrayRange(0, 10, 3)", icall(0, "States.ArrayRange", inum("0"), inum("10"), inum("3"))},
		{"States.ArrayPartition($.a, 2)", icall(0, "States.ArrayPartition", ipath(22, "$.a", ir.RootInput, "", jpFld("a")), inum("2"))},
		{"States.Base64Encode('aGk=')", icall(0, "States.Base64Encode", istr("aGk="))},
		{"States.JsonToString(null)", icall(0, "States.JsonToString", ir.ArgLiteral{Value: ir.Null{}})},
	}
	for _, tt := range tests {
		got, err := ParseIntrinsic(tt.src)
		if err != nil {
			t.Errorf("ParseIntrinsic(%q): %v", tt.src, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseIntrinsic(%q) mismatch (-want +got):\n%s", tt.src, diff)
		}
	}
}

// nested returns depth calls of States.ArrayLength around $.a.
func nested(depth int) string {
	return strings.Repeat("States.ArrayLength(", depth) + "$.a" + strings.Repeat(")", depth)
}

func TestParseIntrinsicDepth(t *testing.T) {
	if _, err := ParseIntrinsic(nested(10)); err != nil {
		t.Errorf("10 nested calls: %v", err)
	}
	_, err := ParseIntrinsic(nested(11))
	if err == nil || err.Offset != 10*len("States.ArrayLength(") || !strings.Contains(err.Msg, "nested at most 10 deep") {
		t.Errorf("11 nested calls: got %v, want error at offset %d", err, 10*len("States.ArrayLength("))
	}
	// Deep input must be rejected without deep recursion.
	if _, err := ParseIntrinsic(nested(100000)); err == nil {
		t.Error("100000 nested calls: no error")
	}
}

func TestParseIntrinsicErrors(t *testing.T) {
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"", 0, "expected an intrinsic function call"},
		{"$.a", 0, "expected an intrinsic function call"},
		{"States.", 7, "expected a function name"},
		{"States.Nope()", 0, "unknown intrinsic function States.Nope"},
		{"States.format('x')", 0, "unknown intrinsic function States.format"},
		{"States.Format", 13, "expected '(' after States.Format"},
		{"States.Format('x'", 13, "missing ')'"},
		{"States.Format('x' 'y')", 18, "expected ',' or ')'"},
		{"States.Format('x',)", 18, "expected an argument"},
		{"States.Array(,)", 13, "expected an argument"},
		{"States.Format('x') x", 19, "after the end of the call"},
		{"States.Format('x'))", 18, "after the end of the call"},
		{"States.Format('x)", 14, "unterminated string"},
		{`States.Format('x\`, 16, "unterminated string"},
		{`States.Format('a\nb')`, 16, `invalid escape \n`},
		{`States.StringToJson('{\"text\":\"An \\\"x\\\" here\"}')`, 22, `invalid escape \"`},
		{`States.Format("x")`, 14, "single quotes"},
		{"States.Format(x)", 14, "strings must be in single quotes"},
		{"States.Format(True)", 14, "unexpected 'True'"},
		{"States.Array(01)", 13, "invalid number"},
		{"States.Array(1.)", 13, "invalid number"},
		{"States.Array(-)", 13, "invalid number"},
		{"States.Array(1x)", 13, "invalid number"},
		{"States.Array(+1)", 13, "unexpected '+'"},
		{"States.Array($.a b)", 17, "expected ',' or ')'"},
		{"States.Array($.a.)", 16, "must not end with '.'"},
		{"States.Array($.a.length())", 17, "functions such as length()"},
		{"States.Array($.a[)", 17, "unexpected ')' after '['"},
		{"States.Array($.a[0)", 18, "unexpected ')' in array index"},
		{"States.Array($.a['x'", 16, "unclosed '['"},
		// Arity.
		{"States.MathAdd(1, 2, 3)", 21, "States.MathAdd takes 2 arguments, got 3"},
		{"States.MathAdd(1)", 16, "States.MathAdd takes 2 arguments, got 1"},
		{"States.UUID(1)", 12, "States.UUID takes no arguments, got 1"},
		{"States.Format()", 14, "States.Format takes at least 1 argument, got 0"},
		{"States.MathRandom(1)", 19, "States.MathRandom takes 2 or 3 arguments, got 1"},
		{"States.MathRandom(1, 2, 3, 4)", 27, "States.MathRandom takes 2 or 3 arguments, got 4"},
		{"States.ArrayLength()", 19, "States.ArrayLength takes 1 argument, got 0"},
		{"States.JsonMerge($.a, $.b)", 25, "States.JsonMerge takes 3 arguments, got 2"},
		{"States.Array(States.UUID(1))", 25, "States.UUID takes no arguments"},
		// Literal types.
		{"States.Format(1, $.a)", 14, "argument 1 of States.Format must be a string, got the number 1"},
		{"States.Format(null)", 14, "must be a string, got null"},
		{"States.StringToJson(true)", 20, "must be a string, got true"},
		{"States.Hash($.a, 'SHA1')", 17, "argument 2 of States.Hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got the string 'SHA1'"},
		{"States.Hash($.a, 256)", 17, "must be a hash algorithm"},
		{"States.Hash(1, 'MD5')", 12, "argument 1 of States.Hash must be a string"},
		{"States.ArrayRange(0, 10.5, 1)", 21, "argument 2 of States.ArrayRange must be an integer, got the number 10.5"},
		{"States.ArrayRange(0, 1e1, 1)", 21, "must be an integer"},
		{"States.ArrayRange('0', 10, 1)", 18, "must be an integer, got the string '0'"},
		{"States.ArrayPartition($.a, 'x')", 27, "must be an integer"},
		{"States.ArrayGetItem($.a, true)", 25, "must be an integer"},
		{"States.ArrayLength('abc')", 19, "argument 1 of States.ArrayLength must be an array"},
		{"States.ArrayContains(1, 1)", 21, "must be an array"},
		{"States.ArrayUnique(null)", 19, "must be an array"},
		{"States.JsonMerge($.a, $.b, true)", 27, "argument 3 of States.JsonMerge must be the literal false, got true"},
		{"States.JsonMerge($.a, $.b, $.c)", 27, "must be the literal false"},
		{"States.JsonMerge($.a, 'x', false)", 22, "argument 2 of States.JsonMerge must be an object"},
		{"States.MathRandom(1.5, 2)", 18, "must be an integer"},
		{"States.MathAdd('1', 2)", 15, "argument 1 of States.MathAdd must be a number"},
		{"States.StringSplit($.s, 1)", 24, "must be a string"},
		{"States.Base64Decode(1)", 20, "must be a string"},
	}
	for _, tt := range tests {
		got, err := ParseIntrinsic(tt.src)
		if err == nil {
			t.Errorf("ParseIntrinsic(%q) = %+v, want error %q", tt.src, got, tt.msg)
			continue
		}
		if err.Offset != tt.offset || !strings.Contains(err.Msg, tt.msg) {
			t.Errorf("ParseIntrinsic(%q) error at %d %q, want at %d %q", tt.src, err.Offset, err.Msg, tt.offset, tt.msg)
		}
	}
}
