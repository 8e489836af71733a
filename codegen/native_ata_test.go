package codegen_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The JSONata forms codegen reads natively must give what the engine
// gives (and the engine is held to the reference implementation by the
// differential test of runtime/jsonata): same value or both undefined.
func TestNativeJSONataAgreesWithEngine(t *testing.T) {
	exprs := []string{
		"$states.input", "$states.input.a", "$states.input.a.b", "$states.input.a.b.c",
		" $states.input.list ", "$states.input.list.x", "$states.input.n", "$states.input.f",
		"$states.input.missing", "$states.input.s.x", "$states.input.nul.x",
		"$states.context.Execution.Name", "$states.context.State",
		"$v", "$v.a", "$v.a.b", "$nope", "$nope.a", "$arr", "$arr.x",
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
		`{"a":{"b":{"c":1.0}},"list":[{"x":1},{"x":2.5}],"n":3,"f":2.0,"s":"str","nul":null}`,
		`{"a":[{"b":1},{"b":2}],"list":[]}`,
		`[1,2,3]`, `"scalar"`, `null`, `{}`,
		`{"input_value":5,"fst":0,"snd":10,"trd":3,"FunctionInput":{"fst":1}}`,
	}
	vars := map[string]any{
		"v":   sfnrt.MustParseJSON(`{"a":{"b":[1,2]}}`),
		"arr": sfnrt.MustParseJSON(`[{"x":1},{"x":2}]`),
	}
	native := 0
	for _, src := range exprs {
		root, keys, ok := codegen.NativeJSONata(src)
		if !ok {
			continue
		}
		native++
		e, err := jsonata.Parse(src)
		if err != nil {
			t.Errorf("%q: compiled natively but does not parse: %v", src, err)
			continue
		}
		for _, in := range inputs {
			input := sfnrt.MustParseJSON(in)
			x := &sfnrt.Execution{Name: "exec", Clock: sfnrt.NewFakeClock(time.Unix(1700000000, 0))}
			f := &sfnimpl.Frame{X: x, State: "S", Vars: sfnimpl.NewScope(nil)}
			for k, v := range vars {
				f.Vars.Set(sfnrt.ObjectOf(sfnrt.Member{Key: k, Value: v}))
			}
			sv := &sfnimpl.StatesVars{F: f, Input: input}
			want, wantDef, err := e.Eval(input, sv)
			if err != nil {
				continue // errors go through the engine in both paths
			}
			var rv any
			var rok bool
			switch root {
			case "states.input":
				rv, rok = input, true
			case "states.context":
				rv, rok = f.Context(), true
			default:
				rv, rok = f.Vars.Get(root)
			}
			got, def, isNative := sfnimpl.AtaLookup(rv, keys...)
			if !rok {
				got, def, isNative = nil, false, true
			}
			if !isNative {
				continue // the engine evaluates it
			}
			if def {
				got = jsonata.Normalize(got)
			}
			if def != wantDef || def && sfnrt.ToJSON(got) != sfnrt.ToJSON(want) {
				t.Errorf("%q on %s: native (%v, %s), engine (%v, %s)", src, in, def, sfnrt.ToJSON(got), wantDef, sfnrt.ToJSON(want))
			}
		}
	}
	if native < 10 {
		t.Errorf("only %d expressions compiled natively", native)
	}
	if diff := cmp.Diff([]string{"states.input", "a", "b"}, func() []string {
		r, k, _ := codegen.NativeJSONata("$states.input.a.b")
		return append([]string{r}, k...)
	}()); diff != "" {
		t.Errorf("NativeJSONata: %s", diff)
	}
}
