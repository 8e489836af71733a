package codegen_test

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

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
	check := newGoChecker(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		m, _ := compiler.Compile(src, compiler.Options{Filename: "f.asl.json"})
		if m == nil {
			return
		}
		if msg := check.machine(m); msg != "" {
			t.Fatal(msg)
		}
	})
}
