package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// cmdBuild builds a standalone binary that runs a definition, with the
// command line of sfncli.MainArgs.
func cmdBuild(e *env, args []string) int {
	fs := newFlags("build")
	out := fs.String("o", "", "write the binary to `BIN` (default: the definition's name in the working directory)")
	typ := fs.String("type", "STANDARD", "state machine type the definition is validated for and the binary's default --type: STANDARD or EXPRESS")
	limit := fs.Int("payload-limit", sfnrt.MaxPayloadBytes, "default --payload-limit of the binary: the largest state output in `BYTES`; 0: no limit")
	strip := fs.Bool("strip", false, "leave out the symbol table and debug information (go build -ldflags='-s -w', as lambda does):\na smaller binary, whose panics still name their functions")
	addQuiet(e, fs)
	var with repeated
	fs.Var(&with, "with", "link the state machine of `DEFINITION` too, for states:startExecution Tasks to start by its name (repeatable)")
	durable := fs.Bool("durable", false, "link durable executions on a store (worker, start-execution, ... and --store; see docs/durable.md)")
	pos, code, ok := parseFlags(e, fs, synopsis("build"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "build", "want one DEFINITION, got %d arguments", len(pos))
	}
	t, ok := machineType(*typ)
	if !ok {
		return usageErrorf(e, "build", "invalid --type %q: want STANDARD or EXPRESS", *typ)
	}
	if *durable && t == "EXPRESS" {
		return usageErrorf(e, "build", "--durable is for STANDARD machines: Express executions stay in memory, as on AWS")
	}
	if *out == "" {
		*out = machineName(pos[0])
		if runtime.GOOS == "windows" {
			*out += ".exe"
		}
	}
	d, ok := compile(e, "build", pos[0], t, true)
	if !ok {
		return exitUsage
	}
	others, ok := compileWith(e, "build", with, t)
	if !ok {
		return exitUsage
	}
	var mo codegen.MainOptions
	if t == "EXPRESS" {
		// Validated as EXPRESS, run as EXPRESS: no 25,000-event history
		// quota, the five-minute bound instead.
		mo.Type = t
	}
	if *limit <= 0 {
		mo.PayloadLimit = -1
	} else if *limit != sfnrt.MaxPayloadBytes {
		mo.PayloadLimit = *limit
	}
	p, err := newProgram(d, mo, others...)
	if err == nil && *durable {
		err = p.useDurable(d.machine, mo)
	}
	if err != nil {
		return failf(e, "build", "%v", err)
	}
	p.strip = *strip
	s := e.begin("building %s...", displayPath(*out))
	err = p.build(*out, nil)
	s.end(err)
	if err != nil {
		return failf(e, "build", "%v", err)
	}
	return exitOK
}

// A program is the main module that builds a definition into a binary:
// the generated machine package and a main package, next to the runtime
// source embedded in sfn-compile.
type program struct {
	name  string            // default state machine name
	files map[string][]byte // slash path -> content, go.mod excepted
	rt    *runtimeSource
	// requires holds go.mod require lines besides the runtime's, for
	// programs that link the AWS SDK (see linkAWS in lambda.go) or DBOS
	// (useDurable in durable.go): they may download modules, the others
	// build offline.
	requires string
	// strip leaves out the symbol table and DWARF (-ldflags='-s -w').
	strip bool
}

// The main module's path and the generated package within it.
const (
	progModule  = "sfnprog"
	progPkgName = "machine"
	progPkgPath = progModule + "/" + progPkgName
)

