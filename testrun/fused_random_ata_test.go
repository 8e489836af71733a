package testrun

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFusedRandomAtaMachines is TestFusedRandomMachines for JSONata:
// random machines of JSONata Pass, Choice, Succeed and Fail states, whose
// Assign, Condition and Output expressions read $states.input and
// workflow variables, add and compare, on random inputs (integers near
// ±2^53, floats, strings, null, arrays, missing members), run with an
// execution history (state by state, the engine deciding what the Go
// code does not) and without one (the fused path, variables in Go
// locals); both runs of each must end the same way. SFN_FUSED_SEED and
// SFN_FUSED_N draw others.
func TestFusedRandomAtaMachines(t *testing.T) {
	dir, r, n := randomCasesDir(t, 100, 0x51f15eed, "fused-random-ata-")
	cases := map[string][2]any{}
	for i := 0; i < n; i++ {
		g := &ataMachineGen{r: r}
		def := g.machine()
		in := g.input()
		if _, isMap := def["States"].(map[string]any)["M"]; isMap {
			in = map[string]any{"items": []any{in, g.input(), g.value(1)}, "n": 2}
		}
		cases[fmt.Sprintf("m%03d", i)] = [2]any{def, in}
	}
	for name, c := range ataTableCases() {
		cases[name] = c
	}
	for name, c := range cases {
		writeCase(t, filepath.Join(dir, "random", name), c[0], c[1])
	}
	with := runBothWays(t, dir, Options{WorkDir: filepath.Join(dir, "work")})
	statuses := map[string]int{}
	for _, r := range with {
		statuses[r.Outcome.Status+" "+r.Outcome.Error]++
		if s := r.Outcome.Status; s != "SUCCEEDED" && s != "FAILED" {
			t.Errorf("%s: %s %s %s", r.Case.ID, s, r.Outcome.Message, strings.Join(r.Outcome.Diagnostics, "; "))
		}
		if strings.HasPrefix(filepath.Base(r.Case.ID), "limit-") && r.Outcome.Error != "States.DataLimitExceeded" {
			t.Errorf("%s: %s %s, want States.DataLimitExceeded", r.Case.ID, r.Outcome.Status, r.Outcome.Error)
		}
		if filepath.Base(r.Case.ID) == "scope-swap" {
			if got, want := endOf(r.Outcome).Output, `{"before":{"x":1,"y":2},"x":2,"y":1}`; got != want {
				t.Errorf("scope-swap: output %s, want %s", got, want)
			}
		}
	}
	t.Logf("%d machines: %v", len(with), statuses)
	if os.Getenv("SFN_FUSED_KEEP") != "" {
		for _, r := range with {
			t.Logf("%s: %s %s %s", r.Case.ID, r.Outcome.Status, r.Outcome.Error, r.Outcome.Cause)
		}
		t.Logf("cases kept in %s", dir)
		t.Fail()
	}
}

