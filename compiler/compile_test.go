package compiler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds definitions with outcomes recorded on AWS.
const corpusDir = "../../shared/conformance/cases"

// TestConformanceCorpus compiles every definition of the conformance
// corpus: AWS rejected the "invalid" ones, so each must give an error;
// AWS accepted all others, so none may give one.
func TestConformanceCorpus(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*"))
	if len(dirs) == 0 {
		t.Skipf("no conformance corpus at %s", corpusDir)
	}
	n := 0
	for _, dir := range dirs {
		src, err := os.ReadFile(filepath.Join(dir, "definition.asl.json"))
		if err != nil {
			continue
		}
		n++
		var expected struct {
			Status      string `json:"status"`
			MachineType string `json:"machine_type"`
		}
		if b, err := os.ReadFile(filepath.Join(dir, "expected.json")); err == nil {
			if err := json.Unmarshal(b, &expected); err != nil {
				t.Errorf("%s: expected.json: %v", dir, err)
			}
		}
		name := strings.TrimPrefix(dir, corpusDir+string(filepath.Separator))
		opts := Options{Filename: "definition.asl.json", Type: expected.MachineType}
		m, diags := Compile(src, opts)
		invalid := filepath.Base(filepath.Dir(dir)) == "invalid" || expected.Status == "INVALID"
		if invalid {
			if m != nil || !hasErrors(diags) {
				t.Errorf("%s: AWS rejected this definition, but it compiled without errors", name)
			}
			continue
		}
		if m == nil || hasErrors(diags) {
			var msgs []string
			for _, d := range diags {
				msgs = append(msgs, "\t"+d.String())
			}
			t.Errorf("%s: AWS accepted this definition, but:\n%s", name, strings.Join(msgs, "\n"))
		}
	}
	if n == 0 {
		t.Skipf("no definitions under %s", corpusDir)
	}
}
