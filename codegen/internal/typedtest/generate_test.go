package typedtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
		got, err := exec.Command("go", "run", "github.com/sfn-compile/sfn-compile/cmd/sfn-compile", "gen", "-pkg", c.pkg, "-handlers", ".Handlers", c.def).Output()
		if err != nil {
			t.Fatalf("sfn-compile gen %s: %v", c.def, err)
		}
		// The source line names the definition relative to the output.
		dropSource := func(b []byte) string {
			var keep []string
			for _, l := range strings.Split(string(b), "\n") {
				if !strings.HasPrefix(l, "// source: ") {
					keep = append(keep, l)
				}
			}
			return strings.Join(keep, "\n")
		}
		if diff := cmp.Diff(dropSource(want), dropSource(got)); diff != "" {
			t.Errorf("%s/machine_gen.go is stale; run go generate ./codegen/... (-committed +now):\n%s", c.pkg, diff)
		}
	}
}
