package sfncompile

import (
	"os/exec"
	"strings"
	"testing"
)

// The pipeline's imports point one way: cmd → compiler → ir ← codegen,
// and the runtime stands alone. This test lists every package's imports
// with the go command and fails on an edge the architecture forbids.
func TestImportDirections(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	const mod = "github.com/sfn-compile/sfn-compile"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// allowed lists, per package prefix, the module packages it may import
	// (standard library imports are always allowed; third-party ones are
	// listed by prefix too).
	allowed := map[string][]string{
		"ir":                    {},
		"compiler":              {"ir", "runtime/jsonata"},
		"codegen":               {"ir", "github.com/dave/jennifer"},
		"runtime/sfnrt":         {},
		"runtime/jsonata":       {"runtime/sfnrt"},
		"graph":                 {"ir", "compiler"},
		"testrun":               {"ir", "compiler", "codegen", "runtime/sfnrt", "github.com/dave/jennifer"},
		"runtime/awslambda":     {"runtime/sfnrt", "github.com/aws/"},
		"runtime/lambdahandler": {"runtime/sfnrt", "github.com/aws/"},
		// The Distributed Map's Amazon S3 store: the SDK behind the
		// runtime's ObjectStore interface.
		"runtime/integrations/s3store": {"runtime/sfnrt", "github.com/aws/"},
		// The API server validates and compiles definitions and draws them
		// in its console; cmd gives it the build cache (a Builder), so it
		// needs no codegen of its own.
		"server": {"ir", "compiler", "graph"},
		// Durable executions: the runtime's Driver on DBOS Transact.
		"durable":                      {"runtime/sfnrt", "github.com/dbos-inc/dbos-transact-golang/"},
		"durable/internal/testmachine": {"runtime/sfnrt"},
		// Generated machines that test codegen's output: they import what
		// a user's generated package imports.
		"codegen/internal/typedtest": {"runtime/sfnrt", "codegen/internal/typedtest"},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		// The longest matching prefix rules, so that a subtree can have
		// rules of its own.
		var rules []string
		var ruled bool
		longest := -1
		for prefix, r := range allowed {
			if (pkg == prefix || strings.HasPrefix(pkg, prefix+"/")) && len(prefix) > longest {
				rules, ruled, longest = r, true, len(prefix)
			}
		}
		if !ruled {
			continue // cmd, examples, bench: free to import what they use
		}
		for _, imp := range fields[1:] {
			if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				continue // standard library
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/")
			if strings.HasPrefix(imp, mod) && (rel == pkg || strings.HasPrefix(rel, pkg+"/")) {
				continue // its own subpackages
			}
			ok := false
			for _, a := range rules {
				if rel == a || strings.HasPrefix(rel, a+"/") || strings.HasPrefix(imp, a) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s imports %s: not allowed (allowed: standard library, %v)", pkg, imp, rules)
			}
		}
	}
}
