package bench_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// lazyPackages are runtime packages that a built binary links for what
// it may need but most executions never call: the JSONata engine and
// its parser, there for the expressions fused code hands over. They run
// no init code. A package's init runs its code at start-up, and the
// kernel then maps the 64 KB of the binary around each page it touches:
// their tables and compiled regular expressions were a third of a
// megabyte of loop-ata's peak RSS (README, "peak RSS"). Tables are built
// on first use (runtime/internal/lazy: sync.OnceValue's result is itself
// made by the package's init).
var lazyPackages = []string{
	"github.com/sfn-compile/sfn-compile/runtime/jsonata",
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax",
}

// TestLazyPackagesHaveNoInit runs this test binary (which links the
// JSONata engine through loop-ata's machine) again under
// GODEBUG=inittrace=1, which prints a line for every package whose init
// does any work.
func TestLazyPackagesHaveNoInit(t *testing.T) {
	if os.Getenv("SFN_INITTRACE_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLazyPackagesHaveNoInit$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "SFN_INITTRACE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "init runtime @") {
		t.Fatalf("GODEBUG=inittrace=1 printed no init trace:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		for _, pkg := range lazyPackages {
			if strings.HasPrefix(line, "init "+pkg+" @") {
				t.Errorf("%s runs code at start-up: %s", pkg, line)
			}
		}
	}
}
