package codegen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// TestLiteralTable: literals become JSON text in Go string literals that
// hold exactly that text, whatever characters the strings have.
func TestLiteralTable(t *testing.T) {
	for _, tt := range []struct{ name, result, want string }{
		{"plain", `{"a":1,"b":[true,null,2.5,"x"],"big":123456789012345678901234567890}`, `{"a":1,"b":[true,null,2.5,"x"],"big":123456789012345678901234567890}`},
		{"escapes", `["q\"b\\s\/n\n\u0001\u007f"]`, `["q\"b\\s/n\n\u0001` + "\x7f" + `"]`},
		{"backquote", "[\"a`b\"]", "[\"a`b\"]"},
		{"carriage return, tab", `["a\rb\t"]`, `["a\u000db\t"]`},
		{"byte order mark", `["a\ufeffb", "é\u2028"]`, "[\"a\ufeffb\",\"é\u2028\"]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":` + tt.result + `,"End":true}}}`
			m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
			if m == nil {
				t.Fatalf("does not compile: %v", diags)
			}
			code, err := Generate(m, Options{Package: "m"})
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), "", code, 0)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok || vs.Names[0].Name != "literalsJSON" {
					return true
				}
				for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
					s, err := strconv.Unquote(e.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					texts = append(texts, s)
				}
				return false
			})
			if diff := cmp.Diff([]string{tt.want}, texts); diff != "" {
				t.Errorf("literalsJSON (-want +got):\n%s", diff)
			}
		})
	}
}
