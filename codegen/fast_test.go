package codegen

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// TestFusedShapesStaySmall: states that nest their input in what they
// output ({"l.$": "$", "r.$": "$"}) double the shape of the value at every
// step of a cycle. Shapes past a size are held as any, so the generated
// code stays small instead of growing exponentially with the cycle.
func TestFusedShapesStaySmall(t *testing.T) {
	const n = 12
	var states []string
	for i := 0; i < n; i++ {
		next := fmt.Sprintf("S%d", (i+1)%n)
		states = append(states, fmt.Sprintf(`"S%d":{"Type":"Pass","Parameters":{"l.$":"$","r.$":"$","k":%d},"Next":%q}`, i, i, next))
	}
	states = append(states, `"Out":{"Type":"Choice","Choices":[{"Variable":"$.k","NumericEquals":0,"Next":"S0"}],"Default":"End"}`, `"End":{"Type":"Succeed"}`)
	src := `{"StartAt":"Out","States":{` + strings.Join(states, ",") + `}}`
	m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	code, err := Generate(m, Options{Package: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(code), "FastBound") {
		t.Error("no fused code")
	}
	if len(code) > 200<<10 {
		t.Errorf("generated %d KiB of code for %d states", len(code)>>10, n+2)
	}
}

// TestFusedStatesOnce: a state that fused code runs is emitted once in
// full, fused; its ordinary path (where fused code hands it over) is a
// StateSpec, data that sfnimpl.Frame.RunSpec runs, not a second method.
// The bench's parallel workload (80 fused Pass states) stays under 3,000
// lines: it was 5,400 with both copies.
func TestFusedStatesOnce(t *testing.T) {
	src, err := os.ReadFile("../bench/machines/parallel.asl.json")
	if err != nil {
		t.Fatal(err)
	}
	m, diags := compiler.Compile(src, compiler.Options{Filename: "parallel.asl.json"})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	code, err := Generate(m, Options{Package: "parallel"})
	if err != nil {
		t.Fatal(err)
	}
	text := string(code)
	if n := strings.Count(text, "\n"); n > 3000 {
		t.Errorf("generated %d lines, want at most 3,000", n)
	}
	for b := 0; b < 8; b++ {
		for s := 0; s < 10; s++ {
			state := fmt.Sprintf("B%dS%d", b, s)
			if strings.Contains(text, "func (m *machine) s"+state+"(") {
				t.Errorf("fused state %s has an ordinary method", state)
			}
			if !strings.Contains(text, fmt.Sprintf("var spec%d_%d = sfnimpl.StateSpec{", b+1, s)) {
				t.Errorf("fused state %s has no StateSpec", state)
			}
		}
	}
}