// ataTableCases are machines of the subtleties of variables: fused
// states that pass AWS's limits on variables, one Assign over 256 KiB and
// an execution's variables over 10 MiB (states assigning an array of
// 228 KB, whose size bound fits the payload limit, to ever more
// variables, one a state), which fused code must leave to the ordinary
// code to report; an Assign and an Output that read the variables the
// Assign replaces.
func ataTableCases() map[string][2]any {
	big := make([]any, 12_000)
	for i := range big {
		big[i] = int64(123456789012345678)
	}
	pass := func(assign map[string]any, next string) map[string]any {
		return map[string]any{"Type": "Pass", "Assign": assign, "Next": next}
	}
	perAssign := map[string]any{"QueryLanguage": "JSONata", "StartAt": "A", "States": map[string]any{
		"A":    pass(map[string]any{"i": 0}, "B"),
		"B":    pass(map[string]any{"a": "{% $states.input.s %}", "b": "{% $states.input.s %}", "i": "{% $i + 1 %}"}, "Done"),
		"Done": map[string]any{"Type": "Succeed", "Output": "{% $i %}"},
	}}
	states := map[string]any{
		"Init": pass(map[string]any{"i": 0}, "S00"),
		"Done": map[string]any{"Type": "Succeed", "Output": "{% $i %}"},
	}
	// Named in the order they run: fused code runs them in order of their
	// index, in functions of bounded size.
	for k := 0; k < 60; k++ {
		next := fmt.Sprintf("S%02d", k+1)
		if k == 59 {
			next = "Done"
		}
		states[fmt.Sprintf("S%02d", k)] = pass(map[string]any{fmt.Sprintf("v%d", k): "{% $states.input.s %}", "i": "{% $i + 1 %}"}, next)
	}
	total := map[string]any{"QueryLanguage": "JSONata", "StartAt": "Init", "States": states}
	// Assign and Output read the variables as they were before the
	// state: Swap's Output is {"x":1,"y":2}, Done's {"x":2,"y":1} (the
	// definition's keys are in sorted order, as json.Marshal writes a
	// map).
	swap := map[string]any{"QueryLanguage": "JSONata", "StartAt": "Init", "States": map[string]any{
		"Init": pass(map[string]any{"x": 1, "y": 2}, "Swap"),
		"Swap": map[string]any{"Type": "Pass", "Assign": map[string]any{"x": "{% $y %}", "y": "{% $x %}"},
			"Output": map[string]any{"x": "{% $x %}", "y": "{% $y %}"}, "Next": "Done"},
		"Done": map[string]any{"Type": "Succeed", "Output": map[string]any{"x": "{% $x %}", "y": "{% $y %}", "before": "{% $states.input %}"}},
	}}
	return map[string][2]any{
		"limit-assign": {perAssign, map[string]any{"s": big}},
		"limit-total":  {total, map[string]any{"s": big}},
		"scope-swap":   {swap, map[string]any{}},
	}
}

// ataMachineGen draws a JSONata machine: an Init that assigns the
// counter, a few Pass and Choice states in a row, the Choices jumping
// forward, or back to a counting loop, ending in Succeed or Fail.
type ataMachineGen struct {
	r     *rand.Rand
	wrap  int  // 0: in a Parallel, 1: in a Map, else the machine itself
	outer bool // the machine is a Map's item processor: $o is the outer variable
}

func (g *ataMachineGen) pick(xs ...any) any { return xs[g.r.IntN(len(xs))] }

// ataVars are the variables the machines' states assign ("i" is the
// loop's counter, which only the loop assigns; Init assigns them all,
// "s" is read, never assigned).
var ataVars = []string{"x", "y", "n"}

func (g *ataMachineGen) input() map[string]any {
	in := map[string]any{
		"a":   g.number(),
		"b":   g.number(),
		"c":   g.pick("x", "text", "").(string),
		"d":   g.value(1),
		"obj": map[string]any{"x": g.number(), "y": g.value(1)},
		"arr": []any{g.number(), g.number()},
		"n":   g.pick(0, 2, 3).(int),
	}
	if g.r.IntN(6) == 0 {
		in[g.pick("a", "b", "obj").(string)] = g.value(2)
	}
	return in
}

// number draws an integer within ±2^53 mostly, now and then past it or
// not an integer.
func (g *ataMachineGen) number() any {
	if g.r.IntN(6) == 0 {
		return g.pick(1.5, int64(1)<<53, int64(1)<<53+1, -(int64(1) << 53), 1e300, -2.5, 2.0)
	}
	return g.pick(0, 1, 7, -3, 300, 65535)
}

func (g *ataMachineGen) value(depth int) any {
	switch n := g.r.IntN(10); {
	case n < 3:
		return g.number()
	case n < 5:
		return g.pick("", "x", "text")
	case n < 7:
		return g.pick(true, false, nil)
	case depth > 0 && n < 9:
		return map[string]any{"x": g.value(depth - 1), "k": g.number()}
	case depth > 0:
		return []any{g.value(depth - 1), g.value(depth - 1)}
	}
	return 1
}

