package testrun

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFusedRandomMachines runs random machines of JSONPath Pass, Choice,
// Succeed and Fail states, on random inputs, with an execution history
// (state by state) and without one (generated code's fused path), and
// requires both runs of each to end the same way: status, error, cause
// and output. The machines are drawn from a fixed seed, so a failure
// reproduces; SFN_FUSED_SEED and SFN_FUSED_N draw others.
func TestFusedRandomMachines(t *testing.T) {
	dir, r, n := randomCasesDir(t, 120, 0x9e3779b97f4a7c15, "fused-random-")
	for i := 0; i < n; i++ {
		g := &machineGen{r: r}
		def := g.machine()
		in := g.input()
		if _, isMap := def.(map[string]any)["States"].(map[string]any)["M"]; isMap {
			in = map[string]any{"items": []any{in, g.input(), g.value(1)}}
		}
		writeCase(t, filepath.Join(dir, "random", fmt.Sprintf("m%03d", i)), def, in)
	}
	with := runBothWays(t, dir, Options{WorkDir: filepath.Join(dir, "work")})
	statuses := map[string]int{}
	for _, r := range with {
		statuses[r.Outcome.Status+" "+r.Outcome.Error]++
		// Two runs that could not execute would end alike.
		if s := r.Outcome.Status; s != "SUCCEEDED" && s != "FAILED" {
			t.Errorf("%s: %s %s %s", r.Case.ID, s, r.Outcome.Message, strings.Join(r.Outcome.Diagnostics, "; "))
		}
	}
	t.Logf("%d machines: %v", len(with), statuses)
	if os.Getenv("SFN_FUSED_KEEP") != "" {
		t.Logf("cases kept in %s", dir)
		t.Fail()
	}
}

