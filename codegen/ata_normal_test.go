package codegen

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
)

// Which states have an input that is always normal: those every
// predecessor hands a JSONata result (or, without Output of its own, its
// own normal input) and that are not a machine's start.
func TestNormalInputs(t *testing.T) {
	for _, c := range []struct {
		name, states string
		want         []string // the states with normal input
	}{
		{"chain of Outputs", `"A":{"Type":"Pass","Output":"{% $states.input %}","Next":"B"},
			"B":{"Type":"Pass","Output":{"k":"{% 1 %}","l":[1,"x",null,{"m":true}]},"Next":"C"},
			"C":{"Type":"Pass","Next":"D"},"D":{"Type":"Wait","Seconds":1,"Next":"E"},"E":{"Type":"Succeed"}`,
			[]string{"B", "C", "D", "E"}},
		{"a float literal", `"A":{"Type":"Pass","Output":{"f":2.0},"Next":"B"},"B":{"Type":"Pass","Output":"{% 1 %}","Next":"C"},"C":{"Type":"Succeed"}`,
			[]string{"C"}},
		{"a Task's result", `"A":{"Type":"Pass","Output":"{% 1 %}","Next":"T"},
			"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","Next":"U"},
			"U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","Output":"{% $states.result %}","Next":"V"},
			"V":{"Type":"Succeed"}`,
			[]string{"T", "V"}},
		{"catchers", `"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","Output":"{% 1 %}",
			"Catch":[{"ErrorEquals":["A"],"Next":"Raw"},{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Next":"Shaped"}],"Next":"Done"},
			"Raw":{"Type":"Succeed"},"Shaped":{"Type":"Succeed"},"Done":{"Type":"Succeed"}`,
			[]string{"Done", "Shaped"}},
		{"a Choice passes its input, or a rule's Output", `"A":{"Type":"Pass","Output":"{% 1 %}","Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"X"},{"Condition":"{% false %}","Output":{"f":1.5e0},"Next":"Y"}],"Default":"Z"},
			"X":{"Type":"Succeed"},"Y":{"Type":"Succeed"},"Z":{"Type":"Succeed"}`,
			[]string{"C", "X", "Z"}},
		{"a branch starts with the Parallel's normal input", `"A":{"Type":"Pass","Output":"{% $states.input %}","Next":"P"},
			"P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Next":"B2"},"B2":{"Type":"Succeed"}}}],"Next":"E"},
			"E":{"Type":"Succeed"}`,
			[]string{"P", "B1", "B2"}},
		{"a branch of the start state's Parallel", `"P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Next":"B2"},"B2":{"Type":"Succeed"}}}],"Next":"E"},
			"E":{"Type":"Succeed"}`,
			nil},
		{"a branch starts with the Parallel's Arguments", `"P":{"Type":"Parallel","Arguments":{"k":"{% $states.input %}"},"Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Succeed"}}}],"Next":"E"},
			"E":{"Type":"Succeed"}`,
			[]string{"B1"}},
		{"a loop back to a branch's start", `"A":{"Type":"Pass","Output":"{% $states.input %}","Next":"P"},
			"P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Next":"T"},
				"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","Catch":[{"ErrorEquals":["States.ALL"],"Next":"X"}],"Next":"B1"},
				"X":{"Type":"Succeed"}}}],"End":true}`,
			[]string{"P"}},
		{"a loop back to the start", `"A":{"Type":"Pass","Output":"{% 1 %}","Next":"B"},"B":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"A"}],"Default":"E"},"E":{"Type":"Succeed"}`,
			[]string{"B", "E"}},
	} {
		src := `{"QueryLanguage":"JSONata","StartAt":"` + firstState(c.states) + `","States":{` + c.states + `}}`
		m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
		if m == nil {
			t.Fatalf("%s: does not compile: %v", c.name, diags)
		}
		var got []string
		for name, normal := range machineNormalInputs(m) {
			if normal {
				got = append(got, string(name))
			}
		}
		sort.Strings(got)
		sort.Strings(c.want)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: states with normal input (-want +got):\n%s", c.name, diff)
		}
	}
	// A JSONPath predecessor hands over anything.
	m, diags := compiler.Compile([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","End":true}}}`), compiler.Options{})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	if machineNormalInputs(m)[ir.StateName("B")] {
		t.Error("the input a JSONPath state hands over counts as normal")
	}
	// A JSONPath Parallel's branches start with anything.
	m, diags = compiler.Compile([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","Next":"P"},
		"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","QueryLanguage":"JSONata","End":true}}}],"End":true}}}`), compiler.Options{})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	if machineNormalInputs(m)[ir.StateName("B")] {
		t.Error("a JSONPath Parallel's branch input counts as normal")
	}
}

// firstState is the name of the first state of a States object's text.
func firstState(states string) string {
	i := 0
	for states[i] != '"' {
		i++
	}
	j := i + 1
	for states[j] != '"' {
		j++
	}
	return states[i+1 : j]
}
