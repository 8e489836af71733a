package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"
)

// FuzzCompile checks that Compile never panics, that it returns a machine
// exactly when there is no error, and that every diagnostic has a
// position inside the input whose line and column match its offset.
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob("../testdata/compile/*.txtar")
	for _, file := range files {
		if ar, err := txtar.ParseFile(file); err == nil {
			if src, _, ok := goldenInput(ar); ok {
				f.Add(src, false)
			}
		}
	}
	defs, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*", "definition.asl.json"))
	for i, def := range defs {
		if i%10 != 0 { // a sample keeps the seed corpus quick
			continue
		}
		if src, err := os.ReadFile(def); err == nil {
			f.Add(src, strings.Contains(def, "express"))
		}
	}
	f.Add([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`), true)
	f.Add([]byte("{\"a\":\n\"\xff\"}"), false)
	f.Fuzz(func(t *testing.T, src []byte, express bool) {
		opts := Options{Filename: "f.json"}
		if express {
			opts.Type = "EXPRESS"
		}
		m, diags := Compile(src, opts)
		if (m != nil) == hasErrors(diags) {
			t.Fatalf("machine %v with errors %v", m != nil, diags)
		}
		if len(diags) > maxDiagnostics+1 {
			t.Fatalf("%d diagnostics, want at most %d", len(diags), maxDiagnostics+1)
		}
		for i, d := range diags {
			if d.Offset < 0 || d.Offset > len(src) {
				t.Fatalf("%v: offset %d outside the input (%d bytes)", d, d.Offset, len(src))
			}
			line := 1 + strings.Count(string(src[:d.Offset]), "\n")
			lineStart := strings.LastIndexByte(string(src[:d.Offset]), '\n') + 1
			col := 1 + utf8.RuneCount(src[lineStart:d.Offset])
			if d.Line != line || d.Col != col {
				t.Fatalf("%v: line:col %d:%d, want %d:%d", d, d.Line, d.Col, line, col)
			}
			if d.Code == "" || d.Message == "" || d.File != "f.json" {
				t.Fatalf("incomplete diagnostic %#v", d)
			}
			if i > 0 && diags[i-1].Offset > d.Offset {
				t.Fatalf("diagnostics not sorted: %v before %v", diags[i-1], d)
			}
		}
	})
}
