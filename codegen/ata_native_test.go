package codegen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// nativeTree lowers src as the compiler does, and reports whether it
// compiles natively.
func nativeTree(src string) (ir.AtaNode, bool) {
	n, err := compiler.LowerJSONata(src)
	if err != nil {
		return nil, false
	}
	_, engine := n.(*ir.AtaEngine)
	return n, !engine
}

// evalNative interprets a native expression tree with exactly the runtime
// operations the emitted code performs, in the same order.
func evalNative(n ir.AtaNode, sv *sfnimpl.StatesVars) (any, bool) {
	switch n := n.(type) {
	case *ir.AtaNumber:
		return jsonata.Normalize(n.Value), true
	case *ir.AtaString:
		return n.Value, true
	case *ir.AtaBool:
		return n.Value, true
	case *ir.AtaNull:
		return nil, true
	case *ir.AtaPath:
		var root any
		var ok bool
		switch n.Root {
		case ir.AtaInput:
			root, ok = sv.Input, true
		case ir.AtaContext:
			root, ok = sv.F.Context(), true
		case ir.AtaResult:
			root, ok = sv.Result, sv.HasResult
		case ir.AtaErrorOutput:
			root, ok = sv.ErrorOutput, sv.HasErrorOutput
		default:
			root, ok = sv.F.Vars.Get(n.Var)
		}
		if !ok {
			return nil, false
		}
		v, def, native := sfnimpl.AtaLookup(root, n.Keys...)
		if !def || !native {
			return nil, false
		}
		return jsonata.Normalize(v), true
	case *ir.AtaCond:
		c, ok := evalNative(n.Cond, sv)
		if !ok {
			return nil, false
		}
		b, isBool := c.(bool)
		if !isBool {
			return nil, false
		}
		if b {
			return evalNative(n.Then, sv)
		}
		return evalNative(n.Else, sv)
	case *ir.AtaNegate:
		x, ok := evalNative(n.X, sv)
		if !ok {
			return nil, false
		}
		return sfnimpl.AtaBinary("-", int64(0), x)
	case *ir.AtaBinary:
		l, ok := evalNative(n.Left, sv)
		if !ok {
			return nil, false
		}
		r, ok := evalNative(n.Right, sv)
		if !ok {
			return nil, false
		}
		if f, typed := ataOpFuncs[n.Op]; typed {
			return ataOpRuntime[f](l, r)
		}
		// = and != with a string literal: a string operand compares
		// in line (stringEquality).
		_, litL := n.Left.(*ir.AtaString)
		_, litR := n.Right.(*ir.AtaString)
		if (n.Op == ir.AtaEq || n.Op == ir.AtaNe) && (litL || litR) {
			ls, okL := l.(string)
			rs, okR := r.(string)
			if okL && okR {
				return (ls == rs) == (n.Op == ir.AtaEq), true
			}
		}
		return sfnimpl.AtaBinary(n.Op.String(), l, r)
	case *ir.AtaCall:
		x, ok := evalNative(n.Args[0], sv)
		if !ok {
			return nil, false
		}
		if _, shadowed := sv.F.Vars.Get(n.Func.String()); shadowed {
			return nil, false
		}
		return sfnimpl.AtaCall(n.Func.String(), x)
	case *ir.AtaMergeMember:
		base, ok := evalNative(n.Base, sv)
		if !ok {
			return nil, false
		}
		val, ok := evalNative(n.Value, sv)
		if !ok {
			return nil, false
		}
		if _, shadowed := sv.F.Vars.Get("merge"); shadowed {
			return nil, false
		}
		return sfnimpl.AtaMergeMember(base, n.Key, val)
	}
	panic(fmt.Sprintf("evalNative: %T", n))
}

// ataOpRuntime are the runtime functions ataOpFuncs names.
var ataOpRuntime = map[runtimeName]func(a, b any) (any, bool){
	"AtaAdd": sfnimpl.AtaAdd, "AtaSub": sfnimpl.AtaSub, "AtaLess": sfnimpl.AtaLess, "AtaLessEq": sfnimpl.AtaLessEq,
	"AtaGreater": sfnimpl.AtaGreater, "AtaGreaterEq": sfnimpl.AtaGreaterEq,
}

func TestAtaOpFuncsExist(t *testing.T) {
	for op, f := range ataOpFuncs {
		if ataOpRuntime[f] == nil {
			t.Errorf("operator %s: runtime function %s is not in ataOpRuntime", op, f)
		}
	}
}

