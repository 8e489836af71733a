package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sfnrt "github.com/sfn-compile/sfn-compile/runtime/internal/engine"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata"
)

// ataMachine is a one-state machine whose state evaluates src for its
// Output the way generated code does: under the state's context, its
// outcome through AtaResult.
func ataMachine(src string, timeoutSeconds int64, before time.Duration) *sfnrt.Machine {
	e := jsonata.MustParse(src)
	return &sfnrt.Machine{Name: "m", TimeoutSeconds: timeoutSeconds, Program: &sfnrt.Program{
		States: []sfnrt.StateInfo{{Name: "P", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnrt.Frame, state int, in any) (int, any, error) {
			time.Sleep(before)
			v, def, err := e.EvalContext(ctx, in, nil)
			out, err := f.AtaResult("Output", src, v, def, err, errors.Is(err, jsonata.ErrUnsupportedResult))
			return sfnrt.End, out, err
		},
	}}
}

// A machine's TimeoutSeconds reached while an expression evaluates times
// the execution out then, not when the expression's own one-second limit
// would have ended it (half a second later here: that would fail the
// state with States.QueryEvaluationError, so the status tells which came
// first however loaded the machine is).
func TestJSONataEvaluationHonoursMachineTimeout(t *testing.T) {
	m := ataMachine("($f := function($n){ $f($n + 1) }; $f(0))", 1, 500*time.Millisecond)
	start := time.Now()
	res := m.Start(context.Background(), map[string]any{}, sfnrt.Options{})
	elapsed := time.Since(start)
	if res.Status != sfnrt.StatusTimedOut {
		t.Errorf("status %s (%s: %s), want %s", res.Status, res.Error, res.Cause, sfnrt.StatusTimedOut)
	}
	// The deadline counts from the execution's start date, which has
	// AWS's millisecond precision: it may fall up to a millisecond before
	// the test's own reading of the clock.
	if elapsed < time.Second-2*time.Millisecond {
		t.Errorf("ended after %v, before the machine's 1s", elapsed)
	}
}

// Past an evaluation bound the state fails with States.QueryEvaluationError
// and AWS's cause, joined to AWS's sentence by a colon (no JSONata code).
func TestJSONataLimitsFailTheState(t *testing.T) {
	for src, want := range map[string]string{
		"($f := function($n){ $f($n + 1) }; $f(0))":     "Expression evaluation timeout: Check for infinite loop",
		"($d := function($s){ $d($s & $s) }; $d('ab'))": "Expression evaluation memory limit exceeded: Check for excessive memory usage",
		"$pad('x', 1e9)": "Expression evaluation memory limit exceeded: Check for excessive memory usage",
		"($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(40))": "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
	} {
		res := ataMachine(src, 0, 0).Start(context.Background(), map[string]any{}, sfnrt.Options{})
		wantCause := "The JSONata expression '" + src + "' specified for the field 'Output' threw an error during evaluation: " + want
		if res.Status != sfnrt.StatusFailed || res.Error != sfnrt.ErrQueryEvaluationError || !strings.HasSuffix(res.Cause, wantCause) {
			t.Errorf("%s: %s %s: %s\nwant cause ending %s", src, res.Status, res.Error, res.Cause, wantCause)
		}
	}
}
