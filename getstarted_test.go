package sfncompile

import (
	"bufio"
	"context"
	"fmt"
	"go/version"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGetStarted follows the README's "Get it" section as a new user
// would, in a fresh module of its own: it writes the files the section
// shows and runs its commands (the fenced sh blocks) one by one, and
// fails on the first that fails. Nothing else is done, with one
// exception that stands in for publication: right after go mod init,
// go.mod gets a replace of github.com/sfn-compile/sfn-compile by this
// checkout, and the module proxy the test goes through answers "not
// found" for that module, as proxy.golang.org does for a module it does
// not hold (a proxy that refuses instead would make the go command stop
// before it looks at the replace).
//
// The go command runs with the user's defaults: no GOFLAGS, GOWORK,
// GOPRIVATE or the like; the module cache is the shared one, but the
// proxy is reachable, so what the README's steps need is fetched as it
// would be for the user.
func TestGetStarted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module from scratch: not with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	goEnv := goEnv(t, "GOPROXY", "GOCACHE", "GOMODCACHE", "GOVERSION")
	if version.Compare(goEnv["GOVERSION"], "go1.24") < 0 {
		t.Skipf("the README's module way (go get -tool) needs Go 1.24; this is %s", goEnv["GOVERSION"])
	}
	upstream := firstHTTPProxy(goEnv["GOPROXY"])
	if upstream == nil {
		t.Skipf("GOPROXY=%s names no module proxy to fetch the README's modules from", goEnv["GOPROXY"])
	}
	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	steps, err := readmeSteps("README.md", "## Get it")
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(unpublished("github.com/sfn-compile/", httputil.NewSingleHostReverseProxy(upstream)))
	defer proxy.Close()

	home := t.TempDir()
	env := userEnv(map[string]string{
		"HOME":            home,
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"), // sfn-compile's cache
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"GOPROXY":         proxy.URL,
		// Go's caches stay shared with the other tests: a warm build
		// cache changes how long the steps take, not what they need.
		"GOCACHE":    goEnv["GOCACHE"],
		"GOMODCACHE": goEnv["GOMODCACHE"],
	})
	dir := home
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var outputs []string // -o FILE of the commands, which must exist at the end
	ranTests := false
	for _, s := range steps {
		if s.file != "" {
			if err := os.WriteFile(filepath.Join(dir, s.file), []byte(s.content), 0o666); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for _, cmdline := range strings.Split(s.command, "&&") {
			args := strings.Fields(cmdline)
			switch {
			case len(args) == 2 && args[0] == "mkdir":
				if err := os.Mkdir(filepath.Join(dir, args[1]), 0o777); err != nil {
					t.Fatal(err)
				}
			case len(args) == 2 && args[0] == "cd":
				dir = filepath.Join(dir, args[1])
			case len(args) > 1 && args[0] == "go":
				start := time.Now()
				cmd := exec.CommandContext(ctx, "go", args[1:]...)
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				t.Logf("%s (%.1fs)\n%s", strings.TrimSpace(cmdline), time.Since(start).Seconds(), out)
				if err != nil {
					t.Fatalf("README step %q failed: %v\n%s", strings.TrimSpace(cmdline), err, out)
				}
				if len(args) > 2 && args[1] == "mod" && args[2] == "init" {
					// The stand-in for publication (see above).
					edit := exec.Command("go", "mod", "edit", "-replace=github.com/sfn-compile/sfn-compile="+repo)
					edit.Dir, edit.Env = dir, env
					if out, err := edit.CombinedOutput(); err != nil {
						t.Fatalf("go mod edit -replace: %v\n%s", err, out)
					}
				}
				if args[1] == "test" {
					ranTests = strings.Contains("\n"+string(out), "\nok ")
				}
				for i, a := range args {
					if a == "-o" && i+1 < len(args) {
						outputs = append(outputs, filepath.Join(dir, args[i+1]))
					}
				}
			default:
				t.Fatalf("README step %q: the test knows mkdir DIR, cd DIR and go commands only", cmdline)
			}
		}
	}
	if !ranTests {
		t.Error("the README's go test ran no test")
	}
	for _, o := range outputs {
		if info, err := os.Stat(o); err != nil || info.Size() == 0 {
			t.Errorf("README step wrote no %s (%v)", o, err)
		}
	}
	if t.Failed() {
		return
	}
	// go mod tidy kept the tool directive: the later go tool steps ran.
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "tool github.com/sfn-compile/sfn-compile/cmd/sfn-compile") {
		t.Errorf("go.mod has no tool directive for sfn-compile:\n%s", gomod)
	}
}

