package codegen_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
)

// maxDefinitionBytes is AWS's limit on the size of a definition.
const maxDefinitionBytes = 1 << 20

// chainDefinition is a chain of n Pass states, each with a literal Result,
// then a Succeed state: the shape of a large generated workflow.
func chainDefinition(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Result":{"i":%d},"ResultPath":"$.r","Next":"S%d"},`, i, i, i+1)
	}
	fmt.Fprintf(&b, `"S%d":{"Type":"Succeed"}}}`, n)
	return b.String()
}

// chainOfSize is the longest chainDefinition within size bytes.
func chainOfSize(size int) string {
	n := size / len(chainDefinition(1))
	for len(chainDefinition(n+1000)) <= size {
		n += 1000
	}
	for len(chainDefinition(n+1)) <= size {
		n++
	}
	return chainDefinition(n)
}

// literalDefinition is one Pass state whose Result is an object of as many
// entries as fit in size bytes of definition.
func literalDefinition(size int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{`)
	const tail = `},"End":true}}}`
	for i := 0; ; i++ {
		entry := fmt.Sprintf(`"k%d":{"v":%d,"s":"x%d"}`, i, i, i)
		if b.Len()+len(entry)+1+len(tail) > size {
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(entry)
	}
	b.WriteString(tail)
	return b.String()
}

func generate(t *testing.T, def, pkg string) []byte {
	t.Helper()
	m, diags := compiler.Compile([]byte(def), compiler.Options{Filename: pkg + ".asl.json"})
	if m == nil {
		t.Fatalf("%s does not compile: %v", pkg, diags)
	}
	src, err := codegen.Generate(m, codegen.Options{Package: pkg})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// Bounds of the generated code that keep the Go compiler's time and
// memory proportional to a definition's size (see codegen/fast.go).
const (
	// maxFuncStatements bounds the statements of one generated function.
	maxFuncStatements = 2000
	// maxInitExprs bounds the expressions a package variable's
	// initialiser evaluates (calls, keyed fields, nested literals).
	maxInitExprs = 100
)

// TestGeneratedCodeBounded: the largest definitions AWS accepts become
// functions of bounded size and initialisers of bounded code, whatever
// the number of states or the size of a literal.
func TestGeneratedCodeBounded(t *testing.T) {
	for _, tc := range []struct{ name, def string }{
		{"chain10000", chainDefinition(10000)},
		{"literal1mb", literalDefinition(maxDefinitionBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := generate(t, tc.def, tc.name)
			f, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if n := countNodes(d.Body, isStatement); n > maxFuncStatements {
						t.Errorf("function %s has %d statements, want at most %d", d.Name.Name, n, maxFuncStatements)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						vs, ok := spec.(*ast.ValueSpec)
						if !ok {
							continue
						}
						for _, v := range vs.Values {
							if n := countNodes(v, isInitCode); n > maxInitExprs {
								t.Errorf("the initialiser of %s evaluates %d expressions, want at most %d", vs.Names[0].Name, n, maxInitExprs)
							}
						}
					}
				}
			}
		})
	}
}

func isStatement(n ast.Node) bool {
	_, ok := n.(ast.Stmt)
	_, block := n.(*ast.BlockStmt)
	return ok && !block
}

// isInitCode reports whether an initialiser evaluates n as code rather
// than laying it out as data.
func isInitCode(n ast.Node) bool {
	switch n.(type) {
	case *ast.CallExpr, *ast.KeyValueExpr, *ast.BinaryExpr, *ast.FuncLit:
		return true
	}
	return false
}

func countNodes(root ast.Node, counted func(ast.Node) bool) int {
	n := 0
	ast.Inspect(root, func(x ast.Node) bool {
		if x != nil && counted(x) {
			n++
		}
		return true
	})
	return n
}

// A buildResult is what building one generated package cost.
type buildResult struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes, of the largest process of the build
}

// goBuild builds the generated package src in a fresh module and returns
// what it cost, failing the test after timeout.
func goBuild(t *testing.T, pkg string, src []byte, timeout time.Duration) (mod string, r buildResult) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot build the generated code")
	}
	mod = t.TempDir()
	root, _ := filepath.Abs("..")
	writeFile(t, filepath.Join(mod, "go.mod"), []byte(fmt.Sprintf(
		"module bounds\n\ngo 1.23\n\nrequire github.com/sfn-compile/sfn-compile v0.0.0\n\nreplace github.com/sfn-compile/sfn-compile => %s\n", root)))
	writeFile(t, filepath.Join(mod, pkg, pkg+".go"), src)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// The runtime is built once, outside the measure.
	warm := exec.CommandContext(ctx, "go", "build", "github.com/sfn-compile/sfn-compile/runtime/sfnrt")
	warm.Dir = mod
	warm.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := warm.CombinedOutput(); err != nil {
		t.Fatalf("building the runtime: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "./"+pkg)
	cmd.Dir = mod
	cmd.Env = warm.Env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("building %s took over %v", pkg, timeout)
	}
	if err != nil {
		if len(out) > 4000 {
			out = out[:4000]
		}
		t.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	r = buildResult{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		// On Linux, the rusage of a waited-for process covers the
		// processes it waited for: the compiler's peak is in it.
		r.maxRSS = int64(ru.Maxrss) * 1024
	}
	return mod, r
}

// TestLargeDefinitionsBuild builds a chain of 2,000 states and a 1 MB
// literal with the go command, within bounds of memory that the code of
// one function per machine (or one initialiser per literal) exceeded.
func TestLargeDefinitionsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large generated packages")
	}
	const maxRSS = 1 << 30
	for _, tc := range []struct{ name, def, want string }{
		// Fused code split over functions, and a step table.
		{"chain2000", chainDefinition(2000), `{"r":{"i":1999}}`},
		{"literal1mb", literalDefinition(maxDefinitionBytes), ""},
	} {
		mod, r := goBuild(t, tc.name, generate(t, tc.def, tc.name), 5*time.Minute)
		t.Logf("%s: %v wall, %v CPU, %d MB peak RSS", tc.name, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.maxRSS>>20)
		if r.maxRSS > maxRSS {
			t.Errorf("building %s took %d MB, want at most %d MB", tc.name, r.maxRSS>>20, maxRSS>>20)
		}
		if tc.want != "" {
			// It runs the same fused (no history) and state by state.
			want := "SUCCEEDED " + tc.want + "\nSUCCEEDED " + tc.want + "\n"
			if got := runMachine(t, mod, tc.name); got != want {
				t.Errorf("running %s: got %q, want %q", tc.name, got, want)
			}
		}
	}
}

// runMachine runs the generated package pkg of module mod on {} without
// and with a history, and returns the status and output of each run.
func runMachine(t *testing.T, mod, pkg string) string {
	t.Helper()
	writeFile(t, filepath.Join(mod, "run", "main.go"), []byte(fmt.Sprintf(`package main

