package sfnrt_test

import (
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// publicPackages are the runtime packages with a compatibility promise:
// sfnimpl, for generated code only, has none.
var publicPackages = []string{
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt",
	"github.com/sfn-compile/sfn-compile/runtime/sfncli",
	"github.com/sfn-compile/sfn-compile/runtime/sfnmock",
}

// implPackage names the types of the implementation that the public API
// shows without a public alias (Machine's Program field).
const implPackage = "github.com/sfn-compile/sfn-compile/runtime/sfnimpl"

// TestAPIGolden: api.golden is the exported API of the public runtime
// packages, aliases resolved (each type's fields and methods, which go
// doc does not show for an alias), so that any change to what
// applications may rely on is a reviewed diff. SFN_UPDATE=1 rewrites it.
func TestAPIGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the runtime from source")
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	var pkgs []*types.Package
	for _, path := range publicPackages {
		p, err := imp.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	impl, err := imp.Import(implPackage)
	if err != nil {
		t.Fatal(err)
	}
	got := apiListing(pkgs, impl)
	const golden = "api.golden"
	if os.Getenv("SFN_UPDATE") == "1" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (SFN_UPDATE=1 writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("the public runtime API changed (-%s +now); review, then SFN_UPDATE=1 go test ./runtime/sfnrt:\n%s", golden, diff)
	}
}

// apiListing prints every exported name of pkgs, one declaration a line,
// with a type's exported fields and methods indented under it. A type of
// the implementation is spelled by the public name that aliases it, else
// by sfnimpl's, else engine.name, which shows a leak.
func apiListing(pkgs []*types.Package, impl *types.Package) string {
	public := map[*types.TypeName]string{} // the engine's type → its public spelling
	for _, p := range append([]*types.Package{impl}, pkgs...) {
		for _, name := range p.Scope().Names() {
			if tn, ok := p.Scope().Lookup(name).(*types.TypeName); ok && tn.IsAlias() {
				if named, ok := types.Unalias(tn.Type()).(*types.Named); ok {
					public[named.Obj()] = p.Name() + "." + name
				}
			}
		}
	}
	qual := func(p *types.Package) string { return p.Name() }
	typeString := func(t types.Type) string {
		s := types.TypeString(t, qual)
		// Replace the engine's names by their public spellings, longest
		// first so that no name is a prefix of another's replacement.
		var olds []*types.TypeName
		for tn := range public {
			olds = append(olds, tn)
		}
		sort.Slice(olds, func(i, j int) bool { return len(olds[i].Name()) > len(olds[j].Name()) })
		for _, tn := range olds {
			s = replaceIdent(s, "engine."+tn.Name(), public[tn])
		}
		return s
	}
	var b strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&b, "package %s\n", p.Path())
		for _, name := range p.Scope().Names() {
			obj := p.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			switch o := obj.(type) {
			case *types.Const:
				fmt.Fprintf(&b, "const %s %s = %s\n", name, typeString(o.Type()), o.Val().ExactString())
			case *types.Var:
				fmt.Fprintf(&b, "var %s %s\n", name, typeString(o.Type()))
			case *types.Func:
				fmt.Fprintf(&b, "func %s%s\n", name, strings.TrimPrefix(typeString(o.Type()), "func"))
			case *types.TypeName:
				t := types.Unalias(o.Type())
				if st, ok := t.Underlying().(*types.Struct); ok {
					// Only the exported fields: the others are free to
					// change.
					fmt.Fprintf(&b, "type %s struct\n", name)
					for i := range st.NumFields() {
						if f := st.Field(i); f.Exported() {
							fmt.Fprintf(&b, "\tfield %s %s\n", f.Name(), typeString(f.Type()))
						}
					}
				} else {
					fmt.Fprintf(&b, "type %s %s\n", name, typeString(t.Underlying()))
				}
				if _, isInterface := t.Underlying().(*types.Interface); !isInterface {
					ms := types.NewMethodSet(types.NewPointer(t))
					for i := range ms.Len() {
						if m := ms.At(i).Obj(); m.Exported() {
							fmt.Fprintf(&b, "\tmethod %s%s\n", m.Name(), strings.TrimPrefix(typeString(m.Type()), "func"))
						}
					}
				}
			}
		}
	}
	return b.String()
}

// replaceIdent replaces old in s where it is a whole qualified identifier.
func replaceIdent(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if end < len(s) && (s[end] == '_' || s[end] >= '0' && s[end] <= '9' || s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z') {
			b.WriteString(s[:end])
			s = s[end:]
			continue
		}
		b.WriteString(s[:i] + repl)
		s = s[end:]
	}
}
