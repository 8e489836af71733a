package fuse_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen/fuse"
	"github.com/sfn-compile/sfn-compile/ir"
)

func vars(kv ...any) *fuse.Vars {
	v := &fuse.Vars{}
	for i := 0; i < len(kv); i += 2 {
		v.Names = append(v.Names, kv[i].(string))
		v.Shapes = append(v.Shapes, kv[i+1].(*fuse.Shape))
	}
	return v
}

func TestJoinVars(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    *fuse.Vars
		want    *fuse.Vars
		wantKey string
	}{
		{"none held on one way", nil, vars("i", intS), nil, ""},
		{"the same", vars("i", intS, "n", anyS), vars("i", intS, "n", anyS), vars("i", intS, "n", anyS), `$"i":I,$"n":A,`},
		{"held on both ways only", vars("i", intS, "n", anyS), vars("n", anyS, "x", intS), vars("n", anyS), `$"n":A,`},
		{"shapes joined", vars("i", intS, "s", constS(ir.String("a"))), vars("i", anyS, "s", constS(ir.String("b"))),
			vars("i", anyS, "s", anyS), `$"i":A,$"s":A,`},
		{"nothing in common", vars("i", intS), vars("n", intS), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fuse.JoinVars(tc.a, tc.b)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("JoinVars (-want +got):\n%s", diff)
			}
			if got.Key() != tc.wantKey {
				t.Errorf("Key = %q, want %q", got.Key(), tc.wantKey)
			}
		})
	}
}

// TestAnalyzeVars: the variables a state's flows hold reach its
// successors, joined where two ways meet (a loop's head), and none at an
// entry.
func TestAnalyzeVars(t *testing.T) {
	ata := func(name, body string) string {
		return `"` + name + `":{"QueryLanguage":"JSONata",` + body + `}`
	}
	m := machine(t, "Init",
		ata("Init", `"Type":"Pass","Assign":{"i":0,"n":"{% $states.input.n %}"},"Next":"Check"`),
		ata("Check", `"Type":"Choice","Choices":[{"Condition":"{% $i < $n %}","Next":"Inc"}],"Default":"Done"`),
		ata("Inc", `"Type":"Pass","Assign":{"i":"{% $i + 1 %}"},"Next":"Check"`),
		ata("Done", `"Type":"Succeed"`))
	held := map[ir.StateName]*fuse.Vars{
		"Init": vars("i", intS, "n", anyS),
		"Inc":  vars("i", intS, "n", anyS, "t", intS), // t: held on this way only
	}
	transfer := func(i int, in *fuse.Shape, v *fuse.Vars) ([]fuse.Flow, int, bool) {
		s := m.States[i]
		out := held[s.Base().Name]
		if out == nil {
			out = v
		}
		var flows []fuse.Flow
		for _, next := range ir.Successors(s) {
			for j, t := range m.States {
				if t.Base().Name == next {
					flows = append(flows, fuse.Flow{To: j, Out: in, Vars: out})
				}
			}
		}
		if len(flows) == 0 {
			flows = append(flows, fuse.Flow{To: fuse.End, Out: in, Vars: out})
		}
		return flows, 1, true
	}
	p := fuse.Analyze(m, transfer)
	if p == nil {
		t.Fatal("no plan")
	}
	got := map[string]*fuse.Vars{}
	for i, s := range p.States {
		got[string(m.States[i].Base().Name)] = s.Vars
	}
	want := map[string]*fuse.Vars{
		"Init":  nil, // the start: an entry
		"Check": vars("i", intS, "n", anyS),
		"Inc":   vars("i", intS, "n", anyS),
		"Done":  vars("i", intS, "n", anyS),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables held where each state starts (-want +got):\n%s", diff)
	}
}

func TestFusableAta(t *testing.T) {
	m := machine(t, "P",
		`"P":{"QueryLanguage":"JSONata","Type":"Pass","Assign":{"x":1},"Next":"C"}`,
		`"C":{"QueryLanguage":"JSONata","Type":"Choice","Choices":[{"Condition":"{% $x = 1 %}","Assign":{"y":2},"Next":"S"}],"Default":"W"}`,
		`"W":{"QueryLanguage":"JSONata","Type":"Wait","Seconds":1,"Next":"S"}`,
		`"S":{"QueryLanguage":"JSONata","Type":"Succeed"}`)
	var got []bool
	for _, s := range m.States {
		got = append(got, fuse.Fusable(s))
	}
	// P, C, W, S: a Wait is not fused.
	if diff := cmp.Diff([]bool{true, true, false, true}, got); diff != "" {
		t.Errorf("Fusable by state (-want +got):\n%s", diff)
	}
}
