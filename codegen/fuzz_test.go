package codegen_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
)

// FuzzGenerate: every definition the compiler accepts generates Go that
// type-checks (a local declared and not used is a build error the parser
// alone does not see); codegen never panics.
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
	own, _ := filepath.Glob("../testdata/exec/*/definition.asl.json")
	for _, d := range own {
		if data, err := os.ReadFile(d); err == nil {
			f.Add(data)
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
	fset := token.NewFileSet()
	// One importer for every input: it type-checks the runtime from
	// source once and keeps it.
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	// Type-check the runtime now, before f.Fuzz: the fuzzing worker gives
	// each input 10 seconds and then kills itself ("fuzzing process hung
	// or terminated unexpectedly"), and the first input would otherwise
	// pay for the whole runtime, which on a loaded machine takes longer.
	if _, err := conf.Importer.Import("github.com/sfn-compile/sfn-compile/runtime/sfnrt"); err != nil {
		f.Fatalf("type-checking the runtime: %v", err)
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
		file, err := parser.ParseFile(fset, "fuzz_gen.go", out, 0)
		if err != nil {
			t.Fatalf("generated code does not parse: %v", err)
		}
		if _, err := conf.Check("fuzz", fset, []*ast.File{file}, nil); err != nil {
			t.Fatalf("generated code does not type-check: %v", err)
		}
	})
}
