package codegen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// TestFusedAtaStates: which JSONata states fused code runs. A state whose
// expressions are all of the static forms (literals, member paths on
// $states.input and variables, integer + and -, comparisons) is fused;
// one with any other form runs the ordinary way, the engine deciding.
func TestFusedAtaStates(t *testing.T) {
	loop := func(inc, cond, out string) string {
		return `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
			"Init":{"Type":"Pass","Assign":{"i":0,"n":"{% $states.input.n %}"},"Next":"Check"},
			"Check":{"Type":"Choice","Choices":[{"Condition":` + cond + `,"Next":"Inc"}],"Default":"Done"},
			"Inc":{"Type":"Pass","Assign":{"i":` + inc + `},"Next":"Check"},
			"Done":{"Type":"Succeed","Output":` + out + `}}}`
	}
	for _, tc := range []struct {
		name string
		def  string
		want []bool // Init, Check, Inc, Done
	}{
		{"the counting loop", loop(`"{% $i + 1 %}"`, `"{% $i < $n %}"`, `{"i":"{% $i %}","n":"{% $n %}"}`), []bool{true, true, true, true}},
		{"a literal condition", loop(`"{% $i + 1 %}"`, `true`, `"{% $i %}"`), []bool{true, true, true, true}},
		{"members of the input and of a variable", loop(`"{% $i - $states.input.step.size %}"`, `"{% $i >= $n.max %}"`, `{"o":{"i":"{% $i %}"}}`), []bool{true, true, true, true}},
		{"and, or, strings", loop(`"{% $i + 1 %}"`, `"{% $i < $n and ($states.input.mode = 'up' or $states.input.mode != 'down') %}"`, `"{% $i %}"`), []bool{true, true, true, true}},
		{"a float: the engine's", loop(`"{% $i + 1.5 %}"`, `"{% $i < $n %}"`, `"{% $i %}"`), []bool{true, true, false, true}},
		{"multiplication: the engine's", loop(`"{% $i * 2 %}"`, `"{% $i < $n %}"`, `"{% $i %}"`), []bool{true, true, false, true}},
		{"a function: the engine's", loop(`"{% $i + 1 %}"`, `"{% $i < $n %}"`, `"{% $string($i) %}"`), []bool{true, true, true, false}},
		// With Check left out, no two fused states follow one another:
		// fusing gains nothing, and nothing is.
		{"the context: the engine's", loop(`"{% $i + 1 %}"`, `"{% $i < $states.context.Execution.Input.n %}"`, `"{% $i %}"`), []bool{false, false, false, false}},
		{"a condition not boolean", loop(`"{% $i + 1 %}"`, `"{% 'yes' %}"`, `"{% $i %}"`), []bool{false, false, false, false}},
		{"a literal past 2^53", loop(`"{% $i + 9007199254740994 %}"`, `"{% $i < $n %}"`, `"{% $i %}"`), []bool{true, true, false, true}},
		{"2^53, a double exactly", loop(`"{% $i + 9007199254740992 %}"`, `"{% $i < $n %}"`, `"{% $i %}"`), []bool{true, true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, diags := compiler.Compile([]byte(tc.def), compiler.Options{Filename: "m.asl.json"})
			if m == nil {
				t.Fatalf("does not compile: %v", diags)
			}
			code, err := Generate(m, Options{Package: "m"})
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			for i := range m.States {
				got = append(got, strings.Contains(string(code), fmt.Sprintf("\nstate%d:", i)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fused (-want +got):\n%s", diff)
			}
		})
	}
}
