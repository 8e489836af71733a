package typedtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The committed generated packages must be what sfn-compile makes now.
func TestGeneratedIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	for _, c := range []struct{ pkg, def string }{{"machine", "typed.asl.json"}, {"fused", "fused.asl.json"}} {
		want, err := os.ReadFile(filepath.Join(c.pkg, "machine_gen.go"))
		if err != nil {
			t.Fatal(err)
		}
		// gen runs in the package's directory, as go generate writes it,
		// so that its source line names the definition the same way.
		cmd := exec.Command("go", "run", "github.com/sfn-compile/sfn-compile/cmd/sfn-compile", "gen", "-pkg", c.pkg, "-handlers", "../.Handlers", "../"+c.def)
		cmd.Dir = c.pkg
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("sfn-compile gen %s: %v", c.def, err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s/machine_gen.go is stale; run go generate ./codegen/... (-committed +now):\n%s", c.pkg, diff)
		}
	}
}
