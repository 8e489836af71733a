package codegen

import (
	"testing"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
)

// TestInline decides which Parallel branches run on the calling goroutine:
// only those that cannot block and end within a bounded number of states.
func TestInline(t *testing.T) {
	tests := []struct {
		name   string
		states string // the branch's States; it starts at "A"
		want   bool
	}{
		{"pass chain", `"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}`, true},
		{"choice to succeed and fail", `"A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"B"}],"Default":"C"},
			"B":{"Type":"Succeed"},"C":{"Type":"Fail","Error":"E"}`, true},
		{"diamond", `"A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"B"}],"Default":"C"},
			"B":{"Type":"Pass","Next":"D"},"C":{"Type":"Pass","Next":"D"},"D":{"Type":"Succeed"}`, true},
		{"loop", `"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}],"Default":"C"},"C":{"Type":"Succeed"}`, false},
		{"task", `"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}`, false},
		{"wait", `"A":{"Type":"Wait","Seconds":1,"End":true}`, false},
		{"nested parallel", `"A":{"Type":"Parallel","Branches":[{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}],"End":true}`, false},
		{"map", `"A":{"Type":"Map","ItemProcessor":{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}},"End":true}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{` + tt.states + `}}]}}}`
			m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
			if m == nil {
				t.Fatalf("does not compile: %v", diags)
			}
			branch := m.States[0].(*ir.Parallel).Branches[0]
			if got := inline(branch); got != tt.want {
				t.Errorf("inline = %v, want %v", got, tt.want)
			}
		})
	}
}
