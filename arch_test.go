package sfncompile

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports lists, for every package of the module (a key rules its
// subtree too, the longest key winning), the module packages and
// third-party module prefixes it may import. The standard library is
// always allowed, but for unsafe: see unsafeAllowed. A package the
// table does not rule fails the test: a new package states its place in
// the architecture here.
//
// The pipeline's imports point one way, cmd → compiler → ir ← codegen,
// and the runtime stands alone: generated code and applications import
// it, it imports nothing of the compiler.
var allowedImports = map[string][]string{
	"": {}, // the module root: embed.go, the tests of this file

	"ir":      {},
	"codegen": {"ir", "codegen/fuse", "github.com/dave/jennifer"},
	// The fusion pass plans from the IR alone; codegen emits its plan.
	"codegen/fuse": {"ir"},
	// The compiler parses JSONata with the engine's parser, which has
	// a standard-library package of its own for that.
	"compiler":                {"ir", "runtime/jsonata/syntax"},
	"graph":                   {"ir", "compiler"},
	"testrun":                 {"ir", "compiler", "codegen", "runtime/sfnrt", "runtime/sfnmock", "github.com/dave/jennifer"},
	"testrun/internal/runner": {"runtime/sfnrt", "runtime/sfnmock"},
	"cmd/sfn-compile": {"", "ir", "compiler", "codegen", "graph", "testrun", "server", "runtime/sfnrt", "runtime/sfncli", "runtime/sfnmock",
		"golang.org/x/tools/go/packages"},

	// The runtime by audience (docs/architecture.md): the
	// implementation, standard library only, and the packages that
	// alias it for applications (sfnrt) and generated code (sfnimpl).
	// The mock loader (sfnmock) is a client of the application API
	// alone; built binaries' command line (sfncli) is one too, but for
	// the engine's streaming JSON writer and refusal messages. The
	// engine imports neither: the public packages never import sfnimpl.
	"runtime/internal/engine": {"runtime/internal/digest"},
	"runtime/internal/digest": {},
	"runtime/sfnrt":           {"runtime/internal/engine"},
	"runtime/sfncli":          {"runtime/internal/engine", "runtime/sfnrt", "runtime/sfnmock"},
	"runtime/sfnmock":         {"runtime/sfnrt"},
	"runtime/sfnimpl":         {"runtime/internal/engine", "runtime/sfnrt"},
	"runtime/sfncrypto":       {"runtime/internal/engine"},
	// JSONata's deep equality is the engine's walk of JSON equality
	// (engine.EqualBy) under a rule of its own.
	"runtime/jsonata": {"runtime/sfnrt", "runtime/internal/engine", "runtime/internal/digest", "runtime/internal/lazy"},
	// The JSONata parser: the standard library only (and lazy, its
	// tables built on first use), so that the compiler parses with the
	// engine's own parser.
	"runtime/jsonata/syntax": {"runtime/internal/lazy"},
	// Values that package variables build on first use, with no init
	// code: the standard library only.
	"runtime/internal/lazy": {},
	"runtime/awslambda":     {"runtime/sfnrt", "runtime/sfncli", "runtime/sfncrypto", "github.com/aws/"},
	"runtime/lambdahandler": {"runtime/sfnrt", "github.com/aws/"},
	// AWS service integrations beside the runtime (the Distributed Map's
	// Amazon S3 store: the SDK behind the runtime's ObjectStore
	// interface), and durable executions over it (docs/architecture.md).
	"runtime/integrations":         {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfncli", "runtime/awslambda", "github.com/aws/"},
	"durable":                      {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfncli", "runtime/sfnmock", "github.com/dbos-inc/", "github.com/jackc/", "modernc.org/"},
	"durable/internal/testmachine": {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl"},
	"durable/internal/distmachine": {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl"},
	"durable/internal/distwriter":  {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl"},
	"durable/internal/distnested":  {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl"},
	"durable/internal/stmtcache":   {}, // a database/sql driver wrapper: standard library only
	"durable/internal/atamachine":  {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl", "runtime/jsonata"},
	// The API server validates and compiles definitions and draws them
	// in its console; cmd gives it the build cache (a Builder), so it
	// needs no codegen of its own. Standard executions go through
	// durable's client, whose errors are the runtime's APIError; a
	// mock config's test case is checked before a worker runs it.
	// Activity tasks are served through the durable store (durable's
	// Activities). TestState matches a state's errors against its Retry
	// and Catch as generated code does (runtime/sfnimpl's Matches).
	"server": {"ir", "compiler", "graph", "durable", "runtime/sfnrt", "runtime/sfnimpl", "runtime/sfnmock"},

	// Generated machines and what they are generated for import what a
	// user's generated package imports.
	"codegen/internal/typedtest": {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl", "runtime/jsonata", "codegen/internal/typedtest"},
	"codegen/internal/fusedata":  {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl", "runtime/jsonata"},
	"examples":                   {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl", "runtime/jsonata", "examples"},
	// bench/cmd/dmap tunes the engine through sfnimpl's setter.
	"bench": {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl", "runtime/sfncli", "runtime/jsonata", "bench", "examples"},

	// Test helpers and generators.
	"internal/aslgen":         {},
	"internal/batchscenario":  {}, // a test of the built sfn-compile
	"internal/genintrinsics":  {},
	"internal/genrtapi":       {"golang.org/x/tools/go/packages"},
	"internal/rietest":        {},
	"internal/rietest/testfn": {"github.com/aws/"},                                       // aws-lambda-go, and the SDK for callbacks
	"internal/s3batch":        {"runtime/sfnrt", "runtime/sfncrypto", "runtime/sfnimpl"}, // a generated machine
	"internal/testservers":    {},
}

// unsafeAllowed lists the packages that may import unsafe: the value
// model's rewrites of interface words live in the runtime alone.
var unsafeAllowed = []string{"runtime/internal/engine"}

// TestImportDirections lists every package's imports with the go
// command and fails on an edge the table does not allow.
func TestImportDirections(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	const mod = "github.com/sfn-compile/sfn-compile"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		key, rules, ok := rulesFor(pkg)
		if !ok {
			t.Errorf("%s: not in arch_test.go's allowedImports: add it with the module packages it may import", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if imp == "unsafe" && !slices.Contains(unsafeAllowed, key) {
				t.Errorf("%s imports unsafe: only %v may", pkg, unsafeAllowed)
			}
			if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				continue // standard library
			}
			if !importAllowed(key, imp, mod, rules) {
				t.Errorf("%s imports %s: not allowed (allowed: standard library, %q)", pkg, imp, rules)
			}
		}
	}
}

// rulesFor returns the table's key that rules pkg, the longest prefix
// of it, and its list.
func rulesFor(pkg string) (key string, rules []string, ok bool) {
	longest := -1
	for prefix, r := range allowedImports {
		if (pkg == prefix || prefix != "" && strings.HasPrefix(pkg, prefix+"/")) && len(prefix) > longest {
			key, rules, ok, longest = prefix, r, true, len(prefix)
		}
	}
	return key, rules, ok
}

// importAllowed reports whether a package that key rules may import imp
// (a full import path).
func importAllowed(key, imp, mod string, rules []string) bool {
	if imp == mod || strings.HasPrefix(imp, mod+"/") {
		rel := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/")
		if key != "" && (rel == key || strings.HasPrefix(rel, key+"/")) {
			return true // the packages of its own subtree
		}
		for _, a := range rules {
			if rel == a || a != "" && strings.HasPrefix(rel, a+"/") {
				return true
			}
		}
		return false
	}
	for _, a := range rules {
		if a != "" && strings.HasPrefix(imp, a) {
			return true
		}
	}
	return false
}

// TestImportRules checks the checker on edges it must allow and refuse.
func TestImportRules(t *testing.T) {
	const mod = "example.com/m"
	tests := []struct {
		pkg, imp string
		want     bool
	}{
		{"compiler", mod + "/ir", true},
		{"compiler", mod + "/codegen", false},
		{"compiler", mod + "/runtime/jsonata/syntax", true},
		{"compiler", mod + "/runtime/jsonata", false}, // the parser, not the engine
		{"compiler", mod + "/runtime/sfnrt", false},
		{"codegen", mod + "/compiler", false},
		{"codegen", "github.com/dave/jennifer/jen", true},
		{"ir", mod + "/runtime/sfnrt", false},
		{"runtime/sfnrt", mod + "/ir", false},
		{"runtime/sfnrt/internal/x", mod + "/runtime/sfnrt", true}, // its own tree
		{"runtime/awslambda", "github.com/aws/aws-sdk-go-v2/aws", true},
		{"runtime/jsonata", "github.com/aws/aws-sdk-go-v2/aws", false},
		{"cmd/sfn-compile", mod, true},
		{"bench/order", mod + "/examples/order/shop", true},
		{"bench/order", mod + "/compiler", false},
	}
	for _, tt := range tests {
		key, rules, ok := rulesFor(tt.pkg)
		if !ok {
			t.Errorf("%s: no rules", tt.pkg)
			continue
		}
		if got := importAllowed(key, tt.imp, mod, rules); got != tt.want {
			t.Errorf("%s importing %s: allowed %v, want %v", tt.pkg, tt.imp, got, tt.want)
		}
	}
	if _, _, ok := rulesFor("newpkg"); ok {
		t.Error("a package the table does not list is ruled")
	}
}

// leanRuntimeAvoids are standard library packages that the runtime every
// generated machine links must not import: each costs every binary code
// that is resident from start-up (the FIPS 140 module of crypto: about
// 190 KB), for what only some machines use. runtime/sfncrypto links the
// cryptography into the programs of the machines that need it.
var leanRuntimeAvoids = []string{"crypto/hmac", "crypto/rand", "crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512"}

func TestLeanRuntime(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	const mod = "github.com/sfn-compile/sfn-compile"
	// What a built binary links (sfncli: the generated main) and what a
	// JSONata machine adds.
	out, err := exec.Command("go", "list", "-deps", mod+"/runtime/sfnrt", mod+"/runtime/sfnimpl", mod+"/runtime/sfncli", mod+"/runtime/jsonata").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, p := range leanRuntimeAvoids {
		if slices.Contains(deps, p) {
			t.Errorf("the runtime of every machine imports %s: link it only where a machine uses it (see runtime/sfncrypto)", p)
		}
	}
}
