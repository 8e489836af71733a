package compiler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/ir"
)

func jpInt(n int) *int { return &n }

// in builds an input-rooted path with the given source.
func jpIn(src string, segs ...ir.Segment) *ir.Path {
	return &ir.Path{Source: src, Root: ir.RootInput, Segments: segs}
}

// cur builds a filter operand for an @-path at offset off.
func jpCur(off int, src string, segs ...ir.Segment) ir.FilterOperand {
	return ir.FilterOperand{Current: true, Path: &ir.Path{Pos: ir.Pos{Offset: off}, Source: src, Root: ir.RootInput, Segments: segs}}
}

func jpLit(v ir.Value) ir.FilterOperand { return ir.FilterOperand{Literal: v} }

func jpNum(text string) ir.Number {
	return ir.Number{Text: text, IsFloat: strings.ContainsAny(text, ".eE")}
}

func jpFld(name string) ir.Field { return ir.Field{Name: name} }

func TestParsePath(t *testing.T) {
	tests := []struct {
		src  string
		kind PathKind
		want *ir.Path
	}{
		{"$", PathReference, jpIn("$")},
		{"$.a.b", PathReference, jpIn("$.a.b", jpFld("a"), jpFld("b"))},
		{"$['a b']", PathReference, jpIn("$['a b']", jpFld("a b"))},
		{`$["a"]`, PathReference, jpIn(`$["a"]`, jpFld("a"))},
		{`$['it\'s']`, PathReference, jpIn(`$['it\'s']`, jpFld("it's"))},
		// A backslash escapes the enclosing quote only; any other is
		// the character itself, as AWS evaluates the path.
		{`$['a\\b\"c\u0041\n']`, PathReference, jpIn(`$['a\\b\"c\u0041\n']`, jpFld(`a\\b\"c\u0041\n`))},
		{`$['Test\""Name"']`, PathFull, jpIn(`$['Test\""Name"']`, jpFld(`Test\""Name"`))},
		{`$["say \"hi\" it\'s"]`, PathReference, jpIn(`$["say \"hi\" it\'s"]`, jpFld(`say "hi" it\'s`))},
		{`$['a\\']`, PathReference, jpIn(`$['a\\']`, jpFld(`a\\`))},
		{`$['\u12']`, PathReference, jpIn(`$['\u12']`, jpFld(`\u12`))},
		{"$.a[0]", PathReference, jpIn("$.a[0]", jpFld("a"), ir.Index{Index: 0})},
		{"$.a[-1]", PathReference, jpIn("$.a[-1]", jpFld("a"), ir.Index{Index: -1})},
		{"$[ 2 ]", PathReference, jpIn("$[ 2 ]", ir.Index{Index: 2})},
		{"$.a[*]", PathFull, jpIn("$.a[*]", jpFld("a"), ir.Wildcard{})},
		{"$[ * ]", PathFull, jpIn("$[ * ]", ir.Wildcard{})},
		{"$.a.*", PathFull, jpIn("$.a.*", jpFld("a"), ir.Wildcard{})},
		{"$..a", PathFull, jpIn("$..a", ir.Descent{Then: jpFld("a")})},
		{"$..*", PathFull, jpIn("$..*", ir.Descent{Then: ir.Wildcard{}})},
		{"$..[0]", PathFull, jpIn("$..[0]", ir.Descent{Then: ir.Index{Index: 0}})},
		{"$..['x y'].z", PathFull, jpIn("$..['x y'].z", ir.Descent{Then: jpFld("x y")}, jpFld("z"))},
		{"$.a[1:3]", PathFull, jpIn("$.a[1:3]", jpFld("a"), ir.Slice{Start: jpInt(1), End: jpInt(3)})},
		{"$.a[1:]", PathFull, jpIn("$.a[1:]", jpFld("a"), ir.Slice{Start: jpInt(1)})},
		{"$.a[:1]", PathFull, jpIn("$.a[:1]", jpFld("a"), ir.Slice{End: jpInt(1)})},
		{"$.a[-1:]", PathFull, jpIn("$.a[-1:]", jpFld("a"), ir.Slice{Start: jpInt(-1)})},
		{"$.a[::2]", PathFull, jpIn("$.a[::2]", jpFld("a"), ir.Slice{Step: jpInt(2)})},
		{"$.a[1:10:-3]", PathFull, jpIn("$.a[1:10:-3]", jpFld("a"), ir.Slice{Start: jpInt(1), End: jpInt(10), Step: jpInt(-3)})},
		{"$.a[0,2]", PathFull, jpIn("$.a[0,2]", jpFld("a"), ir.Union{Indexes: []int{0, 2}})},
		{"$.a[0, -1 ,2]", PathFull, jpIn("$.a[0, -1 ,2]", jpFld("a"), ir.Union{Indexes: []int{0, -1, 2}})},
		{"$['a','b']", PathFull, jpIn("$['a','b']", ir.Union{Names: []string{"a", "b"}})},
		{`$[ 'a' , "b" ]`, PathFull, jpIn(`$[ 'a' , "b" ]`, ir.Union{Names: []string{"a", "b"}})},
		{"$.['a']", PathReference, jpIn("$.['a']", jpFld("a"))},
		// Dot names take whatever Jayway takes.
		{"$.a-b", PathReference, jpIn("$.a-b", jpFld("a-b"))},
		{"$.1x", PathReference, jpIn("$.1x", jpFld("1x"))},
		{"$.héllo.日本", PathReference, jpIn("$.héllo.日本", jpFld("héllo"), jpFld("日本"))},
		{"$.a$b", PathReference, jpIn("$.a$b", jpFld("a$b"))},
		{"$.a]b", PathReference, jpIn("$.a]b", jpFld("a]b"))},
		{"$.delivery-partner", PathReference, jpIn("$.delivery-partner", jpFld("delivery-partner"))},
		{"$.a ", PathReference, &ir.Path{Source: "$.a ", Segments: []ir.Segment{jpFld("a")}}},
		// Roots.
		{"$$", PathReference, &ir.Path{Source: "$$", Root: ir.RootContext}},
		{"$$.Execution.Input.x", PathReference, &ir.Path{Source: "$$.Execution.Input.x", Root: ir.RootContext,
			Segments: []ir.Segment{jpFld("Execution"), jpFld("Input"), jpFld("x")}}},
		{"$$['Map']", PathReference, &ir.Path{Source: "$$['Map']", Root: ir.RootContext, Segments: []ir.Segment{jpFld("Map")}}},
		{"$myVar", PathReference, &ir.Path{Source: "$myVar", Root: ir.RootVariable, Variable: "myVar"}},
		{"$myVar.x[0]", PathReference, &ir.Path{Source: "$myVar.x[0]", Root: ir.RootVariable, Variable: "myVar",
			Segments: []ir.Segment{jpFld("x"), ir.Index{Index: 0}}}},
		{"$my_var2['k']", PathReference, &ir.Path{Source: "$my_var2['k']", Root: ir.RootVariable, Variable: "my_var2",
			Segments: []ir.Segment{jpFld("k")}}},
		{"$no.such.var.path", PathFull, &ir.Path{Source: "$no.such.var.path", Root: ir.RootVariable, Variable: "no",
			Segments: []ir.Segment{jpFld("such"), jpFld("var"), jpFld("path")}}},
		{"$v[*]", PathFull, &ir.Path{Source: "$v[*]", Root: ir.RootVariable, Variable: "v", Segments: []ir.Segment{ir.Wildcard{}}}},
		// Filters.
		{"$.a[?(@.price > 10)]", PathFull, jpIn("$.a[?(@.price > 10)]", jpFld("a"), ir.Filter{Expr: ir.FilterCompare{
			Op: ">", Left: jpCur(6, "@.price", jpFld("price")), Right: jpLit(jpNum("10"))}})},
		{"$[?(@.price>10.5)]", PathFull, jpIn("$[?(@.price>10.5)]", ir.Filter{Expr: ir.FilterCompare{
			Op: ">", Left: jpCur(4, "@.price", jpFld("price")), Right: jpLit(jpNum("10.5"))}})},
		{"$.a[?(@.tags)]", PathFull, jpIn("$.a[?(@.tags)]", jpFld("a"), ir.Filter{Expr: ir.FilterExists{
			Operand: jpCur(6, "@.tags", jpFld("tags"))}})},
		{"$[?(!@.tags)]", PathFull, jpIn("$[?(!@.tags)]", ir.Filter{Expr: ir.FilterNot{Expr: ir.FilterExists{
			Operand: jpCur(5, "@.tags", jpFld("tags"))}}})},
		{"$[?(@.a == 'x' && @.b < 3)]", PathFull, jpIn("$[?(@.a == 'x' && @.b < 3)]", ir.Filter{Expr: ir.FilterAnd{
			Left:  ir.FilterCompare{Op: "==", Left: jpCur(4, "@.a", jpFld("a")), Right: jpLit(ir.String("x"))},
			Right: ir.FilterCompare{Op: "<", Left: jpCur(18, "@.b", jpFld("b")), Right: jpLit(jpNum("3"))},
		}})},
		{"$[?(@.a || @.b && @.c)]", PathFull, jpIn("$[?(@.a || @.b && @.c)]", ir.Filter{Expr: ir.FilterOr{
			Left: ir.FilterExists{Operand: jpCur(4, "@.a", jpFld("a"))},
			Right: ir.FilterAnd{
				Left:  ir.FilterExists{Operand: jpCur(11, "@.b", jpFld("b"))},
				Right: ir.FilterExists{Operand: jpCur(18, "@.c", jpFld("c"))},
			},
		}})},
		{"$[?((@.a || @.b) && !(@.c != null))]", PathFull, jpIn("$[?((@.a || @.b) && !(@.c != null))]", ir.Filter{Expr: ir.FilterAnd{
			Left: ir.FilterOr{
				Left:  ir.FilterExists{Operand: jpCur(5, "@.a", jpFld("a"))},
				Right: ir.FilterExists{Operand: jpCur(12, "@.b", jpFld("b"))},
			},
			Right: ir.FilterNot{Expr: ir.FilterCompare{Op: "!=", Left: jpCur(22, "@.c", jpFld("c")), Right: jpLit(ir.Null{})}},
		}})},
		{"$[?(@.name =~ /^a.*$/i)]", PathFull, jpIn("$[?(@.name =~ /^a.*$/i)]", ir.Filter{Expr: ir.FilterCompare{
			Op: "=~", Left: jpCur(4, "@.name", jpFld("name")), Right: jpLit(ir.String("/^a.*$/i"))}})},
		{`$[?(@.p =~ /a\/b\d/)]`, PathFull, jpIn(`$[?(@.p =~ /a\/b\d/)]`, ir.Filter{Expr: ir.FilterCompare{
			Op: "=~", Left: jpCur(4, "@.p", jpFld("p")), Right: jpLit(ir.String(`/a\/b\d/`))}})},
		{"$[?(@.size in ['S', \"M\"])]", PathFull, jpIn("$[?(@.size in ['S', \"M\"])]", ir.Filter{Expr: ir.FilterCompare{
			Op: "in", Left: jpCur(4, "@.size", jpFld("size")), Right: jpLit(ir.Array{ir.String("S"), ir.String("M")})}})},
		{"$[?(@.n nin [1, 2.5, true, null, {'k': []}])]", PathFull, jpIn("$[?(@.n nin [1, 2.5, true, null, {'k': []}])]", ir.Filter{Expr: ir.FilterCompare{
			Op: "nin", Left: jpCur(4, "@.n", jpFld("n")), Right: jpLit(ir.Array{jpNum("1"), jpNum("2.5"), ir.Bool(true), ir.Null{},
				ir.Object{{Key: "k", Value: ir.Array{}}}})}})},
		{"$.items[?(@.price < $.limit)]", PathFull, jpIn("$.items[?(@.price < $.limit)]", jpFld("items"), ir.Filter{Expr: ir.FilterCompare{
			Op: "<", Left: jpCur(10, "@.price", jpFld("price")),
			Right: ir.FilterOperand{Path: &ir.Path{Pos: ir.Pos{Offset: 20}, Source: "$.limit", Segments: []ir.Segment{jpFld("limit")}}}}})},
		{"$[?(@ >= -1e3)]", PathFull, jpIn("$[?(@ >= -1e3)]", ir.Filter{Expr: ir.FilterCompare{
			Op: ">=", Left: jpCur(4, "@"), Right: jpLit(jpNum("-1e3"))}})},
		{"$[?(@['a b'][0] == false)]", PathFull, jpIn("$[?(@['a b'][0] == false)]", ir.Filter{Expr: ir.FilterCompare{
			Op: "==", Left: jpCur(4, "@['a b'][0]", jpFld("a b"), ir.Index{Index: 0}), Right: jpLit(ir.Bool(false))}})},
		{"$[?(@.a[?(@.b)])]", PathFull, jpIn("$[?(@.a[?(@.b)])]", ir.Filter{Expr: ir.FilterExists{
			Operand: jpCur(4, "@.a[?(@.b)]", jpFld("a"), ir.Filter{Expr: ir.FilterExists{Operand: jpCur(10, "@.b", jpFld("b"))}})}})},
		{"$[?(@.a==\"x\")].b", PathFull, jpIn("$[?(@.a==\"x\")].b", ir.Filter{Expr: ir.FilterCompare{
			Op: "==", Left: jpCur(4, "@.a", jpFld("a")), Right: jpLit(ir.String("x"))}}, jpFld("b"))},
		{"$..[?(@.isbn)]", PathFull, jpIn("$..[?(@.isbn)]", ir.Descent{Then: ir.Filter{Expr: ir.FilterExists{
			Operand: jpCur(6, "@.isbn", jpFld("isbn"))}}})},
		{"$..['a','b']", PathFull, jpIn("$..['a','b']", ir.Descent{Then: ir.Union{Names: []string{"a", "b"}}})},
		{"$..[1:]", PathFull, jpIn("$..[1:]", ir.Descent{Then: ir.Slice{Start: jpInt(1)}})},
		{"$[?(@.a === 1 || @.a !== 'x')]", PathFull, jpIn("$[?(@.a === 1 || @.a !== 'x')]", ir.Filter{Expr: ir.FilterOr{
			Left:  ir.FilterCompare{Op: "===", Left: jpCur(4, "@.a", jpFld("a")), Right: jpLit(jpNum("1"))},
			Right: ir.FilterCompare{Op: "!==", Left: jpCur(17, "@.a", jpFld("a")), Right: jpLit(ir.String("x"))},
		}})},
		{"$[?(@.t SUBSETOF ['a'] && @.t anyof @.u && @.t noneof [] && @.s contains 'x' && @.s size 3 && @.s empty false)]", PathFull,
			jpIn("$[?(@.t SUBSETOF ['a'] && @.t anyof @.u && @.t noneof [] && @.s contains 'x' && @.s size 3 && @.s empty false)]",
				ir.Filter{Expr: ir.FilterAnd{
					Left: ir.FilterAnd{
						Left: ir.FilterAnd{
							Left: ir.FilterAnd{
								Left: ir.FilterAnd{
									Left:  ir.FilterCompare{Op: "subsetof", Left: jpCur(4, "@.t", jpFld("t")), Right: jpLit(ir.Array{ir.String("a")})},
									Right: ir.FilterCompare{Op: "anyof", Left: jpCur(26, "@.t", jpFld("t")), Right: jpCur(36, "@.u", jpFld("u"))},
								},
								Right: ir.FilterCompare{Op: "noneof", Left: jpCur(43, "@.t", jpFld("t")), Right: jpLit(ir.Array{})},
							},
							Right: ir.FilterCompare{Op: "contains", Left: jpCur(60, "@.s", jpFld("s")), Right: jpLit(ir.String("x"))},
						},
						Right: ir.FilterCompare{Op: "size", Left: jpCur(80, "@.s", jpFld("s")), Right: jpLit(jpNum("3"))},
					},
					Right: ir.FilterCompare{Op: "empty", Left: jpCur(94, "@.s", jpFld("s")), Right: jpLit(ir.Bool(false))},
				}})},
		{"$[?(@.s IN ['a'])]", PathFull, jpIn("$[?(@.s IN ['a'])]", ir.Filter{Expr: ir.FilterCompare{
			Op: "in", Left: jpCur(4, "@.s", jpFld("s")), Right: jpLit(ir.Array{ir.String("a")})}})},
		{"$[?(/a/ =~ @.s)]", PathFull, jpIn("$[?(/a/ =~ @.s)]", ir.Filter{Expr: ir.FilterCompare{
			Op: "=~", Left: jpCur(11, "@.s", jpFld("s")), Right: jpLit(ir.String("/a/"))}})},
		{"$[?(10 <= @.n)]", PathFull, jpIn("$[?(10 <= @.n)]", ir.Filter{Expr: ir.FilterCompare{
			Op: "<=", Left: jpLit(jpNum("10")), Right: jpCur(10, "@.n", jpFld("n"))}})},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.src, tt.kind)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.src, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePath(%q) mismatch (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct {
		src    string
		kind   PathKind
		offset int
		msg    string // a substring of the message
	}{
		{"", PathFull, 0, "must start with '$'"},
		{"a.b", PathFull, 0, "must start with '$'"},
		{" $.a", PathFull, 0, "must start with '$'"},
		{"$.", PathFull, 1, "must not end with '.'"},
		{"$.a.", PathFull, 3, "must not end with '.'"},
		{"$..", PathFull, 1, "must not end with '..'"},
		{"$...a", PathFull, 3, "unexpected '.'"},
		{"$.a b", PathFull, 3, "['my name']"},
		{"$a b", PathFull, 2, "expected '.' or '['"},
		{"$-x", PathFull, 1, "expected '.' or '['"},
		{"$$x", PathFull, 2, "expected '.' or '['"},
		{"$.a.length()", PathFull, 4, "functions such as length() are not supported"},
		{"$.a[", PathFull, 3, "unclosed '['"},
		{"$.a[0", PathFull, 3, "unclosed '['"},
		{"$.a['x'", PathFull, 3, "unclosed '['"},
		{"$.a['x", PathFull, 4, "unterminated quoted string"},
		{"$['x' 'y']", PathFull, 6, "expected ',' or ']'"},
		{"$[]", PathFull, 1, "empty brackets"},
		{"$[a]", PathFull, 2, "expected a quoted name"},
		{"$[1:2:3:4]", PathFull, 7, "at most three parts"},
		{"$[1,2:3]", PathFull, 5, "cannot mix"},
		{"$[::0]", PathFull, 1, "step must not be zero"},
		{"$[1,]", PathFull, 4, "expected an index before ']'"},
		{"$[99999999999]", PathFull, 2, "out of range"},
		{"$[-]", PathFull, 2, "expected digits"},
		{"$[*x]", PathFull, 3, "expected ']' after '[*'"},
		{"$[(@.length-1)]", PathFull, 2, "script expressions"},
		// Reference paths.
		{"$.a[*]", PathReference, 3, "must be a reference path"},
		{"$.a.*", PathReference, 3, "wildcard"},
		{"$..a", PathReference, 1, "deep scan"},
		{"$.a[1:2]", PathReference, 3, "slice"},
		{"$.a[0,1]", PathReference, 3, "union"},
		{"$['a','b']", PathReference, 1, "union"},
		{"$.a[?(@.b)]", PathReference, 3, "filter"},
		// Filters.
		{"$[?@.a]", PathFull, 3, "expected '(' after '[?'"},
		{"$[?(@.a)", PathFull, 1, "unclosed '['"},
		{"$[?(@.a", PathFull, 3, "unclosed '('"},
		{"$[?(@.a == )]", PathFull, 11, "expected @, $, a string"},
		{"$[?(@.a ==== 1)]", PathFull, 8, "unknown filter operator '===='"},
		{"$[?(@.a exists true)]", PathFull, 8, "operator 'exists' is not supported"},
		{"$[?(@.a MATCHES 'x')]", PathFull, 8, "operator 'MATCHES' is not supported"},
		{"$[?(@.a subsetof 'x')]", PathFull, 17, "must be an array or a path"},
		{"$[?(@.a size '2')]", PathFull, 13, "must be a number or a path"},
		{"$[?(@.a empty 1)]", PathFull, 14, "must be true, false or a path"},
		{"$[?(@.a =~ /x/x)]", PathFull, 14, "flag 'x' is not supported"},
		{"$[?(@.a <> 2)]", PathFull, 8, "unknown filter operator '<>'"},
		{"$[?(@.a like 2)]", PathFull, 8, "unknown filter operator 'like'"},
		{"$[?(@.a == x)]", PathFull, 11, "expected @, $"},
		{"$[?(@.a == nul)]", PathFull, 11, "strings must be quoted"},
		{"$[?(@.a == 01)]", PathFull, 11, "invalid number"},
		{"$[?(@.a == 'x)]", PathFull, 11, "unterminated quoted string"},
		{"$[?(@.a =~ 'x')]", PathFull, 11, "must be a regular expression"},
		{"$[?(@.a == /x/)]", PathFull, 11, "only be used with '=~'"},
		{"$[?(@.a =~ /x)]", PathFull, 11, "unterminated regular expression"},
		{"$[?(@.a =~ /(x/)]", PathFull, 11, "invalid regular expression"},
		{"$[?(@.a =~ /x/q)]", PathFull, 14, "flag 'q' is not supported"},
		{"$[?(@.a in 'x')]", PathFull, 11, "must be an array or a path"},
		{"$[?(@.a in [1,)]", PathFull, 14, "expected a value"},
		{"$[?(@.a in [1 2])]", PathFull, 14, "expected ',' or ']'"},
		{"$[?(@.a == {1:2})]", PathFull, 12, "expected a quoted key"},
		{"$[?(@.a.length() > 1)]", PathFull, 8, "functions such as length()"},
		{"$[?($$.a)]", PathFull, 4, "'$$' cannot be used inside a filter"},
		{"$[?($v.a)]", PathFull, 4, "variables cannot be used"},
		{"$[?(5)]", PathFull, 5, "expected a comparison operator"},
		{"$[?(@.a 5)]", PathFull, 8, "expected an operator"},
		{"$[?(@.a)x]", PathFull, 8, "expected ']' after filter"},
		{"$[?()]", PathFull, 4, "expected @, $"},
		{"$[?(" + strings.Repeat("(", 200) + "@.a" + strings.Repeat(")", 200) + ")]", PathFull, 0, "nested too deeply"},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.src, tt.kind)
		if err == nil {
			t.Errorf("ParsePath(%q) = %+v, want error %q", tt.src, got, tt.msg)
			continue
		}
		if tt.msg == "nested too deeply" {
			if !strings.Contains(err.Msg, tt.msg) {
				t.Errorf("ParsePath(%q) error %q, want %q", tt.src, err.Msg, tt.msg)
			}
			continue
		}
		if err.Offset != tt.offset || !strings.Contains(err.Msg, tt.msg) {
			t.Errorf("ParsePath(%q) error at %d %q, want at %d %q", tt.src, err.Offset, err.Msg, tt.offset, tt.msg)
		}
	}
}

