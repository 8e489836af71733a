package testrun

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// conformanceDir is the corpus of cases recorded on AWS, beside the
// repository: ../shared/conformance/cases from its root.
var conformanceDir = filepath.Join("..", "..", "shared", "conformance", "cases")

// knownFailuresFile lists the cases of the corpus that fail today.
var knownFailuresFile = filepath.Join("..", "testdata", "conformance-known-failures.txt")

const knownFailuresHeader = `# Conformance cases (../shared/conformance/cases) that fail today, one per line:
# category/case<TAB>why (the first line of its diff). The list only shrinks:
# TestConformance in package testrun fails when a case that is not listed
# fails, and when a listed case passes. Regenerate it with
#   SFN_UPDATE=1 go test ./testrun -run TestConformance
`

// TestConformance runs every case of the corpus and holds the pass list:
// a case that passed must not start failing.
func TestConformance(t *testing.T) {
	dir := conformanceDir
	if d := os.Getenv("SFN_CONFORMANCE_DIR"); d != "" {
		dir = d
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no conformance corpus at %s (it lives beside the repository, in ../shared/conformance/cases): %v", dir, err)
	}
	if testing.Short() {
		t.Skip("the conformance corpus takes a minute: skipped in -short mode")
	}
	known, err := readKnownFailures(knownFailuresFile)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Log: testLog{t}}
	if cache, err := os.UserCacheDir(); err == nil {
		opts.CacheDir = filepath.Join(cache, "sfn-compile", "conformance")
	}
	results := runBothWays(t, dir, opts)
	if len(results) == 0 {
		t.Fatalf("no cases under %s", dir)
	}

	logPassRates(t, results)
	logReasons(t, results)

	if os.Getenv("SFN_UPDATE") != "" {
		if err := writeKnownFailures(knownFailuresFile, results); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", knownFailuresFile)
		return
	}
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.Case.ID] = true
		_, listed := known[r.Case.ID]
		switch {
		case r.Pass && listed:
			t.Errorf("%s passes now: remove it from %s (or run SFN_UPDATE=1 go test ./testrun -run TestConformance)", r.Case.ID, knownFailuresFile)
		case !r.Pass && !listed:
			t.Errorf("%s fails, and it is not a known failure:\n    %s", r.Case.ID, strings.Join(r.Diffs, "\n    "))
		}
	}
	for _, id := range sortedKeys(known) {
		if !seen[id] {
			t.Errorf("%s is listed in %s but is not in the corpus: remove it", id, knownFailuresFile)
		}
	}
}

// readKnownFailures parses the list: case ID -> reason.
func readKnownFailures(path string) (map[string]string, error) {
	known := map[string]string{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return known, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, ok := strings.Cut(line, "\t")
		if !ok || id == "" || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want category/case<TAB>reason", path, n)
		}
		if _, dup := known[id]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice", path, n, id)
		}
		known[id] = reason
	}
	return known, sc.Err()
}

// writeKnownFailures writes the failing cases with the first line of
// their diffs.
func writeKnownFailures(path string, results []*CaseResult) error {
	var b strings.Builder
	b.WriteString(knownFailuresHeader)
	for _, r := range results {
		if !r.Pass {
			fmt.Fprintf(&b, "%s\t%s\n", r.Case.ID, oneLine(r.Reason()))
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o666)
}

// oneLine makes a reason fit on one line of the list.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		s = "fails"
	}
	return short(s, 200)
}

// logPassRates logs the pass rate per category and in total.
func logPassRates(t *testing.T, results []*CaseResult) {
	type tally struct{ pass, total int }
	per := map[string]*tally{}
	var all tally
	for _, r := range results {
		cat, _, _ := strings.Cut(r.Case.ID, "/")
		if per[cat] == nil {
			per[cat] = &tally{}
		}
		per[cat].total++
		all.total++
		if r.Pass {
			per[cat].pass++
			all.pass++
		}
	}
	var b strings.Builder
	b.WriteString("pass rate per category:\n")
	for _, cat := range sortedKeys(per) {
		c := per[cat]
		fmt.Fprintf(&b, "  %-22s %4d/%-4d %5.1f%%\n", cat, c.pass, c.total, 100*float64(c.pass)/float64(c.total))
	}
	fmt.Fprintf(&b, "  %-22s %4d/%-4d %5.1f%%", "total", all.pass, all.total, 100*float64(all.pass)/float64(all.total))
	t.Log(b.String())
}

var (
	quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	numberRE = regexp.MustCompile(`\b\d+\b`)
)

// logReasons logs the commonest reasons for failing, with quoted strings
// and numbers blanked so that alike failures group.
func logReasons(t *testing.T, results []*CaseResult) {
	count := map[string]int{}
	for _, r := range results {
		if r.Pass {
			continue
		}
		k := blankStrings(r.Reason())
		k = numberRE.ReplaceAllString(k, "N")
		count[short(k, 140)]++
	}
	keys := sortedKeys(count)
	sort.SliceStable(keys, func(i, j int) bool { return count[keys[i]] > count[keys[j]] })
	if len(keys) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("commonest failure reasons:\n")
	for i, k := range keys {
		if i == 25 {
			fmt.Fprintf(&b, "  ... %d more kinds", len(keys)-i)
			break
		}
		fmt.Fprintf(&b, "  %4d  %s\n", count[k], k)
	}
	t.Log(strings.TrimRight(b.String(), "\n"))
}

// blankStrings replaces the quoted strings of s by "…", except those
// that are object keys.
func blankStrings(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range quotedRE.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		if m[1] < len(s) && s[m[1]] == ':' {
			b.WriteString(s[m[0]:m[1]])
		} else {
			b.WriteString(`"…"`)
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// testLog writes progress messages to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// runBothWays runs the cases under dir twice: with an execution history,
// so that generated code runs state by state, and without one, so that
// it takes its fused path (sfnimpl.Program.Fast) where it has one. Both
// must end the same way (status, error, cause and output); it returns
// the verdicts of the first run.
func runBothWays(t *testing.T, dir string, opts Options) []*CaseResult {
	t.Helper()
	opts.History = HistoryAlways
	results, err := Run([]string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.History = HistoryNever
	bare, err := Run([]string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(bare) != len(results) {
		t.Fatalf("%d cases with a history, %d without", len(results), len(bare))
	}
	for i, r := range bare {
		want, got := results[i].Outcome, r.Outcome
		if diff := cmp.Diff(endOf(want), endOf(got)); diff != "" {
			def, _ := os.ReadFile(filepath.Join(r.Case.Dir, DefinitionFile))
			in, _ := os.ReadFile(filepath.Join(r.Case.Dir, "input.json"))
			t.Errorf("%s ends differently without a history (-with +without):\n%s\ndefinition: %s\ninput: %s", r.Case.ID, diff, def, in)
		}
	}
	return results
}

// end is how an execution ended, without its history.
type end struct {
	Status, Error, Cause string
	Output               string
}

func endOf(o *Outcome) end {
	e := end{Status: o.Status, Error: o.Error, Cause: o.Cause}
	if o.Status == "ERROR" {
		e.Cause = o.Message
	}
	if o.Output != nil {
		e.Output = sfnrt.ToJSON(o.Output)
	}
	// Each run's fake clock starts at its own real time.
	e.Cause = timestamp.ReplaceAllString(e.Cause, "<time>")
	e.Output = timestamp.ReplaceAllString(e.Output, "<time>")
	return e
}

var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