// A readmeStep is a file the README shows or a command it runs.
type readmeStep struct {
	file, content string // a file to write
	command       string // a shell command line
}

// readmeSteps returns the steps of the README section that starts with
// heading: each fenced sh block's lines are commands (a # starts a
// comment), and a fenced block of any other language whose preceding
// paragraph starts with a `FILE` name is that file's content. Indented
// blocks are alternatives the walkthrough does not take.
func readmeSteps(path, heading string) ([]readmeStep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var steps []readmeStep
	in, fenced, lang, file := false, false, "", ""
	lastPara, blank := "", true // the first line of the last paragraph; whether the line before was blank
	var block strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !fenced && strings.HasPrefix(line, "## "):
			if in {
				return steps, nil
			}
			in = line == heading
		case !in:
		case !fenced && strings.HasPrefix(line, "```"):
			fenced, lang = true, strings.TrimPrefix(line, "```")
			file = ""
			if name, _, ok := strings.Cut(strings.TrimPrefix(lastPara, "`"), "`"); ok && strings.HasPrefix(lastPara, "`") {
				file = name
			}
			block.Reset()
		case fenced && line == "```":
			fenced = false
			switch {
			case lang == "sh":
				for _, l := range strings.Split(block.String(), "\n") {
					if i := strings.Index(l, "#"); i >= 0 {
						l = l[:i]
					}
					if l = strings.TrimSpace(l); l != "" {
						steps = append(steps, readmeStep{command: l})
					}
				}
			case file != "":
				steps = append(steps, readmeStep{file: file, content: block.String()})
			}
			lastPara = ""
		case fenced:
			block.WriteString(line + "\n")
		case strings.TrimSpace(line) == "":
			blank = true
			continue
		case blank:
			lastPara = line
		}
		blank = false
	}
	if !in {
		return nil, fmt.Errorf("%s has no section %q", path, heading)
	}
	return steps, nil
}

// unpublished answers 404 for the module paths under prefix, as a proxy
// does for a module it does not hold, and passes the rest to next.
func unpublished(prefix string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(strings.TrimPrefix(r.URL.Path, "/"), prefix) {
			http.Error(w, "not found: the test replaces this module with the checkout", http.StatusNotFound)
			return
		}
		r.Host = "" // the upstream's own host, not the test server's
		next.ServeHTTP(w, r)
	})
}

// firstHTTPProxy returns the first proxy URL of a GOPROXY list.
func firstHTTPProxy(list string) *url.URL {
	for _, p := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '|' }) {
		if u, err := url.Parse(p); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			return u
		}
	}
	return nil
}

// userEnv returns this process's environment without the go command's
// settings that a new user would not have, with set added.
func userEnv(set map[string]string) []string {
	drop := map[string]bool{"GOFLAGS": true, "GOWORK": true, "GOPRIVATE": true, "GONOPROXY": true,
		"GONOSUMDB": true, "GONOSUMCHECK": true, "GOINSECURE": true, "GOSUMDB": true, "GOENV": true,
		"GO111MODULE": true, "GOPATH": true}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok && !drop[k] {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// goEnv returns what go env reports for names.
func goEnv(t *testing.T, names ...string) map[string]string {
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	vars := map[string]string{}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(names) {
			vars[names[i]] = line
		}
	}
	return vars
}

// The README's other way to get sfn-compile, go install
// github.com/sfn-compile/sfn-compile/cmd/sfn-compile@latest, refuses a
// module whose go.mod has replace or exclude directives ("The go.mod file
// for the module providing named packages contains one or more replace
// directives"): this checkout cannot run that command before it is
// published, but it can keep go.mod installable.
func TestGoModInstallable(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "replace" || f[0] == "exclude") {
			t.Errorf("go.mod:%d: %s: go install ...@latest refuses a module with %s directives", i+1, line, f[0])
		}
	}
}
