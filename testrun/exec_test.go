package testrun

import (
	"path/filepath"
	"testing"
)

// TestExecCases runs the project's own execution cases (testdata/exec):
// behaviours the AWS-recorded corpus does not reach, such as ItemBatcher,
// Retry and Catch over mocked Task responses, payload limits, and the
// fused path of generated code (runBothWays). Every one must pass.
func TestExecCases(t *testing.T) {
	needGo(t)
	results := runBothWays(t, filepath.Join("..", "testdata", "exec"), Options{WorkDir: t.TempDir()})
	if len(results) == 0 {
		t.Fatal("no cases found under testdata/exec")
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s: %s", r.Case.ID, r.Reason())
		}
	}
}
