package sfncli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// waitMachine waits 2 seconds, then outputs the seconds that passed
// between its start and the wait's end on the execution's clock.
func waitMachine() *sfnrt.Machine {
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Nap", Kind: "Wait"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			if err := f.WaitSeconds(ctx, 2); err != nil {
				return sfnimpl.End, nil, err
			}
			return sfnimpl.End, f.X.Clock.Now().Sub(f.X.StartTime).Seconds(), nil
		},
	}
	return &sfnrt.Machine{Name: "nap", Program: p}
}

// TestWaitTimeScale: --wait-time-scale shortens Wait states on the real
// clock, as Step Functions Local's WAIT_TIME_SCALE; bad scales are usage
// errors.
func TestWaitTimeScale(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		min, max time.Duration // the run's wall time
		stderr   string
	}{
		{args: []string{"--wait-time-scale", "0"}, max: time.Second},
		{args: []string{"--wait-time-scale=0.1"}, min: 150 * time.Millisecond, max: 1500 * time.Millisecond},
		{args: nil, min: 2 * time.Second, max: 5 * time.Second},
		{args: []string{"--wait-time-scale", "-1"}, code: 2, stderr: "want a number, 0 or more"},
		{args: []string{"--wait-time-scale", "NaN"}, code: 2, stderr: "want a number, 0 or more"},
		{args: []string{"--wait-time-scale", "fast"}, code: 2, stderr: "want a number, 0 or more"},
		{args: []string{"--wait-time-scale", "0", "--skip-waits"}, code: 2, stderr: "exclude each other"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := MainArgs(waitMachine(), tc.args, nil, &stdout, &stderr)
		took := time.Since(start)
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
			continue
		}
		if code == 0 && (took < tc.min || took > tc.max) {
			t.Errorf("%q: took %v, want between %v and %v", tc.args, took, tc.min, tc.max)
		}
	}
}
