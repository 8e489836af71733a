package testrun

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// RunCases runs the test case folders under dir against m, in-process,
// each as a subtest of t named after the case's ID. It is for an
// application's own tests: m comes from its generated package, built with
// its real Task handlers (New(handlers)). A case folder is any folder
// holding an expected.json; its input.json (default {}) is the input,
// and its mock-config.json, when expected.json selects a test case of it,
// answers the Task states that m has no handler for. definition.asl.json
// is not read: m is what runs, so cases expecting INVALID are skipped.
//
//	func TestCases(t *testing.T) {
//		testrun.RunCases(t, "testdata/cases", order.New(handlers{}))
//	}
func RunCases(t *testing.T, dir string, m *sfnrt.Machine) {
	t.Helper()
	cases, err := findCases([]string{dir}, ExpectedFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no test cases (folders holding %s) under %s", ExpectedFile, dir)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			if err := c.load(false); err != nil {
				t.Fatalf("%s: %v", c.Dir, err)
			}
			if c.Expected.Status == StatusInvalid {
				t.Skipf("%s expects an INVALID definition: RunCases runs a machine that compiled", c.ID)
			}
			r := RunCase(context.Background(), c, m)
			if !r.Pass {
				t.Errorf("%s:\n    %s", c.Dir, strings.Join(r.Diffs, "\n    "))
			}
		})
	}
}

// RunCase runs a loaded case against m in-process and compares the
// outcome with the case's expected.json: on a fake clock, with the
// case's mock config binding the Task states m has no handler for, and a
// seed derived from the case's ID for random numbers and UUIDs. An
// execution still running after a minute is aborted.
func RunCase(ctx context.Context, c *Case, m *sfnrt.Machine) *CaseResult {
	if c.Err != nil {
		return verdict(c, &Outcome{Status: StatusError, Message: c.Err.Error()})
	}
	input, err := sfnrt.ParseJSON(c.Input)
	if err != nil {
		return verdict(c, &Outcome{Status: StatusError, Message: "input: " + err.Error()})
	}
	seed := caseSeed(c)
	opts := sfnrt.Options{
		Type:      c.Expected.Type(),
		SkipWaits: true,
		History:   c.Expected.HasStates,
		Seed:      &seed,
	}
	if c.Expected.Mock != nil {
		tasks, err := sfnmock.LoadMockConfig(c.MockConfig, c.Expected.Mock.StateMachine, c.Expected.Mock.TestCase)
		if err != nil {
			return verdict(c, &Outcome{Status: StatusError, Message: err.Error()})
		}
		opts.Tasks = tasks
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return verdict(c, OutcomeOf(m.Start(ctx, input, opts)))
}
