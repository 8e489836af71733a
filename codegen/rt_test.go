package codegen

import (
	"go/ast"
	"go/constant"
	"go/types"
	"slices"
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
		if slices.Contains([]string{"rt.go"}, cg.Fset.File(f.Pos()).Name()) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
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