func newProgram(d *definition, mo codegen.MainOptions, others ...*definition) (*program, error) {
	rt, err := embeddedRuntime()
	if err != nil {
		return nil, err
	}
	name := machineName(d.path)
	pkg, err := codegen.Generate(d.machine, codegen.Options{Package: progPkgName, Source: filepath.Base(d.path), Name: name})
	if err != nil {
		return nil, err
	}
	main, err := codegen.GenerateMainWith(progPkgPath, progPkgName, mo)
	if err != nil {
		return nil, err
	}
	p := &program{
		name:  name,
		files: map[string][]byte{progPkgName + "/" + progPkgName + ".go": pkg, "main.go": main},
		rt:    rt,
	}
	// The machines of --with, each a package of its own, which nested
	// executions start by name.
	machines := []*ir.Machine{d.machine}
	var otherPkgs []string
	names := map[string]string{name: d.display}
	for i, o := range others {
		oname := machineName(o.path)
		if first, dup := names[oname]; dup {
			return nil, fmt.Errorf("%s and %s both define a state machine named %s", first, o.display, oname)
		}
		names[oname] = o.display
		pkgName := fmt.Sprintf("%s%d", progPkgName, i+1)
		src, err := codegen.Generate(o.machine, codegen.Options{Package: pkgName, Source: filepath.Base(o.path), Name: oname})
		if err != nil {
			return nil, err
		}
		p.files[pkgName+"/"+pkgName+".go"] = src
		machines = append(machines, o.machine)
		otherPkgs = append(otherPkgs, pkgName)
	}
	if err := p.useIntegrations(machines, otherPkgs, mo); err != nil {
		return nil, err
	}
	if len(others) > 0 && p.requires == "" {
		return nil, errors.New("--with links machines that states:startExecution Tasks start, and none of these machines calls AWS or starts one")
	}
	return p, nil
}

// compileWith compiles the definitions of --with.
func compileWith(e *env, verb string, paths []string, typ string) ([]*definition, bool) {
	var defs []*definition
	for _, path := range paths {
		d, ok := compile(e, verb, path, typ, true)
		if !ok {
			return nil, false
		}
		defs = append(defs, d)
	}
	return defs, true
}

// key identifies what the program builds into: its sources, the runtime's
// and the target platform.
func (p *program) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "sfn-compile program 1\x00%s/%s\x00%s\x00%s\x00%t\x00", runtime.GOOS, runtime.GOARCH, p.rt.hash, version(), p.strip)
	names := make([]string, 0, len(p.files))
	for name := range p.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(p.files[name]))
		h.Write(p.files[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// errNoGo explains that build and run need the go command.
var errNoGo = errors.New("the go command is not on PATH: building a state machine needs a Go toolchain (https://go.dev/dl/); gen works without one")

// build writes the program to a temporary module, next to the runtime
// extracted into the cache, and runs go build -o out there. extraEnv is
// added to the go command's environment. No network is needed: the
// runtime imports only the standard library.
func (p *program) build(out string, extraEnv []string) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return errNoGo
	}
	root, err := cacheRoot()
	if err != nil {
		return err
	}
	rtDir, err := p.rt.extract(root)
	if err != nil {
		return fmt.Errorf("extracting the runtime: %w", err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "sfn-compile-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files := map[string][]byte{}
	for name, data := range p.files {
		files[name] = data
	}
	if p.requires != "" {
		rtDir = p.runtimeInTree(files) // see lambda.go
	}
	files["go.mod"] = p.goMod(rtDir)
	if err := writeTree(tmp, files); err != nil {
		return err
	}
	cmd := exec.Command(goCmd, "build", "-trimpath", "-ldflags="+p.ldflags(), "-o", absOut, ".")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-mod=mod", // no go.sum: the only requirement is replaced by a directory
		"GOWORK=off",
		"GOTOOLCHAIN=local",
		"CGO_ENABLED=0", // no C toolchain needed, and a static binary
	)
	if p.requires == "" {
		cmd.Env = append(cmd.Env, "GOPROXY=off") // nothing to download; fail fast rather than reach the network
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	output, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build failed (%v):\n%s", err, strings.TrimRight(string(output), "\n"))
	}
	return nil
}

// ldflags returns the linker flags of the program: the version stamp
// that the binary's --version prints (the runtime beside the program has
// no module version of its own) and, for strip, -s -w.
func (p *program) ldflags() string {
	flags := "-X " + enginePkg + ".stampedVersion=" + version()
	if p.strip {
		flags += " -s -w"
	}
	return flags
}

// goMod returns the main module's go.mod: the runtime module replaced by
// its extracted source.
func (p *program) goMod(rtDir string) []byte {
	dir := filepath.ToSlash(rtDir)
	if strings.ContainsAny(dir, " \t\"'`\\") {
		dir = strconv.Quote(dir)
	}
	return []byte("module " + progModule + "\n\ngo " + p.rt.goLine + "\n\n" +
		"require " + p.rt.module + " v0.0.0\n\n" + p.requires +
		"replace " + p.rt.module + " => " + dir + "\n")
}
