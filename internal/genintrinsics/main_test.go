package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrittenFilesCurrent: the committed tables are what data.go makes.
func TestWrittenFilesCurrent(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", path))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale; run go generate ./compiler (-data.go +committed):\n%s", path, diff)
		}
	}
}

// TestTable: names are unique and spelled States.X, the runtime function
// is the name without its dot, and arities agree with the kinds listed.
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, in := range intrinsics {
		if seen[in.name] {
			t.Errorf("%s listed twice", in.name)
		}
		seen[in.name] = true
		if !strings.HasPrefix(in.name, "States.") || in.runtime != strings.ReplaceAll(in.name, ".", "") {
			t.Errorf("%s: runtime function %s", in.name, in.runtime)
		}
		switch {
		case in.max == -1 && len(in.args) == 0:
			t.Errorf("%s: variadic without a kind to repeat", in.name)
		case in.max >= 0 && (len(in.args) != in.max || in.min > in.max):
			t.Errorf("%s: arity %d..%d with %d kinds", in.name, in.min, in.max, len(in.args))
		}
		for _, k := range in.args {
			if int(k) >= len(kinds) || kinds[k].name == "" {
				t.Errorf("%s: argument kind %d has no name", in.name, k)
			}
		}
	}
}
