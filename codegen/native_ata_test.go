package codegen_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The JSONata paths codegen reads natively must give what the engine
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
		lowered, err := compiler.LowerJSONata(src)
		path, ok := lowered.(*ir.AtaPath)
		if err != nil || !ok {
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
			x := (&sfnrt.Machine{Name: "M"}).NewExecution(nil, sfnrt.Options{Name: "exec", Clock: sfnrt.NewFakeClock(time.Unix(1700000000, 0))})
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
			switch path.Root {
			case ir.AtaInput:
				rv, rok = input, true
			case ir.AtaContext:
				rv, rok = f.Context(), true
			case ir.AtaResult, ir.AtaErrorOutput:
				continue // not bound here: the engine reports it
			default:
				rv, rok = f.Vars.Get(path.Var)
			}
			got, def, isNative := sfnimpl.AtaLookup(rv, path.Keys...)
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
}