// operand draws an expression of a value: mostly an integer (a literal,
// a member of the input, a variable), now and then something else (a
// string, null, an array, a missing member, an unset variable).
func (g *ataMachineGen) operand() string {
	switch g.r.IntN(80) {
	case 0:
		return fmt.Sprint(g.pick(9007199254740992, 1.5, "'x'", "true", "null"))
	case 1:
		return "$states.input." + g.pick("d", "c", "arr", "missing", "obj.y").(string)
	case 2:
		return "$" + g.pick("x", "y", "s").(string) + ".k"
	case 3:
		if g.outer {
			return "$o"
		}
		return "$s"
	case 4:
		return "$states.input.c" // a string
	}
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprint(g.pick(0, 1, 5, -2))
	case 1:
		return "$states.input." + g.pick("a", "b", "obj.x").(string)
	case 2:
		return "$i"
	}
	return "$" + g.pick("x", "n", "y").(string)
}

// expr draws an expression: mostly the forms fused code compiles, now
// and then one the engine alone evaluates.
func (g *ataMachineGen) expr(depth int) string {
	if depth <= 0 {
		return g.operand()
	}
	switch g.r.IntN(12) {
	case 0, 1, 2:
		return g.operand()
	case 3, 4, 5, 6:
		return g.expr(depth-1) + g.pick(" + ", " - ", " + ").(string) + g.expr(depth-1)
	case 7, 8:
		return g.comparison(depth - 1)
	case 9:
		return g.pick("$abs(", "$count(", "$floor(").(string) + g.expr(depth-1) + ")"
	case 10:
		return g.expr(depth-1) + " * " + g.operand()
	}
	return "(" + g.expr(depth-1) + ")"
}

// comparison compares two sums (a comparison of a comparison is an
// error, rare in drawn machines), or an operand with a string, or joins
// two comparisons with and/or.
func (g *ataMachineGen) comparison(depth int) string {
	switch g.r.IntN(8) {
	case 0:
		return g.operand() + g.pick(" = ", " != ").(string) + g.pick("'x'", "'text'", "''").(string)
	case 1:
		if depth > 0 {
			return "(" + g.comparison(depth-1) + g.pick(" and ", " or ").(string) + g.comparison(depth-1) + ")"
		}
	}
	return g.sum(depth) + g.pick(" < ", " <= ", " > ", " >= ", " = ", " != ").(string) + g.sum(depth)
}

// sum draws an operand or a sum of two.
func (g *ataMachineGen) sum(depth int) string {
	if depth > 0 && g.r.IntN(2) == 0 {
		return g.operand() + g.pick(" + ", " - ").(string) + g.operand()
	}
	return g.operand()
}

// assign draws an Assign of one to three variables.
func (g *ataMachineGen) assign() map[string]any {
	a := map[string]any{}
	for j := 0; j < 1+g.r.IntN(3); j++ {
		v := ataVars[g.r.IntN(len(ataVars))]
		switch g.r.IntN(8) {
		case 0:
			a[v] = g.value(1)
		case 1:
			a[v] = "{% " + g.expr(2) + " %}"
		default:
			a[v] = "{% " + g.sum(1) + " %}"
		}
	}
	return a
}

// output draws an Output: an object of expressions and literals, or one
// expression.
func (g *ataMachineGen) output() any {
	if g.r.IntN(8) == 0 {
		return "{% " + g.expr(2) + " %}"
	}
	// The members later states read stay, mostly.
	o := map[string]any{"a": "{% $states.input.a %}", "b": "{% $states.input.b %}", "obj": "{% $states.input.obj %}"}
	for j := 0; j < 1+g.r.IntN(3); j++ {
		k := g.pick("r", "q", "r", "q", "a").(string)
		if g.r.IntN(5) == 0 {
			o[k] = g.value(1)
		} else {
			o[k] = "{% " + g.expr(2) + " %}"
		}
	}
	return o
}

// condition draws a Choice rule's Condition.
func (g *ataMachineGen) condition() any {
	switch g.r.IntN(16) {
	case 0:
		return g.r.IntN(2) == 0
	case 1:
		return "{% " + g.pick("$states.input.d", "$y", "true").(string) + " %}"
	}
	return "{% " + g.comparison(1) + " %}"
}

