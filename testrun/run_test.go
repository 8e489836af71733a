package testrun

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go program: skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
}

// TestRun runs testdata/cases: each case's verdict and the first line of
// its differences.
func TestRun(t *testing.T) {
	needGo(t)
	results, err := Run([]string{filepath.Join("testdata", "cases")}, Options{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pass/hello":           "",
		"pass/context":         "",
		"pass/fail_state":      "",
		"pass/invalid":         "",
		"pass/map_interleaved": "",
		"mocked/happy":         "",
		"mocked/throttled":     "",
		"fail/wrong_output":    `output.out.greeting: want "bonjour", got "hello"`,
		"fail/wrong_status":    `status: want FAILED (States.Runtime), got SUCCEEDED with output {"who":"world","out":{"greeting":"hello","n":1.0}}`,
		"fail/not_invalid":     `status: want INVALID (AWS: InvalidDefinition: made up), but the definition compiles`,
		"fail/invalid":         `status: want SUCCEEDED, got INVALID: fail/invalid/definition.asl.json:1:13: /StartAt: Missing 'Next' target: Nowhere [MISSING_TRANSITION_TARGET]`,
		"fail/missing_event":   `states[2]: missing {"type":"SucceedStateEntered","name":"Done","input":{}}`,
		"fail/no_expected":     `could not run: no expected.json: a test case needs the outcome it expects`,
		"fail/bad_mock":        `could not run: mock-config.json: mock config: state machine "Orders" has no test case "Nope" (it has "HappyPath", "Throttled")`,
	}
	got := map[string]string{}
	var ids []string
	for _, r := range results {
		ids = append(ids, r.Case.ID)
		got[r.Case.ID] = r.Reason()
		if r.Pass != (r.Reason() == "") {
			t.Errorf("%s: Pass %v with reason %q", r.Case.ID, r.Pass, r.Reason())
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if !sortedStrings(ids) {
		t.Errorf("results not sorted by ID: %q", ids)
	}
}

func sortedStrings(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] > s[i] {
			return false
		}
	}
	return true
}

func TestRunFilterAndJSON(t *testing.T) {
	needGo(t)
	results, err := Run([]string{filepath.Join("testdata", "cases", "pass")},
		Options{Run: regexp.MustCompile(`^pass/(hello|invalid)$`), WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 {
		t.Fatalf("got %d results, want 2", len(results))
	}
	hello := sfnrt.ToJSON(results[0].JSON())
	for _, want := range []string{
		`{"case":"pass/hello","pass":true,"result":{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:hello:`,
		`"status":"SUCCEEDED"`,
		`"output":"{\"who\":\"world\",\"out\":{\"greeting\":\"hello\",\"n\":1.0}}"`,
	} {
		if !strings.Contains(hello, want) {
			t.Errorf("JSON of pass/hello = %s, want it to contain %s", hello, want)
		}
	}
	invalid := sfnrt.ToJSON(results[1].JSON())
	want := `{"case":"pass/invalid","pass":true,"result":{"status":"INVALID","diagnostics":["pass/invalid/definition.asl.json:1:13: /StartAt: Missing 'Next' target: Nowhere [MISSING_TRANSITION_TARGET]"]}}`
	if invalid != want {
		t.Errorf("JSON of pass/invalid =\n%s\nwant\n%s", invalid, want)
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := Run([]string{"testdata/nope"}, Options{}); err == nil {
		t.Error("Run on a missing path succeeded")
	}
	if _, err := Run([]string{"testdata/cases/pass/hello/expected.json"}, Options{}); err == nil {
		t.Error("Run on a file succeeded")
	}
	results, err := Run([]string{"testdata"}, Options{Run: regexp.MustCompile(`matches nothing`)})
	if err != nil || len(results) != 0 {
		t.Errorf("Run with nothing selected = %v, %v", results, err)
	}
}

func TestCaseIDs(t *testing.T) {
	got := caseIDs([]string{"/a/cat/x", "/b/cat/y", "/c/one/z", "/d/one/z", "/x"})
	want := []string{"cat/x", "cat/y", "c/one/z", "d/one/z", "x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("caseIDs (-want +got):\n%s", diff)
	}
}

func TestMachineName(t *testing.T) {
	c := &Case{Dir: "x/base__json_path.items[0]"}
	if got := MachineName(c); got != "base__json_path_items_0_" {
		t.Errorf("MachineName = %q", got)
	}
	c.Expected = &Expected{Mock: &MockRef{StateMachine: "Orders", TestCase: "T"}}
	if got := MachineName(c); got != "Orders" {
		t.Errorf("MachineName with a mock = %q", got)
	}
}

// A hand-written machine package for the program tests: its state runs
// body, a Go statement list over ctx and in.
func machinePackage(body string) []byte {
	return []byte(`package p

import (
	"context"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

var _ = time.Second

func New(h any) *sfnrt.Machine {
	return &sfnrt.Machine{Name: "p", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "S", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			` + body + `
			return sfnimpl.End, in, nil
		},
	}}
}
`)
}

// TestProgramFailures checks that one bad package or execution does not
// take the others down: a package that does not compile, a panic (which
// the runtime turns into a failed execution), a panic in a goroutine of
// the package's own (which kills the program), an execution that never
// ends.
func TestProgramFailures(t *testing.T) {
	needGo(t)
	mod, err := findModule("")
	if err != nil {
		t.Fatal(err)
	}
	goc, _ := exec.LookPath("go")
	pkgs := map[string][]byte{
		"c000000000001": machinePackage(``),
		"c000000000002": machinePackage(`var unused int`),
		"c000000000003": machinePackage(`panic("boom")`),
		"c000000000004": machinePackage(`go func() { panic("crash") }(); time.Sleep(10 * time.Second)`),
		"c000000000005": machinePackage(`for { time.Sleep(time.Millisecond) }`),
	}
	p := &program{dir: t.TempDir(), mod: mod, goc: goc, pkgs: pkgs}
	names := sortedKeys(pkgs)
	bin, broken, err := p.build(names)
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) != 1 || !strings.Contains(broken["c000000000002"], "declared and not used: unused") {
		t.Errorf("broken packages: %q", broken)
	}
	var jobs []*runJob
	for i, name := range []string{"c000000000001", "c000000000003", "c000000000004", "c000000000001", "c000000000005", "c000000000001"} {
		jobs = append(jobs, &runJob{Job: i, Package: name, Input: []byte(`{"i":` + string(rune('0'+i)) + `}`), Type: "STANDARD"})
	}
	res := p.execute(bin, jobs, 2, 3*time.Second)
	for _, i := range []int{0, 3, 5} {
		r := res[i]
		if r == nil || r.err != "" || r.describe == nil {
			t.Errorf("job %d: %+v", i, r)
			continue
		}
		if st, _ := r.describe.Get("status"); st != "SUCCEEDED" {
			t.Errorf("job %d: status %v", i, st)
		}
	}
	if r := res[1]; r == nil || r.describe == nil {
		t.Errorf("job 1: %+v, want a failed execution", r)
	} else if st, _ := r.describe.Get("status"); st != "FAILED" {
		t.Errorf("job 1: status %v, want FAILED", st)
	} else if cause, _ := r.describe.Get("cause"); !strings.Contains(sfnimpl.Text(cause), "The state panicked: boom") {
		t.Errorf("job 1: cause %v", cause)
	}
	for i, want := range map[int]string{2: "panic: crash", 4: "did not finish"} {
		if r := res[i]; r == nil || !strings.Contains(r.err, want) {
			t.Errorf("job %d: %+v, want an error containing %q", i, r, want)
		}
	}
}

func TestAttributeBuildErrors(t *testing.T) {
	out := "# sfntest/c000000000002\n" +
		"c000000000002/machine.go:3:2: declared and not used: x\n" +
		"c000000000002/machine.go:4:2: declared and not used: y\n" +
		"# github.com/sfn-compile/sfn-compile/runtime/sfnrt\n" +
		"runtime/sfnrt/x.go:1:1: bad\n"
	per, other := attributeBuildErrors(out)
	want := map[string]string{"c000000000002": "c000000000002/machine.go:3:2: declared and not used: x\nc000000000002/machine.go:4:2: declared and not used: y"}
	if diff := cmp.Diff(want, per); diff != "" {
		t.Errorf("per package (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"runtime/sfnrt/x.go:1:1: bad"}, other); diff != "" {
		t.Errorf("other (-want +got):\n%s", diff)
	}
}

func TestLockWorkDir(t *testing.T) {
	dir := t.TempDir()
	work, unlock, ok := lockWorkDir(dir)
	if !ok || work != filepath.Join(dir, "work") {
		t.Fatalf("lockWorkDir = %q, %v", work, ok)
	}
	if _, _, ok := lockWorkDir(dir); ok {
		t.Error("locked twice")
	}
	unlock()
	_, unlock, ok = lockWorkDir(dir)
	if !ok {
		t.Fatal("not lockable after unlock")
	}
	// A lock left behind long ago is taken over.
	old := time.Now().Add(-2 * staleLock)
	os.Chtimes(filepath.Join(dir, "work.lock"), old, old)
	if _, _, ok := lockWorkDir(dir); !ok {
		t.Error("a stale lock was not taken over")
	}
	_ = unlock
}

// echoMachine is a hand-built machine whose only Pass state outputs its
// input with "seen": true added.
func echoMachine() *sfnrt.Machine {
	info := sfnimpl.StateInfo{Name: "Echo", Kind: "Pass"}
	return &sfnrt.Machine{Name: "echo", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{info},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			o, ok := in.(*sfnrt.Object)
			if !ok {
				return sfnimpl.End, in, nil
			}
			out := o.Clone()
			out.Set("seen", true)
			return sfnimpl.End, out, nil
		},
	}}
}

func TestRunCases(t *testing.T) {
	RunCases(t, filepath.Join("testdata", "gocases", "pass"), echoMachine())
}

func TestRunCase(t *testing.T) {
	cases, err := findCases([]string{filepath.Join("testdata", "gocases", "fail")}, ExpectedFile)
	if err != nil || len(cases) != 1 {
		t.Fatalf("findCases: %v, %v", cases, err)
	}
	c := cases[0]
	if err := c.load(false); err != nil {
		t.Fatal(err)
	}
	r := RunCase(context.Background(), c, echoMachine())
	want := []string{`output.seen: want false, got true`}
	if diff := cmp.Diff(want, r.Diffs); diff != "" || r.Pass {
		t.Errorf("RunCase: pass %v, diffs (-want +got):\n%s", r.Pass, diff)
	}
}

// TestNotImported keeps the pipeline from depending on its test runner:
// testrun imports compiler and codegen, never the other way round.
func TestNotImported(t *testing.T) {
	needGo(t)
	out, err := exec.Command("go", "list", "-deps", "../compiler", "../codegen", "../ir", "../runtime/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasSuffix(pkg, "/testrun") || strings.Contains(pkg, "/testrun/") {
			t.Errorf("%s is imported by the compiler, codegen, ir or the runtime", pkg)
		}
	}
}
