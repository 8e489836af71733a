package engine

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Helpers that build paths the way generated code does.

func jp(segs ...Seg) *JSONPath { return &JSONPath{Segs: segs} }
func fld(name string) Seg      { return SegField{name} }
func idx(i int) Seg            { return SegIndex{i} }
func names(n ...string) Seg    { return SegUnion{Names: n} }
func idxs(i ...int) Seg        { return SegUnion{Indexes: i} }
func desc(then Seg) Seg        { return SegDescent{then} }
func filter(p Pred) Seg        { return SegFilter{p} }
func cur(segs ...Seg) Operand  { return Operand{Path: jp(segs...), Current: true} }
func doc(segs ...Seg) Operand  { return Operand{Path: jp(segs...)} }
func lit(v any) Operand        { return Operand{Literal: v} }
func cmpP(l Operand, op string, r Operand) Pred {
	return PredCompare{Op: op, Left: l, Right: r}
}
func exists(o Operand) Pred { return PredExists{o} }

var wild Seg = SegWildcard{}

func slice(start, end *int) Seg {
	s := SegSlice{}
	if start != nil {
		s.Start, s.HasStart = *start, true
	}
	if end != nil {
		s.End, s.HasEnd = *end, true
	}
	return s
}

func ip(i int) *int { return &i }