// machine draws the definition; a quarter of the time as the branch of
// a Parallel, a quarter as the item processor of a Map (whose states
// read the variables of the machine around them).
func (g *ataMachineGen) machine() map[string]any {
	g.wrap = g.r.IntN(4)
	g.outer = g.wrap == 1
	n := 2 + g.r.IntN(5)
	name := func(i int) string {
		if i >= n {
			return "Done"
		}
		return fmt.Sprintf("S%d", i)
	}
	states := map[string]any{
		"Init":  map[string]any{"Type": "Pass", "Assign": map[string]any{"i": 0, "x": "{% $states.input.a %}", "y": "{% $states.input.b %}", "n": 1}, "Next": "S0"},
		"Count": map[string]any{"Type": "Pass", "Assign": map[string]any{"i": "{% $i + 1 %}"}, "Next": "Loop"},
		"Loop": map[string]any{"Type": "Choice", "Choices": []any{
			map[string]any{"Condition": "{% $i < 3 %}", "Next": "Count"},
		}, "Default": "Done"},
		"Done": map[string]any{"Type": "Succeed"},
		"Bad":  map[string]any{"Type": "Fail", "Error": "Bad", "Cause": "a rule sent it here"},
	}
	if g.r.IntN(2) == 0 {
		states["Done"].(map[string]any)["Output"] = g.output()
	}
	if g.r.IntN(3) == 0 {
		states["Count"].(map[string]any)["Output"] = g.output()
	}
	for i := 0; i < n; i++ {
		s := map[string]any{}
		if g.r.IntN(3) > 0 {
			s["Type"] = "Pass"
			if g.r.IntN(4) > 0 {
				s["Assign"] = g.assign()
			}
			if g.r.IntN(2) == 0 {
				s["Output"] = g.output()
			}
			s["Next"] = name(i + 1)
		} else {
			s["Type"] = "Choice"
			var choices []any
			for j := 0; j < 1+g.r.IntN(2); j++ {
				c := map[string]any{"Condition": g.condition(),
					"Next": g.pick(name(i+1), name(i+1), name(i+1+g.r.IntN(n)), "Bad", "Count", "Count")}
				if g.r.IntN(3) == 0 {
					c["Assign"] = g.assign()
				}
				if g.r.IntN(4) == 0 {
					c["Output"] = g.output()
				}
				choices = append(choices, c)
			}
			s["Choices"] = choices
			if g.r.IntN(5) > 0 {
				s["Default"] = name(i + 1)
			}
			if g.r.IntN(3) == 0 {
				s["Assign"] = g.assign()
			}
		}
		states[name(i)] = s
	}
	prune(states, "Init")
	m := map[string]any{"StartAt": "Init", "States": states}
	switch g.wrap {
	case 0:
		// Half the time the Parallel follows an Output (its branch then
		// starts with a normal input, read without normalising) and
		// merges its result into its input (a result read as it is,
		// where every branch ends with a normal value).
		p := map[string]any{"Type": "Parallel", "End": true, "Branches": []any{m}}
		if g.r.IntN(2) == 0 {
			p["Output"] = "{% $merge([$states.input, {'all': $states.result}]) %}"
		}
		outer := map[string]any{"P": p}
		start := "P"
		if g.r.IntN(2) == 0 {
			outer["Pre"] = map[string]any{"Type": "Pass", "Output": "{% $states.input %}", "Next": "P"}
			start = "Pre"
		}
		return map[string]any{"QueryLanguage": "JSONata", "StartAt": start, "States": outer}
	case 1:
		// The iterations read o, which the machine around them assigns.
		return map[string]any{"QueryLanguage": "JSONata", "StartAt": "Outer", "States": map[string]any{
			"Outer": map[string]any{"Type": "Pass", "Assign": map[string]any{"o": "{% $states.input.n %}"}, "Next": "M"},
			"M": map[string]any{"Type": "Map", "Items": "{% $states.input.items %}", "ItemProcessor": m,
				"MaxConcurrency": 1, "End": true},
		}}
	}
	m["QueryLanguage"] = "JSONata"
	return m
}
