package fuse_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
)

var (
	anyS = fuse.AnyShape
	intS = &fuse.Shape{Kind: fuse.Int}
)

func obj(kv ...any) *fuse.Shape {
	s := &fuse.Shape{Kind: fuse.Obj}
	for i := 0; i < len(kv); i += 2 {
		s.Keys = append(s.Keys, kv[i].(string))
		s.Elems = append(s.Elems, kv[i+1].(*fuse.Shape))
	}
	return s
}

func constS(v ir.Value) *fuse.Shape { return &fuse.Shape{Kind: fuse.Const, Lit: v} }

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    *fuse.Shape
		want    *fuse.Shape
		wantKey string
	}{
		{"none yet", nil, intS, intS, "I"},
		{"same", intS, intS, intS, "I"},
		{"int and any", intS, anyS, anyS, "A"},
		{"two literals", constS(ir.String("a")), constS(ir.String("b")), anyS, "A"},
		{"objects member by member", obj("n", intS, "s", constS(ir.String("a"))), obj("n", intS, "s", constS(ir.String("b"))),
			obj("n", intS, "s", anyS), `{"n":I,"s":A,}`},
		{"objects of other keys", obj("n", intS), obj("m", intS), anyS, "A"},
		{"object and any", obj("n", intS), anyS, anyS, "A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fuse.Join(tc.a, tc.b)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Join (-want +got):\n%s", diff)
			}
			if got.Key() != tc.wantKey {
				t.Errorf("Key = %q, want %q", got.Key(), tc.wantKey)
			}
		})
	}
}

