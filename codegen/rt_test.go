package codegen

import (
	"go/ast"
	"go/constant"
	"go/types"
	"maps"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestRuntimeNames holds codegen and the runtime to one table: every
// runtime name generated code can refer to is a runtimeNames entry that
// resolves, with go/types, to an exported name of its package, and every
// runtimeName in codegen's source is a constant of the table (never a
// string assembled at run time of the generator). A runtime rename then
// fails here, not in a user's build.
func TestRuntimeNames(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks codegen and the runtime")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax}
	pkgs, err := packages.Load(cfg, "github.com/sfn-compile/sfn-compile/codegen", rtAPI, rtImpl, rtCLI)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", p.PkgPath, p.Errors)
		}
		byPath[p.PkgPath] = p
	}

	for name, path := range runtimeNames {
		obj := byPath[path].Types.Scope().Lookup(string(name))
		if obj == nil || !obj.Exported() {
			t.Errorf("runtimeNames: %s.%s does not exist", byPath[path].Name, name)
		}
	}

	// Every runtimeName value in codegen's source: constants must be
	// entries, anything else is a name computed at generation time.
	cg := byPath["github.com/sfn-compile/sfn-compile/codegen"]
	nameType := cg.Types.Scope().Lookup("runtimeName").Type()
	used := map[runtimeName]bool{}
	for _, f := range cg.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			if spec, ok := n.(*ast.ValueSpec); ok && slices.ContainsFunc(spec.Names, func(id *ast.Ident) bool { return id.Name == "runtimeNames" }) {
				return false // the table itself: its keys are no use
			}
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			tv, ok := cg.TypesInfo.Types[e]
			if !ok || !types.Identical(tv.Type, nameType) {
				return true
			}
			pos := cg.Fset.Position(e.Pos())
			switch {
			case tv.Value != nil && tv.Value.Kind() == constant.String:
				name := runtimeName(constant.StringVal(tv.Value))
				if name == "" {
					return false // the zero value: no name, as a second result says
				}
				used[name] = true
				if _, ok := runtimeNames[name]; !ok {
					t.Errorf("%s: runtime name %q is not in rt.go's runtimeNames", pos, name)
				}
				return false
			case isConversion(cg.TypesInfo, e):
				t.Errorf("%s: a runtimeName converted from a computed string: name it as a constant of a table", pos)
			}
			return true
		})
	}
	for name := range runtimeNames {
		if !used[name] {
			t.Errorf("runtimeNames lists %s, which codegen never emits", name)
		}
	}

	// Each function table's entries have the table's signature.
	for _, table := range runtimeFuncTables {
		for _, name := range table.names {
			path, ok := runtimeNames[name]
			if !ok {
				continue // reported above
			}
			fn, ok := byPath[path].Types.Scope().Lookup(string(name)).(*types.Func)
			if !ok {
				t.Errorf("%s: %s.%s is not a function", table.name, byPath[path].Name, name)
				continue
			}
			if got := signatureShape(fn.Type().(*types.Signature)); got != table.signature {
				t.Errorf("%s: %s.%s is %s, want %s", table.name, byPath[path].Name, name, got, table.signature)
			}
		}
	}
}

// runtimeFuncTables are rt.go's tables of runtime functions, each with
// the signature (parameter names left out) that codegen's calls to its
// entries assume.
var runtimeFuncTables = []struct {
	name      string
	names     []runtimeName
	signature string
}{
	{"ataOpFuncs", slices.Collect(maps.Values(ataOpFuncs)), "func(any, any) (any, bool)"},
	{"compareFuncs", slices.Collect(maps.Values(compareFuncs)), "func(any, any) (int, bool)"},
}

// signatureShape spells sig without its parameter names.
func signatureShape(sig *types.Signature) string {
	list := func(t *types.Tuple) []string {
		var out []string
		for v := range t.Variables() {
			out = append(out, types.TypeString(v.Type(), nil))
		}
		return out
	}
	s := "func(" + strings.Join(list(sig.Params()), ", ") + ")"
	switch res := list(sig.Results()); len(res) {
	case 0:
	case 1:
		s += " " + res[0]
	default:
		s += " (" + strings.Join(res, ", ") + ")"
	}
	return s
}

// isConversion reports whether e is a conversion to a named type.
func isConversion(info *types.Info, e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	tv, ok := info.Types[call.Fun]
	return ok && tv.IsType()
}