// Every expression form compiled natively agrees with the engine (which
// the differential test of runtime/jsonata holds to the reference
// implementation) wherever the native path decides.
func TestNativeExpressionsAgreeWithEngine(t *testing.T) {
	exprs := []string{
		"1 + 2", "$states.input.n * 2 + 1", "$states.input.n / 4", "$states.input.n % 3", "-$states.input.n",
		"$states.input.f * 2", "($states.input.n + 1) * 3", "1 + 2 * 3", "(1 + 2) * 3", "10 - 2 - 3", "2 * 3 % 4",
		"$states.input.n > 2", "$states.input.n <= 3", "$states.input.s < 'b'", "$states.input.s = 'abc'",
		"$states.input.s != \"x\"", "$states.input.n = 3.0", "$states.input.b = true", "$states.input.nul = null",
		"$states.input.s & '-' & $states.input.s", "$states.input.n & 'x'", "'a' & 'b'",
		"$states.input.b and $states.input.n > 1", "$states.input.b or false", "true and 1",
		"$states.input.n > 1 ? 'big' : 'small'", "$states.input.b ? $states.input.n : $states.input.s",
		"$states.input.n > 10 ? 1 : $states.input.n > 2 ? 2 : 3", "$states.input.missing ? 1 : 2",
		"$uppercase($states.input.s)", "$lowercase('ABC')", "$not($states.input.b)", "$abs(-$states.input.f)",
		"$floor($states.input.f)", "$ceil(2.2)", "$exists($states.input.n)", "$exists($states.input.missing)",
		"$v.a + 1", "$v.a & $v.s", "$nope + 1", "$states.input.list + 1", "$states.input.n / 0",
		"$states.input.big + 1", "$states.input.u < 'a'", "$uppercase($states.input.u)",
		"1e3 + 0.5", "0.1 + 0.2", "$states.context.Execution.Name & '!'",
		"$merge([$states.input, {'payment': $states.result}])", "$merge([$states.input, {'n': $states.result}])",
		"$merge([$states.input, {'error': $states.errorOutput}])", "$merge([$states.input, {'': 1}])",
		"$merge([$v, {'a': $states.input.n + 1}])", "$merge([$states.input.list, {'x': 1}])",
		"9007199254740992 + 1", "-9007199254740992 - 1", "4503599627370497 + 4503599627370496",
		"9007199254740992 + 1 > 9007199254740992", "4503599627370496 + 4503599627370496 + 1", "$states.input.n + 4503599627370496",
		"$states.result.status = 'APPROVED'", "$states.result", "$states.errorOutput.Error & ''",
		// Forms the engine alone evaluates, around native ones: lowered
		// natively by mistake, they would disagree.
		"$states.input.list[0]", "$states.input.list[1] + 1", "$states.input.list[$ > 1]", "$states.input.list[]",
		"$v.a#$i", "$states.input.list@$x", "$states.input.list^($)", "$states.input{'k': n}", "[$states.input.n]",
		"$states.input.list.%", "$v ? 1", "$states.input.n in [3]", "$sum($states.input.list) + 1",
	}
	if files, _ := filepath.Glob("../../shared/conformance/cases/*/*/definition.asl.json"); len(files) > 0 {
		re := regexp.MustCompile(`\{%(.*?)%\}`)
		for _, f := range files {
			data, _ := os.ReadFile(f)
			for _, m := range re.FindAllSubmatch(data, -1) {
				exprs = append(exprs, string(m[1]))
			}
		}
	}
	inputs := []string{
		`{"n":3,"f":2.5,"s":"abc","b":true,"nul":null,"list":[1,2],"big":12345678901234567890,"u":"é"}`,
		`{"n":-7.5,"f":-0.5,"s":"","b":false,"nul":1}`,
		`{"n":"3","s":3,"b":"true"}`, `[1,2]`, `null`, `{}`,
	}
	compiled, decided := 0, 0
	for _, src := range exprs {
		tree, ok := nativeTree(src)
		if !ok {
			continue
		}
		compiled++
		e, err := jsonata.Parse(src)
		if err != nil {
			t.Errorf("%q: compiled natively but the engine does not parse it: %v", src, err)
			continue
		}
		for _, in := range inputs {
			input := sfnrt.MustParseJSON(in)
			f := &sfnimpl.Frame{X: (&sfnrt.Machine{Name: "M"}).NewExecution(nil, sfnrt.Options{Name: "exec", Clock: sfnrt.NewFakeClock(time.Unix(1700000000, 0))}),
				State: "S", Vars: sfnimpl.NewScope(nil)}
			f.Vars.Set(sfnrt.ObjectOf(sfnrt.Member{Key: "v", Value: sfnrt.MustParseJSON(`{"a":2,"s":"t"}`)}))
			sv := &sfnimpl.StatesVars{F: f, Input: input, Result: sfnrt.MustParseJSON(`{"status":"APPROVED","x":[1]}`), HasResult: true}
			got, ok := evalNative(tree, sv)
			if !ok {
				continue // handed to the engine
			}
			decided++
			want, def, err := e.Eval(input, sv)
			if err != nil || !def || sfnrt.ToJSON(got) != sfnrt.ToJSON(want) {
				t.Errorf("%q on %s: native %s, engine %s (defined %v, err %v)", src, in, sfnrt.ToJSON(got), sfnrt.ToJSON(want), def, err)
			}
		}
	}
	if compiled < 30 || decided < 100 {
		t.Errorf("only %d expressions compiled natively, %d evaluations decided natively", compiled, decided)
	}
	t.Logf("%d expressions compiled natively; %d evaluations decided natively, all equal to the engine's", compiled, decided)
}

