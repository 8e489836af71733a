package codegen

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// taskStates is a definition of Task states named names, in that order.
func taskStates(names ...string) string {
	var states []string
	for i, n := range names {
		next := `"End":true`
		if i+1 < len(names) {
			next = fmt.Sprintf(`"Next":%q`, names[i+1])
		}
		states = append(states, fmt.Sprintf(`%q:{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",%s}`, n, next))
	}
	return fmt.Sprintf(`{"StartAt":%q,"States":{%s}}`, names[0], strings.Join(states, ","))
}

func generateSrc(t *testing.T, src string) (string, error) {
	t.Helper()
	m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
	if m == nil {
		t.Fatalf("does not compile: %v", diags)
	}
	code, err := Generate(m, Options{Package: "m"})
	return string(code), err
}

// handlerMethods maps each Task state to its method in the Handlers
// interface, from the generated doc comments.
func handlerMethods(code string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\t// (\w+) runs Task state ("(?:[^"\\]|\\.)*")`).FindAllStringSubmatch(code, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// TestMethodNamesIgnoreOrder: a Task state's method depends on its name
// alone, whatever the order of States.
func TestMethodNamesIgnoreOrder(t *testing.T) {
	for _, names := range [][]string{
		{"New", "Name", "charge card", "Handlers"},
		{"Handlers", "charge card", "Name", "New"},
	} {
		code, err := generateSrc(t, taskStates(names...))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{`"New"`: "New", `"Name"`: "Name", `"charge card"`: "ChargeCard", `"Handlers"`: "Handlers"}
		if diff := cmp.Diff(want, handlerMethods(code)); diff != "" {
			t.Errorf("order %v: methods (-want +got):\n%s", names, diff)
		}
	}
}

// TestMethodNameClash: Task states whose names map to one Go name, as
// AWS accepts them ("a-b" and "a_b"; names in other scripts, which all
// map to State), each get a method of their own, named after the state
// alone: the same in either order, never chosen by key order.
func TestMethodNameClash(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  map[string]string
	}{
		{[]string{"a-b", "a_b"}, map[string]string{`"a-b"`: "AB_2a89df63", `"a_b"`: "AB_1ba46871"}},
		{[]string{"a_b", "a-b"}, map[string]string{`"a-b"`: "AB_2a89df63", `"a_b"`: "AB_1ba46871"}},
		{[]string{"AB", "a_b"}, map[string]string{`"AB"`: "AB", `"a_b"`: "AB_1ba46871"}},
		{[]string{"Describe DB Instances", "DescribeDBInstances"}, map[string]string{
			`"Describe DB Instances"`: "DescribeDBInstances_ec2e9536", `"DescribeDBInstances"`: "DescribeDBInstances"}},
		{[]string{"注文確認", "支払い"}, map[string]string{`"注文確認"`: "State_c0d053f9", `"支払い"`: "State_2dfde558"}},
	} {
		code, err := generateSrc(t, taskStates(tc.names...))
		if err != nil {
			t.Fatalf("order %v: %v", tc.names, err)
		}
		if diff := cmp.Diff(tc.want, handlerMethods(code)); diff != "" {
			t.Errorf("order %v: methods (-want +got):\n%s", tc.names, diff)
		}
	}
}
