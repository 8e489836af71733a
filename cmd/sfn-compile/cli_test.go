package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPackageName(t *testing.T) {
	tests := []struct{ path, want string }{
		{"order.asl.json", "order"},
		{"dir/Order-Flow_v2.json", "orderflowv2"},
		{"2fa.asl.json", "sfn2fa"},
		{"map.asl.json", "mapsfn"},
		{"main.json", "mainsfn"},
		{"---.json", "machine"},
		{"état.asl.json", "tat"},
		{"noext", "noext"},
	}
	for _, tt := range tests {
		if got := packageName(tt.path); got != tt.want {
			t.Errorf("packageName(%q) = %q, want %q", tt.path, got, tt.want)
		}
		if !token.IsIdentifier(packageName(tt.path)) {
			t.Errorf("packageName(%q) is not an identifier", tt.path)
		}
	}
}

func TestMachineName(t *testing.T) {
	tests := []struct{ path, want string }{
		{"order.asl.json", "order"},
		{"a/b/Order-Flow.json", "Order-Flow"},
		{"x.yaml", "x.yaml"},
		{".json", ".json"},
	}
	for _, tt := range tests {
		if got := machineName(tt.path); got != tt.want {
			t.Errorf("machineName(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestSourceName(t *testing.T) {
	tests := []struct{ def, out, want string }{
		{"order.asl.json", "", "order.asl.json"},
		{"defs/order.asl.json", "", "defs/order.asl.json"},
		{"defs/order.asl.json", "defs/order_sfn.go", "order.asl.json"},
		{"order.asl.json", "gen/order.go", "../order.asl.json"},
	}
	for _, tt := range tests {
		if got := sourceName(tt.def, tt.out); got != tt.want {
			t.Errorf("sourceName(%q, %q) = %q, want %q", tt.def, tt.out, got, tt.want)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{"a/./b.json", "a/b.json"},
		{filepath.Join(wd, "x", "y.json"), "x/y.json"},
		{"../z.json", "../z.json"},
	}
	for _, tt := range tests {
		if got := displayPath(tt.path); got != tt.want {
			t.Errorf("displayPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestWriteIfChanged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.go")
	if err := writeIfChanged(p, []byte("a")); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := writeIfChanged(p, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); !fi.ModTime().Equal(old) {
		t.Errorf("unchanged content rewritten: mtime %v, want %v", fi.ModTime(), old)
	}
	if err := writeIfChanged(p, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "b" {
		t.Errorf("content %q, want b", data)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantO   string
		wantB   bool
	}{
		{[]string{"a.json"}, []string{"a.json"}, "", false},
		{[]string{"-o", "x", "a.json", "-b"}, []string{"a.json"}, "x", true},
		{[]string{"a.json", "--o=y", "b.json"}, []string{"a.json", "b.json"}, "y", false},
		{[]string{"a.json", "--", "-b", "-o"}, []string{"a.json", "-b", "-o"}, "", false},
		{[]string{"-"}, []string{"-"}, "", false},
	}
	for _, tt := range tests {
		fs := newFlags("test")
		o := fs.String("o", "", "")
		b := fs.Bool("b", false, "")
		var stderr bytes.Buffer
		pos, _, ok := parseFlags(&env{stderr: &stderr}, fs, "", tt.args)
		if !ok {
			t.Errorf("parseFlags(%q) failed: %s", tt.args, stderr.String())
			continue
		}
		if diff := cmp.Diff(tt.wantPos, pos); diff != "" || *o != tt.wantO || *b != tt.wantB {
			t.Errorf("parseFlags(%q): pos %q, -o %q, -b %v", tt.args, pos, *o, *b)
		}
	}
}

// TestEmbeddedRuntime checks what build and run extract: the runtime
// packages without tests, a go.mod with no requirements, and only
// standard library imports, so that building needs no network.
func TestEmbeddedRuntime(t *testing.T) {
	rt, err := embeddedRuntime()
	if err != nil {
		t.Fatal(err)
	}
	if rt.module != "github.com/sfn-compile/sfn-compile" || rt.goLine == "" {
		t.Errorf("module %q, go %q", rt.module, rt.goLine)
	}
	if got, want := string(rt.files["go.mod"]), "module "+rt.module+"\n\ngo "+rt.goLine+"\n"; got != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", got, want)
	}
	// Every runtime package is embedded (a package nested deeper than
	// runtime/*/ needs its own pattern in embed.go), and package durable
	// with the internal package it imports (not its test machines).
	var want []string
	root := filepath.Join("..", "..")
	durable, _ := filepath.Glob(filepath.Join(root, "durable", "*.go"))
	stmtcache, _ := filepath.Glob(filepath.Join(root, "durable", "internal", "stmtcache", "*.go"))
	durable = append(durable, stmtcache...)
	for _, p := range durable {
		if !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(root, p)
			want = append(want, filepath.ToSlash(rel))
		}
	}
	filepath.WalkDir(filepath.Join(root, "runtime"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(root, p)
			want = append(want, filepath.ToSlash(rel))
		}
		return nil
	})
	var got []string
	fset := token.NewFileSet()
	for name, data := range rt.files {
		if name == "go.mod" {
			continue
		}
		got = append(got, name)
		f, err := parser.ParseFile(fset, name, data, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			// The AWS packages and durable are the exceptions: only
			// programs that call AWS or ask for durability import them,
			// and those download their modules.
			awsPkg := strings.HasPrefix(name, "runtime/awslambda/") || strings.HasPrefix(name, "runtime/lambdahandler/") ||
				strings.HasPrefix(name, "runtime/integrations/") || strings.HasPrefix(name, "durable/")
			if strings.Contains(first, ".") && !strings.HasPrefix(path, rt.module+"/runtime/") && !awsPkg {
				t.Errorf("%s imports %s: the runtime must import only the standard library and itself", name, path)
			}
		}
	}
	if diff := cmp.Diff(sortedCopy(want), sortedCopy(got)); diff != "" {
		t.Errorf("embedded runtime files (-on disk +embedded):\n%s", diff)
	}
	if !strings.Contains(strings.Join(got, " "), "runtime/sfncli/main.go") {
		t.Errorf("runtime/sfncli/main.go not embedded: %q", got)
	}
}

func TestRuntimeExtract(t *testing.T) {
	rt, err := embeddedRuntime()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir, err := rt.extract(root)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range rt.files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: extracted content differs (%v)", name, err)
		}
	}
	again, err := rt.extract(root)
	if err != nil || again != dir {
		t.Errorf("second extract: %q, %v; want %q", again, err, dir)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left %d entries in %s, want 1", len(entries), filepath.Dir(dir))
	}
}

func TestTrimCache(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for name, age := range map[string]time.Duration{"old": cacheAge + time.Hour, "new": time.Hour} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, nil, 0o666)
		os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	trimCache(dir, now)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "new" {
		t.Errorf("kept %v, want only new", entries)
	}
}

// TestTrimCacheBySize: past the bound, the least recently used entries go
// first, files and folders alike, and the most recent stays even alone
// over it; entries in the making are not counted or removed.
func TestTrimCacheBySize(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for _, e := range []struct {
		name string
		age  time.Duration
		size int
	}{
		{"a", 1 * time.Hour, 400},
		{"b", 2 * time.Hour, 300},
		{"c", 3 * time.Hour, 300},
		{"d/x", 4 * time.Hour, 200},
		{"tmp-build/x", 5 * time.Hour, 5000},
	} {
		p := filepath.Join(dir, filepath.FromSlash(e.name))
		os.MkdirAll(filepath.Dir(p), 0o777)
		os.WriteFile(p, make([]byte, e.size), 0o666)
		top := filepath.Join(dir, strings.Split(e.name, "/")[0])
		os.Chtimes(top, now.Add(-e.age), now.Add(-e.age))
	}
	names := func() []string {
		entries, _ := os.ReadDir(dir)
		var got []string
		for _, ent := range entries {
			got = append(got, ent.Name())
		}
		return got
	}
	trimCacheTo(dir, now, 1000)
	if diff := cmp.Diff([]string{"a", "b", "c", "tmp-build"}, names()); diff != "" {
		t.Errorf("at 1000 bytes (-want +kept):\n%s", diff)
	}
	trimCacheTo(dir, now, 100)
	if diff := cmp.Diff([]string{"a", "tmp-build"}, names()); diff != "" {
		t.Errorf("at 100 bytes (-want +kept):\n%s", diff)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
