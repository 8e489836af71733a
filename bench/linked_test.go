package bench_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgramsLinkOnlyWhatExpressionsNeed builds the programs of
// order-ata, whose expressions name one JSONata function ($merge), and
// loop-ata, whose expressions name none and hold no regular expression,
// and reads their symbols: generated code gives the engine a Library of
// the functions a machine names and a regexp compiler only where an
// expression may need one (jsonata.LazyIn), so the linker leaves out
// the other functions, the full library that Parse uses, and, for
// loop-ata, package regexp (README, peak RSS: a binary's code is mapped
// whether it runs or not).
func TestProgramsLinkOnlyWhatExpressionsNeed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	const ata = "github.com/sfn-compile/sfn-compile/runtime/jsonata."
	unnamed := []string{ata + "FnSum", ata + "FnFormatNumber", ata + "formatNumberPicture", ata + "FnFromMillis",
		ata + "formatDateTime", ata + "fnReplace", ata + "fullLibrary"}
	regexp := []string{"regexp.compile", "regexp.(*Regexp).FindStringSubmatch", "regexp/syntax.parse"}
	tests := []struct {
		pkg          string
		linked, left []string
	}{
		{"./orderata", append([]string{ata + "FnMerge"}, regexp...), unnamed},
		{"./cmd/loopata", nil, append(append([]string{ata + "FnMerge"}, unnamed...), regexp...)},
	}
	for _, tt := range tests {
		syms := symbols(t, tt.pkg)
		for _, s := range tt.linked {
			if !syms[s] {
				t.Errorf("%s: %s is missing", tt.pkg, s)
			}
		}
		for _, s := range tt.left {
			if syms[s] {
				t.Errorf("%s: %s is linked: the machine's expressions do not need it", tt.pkg, s)
			}
		}
	}
}

// symbols builds the program pkg and returns the names of its symbols.
func symbols(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	syms := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			syms[strings.Join(f[2:], " ")] = true
		}
	}
	return syms
}