// genAta writes a random expression of the native grammar (and a little
// beyond it, which the parser must refuse), depth-bounded.
func genAta(r *rand.Rand, depth int) string {
	leaves := []string{
		"0", "1", "2.5", "-0", "1e300", "0.1", "9007199254740993", "4503599627370496", "4503599627370497", "255", "256", "'a'", "\"b\"", "''", "true", "false", "null",
		"$states.input", "$states.input.n", "$states.input.s", "$states.input.b", "$states.input.o", "$states.input.o.n",
		"$states.input.list", "$states.input.missing", "$states.result", "$states.result.status", "$states.result.x",
		"$states.errorOutput", "$states.errorOutput.Error", "$v", "$v.a", "$v.list", "$nope", "$states.context.State",
	}
	if depth <= 0 || r.IntN(3) == 0 {
		return leaves[r.IntN(len(leaves))]
	}
	a := func() string { return genAta(r, depth-1) }
	switch r.IntN(8) {
	case 0:
		return "-" + a()
	case 1:
		return "(" + a() + ")"
	case 2:
		return a() + " ? " + a() + " : " + a()
	case 3:
		fns := []string{"uppercase", "lowercase", "exists", "not", "abs", "floor", "ceil"}
		return "$" + fns[r.IntN(len(fns))] + "(" + a() + ")"
	case 4:
		return genMerge(r, a())
	default:
		ops := []string{"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or"}
		return a() + " " + ops[r.IntN(len(ops))] + " " + a()
	}
}

// genMerge writes $merge of base, mostly an object, with one member
// under a key the inputs may or may not hold already.
func genMerge(r *rand.Rand, base string) string {
	if r.IntN(4) > 0 {
		objects := []string{"$states.input", "$states.result", "$states.errorOutput", "$v", "$states.input.o"}
		base = objects[r.IntN(len(objects))]
	}
	keys := []string{"n", "s", "payment", "", "o", "new", "list"}
	return "$merge([" + base + ", {'" + keys[r.IntN(len(keys))] + "': " + genAta(r, 2) + "}])"
}

