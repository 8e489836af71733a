package bench_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgramLinksOnlyNamedFunctions builds order-ata's program, whose
// expressions name one JSONata function ($merge), and reads its symbols:
// generated code gives the engine a Library of the functions a machine
// names (jsonata.LazyIn), so the others, and the full library that
// Parse uses, are left out by the linker (README, peak RSS: code the
// binary holds is mapped whether it runs or not).
func TestProgramLinksOnlyNamedFunctions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(t.TempDir(), "order-ata")
	if out, err := exec.Command("go", "build", "-o", bin, "./orderata").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	syms := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			syms[f[len(f)-1]] = true
		}
	}
	const pkg = "github.com/sfn-compile/sfn-compile/runtime/jsonata."
	if !syms[pkg+"FnMerge"] {
		t.Errorf("%sFnMerge is missing: the machine names $merge", pkg)
	}
	for _, absent := range []string{"FnSum", "FnFormatNumber", "formatNumberPicture", "FnFromMillis", "formatDateTime", "fnReplace", "fullLibrary"} {
		if syms[pkg+absent] {
			t.Errorf("%s%s is linked: the machine names no function that needs it", pkg, absent)
		}
	}
}
