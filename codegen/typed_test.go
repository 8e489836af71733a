package codegen_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
)

// handlerType type-checks src as package example.com/h and returns its
// type name.
func handlerType(t *testing.T, src, name string) *types.Named {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "h.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("example.com/h", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pkg.Scope().Lookup(name).Type().(*types.Named)
}

const twoTasks = `{"StartAt": "Quote", "States": {
  "Quote": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:q", "Next": "Ship"},
  "Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:s", "End": true}}}`

func generateWith(t *testing.T, h *types.Named) (string, error) {
	t.Helper()
	m, diags := compiler.Compile([]byte(twoTasks), compiler.Options{Filename: "m.asl.json"})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	src, err := codegen.Generate(m, codegen.Options{Package: "machine", Handlers: h})
	return string(src), err
}

// A handler type may be an interface: its own methods bind the states.
func TestHandlersInterface(t *testing.T) {
	h := handlerType(t, `package h
import "context"
type Quote struct{ Price float64 }
type API interface {
	Quote(ctx context.Context, sku string) (Quote, error)
	Ship(q Quote) error
}`, "API")
	src, err := generateWith(t, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\tQuote(ctx context.Context, input string) (h.Quote, error)\n",
		"\tShip(input h.Quote) error\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("generated Handlers lacks %q", want)
		}
	}
}

// gen reports every state it cannot bind, at once.
func TestHandlersProblems(t *testing.T) {
	h := handlerType(t, `package h
type T struct{}
func (T) Quote(in struct{ x int }) error { return nil }`, "T")
	_, err := generateWith(t, h)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`T.Quote (Task state "Quote"): input type struct{x int} cannot be named`,
		`T has no method Ship for Task state "Ship"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A JSONata Task whose typed handler ran inline reads its result in
// Output's $merge without normalising it where the output's Go type
// encodes to no integral float; a type that may (an interface, a
// json.Marshaler) is normalised as any result is.
func TestAtaTypedNormalResult(t *testing.T) {
	const machine = `{"QueryLanguage": "JSONata", "StartAt": "Quote", "States": {
  "Quote": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:q",
    "Arguments": {"sku": "{% $states.input.sku %}"},
    "Output": "{% $merge([$states.input, {'quote': $states.result}]) %}", "End": true}}}`
	for _, c := range []struct {
		name, out string
		normal    bool
	}{
		{"scalars", `struct{ Price float64; N int; S string; B bool; U uint64 }`, true},
		{"nested", `struct{ Lines []struct{ Qty float64 }; ByKey map[string]*float64 }`, true},
		{"an array (not plain)", `struct{ Fixed [2]int }`, false},
		{"an interface", `struct{ Price float64; Extra any }`, false},
		{"a Marshaler", `struct{ At time.Time }`, false},
		{"float32", `struct{ Price float32 }`, false},
	} {
		h := handlerType(t, `package h
import ("context"; "time")
var _ time.Time
type In struct{ SKU string `+"`json:\"sku\"`"+` }
type Out `+c.out+`
type API interface { Quote(ctx context.Context, in In) (Out, error) }`, "API")
		m, diags := compiler.Compile([]byte(machine), compiler.Options{Filename: "m.asl.json"})
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		src, err := codegen.Generate(m, codegen.Options{Package: "machine", Handlers: h})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := strings.Contains(string(src), ".NormalResult = inline"); got != c.normal {
			t.Errorf("%s: the result is read as normal: %v, want %v", c.name, got, c.normal)
		}
	}
}

// A JSONata Parallel reads its result, its branches' outputs, without
// normalising it where every branch ends with a normal value: a typed
// handler's result (where handlers are bound and Tasks run inline), a
// JSONata Output, or a normal input passed on.
func TestAtaParallelNormalResult(t *testing.T) {
	h := handlerType(t, `package h
import "context"
type In struct{ SKU string `+"`json:\"sku\"`"+` }
type Out struct{ Price float64 }
type Loose struct{ Extra any }
type API interface {
	Typed(ctx context.Context, in In) (Out, error)
	Untyped(ctx context.Context, in In) (Loose, error)
}`, "API")
	task := func(name, fn string) string {
		return `"` + name + `": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:` + fn + `", "Arguments": {"sku": "{% $states.input.sku %}"}, "End": true}`
	}
	for _, c := range []struct {
		name, branches, want string // want: the condition set, "" for none
	}{
		{"typed Tasks", `{"StartAt": "Typed", "States": {` + task("Typed", "t") + `}}`, "m.h != nil && f.TasksInline()"},
		{"an Output and a normal input", `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"n": "{% 1 %}"}, "Next": "B"}, "B": {"Type": "Succeed"}}},
			{"StartAt": "C", "States": {"C": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}}}`, "true"},
		{"a result that may hold an integral float", `{"StartAt": "Typed", "States": {` + task("Typed", "t") + `}},
			{"StartAt": "Untyped", "States": {` + task("Untyped", "u") + `}}`, ""},
		{"a float literal", `{"StartAt": "F", "States": {"F": {"Type": "Pass", "Output": {"f": 2.0}, "End": true}}}`, ""},
		{"the input of the machine", `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`, ""},
	} {
		machine := `{"QueryLanguage": "JSONata", "StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Branches": [` + c.branches + `],
			"Output": "{% $merge([$states.input, {'all': $states.result}]) %}", "End": true}}}`
		m, diags := compiler.Compile([]byte(machine), compiler.Options{Filename: "m.asl.json"})
		if len(diags) > 0 {
			t.Fatalf("%s: %v", c.name, diags)
		}
		src, err := codegen.Generate(m, codegen.Options{Package: "machine", Handlers: h})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := ""
		for _, line := range strings.Split(string(src), "\n") {
			if _, cond, ok := strings.Cut(line, ".NormalResult = "); ok && !strings.HasPrefix(cond, "inline") {
				got = cond
			}
		}
		if got != c.want {
			t.Errorf("%s: the Parallel's result is normal where %q, want %q", c.name, got, c.want)
		}
	}
}
