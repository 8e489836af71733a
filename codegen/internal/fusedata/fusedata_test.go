package fusedata

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// inputs are the table of TestFusedAtaMatchesOrdinary and the seeds of
// FuzzFusedAta: integers, integers at and past ±2^53, floats, strings,
// null, arrays, missing members, inputs that are not objects.
var inputs = []string{
	`{"a":1,"b":2,"obj":{"x":3},"n":3,"s":"s"}`,
	`{"a":2,"b":1,"obj":{"x":3},"n":10,"s":"s"}`,
	`{"a":5,"b":5,"obj":{"x":-3,"y":[1]},"n":2,"s":null}`,
	`{"a":1,"b":2,"obj":{"x":9007199254740992},"n":3,"s":1}`,
	`{"a":9007199254740991,"b":9007199254740992,"obj":{"x":1},"n":3,"s":"s"}`,
	`{"a":1.5,"b":2,"obj":{"x":3},"n":3,"s":"s"}`,
	`{"a":1,"b":2.0,"obj":{"x":3},"n":3,"s":"s"}`,
	`{"a":"1","b":"2","obj":{"x":3},"n":3,"s":"s"}`,
	`{"a":1,"b":2,"obj":{"x":[1,2]},"n":3,"s":"s"}`,
	`{"a":1,"b":2,"obj":[{"x":1},{"x":2}],"n":3,"s":"s"}`,
	`{"a":1,"b":2,"n":3,"s":"s"}`,
	`{"a":1,"b":2,"obj":{"x":3},"s":"s"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":3}`,
	`{"a":null,"b":2,"obj":{"x":3},"n":3,"s":"s"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":1e300,"s":"s"}`,
	`{"a":-9007199254740992,"b":2,"obj":{"x":-1},"n":3,"s":"s"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":3,"s":"` + strings.Repeat("ü", 600) + `"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":9,"s":"stop"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":9,"s":"go"}`,
	`{"a":1,"b":2,"obj":{"x":3},"n":9,"s":"other"}`,
	`[1,2]`,
	`"text"`,
	`{}`,
}

// limits are the payload limits each input runs under: AWS's, and small
// ones that an input's variables or outputs pass (the variables' limits
// are 1 and 40 times it).
var limits = []int{0, 100, 300, 2000}

func TestFusedAtaMatchesOrdinary(t *testing.T) {
	m := New(nil)
	ends := map[string]int{}
	for _, in := range inputs {
		for _, limit := range limits {
			fused, ordinary := runBoth(m, sfnrt.MustParseJSON(in), limit)
			if diff := cmp.Diff(ordinary, fused); diff != "" {
				t.Errorf("input %s, payload limit %d: fused differs from the ordinary way (-ordinary +fused):\n%s", in, limit, diff)
			}
			ends[fused.Status+" "+fused.Error]++
		}
	}
	t.Logf("ends: %v", ends)
}

func FuzzFusedAta(f *testing.F) {
	for _, in := range inputs {
		for _, limit := range limits {
			f.Add([]byte(in), uint16(limit))
		}
	}
	m := New(nil)
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		v, err := sfnrt.ParseJSON(data)
		if err != nil {
			return
		}
		fused, ordinary := runBoth(m, v, int(limit))
		if diff := cmp.Diff(ordinary, fused); diff != "" {
			t.Errorf("input %s, payload limit %d: fused differs from the ordinary way (-ordinary +fused):\n%s", data, limit, diff)
		}
	})
}

// outcome is how an execution ended.
type outcome struct{ Status, Error, Cause, Output string }

// runBoth runs the machine on in without a history (fused) and with one
// (state by state, the ordinary code).
func runBoth(m *sfnrt.Machine, in any, limit int) (fused, ordinary outcome) {
	run := func(history bool) outcome {
		r := m.Start(context.Background(), in, sfnrt.Options{History: history, PayloadLimit: limit})
		return outcome{r.Status, r.Error, r.Cause, sfnrt.ToJSON(r.Output)}
	}
	return run(false), run(true)
}

// Every state is fused: the test compares two ways only if there are two.
func TestEveryStateIsFused(t *testing.T) {
	src, err := os.ReadFile("machine_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"state0:", "state1:", "state2:", "state3:", "state4:", "state5:"} {
		if !strings.Contains(string(src), "\n"+label) {
			t.Errorf("machine_gen.go runs no %s fused", strings.TrimSuffix(label, ":"))
		}
	}
}
