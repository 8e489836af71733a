package codegen

import (
	"fmt"
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