import (
	"context"
	"fmt"

	"bounds/%s"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func main() {
	for _, history := range []bool{false, true} {
		res := %s.New(nil).Start(context.Background(), sfnrt.NewObject(0), sfnrt.Options{History: history})
		out := sfnrt.AppendJSON(nil, res.Output)
		fmt.Printf("%%s %%s%%s\n", res.Status, out, res.Cause)
	}
}
`, pkg, pkg)))
	cmd := exec.Command("go", "run", "./run")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running %s: %v\n%s", pkg, err, out)
	}
	return string(out)
}

// TestBuildCurve (SFN_BUILD_CURVE=1) reports how building grows with the
// size of a definition, up to AWS's 1 MB: 100, 1,000 and 10,000 Pass
// states, as many as fit in 1 MB, and a 1 MB literal. A 1 MB definition
// must build within 60 s and 1.5 GB on a 2-core machine: the test checks
// the CPU time of the build, which is its wall time on an idle machine or
// more (the wall time on a shared one measures the neighbours too).
func TestBuildCurve(t *testing.T) {
	if os.Getenv("SFN_BUILD_CURVE") != "1" {
		t.Skip("set SFN_BUILD_CURVE=1 to measure builds of up to 10,000 states")
	}
	const (
		maxCPU = 60 * time.Second
		maxRSS = 1536 << 20
	)
	for _, tc := range []struct {
		name string
		def  string
	}{
		{"chain100", chainDefinition(100)},
		{"chain1000", chainDefinition(1000)},
		{"chain10000", chainDefinition(10000)},
		{"chain1mb", chainOfSize(maxDefinitionBytes)},
		{"literal1mb", literalDefinition(maxDefinitionBytes)},
	} {
		_, r := goBuild(t, tc.name, generate(t, tc.def, tc.name), 10*time.Minute)
		t.Logf("%-11s %8d bytes of ASL: %8v wall %8v CPU %6d MB peak RSS", tc.name, len(tc.def),
			r.wall.Round(10*time.Millisecond), r.cpu.Round(10*time.Millisecond), r.maxRSS>>20)
		if r.cpu > maxCPU || r.maxRSS > maxRSS {
			t.Errorf("%s: over %v of CPU or %d MB", tc.name, maxCPU, maxRSS>>20)
		}
	}
}
