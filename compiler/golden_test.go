package compiler

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/sfn-compile/sfn-compile/ir"
)

var update = flag.Bool("update", false, "rewrite the out/ir and out/errors sections of testdata/compile")

// updating reports whether goldens should be rewritten: -update, or
// SFN_UPDATE=1 (which works across go test ./...).
func updating() bool { return *update || os.Getenv("SFN_UPDATE") == "1" }

// Sections of a testdata/compile case.
const (
	secInput  = "machine.asl.json"
	secType   = "type"
	secIR     = "out/ir"
	secErrors = "out/errors"
)

// TestGolden compiles every testdata/compile/*.txtar case and compares the
// IR dump and the diagnostics with the out/ir and out/errors sections.
// Other sections (out/go, written by the codegen tests) are kept as they
// are when updating.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../testdata/compile/*.txtar")
	if len(files) == 0 {
		t.Skip("no testdata/compile/*.txtar cases")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ar := txtar.Parse(data)
			src, typ, ok := goldenInput(ar)
			if !ok {
				t.Fatalf("%s: no %s section", file, secInput)
			}
			got := goldenOutputs(src, typ)
			if again := goldenOutputs(src, typ); !cmp.Equal(got, again) {
				t.Errorf("compiling twice gave different results")
			}
			if updating() {
				setSections(ar, got)
				if out := txtar.Format(ar); !bytes.Equal(out, data) {
					if err := os.WriteFile(file, out, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			for _, sec := range []string{secErrors, secIR} {
				want := section(ar, sec)
				if diff := cmp.Diff(want, got[sec]); diff != "" {
					t.Errorf("%s differs (-want +got); run SFN_UPDATE=1 go test ./compiler to update:\n%s", sec, diff)
				}
			}
		})
	}
}

// goldenInput returns the definition and the machine type of a case.
func goldenInput(ar *txtar.Archive) (src []byte, typ string, ok bool) {
	for _, f := range ar.Files {
		switch f.Name {
		case secInput:
			src, ok = f.Data, true
		case secType:
			typ = strings.TrimSpace(string(f.Data))
		}
	}
	return src, typ, ok
}

// goldenOutputs compiles src and returns the sections it should produce:
// out/errors when there are diagnostics, out/ir when a machine was built.
func goldenOutputs(src []byte, typ string) map[string]string {
	m, diags := Compile(src, Options{Filename: secInput, Type: typ})
	out := map[string]string{}
	if len(diags) > 0 {
		var b strings.Builder
		for _, d := range diags {
			b.WriteString(d.String() + "\n")
		}
		out[secErrors] = b.String()
	}
	if m != nil {
		out[secIR] = ir.Dump(m)
	}
	return out
}

// section returns the text of the section called name, or "".
func section(ar *txtar.Archive, name string) string {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	return ""
}

// setSections rewrites the out/errors and out/ir sections of ar to got,
// dropping those got lacks and adding new ones after the input sections,
// so that sections owned by other tests keep their place and content.
func setSections(ar *txtar.Archive, got map[string]string) {
	var files []txtar.File
	inserted := false
	insert := func() {
		if inserted {
			return
		}
		inserted = true
		for _, sec := range []string{secErrors, secIR} {
			if text, ok := got[sec]; ok {
				files = append(files, txtar.File{Name: sec, Data: []byte(text)})
			}
		}
	}
	for _, f := range ar.Files {
		switch {
		case f.Name == secErrors || f.Name == secIR:
			insert()
		case f.Name == secInput || f.Name == secType:
			files = append(files, f)
		default:
			if strings.HasPrefix(f.Name, "out/") {
				insert()
			}
			files = append(files, f)
		}
	}
	insert()
	ar.Files = files
}