// Random expressions of the native grammar, over inputs, results and
// variables of every JSON kind (arrays of one item, nested arrays, numbers
// at float64's edges, keys that $merge replaces): wherever the native path
// decides, it gives the engine's value, byte for byte and key for key.
func TestNativeRandomExpressionsAgreeWithEngine(t *testing.T) {
	values := []string{
		`{"n":3,"s":"abc","b":true,"o":{"n":2.0},"list":[1,2],"payment":null}`,
		`{"n":-7.5,"s":"","b":false,"o":[{"n":1},{"n":2}],"list":[[1]],"new":1}`,
		`{"n":1e308,"s":"é","o":{},"list":[]}`, `{"n":4503599627370497,"o":{"n":-4503599627370496}}`, `{"n":9007199254740993}`, `{"n":"3","s":3,"b":"true","list":[{"n":1}]}`,
		`[1]`, `[[1,2]]`, `[]`, `[{"n":1}]`, `"str"`, `0`, `-2.5`, `null`, `true`, `{}`,
	}
	parsed := make([]any, len(values))
	for i, v := range values {
		parsed[i] = sfnrt.MustParseJSON(v)
	}
	r := rand.New(rand.NewPCG(23, 1))
	n := 4000
	if testing.Short() {
		n = 500
	}
	compiled, decided := 0, 0
	for range n {
		src := genAta(r, 3)
		if r.IntN(3) == 0 {
			src = genMerge(r, src)
		}
		tree, ok := nativeTree(src)
		if !ok {
			continue
		}
		compiled++
		e, err := jsonata.Parse(src)
		if err != nil {
			t.Errorf("%q: compiled natively but the engine does not parse it: %v", src, err)
			continue
		}
		for range 6 {
			f := &sfnimpl.Frame{X: (&sfnrt.Machine{Name: "M"}).NewExecution(nil, sfnrt.Options{Name: "exec", Clock: sfnrt.NewFakeClock(time.Unix(1700000000, 0))}),
				State: "S", Vars: sfnimpl.NewScope(nil)}
			f.Vars.Set(sfnrt.ObjectOf(sfnrt.Member{Key: "v", Value: parsed[r.IntN(len(parsed))]}))
			if r.IntN(8) == 0 { // a variable that shadows a built-in function
				f.Vars.Set(sfnrt.ObjectOf(sfnrt.Member{Key: []string{"merge", "uppercase", "not"}[r.IntN(3)], Value: int64(1)}))
			}
			sv := &sfnimpl.StatesVars{F: f, Input: parsed[r.IntN(len(parsed))]}
			switch r.IntN(3) {
			case 0:
				sv.Result, sv.HasResult = parsed[r.IntN(len(parsed))], true
			case 1:
				sv.ErrorOutput, sv.HasErrorOutput = parsed[r.IntN(len(parsed))], true
			}
			got, ok := evalNative(tree, sv)
			if !ok {
				continue // handed to the engine
			}
			decided++
			want, def, err := e.Eval(sv.Input, sv)
			if err != nil || !def || sfnrt.ToJSON(got) != sfnrt.ToJSON(want) {
				t.Errorf("%q on input %s, result %s, error output %s, $v %s: native %s, engine %s (defined %v, err %v)",
					src, sfnrt.ToJSON(sv.Input), sfnrt.ToJSON(sv.Result), sfnrt.ToJSON(sv.ErrorOutput), sfnrt.ToJSON(varOf(f, "v")),
					sfnrt.ToJSON(got), sfnrt.ToJSON(want), def, err)
			}
		}
	}
	if compiled < n/2 || decided < n/2 {
		t.Errorf("only %d of %d expressions compiled natively, %d evaluations decided natively", compiled, n, decided)
	}
	t.Logf("%d of %d random expressions compiled natively; %d evaluations decided natively, all equal to the engine's", compiled, n, decided)
}

func varOf(f *sfnimpl.Frame, name string) any {
	v, _ := f.Vars.Get(name)
	return v
}

// $merge and the other built-ins look for a variable shadowing them only
// where some Assign of the definition (nested machines, Choice rules and
// catchers included) may name one.
func TestShadowingLookedUpOnlyWhereAssigned(t *testing.T) {
	const output = `"Output": "{% $merge([$states.input, {'k': $uppercase($states.input.s)}]) %}"`
	for _, c := range []struct {
		name, states string
		want         []string // the names looked up
	}{
		{"no Assign", `"A": {"Type": "Pass", ` + output + `, "End": true}`, nil},
		{"other names", `"A": {"Type": "Pass", "Assign": {"x": 1, "y": "{% 2 %}"}, ` + output + `, "End": true}`, nil},
		{"an Assign of merge", `"A": {"Type": "Pass", "Assign": {"merge": 1}, "Next": "B"}, "B": {"Type": "Pass", ` + output + `, "End": true}`, []string{"merge"}},
		{"a Choice rule's", `"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Assign": {"uppercase": "{% 1 %}"}, "Next": "B"}]},
			"B": {"Type": "Pass", ` + output + `, "End": true}`, []string{"uppercase"}},
		{"a catcher's, in a branch", `"P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task",
			"Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"merge": 1}, "Next": "E"}], "End": true},
			"E": {"Type": "Succeed"}}}], "Next": "B"}, "B": {"Type": "Pass", ` + output + `, "End": true}`, []string{"merge"}},
	} {
		src := `{"QueryLanguage": "JSONata", "StartAt": "` + firstState(c.states) + `", "States": {` + c.states + `}}`
		m, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
		if m == nil {
			t.Fatalf("%s: does not compile: %v", c.name, diags)
		}
		code, err := Generate(m, Options{Package: "machine"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, name := range []string{"merge", "uppercase"} {
			if regexp.MustCompile(`Vars\.Get\("` + name + `"\)`).Match(code) {
				got = append(got, name)
			}
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: built-ins looked up among the variables (-want +got):\n%s", c.name, diff)
		}
	}
}