// randomCasesDir returns the folder of the random cases of a test, its
// draw (from a fixed seed on stream, so that a failure reproduces;
// SFN_FUSED_SEED draws others) and how many cases to draw (n, or
// SFN_FUSED_N). With SFN_FUSED_KEEP set, the folder is kept
// (prefix names it).
func randomCasesDir(t *testing.T, n int, stream uint64, prefix string) (string, *rand.Rand, int) {
	needGo(t)
	seed := uint64(1)
	if s := os.Getenv("SFN_FUSED_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	if s := os.Getenv("SFN_FUSED_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	dir := t.TempDir()
	if os.Getenv("SFN_FUSED_KEEP") != "" {
		dir, _ = os.MkdirTemp("", prefix)
	}
	return dir, rand.New(rand.NewPCG(seed, stream)), n
}

// writeCase writes a case of definition def on input in, whose two runs
// are compared with each other only.
func writeCase(t *testing.T, dir string, def, in any) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]any{
		DefinitionFile:  def,
		"input.json":    in,
		"expected.json": map[string]any{"status": "SUCCEEDED"},
	} {
		b, err := json.MarshalIndent(data, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

// machineGen draws a machine: a few Pass and Choice states in a row, the
// Choices jumping forward or back to a counting loop, ending in Succeed
// or Fail.
type machineGen struct {
	r *rand.Rand
}

// keys are the members random inputs have, and paths read.
var genKeys = []string{"a", "b", "c", "d", "obj", "arr", "i"}

func (g *machineGen) pick(xs ...any) any { return xs[g.r.IntN(len(xs))] }

func (g *machineGen) input() any {
	// Every member exists, of the kind most paths expect, now and then
	// of another.
	in := map[string]any{
		"a":   g.number(),
		"b":   g.number(),
		"c":   g.pick("x", "text", "{\"k\":1}").(string),
		"d":   g.value(1),
		"obj": map[string]any{"x": g.number(), "y": g.value(1)},
		"arr": []any{g.number(), g.number(), "z"},
		"i":   0,
	}
	if g.r.IntN(6) == 0 {
		in[genKeys[g.r.IntN(6)]] = g.value(2)
	}
	return in
}

// number draws an integer MathAdd takes, mostly.
func (g *machineGen) number() any {
	if g.r.IntN(8) == 0 {
		return g.pick(1.5, 2147483648, -2.5, 1e300)
	}
	return g.pick(0, 1, 7, -3, 300, 65535)
}

// value draws a JSON value: numbers of every kind, strings, booleans,
// null, objects and arrays.
func (g *machineGen) value(depth int) any {
	switch n := g.r.IntN(10); {
	case n < 3:
		return g.pick(0, 1, 7, -3, 300, 2147483647, 2147483648, int64(1)<<53+1)
	case n < 4:
		return g.pick(1.5, -2.5, 2.0, 1e300)
	case n < 6:
		return g.pick("", "x", "text", "2024-01-02T03:04:05Z", "{\"k\":1}", "a\"b")
	case n < 7:
		return g.pick(true, false, nil)
	case depth > 0 && n < 9:
		o := map[string]any{}
		for _, k := range []string{"x", "y"} {
			if g.r.IntN(3) > 0 {
				o[k] = g.value(depth - 1)
			}
		}
		return o
	case depth > 0:
		return []any{g.value(depth - 1), g.value(depth - 1)}
	}
	return 1
}

// path draws a reference path to read: mostly members that exist.
func (g *machineGen) path() string {
	switch g.r.IntN(24) {
	case 0:
		return "$"
	case 1:
		return "$.missing"
	case 2:
		return "$.r"
	case 3, 4:
		return "$.obj.x"
	case 5, 6:
		return "$.arr[1]"
	case 7:
		return "$.d"
	case 8, 9:
		return "$.c"
	}
	return g.pick("$.a", "$.b").(string)
}

// intrinsic draws an intrinsic call on paths and literals.
func (g *machineGen) intrinsic() string {
	arg := func() string {
		if g.r.IntN(3) == 0 {
			return fmt.Sprint(g.pick(1, -2, 1.5, 100000))
		}
		return g.path()
	}
	switch g.r.IntN(10) {
	case 0:
		return fmt.Sprintf("States.Format('{}/{}', %s, %s)", arg(), arg())
	case 1:
		return "States.ArrayLength($.arr)"
	case 2:
		return fmt.Sprintf("States.StringToJson(%s)", g.pick("$.c", "'[1,2]'"))
	case 3:
		return fmt.Sprintf("States.Array(%s, 1)", arg())
	case 4:
		return fmt.Sprintf("States.MathAdd(States.MathAdd(%s, 1), %s)", arg(), arg())
	}
	return fmt.Sprintf("States.MathAdd(%s, %s)", arg(), arg())
}

// template draws a Parameters object.
func (g *machineGen) template(depth int) map[string]any {
	t := map[string]any{}
	for j := 0; j < 1+g.r.IntN(4); j++ {
		// Not "i": the counting loop's counter only grows.
		k := genKeys[g.r.IntN(len(genKeys)-1)]
		if _, dup := t[k]; dup {
			continue
		}
		if _, dup := t[k+".$"]; dup {
			continue
		}
		switch g.r.IntN(6) {
		case 0:
			t[k] = g.value(1)
		case 1, 2:
			t[k+".$"] = g.path()
		case 3, 4:
			t[k+".$"] = g.intrinsic()
		default:
			if depth > 0 {
				t[k] = g.template(depth - 1)
			} else {
				t[k] = g.value(0)
			}
		}
	}
	return t
}

// optionalPath draws an InputPath, ResultPath or OutputPath: absent most
// often.
func (g *machineGen) optionalPath(state map[string]any, field string, choices ...any) {
	if g.r.IntN(3) == 0 {
		state[field] = g.pick(choices...)
	}
}

// rule draws a Choice rule.
func (g *machineGen) rule(depth int) map[string]any {
	if depth > 0 && g.r.IntN(4) == 0 {
		var rules []any
		for j := 0; j < 2; j++ {
			rules = append(rules, g.rule(depth-1))
		}
		switch g.r.IntN(3) {
		case 0:
			return map[string]any{"And": rules}
		case 1:
			return map[string]any{"Or": rules}
		}
		return map[string]any{"Not": rules[0]}
	}
	v := g.path()
	if v == "$" {
		v = "$.a"
	}
	switch g.r.IntN(9) {
	case 0:
		return map[string]any{"Variable": v, "IsPresent": g.r.IntN(2) == 0}
	case 1:
		return map[string]any{"Variable": v, "NumericLessThanPath": g.path()}
	case 2:
		return map[string]any{"Variable": v, "NumericGreaterThan": g.pick(0, 1.5, 300)}
	case 3:
		return map[string]any{"Variable": v, "NumericEquals": g.pick(2, 2.0, 7)}
	case 4:
		return map[string]any{"Variable": v, "StringEquals": g.pick("x", "text", "7")}
	case 5:
		return map[string]any{"Variable": v, "IsNumeric": g.r.IntN(2) == 0}
	case 6:
		return map[string]any{"Variable": v, "IsNull": g.r.IntN(2) == 0}
	case 7:
		return map[string]any{"Variable": v, "BooleanEquals": true}
	}
	return map[string]any{"Variable": v, "NumericLessThanEqualsPath": g.path()}
}

// machine draws the definition: S0..Sn-1, a counting loop (Count, Loop)
// that any Choice may jump back to at most three times, Done and Bad; a
// quarter of the time as the branch of a Parallel, a quarter as the
// item processor of a Map.
func (g *machineGen) machine() any {
	n := 2 + g.r.IntN(5)
	name := func(i int) string {
		if i >= n {
			return "Done"
		}
		return fmt.Sprintf("S%d", i)
	}
	states := map[string]any{
		"Count": map[string]any{"Type": "Pass", "Parameters": map[string]any{"i.$": "States.MathAdd($.i, 1)", "a.$": "$.a", "obj.$": "$.obj"}, "Next": "Loop"},
		"Loop": map[string]any{"Type": "Choice", "Choices": []any{
			map[string]any{"Variable": "$.i", "NumericLessThan": 3, "Next": "Count"},
		}, "Default": "Done"},
		"Done": map[string]any{"Type": "Succeed"},
		"Bad":  map[string]any{"Type": "Fail", "Error": "Bad", "Cause": "a rule sent it here"},
	}
	if g.r.IntN(3) == 0 {
		states["Done"].(map[string]any)["OutputPath"] = g.pick("$.a", "$.r", "$")
	}
	for i := 0; i < n; i++ {
		s := map[string]any{}
		if g.r.IntN(3) > 0 {
			s["Type"] = "Pass"
			switch g.r.IntN(5) {
			case 0:
				s["Result"] = g.value(2)
			case 1:
			default:
				s["Parameters"] = g.template(1)
			}
			g.optionalPath(s, "InputPath", "$.obj", nil, "$")
			// Mostly beside the input: a template that replaces it
			// leaves the paths of later states little to read.
			if g.r.IntN(2) == 0 {
				s["ResultPath"] = g.pick("$.r", "$.r", "$.r", "$.a", "$.obj.z", "$.n.m", nil, "$")
			}
			g.optionalPath(s, "OutputPath", "$.r", "$.a", "$")
			s["Next"] = name(i + 1)
		} else {
			s["Type"] = "Choice"
			var choices []any
			for j := 0; j < 1+g.r.IntN(2); j++ {
				c := g.rule(1)
				c["Next"] = g.pick(name(i+1), name(i+1), name(i+1+g.r.IntN(n)), "Bad", "Count", "Count")
				choices = append(choices, c)
			}
			s["Choices"] = choices
			if g.r.IntN(5) > 0 {
				s["Default"] = name(i + 1)
			}
		}
		states[name(i)] = s
	}
	prune(states, "S0")
	m := map[string]any{"StartAt": "S0", "States": states}
	// Fused code runs in Parallel branches and Map iterations too.
	switch g.r.IntN(4) {
	case 0:
		return map[string]any{"StartAt": "P", "States": map[string]any{
			// One branch: the events of another, running at the same
			// time, would move the event ids that error causes quote.
			"P": map[string]any{"Type": "Parallel", "End": true, "Branches": []any{m}},
		}}
	case 1:
		// One item at a time: with several failing, which one's error
		// ends the Map would depend on timing.
		mp := map[string]any{"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": m, "MaxConcurrency": 1, "End": true}
		if g.r.IntN(2) == 0 {
			// Fused code starts from the item (sfnimpl.FromItem).
			mp["ItemSelector"] = g.itemSelector()
		}
		return map[string]any{"StartAt": "M", "States": map[string]any{"M": mp}}
	}
	return m
}

// itemSelector draws a Map's ItemSelector: mostly the members of the item
// the states read, now and then a member the item lacks (the selector
// fails), a member of a member, a literal, or the item's index (which
// fused code does not read).
func (g *machineGen) itemSelector() map[string]any {
	sel := map[string]any{}
	for _, k := range []string{"a", "b", "c", "d", "obj", "arr", "i"} {
		if g.r.IntN(6) > 0 {
			sel[k+".$"] = "$$.Map.Item.Value." + k
		}
	}
	switch g.r.IntN(6) {
	case 0:
		sel["zz.$"] = "$$.Map.Item.Value.zz"
	case 1:
		sel["x.$"] = "$$.Map.Item.Value.obj.x"
	case 2:
		sel["lit"] = g.value(1)
	case 3:
		sel["index.$"] = "$$.Map.Item.Index"
	case 4:
		sel["whole.$"] = "$$.Map.Item.Value"
	}
	return sel
}

// prune drops the states that cannot be reached from start, which a
// definition may not have.
func prune(states map[string]any, start string) {
	reached := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if reached[name] || states[name] == nil {
			return
		}
		reached[name] = true
		s := states[name].(map[string]any)
		for _, k := range []string{"Next", "Default"} {
			if next, ok := s[k].(string); ok {
				visit(next)
			}
		}
		if choices, ok := s["Choices"].([]any); ok {
			for _, c := range choices {
				visit(c.(map[string]any)["Next"].(string))
			}
		}
	}
	visit(start)
	for name := range states {
		if !reached[name] {
			delete(states, name)
		}
	}
}
