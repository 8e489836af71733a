package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrittenFilesCurrent: the committed public packages are what the
// engine and data.go make, so that an engine change reaches them only
// through go generate ./runtime/sfnrt (and api.golden's review).
func TestWrittenFilesCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the runtime")
	}
	files, err := render(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(targets) {
		t.Errorf("%d files written, want one for each of %d packages", len(files), len(targets))
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", path))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale; run go generate ./runtime/sfnrt (-generated +committed):\n%s", path, diff)
		}
	}
}

// TestAudience: data.go's lists name each engine name once, and the
// prefixes put the States.* error names in the application API.
func TestAudience(t *testing.T) {
	seen := map[string]bool{}
	for _, list := range [][]string{application, excluded} {
		for _, name := range list {
			if seen[name] {
				t.Errorf("%s listed twice in data.go", name)
			}
			seen[name] = true
		}
	}
	for name, want := range map[string]target{
		"ErrRuntime": apiTarget, "MaxPayloadBytes": apiTarget, "StatusSucceeded": apiTarget,
		"Frame": implTarget, "Errorish": implTarget,
	} {
		if got, _ := audience(name); got != want {
			t.Errorf("audience(%s) = %s, want %s", name, got.dir, want.dir)
		}
	}
	if _, ok := audience("MaxResultFileBytes"); ok {
		t.Error("MaxResultFileBytes, package state, is forwarded")
	}
}
