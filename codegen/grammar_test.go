package codegen_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/internal/aslgen"
	"github.com/sfn-compile/sfn-compile/ir"
)

var (
	grammarN    = flag.Int("grammar.n", 100, "how many generated definitions TestGrammarDefinitions checks")
	grammarFrom = flag.Uint64("grammar.from", 0, "the first seed TestGrammarDefinitions uses")
)

// TestGrammarDefinitions: every definition of the grammar-driven
// generator (internal/aslgen) is one validate accepts, and every one
// generates Go that type-checks, without a panic. The definitions come
// from fixed seeds, so a failure names its seed; FuzzGrammar explores
// further.
func TestGrammarDefinitions(t *testing.T) {
	n := *grammarN
	if testing.Short() {
		n = 20
	}
	check := newGoChecker(t)
	for seed := *grammarFrom; seed < *grammarFrom+uint64(n); seed++ {
		def := aslgen.Generate(aslgen.NewRand(seed))
		if msg := check.definition(def); msg != "" {
			t.Errorf("seed %d: %s\n%s", seed, msg, def)
		}
	}
}

// FuzzGrammar: the fuzzer's bytes choose the generator's productions
// (rather than mutating the bytes of a definition), so every input is a
// valid definition over a different combination of fields.
func FuzzGrammar(f *testing.F) {
	for _, seed := range []string{"", "\x01", "\x02\x03\x04\x05", "\x01\x01\x01\x01\x01\x01\x01\x01\x01", "\xff\x00\xff\x00\x07\x09"} {
		f.Add([]byte(seed))
	}
	check := newGoChecker(f)
	f.Fuzz(func(t *testing.T, choices []byte) {
		def := aslgen.Generate(aslgen.NewBytes(choices))
		if msg := check.definition(def); msg != "" {
			t.Fatalf("%s\n%s", msg, def)
		}
	})
}

// A goChecker compiles definitions, generates their Go and type-checks
// it, with one importer that type-checks the runtime from source once
// and keeps it. FuzzGenerate uses it too.
type goChecker struct {
	fset *token.FileSet
	conf types.Config
}

func newGoChecker(tb testing.TB) *goChecker {
	fset := token.NewFileSet()
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	// Type-check the runtime now, before f.Fuzz: the fuzzing worker gives
	// each input 10 seconds and then kills itself ("fuzzing process hung
	// or terminated unexpectedly"), and the first input would otherwise
	// pay for the whole runtime, which on a loaded machine takes longer.
	if _, err := conf.Importer.Import("github.com/sfn-compile/sfn-compile/runtime/sfnrt"); err != nil {
		tb.Fatalf("type-checking the runtime: %v", err)
	}
	return &goChecker{fset: fset, conf: conf}
}

// definition returns what is wrong with def, or "".
func (c *goChecker) definition(def []byte) string {
	m, diags := compiler.Compile(def, compiler.Options{Filename: "gen.asl.json"})
	if m == nil {
		var errs []string
		for _, d := range diags {
			errs = append(errs, d.String())
		}
		return "validate rejects a generated definition:\n" + strings.Join(errs, "\n")
	}
	return c.machine(m)
}

// machine returns what is wrong with the Go generated for m, or "".
func (c *goChecker) machine(m *ir.Machine) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("gen panics: %v", r)
		}
	}()
	out, err := codegen.Generate(m, codegen.Options{Package: "grammar", Name: "grammar"})
	if err != nil {
		return "gen fails: " + err.Error()
	}
	file, err := parser.ParseFile(c.fset, "grammar_gen.go", out, 0)
	if err != nil {
		return "generated code does not parse: " + err.Error()
	}
	if _, err := c.conf.Check("grammar", c.fset, []*ast.File{file}, nil); err != nil {
		return "generated code does not type-check: " + err.Error()
	}
	return ""
}
