package codegen_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
)

// FuzzGenerate: every definition the compiler accepts generates Go that
// parses; codegen never panics.
func FuzzGenerate(f *testing.F) {
	files, _ := filepath.Glob("../testdata/compile/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			continue
		}
		for _, af := range ar.Files {
			if af.Name == "machine.asl.json" {
				f.Add(af.Data)
			}
		}
	}
	defs, _ := filepath.Glob("../../shared/conformance/cases/*/*/definition.asl.json")
	for i, d := range defs {
		if i%7 != 0 { // a sample keeps the seed corpus quick
			continue
		}
		if data, err := os.ReadFile(d); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, _ := compiler.Compile(src, compiler.Options{Filename: "f.asl.json"})
		if m == nil {
			return
		}
		out, err := codegen.Generate(m, codegen.Options{Package: "fuzz", Name: "fuzz"})
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "", out, 0); err != nil {
			t.Fatalf("generated code does not parse: %v", err)
		}
	})
}