func TestSyntaxErrorString(t *testing.T) {
	_, err := ParsePath("$.a.", PathFull)
	if got, want := err.Error(), "a path must not end with '.' (at offset 3)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// conformanceDir is where the recorded AWS cases live.
const conformanceDir = "/work/shared/conformance/cases"

// A conformanceString is a path or intrinsic found in a definition.
type conformanceString struct {
	file, where, value string
	kind               PathKind
	intrinsicOK        bool // the field also takes an intrinsic call
}

// collectConformanceStrings walks every definition AWS accepted (all
// categories except invalid) and returns the strings that must parse:
// path fields of JSONPath states and ".$" values of payload templates.
func collectConformanceStrings(t *testing.T) []conformanceString {
	t.Helper()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance cases not present at %s: %v", conformanceDir, err)
	}
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*", "*", "definition.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []conformanceString
	for _, file := range files {
		rel, _ := filepath.Rel(conformanceDir, file)
		if strings.HasPrefix(rel, "invalid"+string(filepath.Separator)) {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var def map[string]any
		if err := json.Unmarshal(data, &def); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		w := &defWalker{file: rel}
		w.machine(def, "", false)
		out = append(out, w.out...)
	}
	return out
}

type defWalker struct {
	file string
	out  []conformanceString
}

func (w *defWalker) add(where string, v any, kind PathKind, intrinsicOK bool) {
	if s, ok := v.(string); ok {
		w.out = append(w.out, conformanceString{w.file, where, s, kind, intrinsicOK})
	}
}

func usesJSONata(obj map[string]any, inherited bool) bool {
	if ql, ok := obj["QueryLanguage"].(string); ok {
		return ql == "JSONata"
	}
	return inherited
}

func (w *defWalker) machine(m map[string]any, where string, jsonataMode bool) {
	jsonataMode = usesJSONata(m, jsonataMode)
	states, _ := m["States"].(map[string]any)
	for name, s := range states {
		if st, ok := s.(map[string]any); ok {
			w.state(st, where+"/States/"+name, jsonataMode)
		}
	}
}

func (w *defWalker) state(st map[string]any, where string, jsonataMode bool) {
	jsonataMode = usesJSONata(st, jsonataMode)
	if !jsonataMode {
		for key, v := range st {
			switch {
			case key == "InputPath" || key == "OutputPath" || key == "ItemsPath":
				w.add(where+"/"+key, v, PathFull, false)
			case key == "ResultPath":
				w.add(where+"/"+key, v, PathReference, false)
			case key == "ErrorPath" || key == "CausePath":
				w.add(where+"/"+key, v, PathReference, true)
			case strings.HasSuffix(key, "Path"):
				w.add(where+"/"+key, v, PathReference, false)
			case key == "Parameters" || key == "ResultSelector" || key == "ItemSelector" || key == "Assign":
				w.template(v, where+"/"+key)
			case key == "Credentials":
				w.template(v, where+"/"+key)
			case key == "ItemReader":
				if r, ok := v.(map[string]any); ok {
					w.template(r["Parameters"], where+"/ItemReader/Parameters")
					if rc, ok := r["ReaderConfig"].(map[string]any); ok {
						w.add(where+"/ItemReader/ReaderConfig/MaxItemsPath", rc["MaxItemsPath"], PathReference, false)
					}
				}
			case key == "ResultWriter":
				if r, ok := v.(map[string]any); ok {
					w.template(r["Parameters"], where+"/ResultWriter/Parameters")
				}
			case key == "ItemBatcher":
				if r, ok := v.(map[string]any); ok {
					for k, v := range r {
						if strings.HasSuffix(k, "Path") {
							w.add(where+"/ItemBatcher/"+k, v, PathReference, false)
						}
					}
					w.template(r["BatchInput"], where+"/ItemBatcher/BatchInput")
				}
			}
		}
		if choices, ok := st["Choices"].([]any); ok {
			for i, c := range choices {
				w.rule(c, where+"/Choices/"+strconv.Itoa(i))
			}
		}
		if catches, ok := st["Catch"].([]any); ok {
			for i, c := range catches {
				if cm, ok := c.(map[string]any); ok && !usesJSONata(cm, false) {
					w.add(where+"/Catch/"+strconv.Itoa(i)+"/ResultPath", cm["ResultPath"], PathReference, false)
					w.template(cm["Assign"], where+"/Catch/"+strconv.Itoa(i)+"/Assign")
				}
			}
		}
	}
	if branches, ok := st["Branches"].([]any); ok {
		for i, b := range branches {
			if bm, ok := b.(map[string]any); ok {
				w.machine(bm, where+"/Branches/"+strconv.Itoa(i), jsonataMode)
			}
		}
	}
	for _, key := range []string{"ItemProcessor", "Iterator"} {
		if p, ok := st[key].(map[string]any); ok {
			w.machine(p, where+"/"+key, jsonataMode)
		}
	}
}

func (w *defWalker) rule(v any, where string) {
	r, ok := v.(map[string]any)
	if !ok {
		return
	}
	for key, v := range r {
		switch {
		case key == "Variable" || strings.HasSuffix(key, "Path"):
			w.add(where+"/"+key, v, PathReference, false)
		case key == "Assign":
			w.template(v, where+"/Assign")
		case key == "And" || key == "Or":
			if list, ok := v.([]any); ok {
				for i, c := range list {
					w.rule(c, where+"/"+key+"/"+strconv.Itoa(i))
				}
			}
		case key == "Not":
			w.rule(v, where+"/Not")
		}
	}
}

// template collects the ".$" values of a payload template.
func (w *defWalker) template(v any, where string) {
	switch v := v.(type) {
	case map[string]any:
		for key, val := range v {
			if strings.HasSuffix(key, ".$") {
				w.add(where+"/"+key, val, PathFull, true)
				continue
			}
			w.template(val, where+"/"+key)
		}
	case []any:
		for i, val := range v {
			w.template(val, where+"/"+strconv.Itoa(i))
		}
	}
}

// TestConformancePathsParse checks that every path and intrinsic call in
// a definition AWS accepted parses.
func TestConformancePathsParse(t *testing.T) {
	strs := collectConformanceStrings(t)
	if len(strs) == 0 {
		t.Fatal("no paths found in the conformance definitions")
	}
	paths, calls := 0, 0
	for _, s := range strs {
		if s.intrinsicOK && IsIntrinsic(s.value) {
			calls++
			if _, err := ParseIntrinsic(s.value); err != nil {
				t.Errorf("%s %s: ParseIntrinsic(%q): %v", s.file, s.where, s.value, err)
			}
			continue
		}
		paths++
		p, err := ParsePath(s.value, s.kind)
		if err != nil {
			t.Errorf("%s %s: ParsePath(%q): %v", s.file, s.where, s.value, err)
			continue
		}
		if p.Source != s.value {
			t.Errorf("ParsePath(%q).Source = %q", s.value, p.Source)
		}
	}
	t.Logf("%d paths and %d intrinsic calls parsed", paths, calls)
}
