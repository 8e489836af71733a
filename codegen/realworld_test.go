package codegen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// TestRealWorldDefinitions: every definition of testdata/realworld (real
// state machines AWS runs, see its README) is accepted by validate with no
// diagnostic, and generates Go that type-checks, without a panic.
func TestRealWorldDefinitions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "realworld", "*.asl.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no definitions in testdata/realworld: %v", err)
	}
	check := newGoChecker(t)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".asl.json"), func(t *testing.T) {
			def, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, diags := compiler.Compile(def, compiler.Options{Filename: filepath.Base(file)})
			for _, d := range diags {
				t.Errorf("validate: %s", d)
			}
			if m == nil {
				return
			}
			if msg := check.machine(m); msg != "" {
				t.Error(msg)
			}
		})
	}
}
