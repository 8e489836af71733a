package ir

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOperators(t *testing.T) {
	type parts struct {
		Name     string
		Family   Family
		Relation Relation
	}
	tests := []struct {
		name string
		want parts
	}{
		{"StringEquals", parts{"StringEquals", FamilyString, RelEquals}},
		{"StringMatches", parts{"StringMatches", FamilyString, RelMatches}},
		{"NumericLessThanEquals", parts{"NumericLessThanEquals", FamilyNumeric, RelLessThanEquals}},
		{"BooleanEquals", parts{"BooleanEquals", FamilyBoolean, RelEquals}},
		{"TimestampGreaterThan", parts{"TimestampGreaterThan", FamilyTimestamp, RelGreaterThan}},
		{"IsPresent", parts{"IsPresent", FamilyTypeTest, RelNone}},
	}
	for _, tt := range tests {
		op, ok := ParseOperator(tt.name)
		if !ok {
			t.Errorf("ParseOperator(%q) failed", tt.name)
			continue
		}
		got := parts{op.String(), op.Family(), op.Relation()}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []string{"", "StringEqualsPath", "stringequals", "Equals", "String"} {
		if op, ok := ParseOperator(bad); ok {
			t.Errorf("ParseOperator(%q) = %v, want failure", bad, op)
		}
	}
}

// Every operator has a name that parses back to it, and a family; the
// name is the family's prefix and the relation's spelling.
func TestOperatorTable(t *testing.T) {
	relNames := map[Relation]string{RelEquals: "Equals", RelLessThan: "LessThan", RelGreaterThan: "GreaterThan",
		RelLessThanEquals: "LessThanEquals", RelGreaterThanEquals: "GreaterThanEquals", RelMatches: "Matches"}
	for op := StringEquals; op < numOperators; op++ {
		back, ok := ParseOperator(op.String())
		if !ok || back != op {
			t.Errorf("%d: String %q parses to %v, %v", op, op.String(), back, ok)
		}
		if op.Family() == 0 {
			t.Errorf("%v: no family", op)
		}
		if op.Family() != FamilyTypeTest {
			if want := op.Family().String() + relNames[op.Relation()]; op.String() != want {
				t.Errorf("%v: family and relation spell %q", op, want)
			}
		}
	}
	if got := Operator(200).String(); got != "Operator(200)" {
		t.Errorf("an invalid Operator prints as %q", got)
	}
}

func TestDefinite(t *testing.T) {
	zero := 0
	tests := []struct {
		segs []Segment
		want bool
	}{
		{nil, true},
		{[]Segment{Field{"a"}, Index{-1}}, true},
		{[]Segment{Field{"a"}, Wildcard{}}, false},
		{[]Segment{Slice{Start: &zero}}, false},
		{[]Segment{Union{Names: []string{"a", "b"}}}, false},
		{[]Segment{Descent{Then: Field{"a"}}}, false},
		{[]Segment{Filter{Expr: FilterExists{}}}, false},
	}
	for _, tt := range tests {
		if got := (&Path{Segments: tt.segs}).Definite(); got != tt.want {
			t.Errorf("Definite(%#v) = %v, want %v", tt.segs, got, tt.want)
		}
	}
}

func TestMachineState(t *testing.T) {
	a := &Pass{Common: Common{Name: "A"}}
	b := &Succeed{Common: Common{Name: "B"}}
	m := &Machine{StartAt: "A", States: []State{a, b}}
	if got := m.State("B"); got != State(b) {
		t.Errorf("State(B) = %v", got)
	}
	if got := m.State("C"); got != nil {
		t.Errorf("State(C) = %v, want nil", got)
	}
}

// Dump is the text the compiler's goldens (testdata/compile out/ir)
// hold: one field a line, zero values left out, typed literals named,
// enums by name.
func TestDump(t *testing.T) {
	m := &Machine{
		StartAt: "Check",
		States: []State{&Choice{
			Common: Common{Pos: Pos{Pointer: "/States/Check", Offset: 7}, Name: "Check", QueryLanguage: JSONata},
			Choices: []ChoiceBranch{{
				Rule: &Compare{Variable: &Path{Source: "$.n", Segments: []Segment{Field{"n"}}}, Op: NumericLessThan,
					Value: Number{Text: "3"}},
				Next: "Done",
			}},
			Default: "Done",
		}},
	}
	want := `Machine {
  StartAt: "Check"
  States: [
    Choice {
      Pos: /States/Check@7
      Name: "Check"
      QueryLanguage: JSONata
      Choices: [
        ChoiceBranch {
          Rule: Compare {
            Variable: Path {
              Source: "$.n"
              Segments: [
                Field {
                  Name: "n"
                }
              ]
            }
            Op: NumericLessThan
            Value: Number {
              Text: "3"
            }
          }
          Next: "Done"
        }
      ]
      Default: "Done"
    }
  ]
}
`
	if diff := cmp.Diff(want, Dump(m)); diff != "" {
		t.Errorf("Dump (-want +got):\n%s", diff)
	}
	if got := Dump(Array{String("s"), Bool(true), Null{}}); got != "[\n  String \"s\"\n  Bool true\n  Null\n]\n" {
		t.Errorf("Dump of literals = %q", got)
	}
}

// TestAtaNames checks that every JSONata operator and native function
// of the IR has its name, and is found again by it.
func TestAtaNames(t *testing.T) {
	for op := AtaAdd; op <= AtaOr; op++ {
		got, ok := AtaOpOf(op.String())
		if !ok || got != op {
			t.Errorf("AtaOpOf(%q) = %v, %v; want %v", op.String(), got, ok, op)
		}
	}
	for f := AtaUppercase; f <= AtaCeil; f++ {
		got, ok := AtaFuncOf(f.String())
		if !ok || got != f {
			t.Errorf("AtaFuncOf(%q) = %v, %v; want %v", f.String(), got, ok, f)
		}
	}
	for _, s := range []string{"", "?", "in", "..", "~>"} {
		if op, ok := AtaOpOf(s); ok {
			t.Errorf("AtaOpOf(%q) = %v, want none", s, op)
		}
	}
	if f, ok := AtaFuncOf("sum"); ok {
		t.Errorf("AtaFuncOf(sum) = %v, want none (the engine's)", f)
	}
}
