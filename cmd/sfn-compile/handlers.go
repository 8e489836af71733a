package main

import (
	"fmt"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadHandlers finds the handler type that gen -handlers names, as
// PACKAGE.TYPE: PACKAGE is an import path or a relative directory (./shop),
// resolved from the working directory, as go generate runs. It also
// returns the package's import path when outDir (if known) is the
// package's own directory: the generated package cannot be the handlers'
// package.
func loadHandlers(spec, outDir string) (named *types.Named, samePkg string, err error) {
	i := strings.LastIndex(spec, ".")
	if i < 0 || i == len(spec)-1 || i < strings.LastIndex(spec, "/") {
		return nil, "", badHandlersf("invalid --handlers %q: want PACKAGE.TYPE, e.g. ./shop.Handlers", spec)
	}
	pattern, name := spec[:i], spec[i+1:]
	if pattern == "" {
		pattern = "."
	}
	// NeedSyntax: the package is type-checked from source, which keeps
	// its unexported types (export data drops those nothing exported
	// uses), so an unexported handler type is reported as such.
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedTypes | packages.NeedSyntax}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, "", fmt.Errorf("--handlers %s: loading %s: %v", spec, pattern, err)
	}
	if len(pkgs) != 1 {
		return nil, "", badHandlersf("--handlers %s: %s names %d packages, want one", spec, pattern, len(pkgs))
	}
	pkg := pkgs[0]
	var obj types.Object
	if pkg.Types != nil {
		obj = pkg.Types.Scope().Lookup(name)
	}
	if obj == nil {
		var msgs []string
		listErrors := true // no such package, rather than code that does not build
		for _, e := range pkg.Errors {
			msgs = append(msgs, e.Error())
			listErrors = listErrors && e.Kind == packages.ListError
		}
		if len(msgs) > 0 {
			errorf := fmt.Errorf
			if listErrors {
				errorf = badHandlersf
			}
			return nil, "", errorf("--handlers %s: package %s does not load:\n%s", spec, pattern, strings.Join(msgs, "\n"))
		}
		return nil, "", badHandlersf("--handlers %s: package %s has no type %s", spec, pkg.PkgPath, name)
	}
	tn, ok := obj.(*types.TypeName)
	if !ok {
		return nil, "", badHandlersf("--handlers %s: %s.%s is not a type", spec, pkg.PkgPath, name)
	}
	named, ok = types.Unalias(tn.Type()).(*types.Named)
	if !ok || named.TypeParams().Len() > 0 {
		return nil, "", badHandlersf("--handlers %s: %s.%s is not a defined, non-generic type", spec, pkg.PkgPath, name)
	}
	if outDir != "" && len(pkg.GoFiles) > 0 {
		abs, err1 := filepath.Abs(outDir)
		if err1 == nil && filepath.Dir(pkg.GoFiles[0]) == abs {
			samePkg = pkg.PkgPath
		}
	}
	return named, samePkg, nil
}

// badHandlers is an error of the --handlers argument itself (a type that
// is not there or not usable), as opposed to a package that does not build
// or a go command that fails.
type badHandlers struct{ msg string }

func (e *badHandlers) Error() string { return e.msg }

func badHandlersf(format string, args ...any) error {
	return &badHandlers{fmt.Sprintf(format, args...)}
}
