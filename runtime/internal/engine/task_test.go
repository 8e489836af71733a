package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// taskEnd is how a Task attempt ended: its output, its error and the
// events it counted, and the bound the frame keeps of its output.
type taskEnd struct {
	Out, Err string
	Events   int64
	Bound    int
}

// TestRunTaskInlineEndsAsTaskFunc: a typed handler run through
// RunTaskInline, whose size bound may let it skip the payload check,
// ends every attempt exactly as the same handler run as a TaskFunc
// (runTaskFunc, which measures its output): outputs under, at and over
// the payload limit, with bounds under, at and over it (a bound only
// bounds: over the limit, the output is measured), no limit, and a
// history with no room for the task's last event.
func TestRunTaskInlineEndsAsTaskFunc(t *testing.T) {
	text := func(n int) *Object { return ObjectOf(Member{"s", strings.Repeat("a", n)}) } // n+8 bytes
	tests := []struct {
		name      string
		out       *Object
		bound     int
		limit     int
		maxEvents int64
	}{
		{"bound within the limit", text(10), 30, 100, 0},
		{"bound at the limit", text(10), 100, 100, 0},
		{"bound over the limit, output within", text(10), 500, 100, 0},
		{"bound over the limit, output at it", text(92), 500, 100, 0},
		{"bound over the limit, output over", text(93), 500, 100, 0},
		{"bound just over the limit, output over", text(93), 101, 100, 0},
		{"no bound, output over", text(93), 0, 100, 0},
		{"no limit", text(1000), 1100, 0, 0},
		{"no room for the last event", text(10), 30, 100, 3},
		{"room for the last event", text(10), 30, 100, 4},
		{"no room for the started event", text(10), 30, 100, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			do := func(inline bool) taskEnd {
				x := &Execution{payloadLimit: tt.limit, maxEvents: tt.maxEvents}
				f := &Frame{X: x}
				var out any
				var err error
				if inline {
					out, err = RunTaskInline(context.Background(), f, false, func(*Frame, context.Context, int) (any, int, error) {
						return tt.out, tt.bound, nil
					}, f, 0)
				} else {
					out, err = f.runTaskFunc(context.Background(), nil, func(context.Context, any) (any, error) {
						return tt.out, nil
					})
				}
				end := taskEnd{Out: ToJSON(out), Events: x.events.n.Load()}
				if err != nil {
					e := AsError(err)
					end.Err = e.Name + ": " + e.Cause
				}
				if err == nil && samePayload(out, f.made) {
					// A bound the frame keeps must bound the output.
					if size := len(ToJSON(out)); f.madeBound > 0 && f.madeBound < size {
						t.Errorf("inline %v: bound %d kept of an output of %d bytes", inline, f.madeBound, size)
					}
				}
				return end
			}
			want, got := do(false), do(true)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("RunTaskInline ends otherwise than runTaskFunc (-TaskFunc +inline):\n%s", diff)
			}
		})
	}
}
