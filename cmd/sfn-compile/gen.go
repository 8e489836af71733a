package main

import (
	"bytes"
	"errors"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/sfn-compile/sfn-compile/codegen"
)

// cmdGen writes the Go package of a definition: to stdout, or to -o FILE
// when its content changed (so that make-like tools see no change).
func cmdGen(e *env, args []string) int {
	fs := newFlags("gen")
	pkg := fs.String("pkg", "", "package `NAME` of the generated file (default: from the definition's file name)")
	out := fs.String("o", "", "write to `FILE` (only when its content changes) instead of stdout")
	typ := fs.String("type", "STANDARD", "state machine type the definition is validated for: STANDARD or EXPRESS")
	handlers := fs.String("handlers", "", "bind the Task states to the methods of `PACKAGE.TYPE` (e.g. ./shop.Handlers), typed")
	pos, code, ok := parseFlags(e, fs, synopsis("gen"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "gen", "want one DEFINITION, got %d arguments", len(pos))
	}
	t, ok := machineType(*typ)
	if !ok {
		return usageErrorf(e, "gen", "invalid --type %q: want STANDARD or EXPRESS", *typ)
	}
	if *pkg == "" {
		*pkg = packageName(pos[0])
	} else if !token.IsIdentifier(*pkg) || *pkg == "_" {
		return usageErrorf(e, "gen", "invalid --pkg %q: not a Go package name", *pkg)
	}
	if *out != "" && filepath.Ext(*out) != ".go" {
		return usageErrorf(e, "gen", "-o %s: the output is Go source: name it FILE.go", *out)
	}
	d, ok := compile(e, "gen", pos[0], t, true)
	if !ok {
		return exitUsage
	}
	var err error
	opts := codegen.Options{
		Package: *pkg,
		Source:  sourceName(pos[0], *out),
		Name:    machineName(pos[0]),
	}
	if *handlers != "" {
		dir := "" // stdout: the output's package is not known
		if *out != "" {
			dir = filepath.Dir(*out)
		}
		s := e.begin("loading %s...", *handlers)
		opts.Handlers, opts.ImportPath, err = loadHandlers(*handlers, dir)
		s.end(err)
		var bad *badHandlers
		if errors.As(err, &bad) {
			return usageErrorf(e, "gen", "%v", err)
		}
		if err != nil {
			return failf(e, "gen", "%v", err)
		}
	}
	src, err := codegen.Generate(d.machine, opts)
	var bad *codegen.HandlersError
	if errors.As(err, &bad) {
		return usageErrorf(e, "gen", "%v", err)
	}
	if err != nil {
		return failf(e, "gen", "%v", err)
	}
	if *out == "" {
		if _, err := e.stdout.Write(src); err != nil {
			return failf(e, "gen", "%v", err)
		}
		return exitOK
	}
	if err := writeIfChanged(*out, src); err != nil {
		return failf(e, "gen", "%v", err)
	}
	return exitOK
}

// packageName derives a Go package name from a definition's file name:
// lower case letters and digits of its base name without extension.
func packageName(path string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(machineName(path)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	name := b.String()
	switch {
	case name == "":
		return "machine"
	case name[0] >= '0' && name[0] <= '9':
		return "sfn" + name
	case token.IsKeyword(name) || name == "main":
		return name + "sfn"
	}
	return name
}

// sourceName is the definition's path for the generated header: relative
// to the directory of the output file (or to the working directory), with
// forward slashes, so that the output does not depend on where it is
// generated.
func sourceName(def, out string) string {
	dir := "."
	if out != "" {
		dir = filepath.Dir(out)
	}
	absDir, err1 := filepath.Abs(dir)
	absDef, err2 := filepath.Abs(def)
	if err1 != nil || err2 != nil {
		return filepath.Base(def)
	}
	rel, err := filepath.Rel(absDir, absDef)
	if err != nil {
		return filepath.Base(def)
	}
	return filepath.ToSlash(rel)
}

// writeIfChanged writes data to path unless the file already holds it,
// creating its folder: go generate writes a new package's folder too.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o666)
}
