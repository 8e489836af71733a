package engine

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMapFromItem: an iteration whose processor's fused code starts from
// the item (FromItem) runs no selector; where fused code declines, the
// selector and the processor run the ordinary way; where it hands a state
// over, the ordinary path goes on from there; a context already done
// runs no fused code, and the iteration fails as the ordinary path
// fails it. Events are counted alike every way.
func TestMapFromItem(t *testing.T) {
	// The processor: state 0 wraps its input as {"v": in}, state 1
	// (ordinary only) adds "done": true. Its fused code, from an item
	// n: n < 0 declines; n == 0 hands state 0 over on {"sel": n}; else
	// runs state 0 on {"sel": n} and ends.
	wrap := func(in any) any { return ObjectOf(Member{"v", in}) }
	proc := &Program{
		States: []StateInfo{{Name: "Wrap", Kind: "Pass"}, {Name: "Mark", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if state == 0 {
				return 1, wrap(in), nil
			}
			return End, ObjectOf(append(in.(*Object).Members(), Member{"done", true})...), nil
		},
		Fast: func(ctx context.Context, f *Frame, state int, in any) (int, any) {
			if state != FromItem {
				return state, in
			}
			switch n := in.(int64); {
			case n < 0:
				return FromItem, in
			case n == 0:
				return 0, ObjectOf(Member{"sel", n})
			}
			f.Transitions(1)
			return End, wrap(ObjectOf(Member{"sel", in}))
		},
	}
	sel := func(f *Frame, item any, i int) (any, error) {
		return ObjectOf(Member{"sel", item}, Member{"by", "selector"}), nil
	}
	tests := []struct {
		name      string
		item      int64
		cancelled bool
		want      string
		events    int64 // counted by the Map's iterations
	}{
		{name: "fused to the end", item: 7, want: `[{"v":{"sel":7}}]`, events: 4},
		{name: "declined", item: -1, want: `[{"v":{"sel":-1,"by":"selector"},"done":true}]`, events: 6},
		{name: "handed over", item: 0, want: `[{"v":{"sel":0},"done":true}]`, events: 6},
		{name: "context done", item: 7, cancelled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancelled {
				cancel()
			}
			defer cancel()
			x := &Execution{Clock: RealClock{}}
			f := &Frame{X: x, Vars: NewScope(nil), State: "Map"}
			out, err := f.Map(ctx, []any{tt.item}, MapConfig{MaxConcurrency: 1}, sel, proc)
			if tt.cancelled {
				// The ordinary path's error, not fused code's output.
				if want := AsError(contextError(ctx)).Name; err == nil || AsError(err).Name != want {
					t.Fatalf("error %v, want %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ToJSON(out)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			// MapStateStarted and Succeeded, and the iteration's.
			if diff := cmp.Diff(2+tt.events, x.events.n.Load()); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}
