package sfncompile

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// genDirective is how a go:generate directive runs the generator.
const genDirective = "//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile "

// TestGeneratedFiles: every committed *_gen.go is made by a go:generate
// directive of this module from a definition inside it, and is what
// that directive makes now. Each directive runs with its -o file beside
// the committed one (so that the header's source line and the handlers'
// package resolve as go generate would) and the two are compared.
func TestGeneratedFiles(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	if testing.Short() {
		t.Skip("builds the CLI and runs every directive")
	}
	bin := filepath.Join(t.TempDir(), "sfn-compile")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/sfn-compile").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sfn-compile: %v\n%s", err, out)
	}
	generated := map[string]bool{} // *_gen.go files, relative to the root
	type directive struct {
		file, dir string
		args      []string
	}
	var directives []directive
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, "_gen.go"):
			generated[path] = true
		case strings.HasSuffix(path, ".go"):
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if line := sc.Text(); strings.HasPrefix(line, genDirective) {
					directives = append(directives, directive{path, filepath.Dir(path), strings.Fields(strings.TrimPrefix(line, genDirective))})
				}
			}
			return sc.Err()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range directives {
		i := indexOf(d.args, "-o")
		if i < 0 || i+1 >= len(d.args) || d.args[0] != "gen" {
			t.Errorf("%s: a directive that is not `gen ... -o FILE`: %v", d.file, d.args)
			continue
		}
		out := d.args[i+1]
		committed := filepath.Join(d.dir, out)
		delete(generated, committed)
		want, err := os.ReadFile(committed)
		if err != nil {
			t.Errorf("%s: %v", d.file, err)
			continue
		}
		def := d.args[len(d.args)-1]
		if rel, err := filepath.Rel(".", filepath.Join(d.dir, def)); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("%s: %s is generated from %s, outside the repository", d.file, committed, def)
		}
		args := append([]string(nil), d.args...)
		fresh := filepath.Join(filepath.Dir(out), ".fresh-"+filepath.Base(out))
		args[i+1] = fresh
		cmd := exec.Command(bin, args...)
		cmd.Dir = d.dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: sfn-compile %s: %v\n%s", d.file, strings.Join(args, " "), err, msg)
			continue
		}
		got, err := os.ReadFile(filepath.Join(d.dir, fresh))
		os.Remove(filepath.Join(d.dir, fresh))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("%s is stale; run go generate ./%s (-committed +now):\n%s", committed, d.dir, cmp.Diff(string(want), string(got)))
		}
	}
	for path := range generated {
		t.Errorf("%s: no go:generate directive of the module makes it", path)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