// storeDoc is the example document of Jayway's README.
const storeDoc = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10
}`

type selectCase struct {
	name string
	path *JSONPath
	want string // JSON of the selected nodes
}

func runSelect(t *testing.T, docText string, tests []selectCase) {
	t.Helper()
	root := MustParseJSON(docText)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ToJSON(tt.path.Select(root))
			want := ToJSON(MustParseJSON(tt.want))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Select %s (-want +got):\n%s", tt.path.Normalized(), diff)
			}
		})
	}
}

func TestSelectSegments(t *testing.T) {
	titles := func(is ...int) string {
		all := []string{`"Sayings of the Century"`, `"Sword of Honour"`, `"Moby Dick"`, `"The Lord of the Rings"`}
		s := "["
		for k, i := range is {
			if k > 0 {
				s += ","
			}
			s += all[i]
		}
		return s + "]"
	}
	book := func(segs ...Seg) *JSONPath {
		return jp(append([]Seg{fld("store"), fld("book")}, segs...)...)
	}
	runSelect(t, storeDoc, []selectCase{
		{"root", jp(), "[" + storeDoc + "]"},
		{"field", jp(fld("store"), fld("bicycle"), fld("color")), `["red"]`},
		{"field missing", jp(fld("store"), fld("car")), `[]`},
		{"field on array", book(fld("title")), `[]`},
		{"field on string", jp(fld("store"), fld("bicycle"), fld("color"), fld("x")), `[]`},
		{"index", book(idx(0), fld("title")), titles(0)},
		{"index negative", book(idx(-1), fld("title")), titles(3)},
		{"index out of range", book(idx(4)), `[]`},
		{"index negative out of range", book(idx(-5)), `[]`},
		{"index on object", jp(fld("store"), idx(0)), `[]`},
		{"wildcard array", book(wild, fld("author")), `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"wildcard object", jp(fld("store"), fld("bicycle"), wild), `["red",19.95]`},
		{"wildcard members missing", book(wild, fld("isbn")), `["0-553-21311-3","0-395-19395-8"]`},
		{"wildcard scalar", jp(fld("expensive"), wild), `[]`},
		{"wildcard missing", jp(fld("nothing"), wild), `[]`},
		{"slice between", book(slice(ip(1), ip(3)), fld("title")), titles(1, 2)},
		{"slice to", book(slice(nil, ip(2)), fld("title")), titles(0, 1)},
		{"slice to negative", book(slice(nil, ip(-1)), fld("title")), titles(0, 1, 2)},
		{"slice from", book(slice(ip(2), nil), fld("title")), titles(2, 3)},
		{"slice from negative", book(slice(ip(-2), nil), fld("title")), titles(2, 3)},
		{"slice from before start", book(slice(ip(-9), nil), fld("title")), titles(0, 1, 2, 3)},
		{"slice past end", book(slice(ip(2), ip(100)), fld("title")), titles(2, 3)},
		{"slice empty", book(slice(ip(3), ip(3))), `[]`},
		{"slice from past end", book(slice(ip(4), nil)), `[]`},
		// Jayway does not offset negative bounds of [a:b]: indexes run from
		// a to b-1, each negative one counted from the end.
		{"slice between negative start", book(slice(ip(-2), ip(3)), fld("title")), titles(2, 3, 0, 1, 2)},
		{"slice between negative end", book(slice(ip(1), ip(-1))), `[]`},
		{"slice between both negative", book(slice(ip(-3), ip(-1)), fld("title")), titles(1, 2)},
		{"slice between far negative", book(slice(ip(-9), ip(1)), fld("title")), titles(0, 1, 2, 3, 0)},
		{"slice step ignored", book(SegSlice{Start: 0, End: 4, Step: 2, HasStart: true, HasEnd: true, HasStep: true}, fld("title")), titles(0, 1, 2, 3)},
		{"slice open", book(SegSlice{}, fld("title")), titles(0, 1, 2, 3)},
		{"slice on object", jp(fld("store"), slice(ip(0), ip(1))), `[]`},
		{"union indexes", book(idxs(0, 2), fld("title")), titles(0, 2)},
		{"union indexes order and range", book(idxs(3, -4, 9, -9), fld("title")), titles(3, 0)},
		{"union one index", book(idxs(1), fld("title")), titles(1)},
		// A final multi-name step merges the members into one object.
		{"union names leaf", book(idx(2), names("title", "isbn")), `[{"title":"Moby Dick","isbn":"0-553-21311-3"}]`},
		{"union names leaf missing", book(idx(0), names("title", "isbn")), `[{"title":"Sayings of the Century"}]`},
		{"union names leaf none", book(idx(0), names("x", "y")), `[{}]`},
		{"union names leaf on array", book(names("a", "b")), `[]`},
		{"union names inner", jp(fld("store"), names("bicycle", "missing", "book"), idx(0)), `[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95}]`},
		{"union one name", jp(fld("store"), names("bicycle"), fld("color")), `["red"]`},
		{"descent field", jp(desc(fld("author"))), `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"descent field order", jp(fld("store"), desc(fld("price"))), `[8.95,12.99,8.99,22.99,19.95]`},
		{"descent then field", jp(desc(fld("book")), idx(2), fld("title")), titles(2)},
		{"descent then negative", jp(desc(fld("book")), idx(-2), fld("title")), titles(2)},
		{"descent then slice", jp(desc(fld("book")), slice(ip(-2), nil), fld("title")), titles(2, 3)},
		{"descent then filter", jp(desc(fld("book")), filter(exists(cur(fld("isbn")))), fld("title")), titles(2, 3)},
		{"descent wildcard", jp(fld("store"), fld("bicycle"), desc(wild)), `["red",19.95]`},
		{"descent index", jp(desc(idx(-1))), `[{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}]`},
		// Jayway applies what follows ..[0] to every element of each array.
		{"descent index not leaf", jp(desc(idx(0)), fld("title")), titles(0, 1, 2, 3)},
		{"descent filter", jp(desc(filter(cmpP(cur(fld("price")), ">", lit(20.0))))), `[{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}]`},
		{"descent names", jp(fld("store"), fld("bicycle"), desc(names("color", "price"))), `[{"color":"red","price":19.95}]`},
		{"descent missing", jp(desc(fld("nothing"))), `[]`},
		{"filter array", book(filter(cmpP(cur(fld("price")), "<", lit(int64(10)))), fld("title")), titles(0, 2)},
		{"filter object", jp(fld("store"), fld("bicycle"), filter(cmpP(cur(fld("color")), "==", lit("red"))), fld("price")), `[19.95]`},
		{"filter object false", jp(fld("store"), fld("bicycle"), filter(cmpP(cur(fld("color")), "==", lit("blue")))), `[]`},
		{"filter scalar", jp(fld("expensive"), filter(exists(cur()))), `[]`},
		{"filter then index", book(filter(exists(cur(fld("isbn")))), idx(0)), `[]`},
	})
}

func TestSelectDescentNested(t *testing.T) {
	runSelect(t, `{"a":{"b":[1,{"c":2}]},"d":[[{"e":1}],{"e":2}]}`, []selectCase{
		{"wildcard", jp(fld("a"), desc(wild)), `[[1,{"c":2}],1,{"c":2},2]`},
		{"field", jp(desc(fld("e"))), `[1,2]`},
		{"index leaf", jp(fld("d"), desc(idx(0))), `[[{"e":1}],{"e":1}]`},
		// Jayway quirk: when ..[0] is not the last step, the rest of the
		// path is applied to every element of each array met.
		{"index not leaf", jp(fld("d"), desc(idx(0)), fld("e")), `[2,1]`},
		{"wildcard not leaf", jp(fld("d"), desc(wild), fld("e")), `[2,1]`},
	})
}

func TestSelectFilters(t *testing.T) {
	const items = `{
	  "limit": 2,
	  "names": ["b", "c"],
	  "items": [
	    {"id": 1, "n": 1, "s": "a", "t": [], "tags": ["x", "y"]},
	    {"id": 2, "n": 2.0, "s": "b", "t": null, "tags": ["y"]},
	    {"id": 3, "n": 3.5, "s": "B", "t": false, "tags": []},
	    {"id": 4, "n": "1", "s": "10", "u": 1},
	    {"id": 5, "n": true, "s": 10, "t": {"k": "v"}},
	    {"id": 6, "n": null, "s": "1.0", "t": [1, 2]}
	  ]
	}`
	ids := func(p Pred) *JSONPath { return jp(fld("items"), filter(p), fld("id")) }
	runSelect(t, items, []selectCase{
		// Existence: a member that is null, false or [] exists.
		{"exists", ids(exists(cur(fld("t")))), `[1,2,3,5,6]`},
		{"not exists", ids(PredNot{exists(cur(fld("t")))}), `[4]`},
		{"exists nested", ids(exists(cur(fld("t"), fld("k")))), `[5]`},
		{"exists index", ids(exists(cur(fld("t"), idx(1)))), `[6]`},
		{"exists indefinite", ids(exists(cur(fld("tags"), wild))), `[1,2,3]`},
		{"exists filter", ids(exists(cur(fld("tags"), filter(cmpP(cur(), "==", lit("x")))))), `[1,2,3]`},
		{"exists root", ids(exists(doc(fld("limit")))), `[1,2,3,4,5,6]`},
		{"exists root missing", ids(exists(doc(fld("nothing")))), `[]`},
		// Equality: numbers by value, strings against numbers by text.
		{"== int", ids(cmpP(cur(fld("n")), "==", lit(int64(2)))), `[2]`},
		{"== float", ids(cmpP(cur(fld("n")), "==", lit(1.0))), `[1]`},
		{"== string number", ids(cmpP(cur(fld("n")), "==", lit("1"))), `[1,4]`},
		{"== number string", ids(cmpP(cur(fld("s")), "==", lit(int64(10)))), `[4,5]`},
		{"== string number text", ids(cmpP(cur(fld("s")), "==", lit(int64(1)))), `[]`},
		{"== string", ids(cmpP(cur(fld("s")), "==", lit("b"))), `[2]`},
		{"== bool", ids(cmpP(cur(fld("n")), "==", lit(true))), `[5]`},
		{"== null", ids(cmpP(cur(fld("n")), "==", lit(nil))), `[6]`},
		{"== missing", ids(cmpP(cur(fld("zz")), "==", cur(fld("zz")))), `[]`},
		{"== array", ids(cmpP(cur(fld("tags")), "==", lit([]any{"y"}))), `[2]`},
		{"== object", ids(cmpP(cur(fld("t")), "==", lit(ObjectOf(Member{"k", "v"})))), `[5]`},
		{"== array vs string", ids(cmpP(cur(fld("tags")), "==", lit("y"))), `[]`},
		{"!=", ids(cmpP(cur(fld("s")), "!=", lit("b"))), `[1,3,4,5,6]`},
		{"!= missing", ids(cmpP(cur(fld("u")), "!=", lit(int64(1)))), `[1,2,3,5,6]`},
		{"=== typed", ids(cmpP(cur(fld("n")), "===", lit("1"))), `[4]`},
		{"!== typed", ids(cmpP(cur(fld("n")), "!==", lit("1"))), `[1,2,3,5,6]`},
		// Order: numbers with numbers, strings with strings, else false.
		{"<", ids(cmpP(cur(fld("n")), "<", lit(int64(2)))), `[1]`},
		{"<=", ids(cmpP(cur(fld("n")), "<=", lit(int64(2)))), `[1,2]`},
		{">", ids(cmpP(cur(fld("n")), ">", lit(1.5))), `[2,3]`},
		{">=", ids(cmpP(cur(fld("n")), ">=", lit(int64(1)))), `[1,2,3]`},
		{"< string", ids(cmpP(cur(fld("s")), "<", lit("b"))), `[1,3,4,6]`},
		{"> string", ids(cmpP(cur(fld("s")), ">", lit("B"))), `[1,2]`},
		{"< mixed", ids(cmpP(cur(fld("s")), "<", lit(int64(100)))), `[5]`},
		{"< missing", ids(cmpP(cur(fld("zz")), "<", lit(int64(100)))), `[]`},
		{"< root", ids(cmpP(cur(fld("n")), "<", doc(fld("limit")))), `[1]`},
		{"literal left", ids(cmpP(lit(int64(2)), "<=", cur(fld("n")))), `[2,3]`},
		// Regular expressions match the whole text.
		{"=~", ids(cmpP(cur(fld("s")), "=~", lit("/[ab]/"))), `[1,2]`},
		{"=~ i", ids(cmpP(cur(fld("s")), "=~", lit("/b/i"))), `[2,3]`},
		{"=~ whole", ids(cmpP(cur(fld("s")), "=~", lit("/1/"))), `[]`},
		{"=~ number", ids(cmpP(cur(fld("s")), "=~", lit("/1.*/"))), `[4,5,6]`},
		{"=~ bool", ids(cmpP(cur(fld("n")), "=~", lit("/tr.e/"))), `[5]`},
		{"=~ missing is empty", ids(cmpP(cur(fld("u")), "=~", lit("/z*/"))), `[1,2,3,5,6]`},
		{"=~ bare", ids(cmpP(cur(fld("s")), "=~", lit("[ab]"))), `[1,2]`},
		{"=~ regexp", ids(cmpP(cur(fld("s")), "=~", lit(regexp.MustCompile("a|B")))), `[1,3]`},
		{"=~ invalid", ids(cmpP(cur(fld("s")), "=~", lit("/(/"))), `[]`},
		{"=~ unsupported", ids(cmpP(cur(fld("s")), "=~", lit("/(?=a)a/"))), `[]`},
		{"=~ path pattern", ids(cmpP(cur(fld("s")), "=~", cur(fld("s")))), `[]`},
		// Membership.
		{"in", ids(cmpP(cur(fld("s")), "in", lit([]any{"a", "B"}))), `[1,3]`},
		{"in root", ids(cmpP(cur(fld("s")), "in", doc(fld("names")))), `[2]`},
		{"in number", ids(cmpP(cur(fld("n")), "in", lit([]any{int64(1), 3.5}))), `[1,3,4]`},
		{"in not array", ids(cmpP(cur(fld("s")), "in", lit("abc"))), `[]`},
		{"nin", ids(cmpP(cur(fld("s")), "nin", lit([]any{"a", "B"}))), `[2,4,5,6]`},
		{"nin missing", ids(cmpP(cur(fld("u")), "nin", lit([]any{int64(1)}))), `[1,2,3,5,6]`},
		{"subsetof", ids(cmpP(cur(fld("tags")), "subsetof", lit([]any{"y", "z"}))), `[2,3]`},
		{"anyof", ids(cmpP(cur(fld("tags")), "anyof", lit([]any{"x", "z"}))), `[1]`},
		{"noneof", ids(cmpP(cur(fld("tags")), "noneof", lit([]any{"x"}))), `[2,3]`},
		{"contains", ids(cmpP(cur(fld("tags")), "contains", lit("y"))), `[1,2]`},
		{"contains string", ids(cmpP(cur(fld("s")), "contains", lit("0"))), `[4,6]`},
		{"size", ids(cmpP(cur(fld("tags")), "size", lit(int64(1)))), `[2]`},
		{"size string", ids(cmpP(cur(fld("s")), "size", lit(int64(2)))), `[4]`},
		{"empty", ids(cmpP(cur(fld("tags")), "empty", lit(true))), `[3]`},
		{"empty false", ids(cmpP(cur(fld("tags")), "empty", lit(false))), `[1,2]`},
		{"unknown op", ids(cmpP(cur(fld("s")), "~~", lit("a"))), `[]`},
		// Logic.
		{"and", ids(PredAnd{exists(cur(fld("t"))), cmpP(cur(fld("n")), ">", lit(int64(1)))}), `[2,3]`},
		{"or", ids(PredOr{cmpP(cur(fld("id")), "==", lit(int64(1))), cmpP(cur(fld("id")), "==", lit(int64(6)))}), `[1,6]`},
		{"not", ids(PredNot{PredOr{cmpP(cur(fld("id")), "<", lit(int64(3))), exists(cur(fld("u")))}}), `[3,5,6]`},
		{"pointer pred", ids(&PredNot{&PredExists{cur(fld("t"))}}), `[4]`},
		{"nil pred", ids(nil), `[]`},
		// Indefinite operands are arrays of their matches.
		{"indefinite ==", ids(cmpP(cur(fld("tags"), wild), "==", lit([]any{"y"}))), `[2]`},
		{"indefinite empty", ids(cmpP(cur(fld("t"), wild), "empty", lit(true))), `[1,2,3,4]`},
		// Nested filters.
		{"nested", ids(exists(cur(fld("tags"), filter(cmpP(cur(), "==", lit("y")))))), `[1,2,3]`},
		{"nested value", ids(cmpP(cur(fld("tags"), filter(cmpP(cur(), "==", lit("y")))), "==", lit([]any{"y"}))), `[1,2]`},
	})
}

func TestSelectPointerSegments(t *testing.T) {
	root := MustParseJSON(storeDoc)
	p := &JSONPath{Segs: []Seg{&SegField{"store"}, &SegField{"book"}, &SegIndex{1}, &SegField{"title"}}}
	if got := ToJSON(p.Select(root)); got != `["Sword of Honour"]` {
		t.Errorf("Select = %s", got)
	}
	if v, ok := p.Get(root); !ok || v != "Sword of Honour" {
		t.Errorf("Get = %v, %v", v, ok)
	}
	var nilField *SegField
	bad := &JSONPath{Segs: []Seg{nilField, nil, SegDescent{nil}, SegFilter{}}}
	if got := bad.Select(root); got != nil {
		t.Errorf("Select with nil steps = %s", ToJSON(got))
	}
}

func TestGetEvalDefinite(t *testing.T) {
	root := MustParseJSON(`{"a":{"b":[10,{"c":null}]},"z":false}`)
	tests := []struct {
		path       *JSONPath
		definite   bool
		get        string // JSON, or "" when missing
		eval       string // JSON, or "" when ok=false
		normalized string
	}{
		{jp(), true, ToJSON(root), ToJSON(root), "$"},
		{jp(fld("a"), fld("b"), idx(0)), true, "10", "10", "$['a']['b'][0]"},
		{jp(fld("a"), fld("b"), idx(-1), fld("c")), true, "null", "null", "$['a']['b'][-1]['c']"},
		{jp(fld("z")), true, "false", "false", "$['z']"},
		{jp(fld("a"), fld("x")), true, "", "", "$['a']['x']"},
		{jp(fld("a"), fld("b"), idx(2)), true, "", "", "$['a']['b'][2]"},
		{jp(fld("a"), idx(0)), true, "", "", "$['a'][0]"},
		{jp(fld("z"), fld("y")), true, "", "", "$['z']['y']"},
		{jp(names("a"), idxs(0)), true, "", "", "$['a'][0]"},
		{jp(fld("a"), names("b"), idxs(0)), true, "10", "10", "$['a']['b'][0]"},
		{jp(fld("a"), fld("b"), wild), false, "", "[10,{\"c\":null}]", "$['a']['b'][*]"},
		{jp(fld("x"), wild), false, "", "[]", "$['x'][*]"},
		{jp(fld("a"), fld("b"), slice(ip(1), nil)), false, "", `[{"c":null}]`, "$['a']['b'][1:]"},
		{jp(fld("a"), fld("b"), slice(nil, ip(-1))), false, "", `[10]`, "$['a']['b'][:-1]"},
		{jp(fld("a"), fld("b"), SegSlice{Start: 0, End: 2, Step: 1, HasStart: true, HasEnd: true, HasStep: true}), false, "", `[10,{"c":null}]`, "$['a']['b'][0:2]"},
		{jp(names("a", "z")), false, "", `[{"a":{"b":[10,{"c":null}]},"z":false}]`, "$['a','z']"},
		{jp(fld("a"), fld("b"), idxs(1, 0)), false, "", `[{"c":null},10]`, "$['a']['b'][1,0]"},
		{jp(desc(fld("c"))), false, "", `[null]`, "$..['c']"},
		{jp(desc(wild)), false, "", ToJSON(MustParseJSON(`[{"b":[10,{"c":null}]},false,[10,{"c":null}],10,{"c":null},null]`)), "$..[*]"},
		{jp(desc(idx(0))), false, "", `[10]`, "$..[0]"},
		{jp(fld("a"), fld("b"), filter(exists(cur(fld("c"))))), false, "", `[{"c":null}]`, "$['a']['b'][?]"},
	}
	for _, tt := range tests {
		name := tt.path.Normalized()
		if got := tt.path.Normalized(); got != tt.normalized {
			t.Errorf("Normalized = %q, want %q", got, tt.normalized)
		}
		if got := tt.path.Definite(); got != tt.definite {
			t.Errorf("%s: Definite = %v", name, got)
		}
		v, ok := tt.path.Get(root)
		if got := jsonOrEmpty(v, ok); got != tt.get {
			t.Errorf("%s: Get = %q, want %q", name, got, tt.get)
		}
		v, ok = tt.path.Eval(root)
		if got := jsonOrEmpty(v, ok); got != tt.eval {
			t.Errorf("%s: Eval = %q, want %q", name, got, tt.eval)
		}
		if !tt.definite && ok {
			if a, isArr := v.([]any); !isArr || a == nil {
				t.Errorf("%s: Eval of an indefinite path = %#v, want a non-nil []any", name, v)
			}
		}
	}
	var nilPath *JSONPath
	if v, ok := nilPath.Eval(root); !ok || ToJSON(v) != ToJSON(root) || nilPath.Normalized() != "$" || !nilPath.Definite() {
		t.Errorf("nil path: Eval = %s, %v", ToJSON(v), ok)
	}
}

func jsonOrEmpty(v any, ok bool) string {
	if !ok {
		return ""
	}
	return ToJSON(v)
}

func TestSelectUnionMergeIsNew(t *testing.T) {
	root := MustParseJSON(`{"a":1,"b":2}`)
	p := jp(names("b", "a"))
	out := p.Select(root)
	out[0].(*Object).Set("c", int64(3))
	if ToJSON(root) != `{"a":1,"b":2}` {
		t.Errorf("root changed: %s", ToJSON(root))
	}
}

func TestJavaNumberString(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{int64(1), "1"},
		{int64(-12), "-12"},
		{1.0, "1.0"},
		{1.5, "1.5"},
		{-0.0, "0.0"},
		{100.0, "100.0"},
		{1e7, "1.0E+7"},
		{1.25e10, "1.25E+10"},
		{1e-5, "0.000010"},
		{1.234e-5, "0.00001234"},
		{1e-7, "1.0E-7"},
		{0.001, "0.001"},
		{json.Number("123456789012345678901234567890"), "123456789012345678901234567890"},
		{json.Number("1e400"), "1E+400"},
	}
	for _, tt := range tests {
		if got := javaNumberString(tt.in); got != tt.want {
			t.Errorf("javaNumberString(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkGetDefinite3(b *testing.B) {
	root := MustParseJSON(storeDoc)
	p := jp(fld("store"), fld("book"), idx(2))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := p.Get(root); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkSelectFilter(b *testing.B) {
	root := MustParseJSON(storeDoc)
	p := jp(fld("store"), fld("book"), filter(cmpP(cur(fld("price")), "<", doc(fld("expensive")))), fld("title"))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Select(root)
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	root := MustParseJSON(storeDoc)
	p := jp(fld("store"), fld("book"), idx(2))
	if n := testing.AllocsPerRun(100, func() { p.Get(root) }); n != 0 {
		t.Errorf("Get allocates %v times per run", n)
	}
	e := jp(fld("store"), fld("bicycle"), fld("color"))
	if n := testing.AllocsPerRun(100, func() { e.Eval(root) }); n != 0 {
		t.Errorf("Eval of a definite path allocates %v times per run", n)
	}
}
