package compiler

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// TestLowerAta checks which expressions lower to native forms, and to
// which, and that every other one goes to the engine whole.
func TestLowerAta(t *testing.T) {
	engine := &ir.AtaEngine{}
	in := func(keys ...string) *ir.AtaPath { return &ir.AtaPath{Root: ir.AtaInput, Keys: keys} }
	num := func(f float64) *ir.AtaNumber { return &ir.AtaNumber{Value: f} }
	tests := []struct {
		src  string
		want ir.AtaNode
	}{
		{"42", num(42)},
		{"-1.5e3", num(-1500)}, // the parser folds the sign into the literal
		{`"a\tb"`, &ir.AtaString{Value: "a\tb"}},
		{"true", &ir.AtaBool{Value: true}},
		{"null", &ir.AtaNull{}},
		{"$states.input", in()},
		{"$states.input.a.b", in("a", "b")},
		{"$states.input.`a b`.\"c\"", in("a b", "c")},
		{"$states.context.Execution.Id", &ir.AtaPath{Root: ir.AtaContext, Keys: []string{"Execution", "Id"}}},
		{"$states.result.x", &ir.AtaPath{Root: ir.AtaResult, Keys: []string{"x"}}},
		{"$states.errorOutput", &ir.AtaPath{Root: ir.AtaErrorOutput}},
		{"$v", &ir.AtaPath{Root: ir.AtaVariable, Var: "v"}},
		{"$v.n", &ir.AtaPath{Root: ir.AtaVariable, Var: "v", Keys: []string{"n"}}},
		{"$v.and", &ir.AtaPath{Root: ir.AtaVariable, Var: "v", Keys: []string{"and"}}},
		{"($states.input.n + 1) * 2", &ir.AtaBinary{Op: ir.AtaMul,
			Left: &ir.AtaBinary{Op: ir.AtaAdd, Left: in("n"), Right: num(1)}, Right: num(2)}},
		{"-$states.input.n", &ir.AtaNegate{X: in("n")}},
		{"$v.n >= 3 and $v.ok", &ir.AtaBinary{Op: ir.AtaAnd,
			Left:  &ir.AtaBinary{Op: ir.AtaGe, Left: &ir.AtaPath{Var: "v", Keys: []string{"n"}}, Right: num(3)},
			Right: &ir.AtaPath{Var: "v", Keys: []string{"ok"}}}},
		{"$v ? 'a' : 'b'", &ir.AtaCond{Cond: &ir.AtaPath{Var: "v"}, Then: &ir.AtaString{Value: "a"}, Else: &ir.AtaString{Value: "b"}}},
		{"$uppercase($states.input.s) & '!'", &ir.AtaBinary{Op: ir.AtaConcat,
			Left: &ir.AtaCall{Func: ir.AtaUppercase, Args: []ir.AtaNode{in("s")}}, Right: &ir.AtaString{Value: "!"}}},
		{"$merge([$states.input, {'r': $states.result}])", &ir.AtaMergeMember{Base: in(), Key: "r",
			Value: &ir.AtaPath{Root: ir.AtaResult}}},
		{"$v ?: 1", &ir.AtaCond{Cond: &ir.AtaPath{Var: "v"}, Then: &ir.AtaPath{Var: "v"}, Else: num(1)}},

		// The engine's: forms beyond the native ones, anywhere in the tree.
		{"$states", engine},
		{"$", engine},
		{"$$.a", engine},
		{"a.b", engine},
		{"$states.input.a[0]", engine},
		{"$states.input.items.price", in("items", "price")}, // an array is mapped at run time, by the engine
		{"$states.input.a[]", engine},
		{"$v ? 1", engine},
		{"$sum($states.input.n)", engine},
		{"$uppercase('a', 'b')", engine},
		{"$merge([$states.input, {'a': 1, 'b': 2}])", engine},
		{"$merge([$states.input, {$k: 1}])", engine},
		{"1 + $count([1])", engine},
		{"($x := 1; $x)", engine},
		{"$v in [1]", engine},
		{"$uppercase($v)[0]", engine},
		{"function($x){$x}(1)", engine},
	}
	ignoreOffsets := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Offset" }, cmp.Ignore())
	for _, tt := range tests {
		tree, err := syntax.Parse(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if diff := cmp.Diff(tt.want, lowerAta(tree), ignoreOffsets); diff != "" {
			t.Errorf("lowerAta(%s) (-want +got):\n%s", tt.src, diff)
		}
	}
}

// TestLowerAtaOffsets checks that nodes keep the parser's positions.
func TestLowerAtaOffsets(t *testing.T) {
	tree, err := syntax.Parse("$a + 10")
	if err != nil {
		t.Fatal(err)
	}
	want := &ir.AtaBinary{Offset: 4, Op: ir.AtaAdd,
		Left:  &ir.AtaPath{Offset: 2, Var: "a"},
		Right: &ir.AtaNumber{Offset: 7, Value: 10}}
	if diff := cmp.Diff(want, lowerAta(tree)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