func TestBound(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *fuse.Shape
		c, k int
		doc  string
	}{
		{"any", anyS, 0, 1, "at most 1 value taken from the input"},
		{"int", intS, fuse.IntSize, 0, "at most 20 bytes of JSON"},
		{"string literal", constS(ir.String("ab")), 6*2 + 2, 0, "at most 14 bytes of JSON"},
		{"number literal", constS(ir.Number{Text: "1.5", IsFloat: true}), 24, 0, "at most 24 bytes of JSON"},
		{"null", constS(ir.Null{}), 5, 0, "at most 5 bytes of JSON"},
		// {"x":<int>,"y":<any>}: braces 2, colons and commas 2, keys 2*(6+2).
		{"object", obj("x", intS, "y", anyS), 2 + 2 + 2*8 + fuse.IntSize, 1, "at most 40 bytes of JSON besides 1 value taken from the input"},
		{"nested", obj("a", obj("b", anyS, "c", anyS)), 2 + 1 + 8 + (2 + 2 + 16), 2, "at most 31 bytes of JSON besides 2 values taken from the input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, k := tc.s.Bound()
			if diff := cmp.Diff([2]int{tc.c, tc.k}, [2]int{c, k}); diff != "" {
				t.Errorf("Bound (-want +got):\n%s", diff)
			}
			if got := fuse.DescribeBound(c, k); got != tc.doc {
				t.Errorf("DescribeBound = %q, want %q", got, tc.doc)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	const f = fuse.MaxFuncCost
	for _, tc := range []struct {
		name        string
		states      []int
		cost        map[int]int
		wantDropped []int
		wantFuncs   [][]int
	}{
		{"one function", []int{0, 1, 2}, map[int]int{0: 10, 1: 10, 2: f - 20}, nil, nil},
		{"split in order", []int{0, 1, 2, 3}, map[int]int{0: f / 2, 1: f / 2, 2: f / 2, 3: 1}, nil, [][]int{{0, 1}, {2, 3}}},
		{"a state of a function's size", []int{0, 1}, map[int]int{0: f, 1: 1}, nil, [][]int{{0}, {1}}},
		{"past the program's budget", []int{0, 1, 2, 3, 4}, map[int]int{0: f * 16, 1: f * 16, 2: 1, 3: 1, 4: 1}, []int{2, 3, 4},
			[][]int{{0}, {1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dropped, funcs := fuse.Budget(tc.states, tc.cost)
			if diff := cmp.Diff(tc.wantDropped, dropped); diff != "" {
				t.Errorf("dropped (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFuncs, funcs); diff != "" {
				t.Errorf("funcs (-want +got):\n%s", diff)
			}
		})
	}
}

// machine compiles a definition of the given states ("Name": {...}),
// starting at the first.
func machine(t *testing.T, start string, states ...string) *ir.Machine {
	t.Helper()
	src := `{"StartAt":"` + start + `","States":{` + strings.Join(states, ",") + `}}`
	m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	return m
}

// A transferTable is a Transfer that sends each state to its successors
// with the shape out[name] (the input itself where it has none), at a
// cost of 1, and refuses the states in refuse.
type transferTable struct {
	m      *ir.Machine
	out    map[ir.StateName]*fuse.Shape
	cost   map[ir.StateName]int
	refuse map[ir.StateName]bool
	calls  int
}

func (tt *transferTable) transfer(i int, in *fuse.Shape, _ *fuse.Vars) ([]fuse.Flow, int, bool) {
	tt.calls++
	s := tt.m.States[i]
	name := s.Base().Name
	if tt.refuse[name] {
		return nil, 1, false
	}
	out := tt.out[name]
	if out == nil {
		out = in
	}
	var flows []fuse.Flow
	for _, next := range ir.Successors(s) {
		for j, t := range tt.m.States {
			if t.Base().Name == next {
				flows = append(flows, fuse.Flow{To: j, Out: out})
			}
		}
	}
	if len(flows) == 0 {
		flows = append(flows, fuse.Flow{To: fuse.End, Out: out})
	}
	cost := tt.cost[name]
	if cost == 0 {
		cost = 1
	}
	return flows, cost, true
}

func TestAnalyze(t *testing.T) {
	pass := func(name, next string) string {
		if next == "" {
			return `"` + name + `":{"Type":"Pass","End":true}`
		}
		return `"` + name + `":{"Type":"Pass","Next":"` + next + `"}`
	}
	task := func(name, next string) string {
		return `"` + name + `":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Next":"` + next + `"}`
	}
	counter := obj("i", intS, "n", anyS)
	for _, tc := range []struct {
		name   string
		m      *ir.Machine
		out    map[ir.StateName]*fuse.Shape
		cost   map[ir.StateName]int
		refuse map[ir.StateName]bool
		want   *fuse.Plan
	}{
		{name: "a chain: the start is the entry, shapes follow",
			m:   machine(t, "A", pass("A", "B"), pass("B", "C"), pass("C", "")),
			out: map[ir.StateName]*fuse.Shape{"A": counter, "B": obj("i", intS)},
			want: &fuse.Plan{States: []fuse.State{
				{Fused: true, Input: anyS, Entry: true},
				{Fused: true, Input: counter},
				{Fused: true, Input: obj("i", intS)},
			}, Funcs: [][]int{{0, 1, 2}}}},
		{name: "a loop joins the inputs of its head",
			m:   machine(t, "A", pass("A", "B"), pass("B", "C"), `"C":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":3,"Next":"B"}],"Default":"D"}`, pass("D", "")),
			out: map[ir.StateName]*fuse.Shape{"A": counter, "B": obj("i", intS, "n", constS(ir.String("x")))},
			want: &fuse.Plan{States: []fuse.State{
				{Fused: true, Input: anyS, Entry: true},
				{Fused: true, Input: counter},
				{Fused: true, Input: obj("i", intS, "n", constS(ir.String("x")))},
				{Fused: true, Input: obj("i", intS, "n", constS(ir.String("x")))},
			}, Funcs: [][]int{{0, 1, 2, 3}}}},
		{name: "the ordinary code hands over after a Task",
			m:   machine(t, "A", pass("A", "T"), task("T", "B"), pass("B", "C"), pass("C", "")),
			out: map[ir.StateName]*fuse.Shape{"B": counter},
			want: &fuse.Plan{States: []fuse.State{
				{Fused: true, Input: anyS, Entry: true}, // it hands its output over to T
				{},
				{Fused: true, Input: anyS, Entry: true},
				{Fused: true, Input: counter},
			}, Funcs: [][]int{{0, 2, 3}}}},
		{name: "a state fused code cannot run hands over",
			m:      machine(t, "A", pass("A", "B"), pass("B", "C"), pass("C", "D"), pass("D", "")),
			refuse: map[ir.StateName]bool{"B": true},
			want: &fuse.Plan{States: []fuse.State{
				{Fused: true, Input: anyS, Entry: true}, // it hands B over
				{},
				{Fused: true, Input: anyS, Entry: true},
				{Fused: true, Input: anyS},
			}, Funcs: [][]int{{0, 2, 3}}}},
		{name: "over a function's budget: split, the second function an entry",
			m:    machine(t, "A", pass("A", "B"), pass("B", "C"), pass("C", "D"), pass("D", "")),
			out:  map[ir.StateName]*fuse.Shape{"A": counter, "B": counter, "C": counter},
			cost: map[ir.StateName]int{"A": 300, "B": 100, "C": 300, "D": 50},
			want: &fuse.Plan{States: []fuse.State{
				{Fused: true, Input: anyS, Entry: true},
				{Fused: true, Input: counter},
				{Fused: true, Input: anyS, Entry: true, Func: 1},
				{Fused: true, Input: counter, Func: 1},
			}, Funcs: [][]int{{0, 1}, {2, 3}}}},
		{name: "nothing to fuse",
			m:    machine(t, "A", pass("A", "")),
			want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt := &transferTable{m: tc.m, out: tc.out, cost: tc.cost, refuse: tc.refuse}
			got := fuse.Analyze(tc.m, tt.transfer)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnalyzeBoundsShapes: states that nest their input twice in their
// output double its shape at every step; past fuse.MaxShapeNodes it is
// held as any, and code follows shapes.
func TestAnalyzeBoundsShapes(t *testing.T) {
	const n = 8
	var states []string
	for i := 0; i < n; i++ {
		next := `"Next":"S` + string(rune('0'+i+1)) + `"`
		if i == n-1 {
			next = `"End":true`
		}
		states = append(states, `"S`+string(rune('0'+i))+`":{"Type":"Pass",`+next+`}`)
	}
	m := machine(t, "S0", states...)
	transfer := func(i int, in *fuse.Shape, _ *fuse.Vars) ([]fuse.Flow, int, bool) {
		out := obj("l", in, "r", in)
		if i == n-1 {
			return []fuse.Flow{{To: fuse.End, Out: out}}, 1, true
		}
		return []fuse.Flow{{To: i + 1, Out: out}}, 1, true
	}
	p := fuse.Analyze(m, transfer)
	if p == nil {
		t.Fatal("no plan")
	}
	var got []int
	for _, s := range p.States {
		got = append(got, s.Input.Nodes(1000))
	}
	// 1, 3, 7, ... 63 nodes, then 127 is held as any: 1 node, and so on.
	want := []int{1, 3, 7, 15, 31, 63, 1, 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes of each state's input (-want +got):\n%s", diff)
	}
}
