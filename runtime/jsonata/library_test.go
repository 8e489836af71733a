package jsonata

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// TestFunctionVariables holds the package to what generated code assumes
// (codegen names jsonata.Fn<Name> for $name): every function of the
// library is the package variable "Fn" and its name with the first
// letter upper-cased, and every such variable is in the library.
func TestFunctionVariables(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{} // variable -> the name of its function
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, "Fn") {
						continue
					}
					vars[id.Name] = functionLiteralName(t, id.Name, vs.Values[i])
				}
			}
		}
	}
	for _, f := range fullLibrary.Functions {
		want := "Fn" + strings.ToUpper(f.b.name[:1]) + f.b.name[1:]
		if vars[want] != f.b.name {
			t.Errorf("$%s: want package variable %s defining it, have %q", f.b.name, want, vars[want])
		}
		delete(vars, want)
	}
	for v := range vars {
		t.Errorf("%s is not in the library (fullLibrary)", v)
	}
}

// functionLiteralName returns the name in v, Function{builtin{name: "x", ...}}.
func functionLiteralName(t *testing.T, id string, v ast.Expr) string {
	outer, ok := v.(*ast.CompositeLit)
	if !ok || len(outer.Elts) != 1 {
		t.Fatalf("%s: not a Function literal", id)
	}
	inner, ok := outer.Elts[0].(*ast.CompositeLit)
	if !ok {
		t.Fatalf("%s: not a Function{builtin{...}} literal", id)
	}
	for _, e := range inner.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if k, _ := kv.Key.(*ast.Ident); ok && k != nil && k.Name == "name" {
			if lit, ok := kv.Value.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				return s
			}
		}
	}
	t.Fatalf("%s: no name", id)
	return ""
}

// libraryFor is the Library generated code gives an expression: the
// functions syntax.LibraryNames finds in it, and regular expressions
// only where syntax.NeedsRegexp says so.
func libraryFor(t *testing.T, src string) (*Library, bool) {
	tree, err := syntax.Parse(src)
	if err != nil {
		return nil, false
	}
	lib := &Library{}
	if syntax.NeedsRegexp(tree) {
		lib.Regexp = CompileRegexp
	}
	for _, name := range syntax.LibraryNames(tree) {
		b := fullLibrary.lookup(name)
		if b == nil {
			t.Fatalf("LibraryNames(%q) lists $%s, which is no function", src, name)
		}
		lib.Functions = append(lib.Functions, &Function{builtin{name: b.name, sigText: b.sigText, arity: b.arity, nparams: b.nparams, fn: b.fn}})
	}
	return lib, true
}

// TestLibraryOfNamedFunctions evaluates every expression of the
// differential corpus and of the conformance definitions twice, with
// every function and with only those syntax.LibraryNames finds in it,
// regular expressions only where syntax.NeedsRegexp finds a need (what
// a generated program links), and requires the same outcome: a function
// an expression can reach by a name it does not spell, or a regular
// expression the analysis misses, would show here as a difference.
func TestLibraryOfNamedFunctions(t *testing.T) {
	cases := append(loadCorpus(t), conformanceCases(t)...)
	cases = append(cases,
		diffCase{Expr: "$ ~> | a | {'x': 1} |", Input: map[string]any{"a": map[string]any{}}},
		diffCase{Expr: "string(1)"},
		diffCase{Expr: "a.length(?)"},
		diffCase{Expr: "foo(1)"},
		diffCase{Expr: "($clone := function($x){{'cloned': true}}; $ ~> | a | {'x': 1} |)", Input: map[string]any{"a": map[string]any{}}},
		diffCase{Expr: "function($x)<n:n>{$x + 1}('a')"},                              // a signature fails the call
		diffCase{Expr: "($f := function($x)<n-:n>{$x * 2}; $f())", Input: float64(4)}, // the context as argument
		diffCase{Expr: "$match('abc', /b/)", Input: nil},                              // a regex literal
		diffCase{Expr: "($r := /b(c)/; $replace('abc', $r, '[$1]'))"},                 // one held in a variable
		diffCase{Expr: "'abc' ~> /c$/"},                                               // one applied
		diffCase{Expr: "($f := function($x){$x + 1}; $f(2))"},                         // a lambda needs none
	)
	now := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	pruned, noRegexp := 0, 0
	for _, c := range cases {
		lib, ok := libraryFor(t, c.Expr)
		if !ok {
			continue // a syntax error: no library to compare
		}
		if len(lib.Functions) < len(fullLibrary.Functions) {
			pruned++
		}
		if lib.Regexp == nil {
			noRegexp++
		}
		input, _ := sfnrt.ParseJSON(mustJSON(c.Input))
		bind, _ := sfnrt.ParseJSON(mustJSON(c.Bindings))
		vars := MapVars{}
		if o, ok := bind.(*sfnrt.Object); ok {
			for _, m := range o.Members() {
				vars[m.Key] = m.Value
			}
		}
		outcome := func(lib *Library) string {
			e, err := ParseIn(lib, c.Expr)
			if err != nil {
				t.Fatalf("%s: %q: %v", c.origin, c.Expr, err)
			}
			v, defined, err := e.EvalAt(now, input, vars)
			var je *Error
			switch {
			case errors.As(err, &je):
				return "error " + je.Code + ": " + err.Error()
			case err != nil:
				return "error " + err.Error()
			case !defined:
				return "undefined"
			case c.typeOnly:
				return sfnrt.TypeName(v)
			}
			return sfnrt.ToJSON(v)
		}
		if all, named := outcome(&fullLibrary), outcome(lib); all != named {
			t.Errorf("%s: %q\nwith every function:      %s\nwith the functions named: %s", c.origin, c.Expr, all, named)
		}
	}
	if pruned == 0 || noRegexp == 0 {
		t.Fatalf("%d expressions evaluated with fewer functions than the library's, %d without regular expressions: want some of each", pruned, noRegexp)
	}
}

// TestNilLibrary: a nil Library has no functions and no regular
// expressions, and fails, not panics, where an expression needs them.
func TestNilLibrary(t *testing.T) {
	for src, want := range map[string]string{
		"1 + 2":                    "3",
		"$sum([1])":                "error T1006",
		"'abc' ~> /b/":             "error X1000", // as an unsupported regular expression
		"function($x)<n:n>{$x}(1)": "error " + syntax.ErrNoRegexp.Error(),
	} {
		e, err := ParseIn(nil, src)
		if err != nil {
			t.Fatalf("ParseIn(nil, %q): %v", src, err)
		}
		v, _, err := e.Eval(nil, nil)
		got := sfnrt.ToJSON(v)
		var je *Error
		switch {
		case errors.As(err, &je):
			got = "error " + je.Code
		case err != nil:
			got = "error " + err.Error()
		}
		if got != want {
			t.Errorf("%q: got %s, want %s", src, got, want)
		}
	}
}
