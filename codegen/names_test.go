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

// TestMethodNameClash: two Task states whose names map to one Go name are
// refused, naming both, the same way in either order, never renamed
// silently (the second state's handler would depend on key order).
func TestMethodNameClash(t *testing.T) {
	const want = `/States/a_b: Task state "a_b" has the Go method name AB of Task state "a-b" (/States/a-b): rename one of them`
	for _, names := range [][]string{{"a-b", "a_b"}, {"a_b", "a-b"}} {
		_, err := generateSrc(t, taskStates(names...))
		if err == nil {
			t.Fatalf("order %v: generated code for clashing method names", names)
		}
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("order %v: error (-want +got):\n%s", names, diff)
		}
	}
	// Names with control characters stay on one line.
	_, err := generateSrc(t, taskStates("x\ny", "x y"))
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("got %v, want a one-line error", err)
	}
}
