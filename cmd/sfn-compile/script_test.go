package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
)

func TestMain(m *testing.M) {
	testscript.Main(ownCache{m}, map[string]func(){
		"sfn-compile": func() {
			// Scripts that check progress lines shorten the delay
			// before them, so that the quickest build shows one.
			if d, err := time.ParseDuration(os.Getenv("SFN_TEST_PROGRESS_DELAY")); err == nil {
				progressDelay = d
			}
			os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs testdata/script/*.txtar. SFN_UPDATE=1 rewrites the
// files that cmp compares with, in place.
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams(t, filepath.Join("..", "..", "testdata", "script")))
}

// TestAdversarial runs testdata/adversarial/*.txtar: hostile and huge
// inputs, definitions and handlers, each of which once crashed or hung
// the host or gave what AWS does not. A regression there may exhaust
// memory or never end, so the suite runs only under the bounds that
// make adversarial sets (ulimit -v, timeout): SFN_ADVERSARIAL=1.
func TestAdversarial(t *testing.T) {
	if os.Getenv("SFN_ADVERSARIAL") != "1" {
		t.Skip("run by make adversarial (part of make test), under memory and time bounds: SFN_ADVERSARIAL=1")
	}
	testscript.Run(t, scriptParams(t, filepath.Join("..", "..", "testdata", "adversarial")))
}

// scriptParams are the testscript parameters of the scripts in dir.
func scriptParams(t *testing.T, dir string) testscript.Params {
	goEnv := goEnvVars(t, "GOCACHE", "GOMODCACHE", "GOPATH")
	// $SFN_REPO is the root of this checkout, for scripts whose Go
	// modules replace github.com/sfn-compile/sfn-compile with it.
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("SFN_UPDATE") == "1",
		Setup: func(e *testscript.Env) error {
			// sfn-compile's cache is per script; go's build cache is
			// shared with the test so that builds stay fast.
			e.Setenv("XDG_CACHE_HOME", filepath.Join(e.WorkDir, ".cache"))
			for k, v := range goEnv {
				e.Setenv(k, v)
			}
			// $SFN_COMPILE_BIN holds sfn-compile alone: PATH=$SFN_COMPILE_BIN
			// hides the go command.
			bin, _, _ := strings.Cut(e.Getenv("PATH"), string(os.PathListSeparator))
			if m, _ := filepath.Glob(filepath.Join(bin, "sfn-compile*")); len(m) == 0 {
				return fmt.Errorf("sfn-compile is not in the first PATH directory %s", bin)
			}
			e.Setenv("SFN_COMPILE_BIN", bin)
			e.Setenv("SFN_REPO", repo)
			return nil
		},
		// [boto3]: python3 can import boto3 (Debian's python3-boto3).
		Condition: func(cond string) (bool, error) {
			if cond != "boto3" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return exec.Command("python3", "-c", "import boto3").Run() == nil, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":   cmdStatus,
			"api":      cmdAPI,
			"endpoint": cmdEndpoint,
			"capture":  cmdCapture,
			"until":    cmdUntil,
			"goaws": func(ts *testscript.TestScript, neg bool, args []string) {
				// goaws GOAWS: start goaws (SNS, SQS) and set $GOAWS to its
				// endpoint; it stops when the scripts end.
				if neg || len(args) != 1 {
					ts.Fatalf("usage: goaws VAR")
				}
				ts.Setenv(args[0], testservers.Goaws(t))
			},
		},
	}
}

// cmdStatus is the script command "status N PROGRAM [ARGS...]": exec
// PROGRAM and check that it exits with status N.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("%v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdCapture is the script command "capture VAR REGEXP": set $VAR to the
// first group of REGEXP's first match in the last command's stdout (a
// value a walk-through copies from one command into the next).
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: capture VAR REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("capture: no match for %s in stdout", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// cmdUntil is the script command "until REGEXP PROGRAM [ARGS...]": run
// PROGRAM until it succeeds with a stdout that REGEXP matches, for up to
// a minute (what a user does by hand while an execution runs).
func cmdUntil(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: until REGEXP program [args...]")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		err := ts.Exec(args[1], args[2:]...)
		if err == nil && re.MatchString(ts.ReadFile("stdout")) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("until: %s did not answer %s in a minute (%v)", args[1], args[0], err)
		}
	}
}

// goEnvVars returns the values go env reports for names, or nothing when
// the go command is not available (scripts that need it skip).
func goEnvVars(t *testing.T, names ...string) map[string]string {
	vars := map[string]string{}
	if _, err := exec.LookPath("go"); err != nil {
		return vars
	}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(names) && line != "" {
			vars[names[i]] = line
		}
	}
	return vars
}

// cmdAPI is the script command "api ADDRFILE ACTION JSON": once ADDRFILE
// (serve --addr-file) holds the server's address, POST JSON to it as the
// Step Functions action ACTION and print the answer's body on stdout.
// It fails on an error answer, which "! api" expects.
func cmdAPI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: api ADDRFILE ACTION JSON")
	}
	addr := serverAddr(ts, args[0])
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(args[2]))
	ts.Check(err)
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+args[1])
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	ts.Stdout().Write(append(body, '\n'))
	if failed := resp.StatusCode != http.StatusOK; failed != neg {
		ts.Fatalf("api %s: HTTP %d: %s", args[1], resp.StatusCode, body)
	}
}

// cmdEndpoint is the script command "endpoint ADDRFILE": once ADDRFILE
// (serve --addr-file) holds the server's address, set $ENDPOINT to its
// URL, for the --endpoint-url of real clients.
func cmdEndpoint(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: endpoint ADDRFILE")
	}
	ts.Setenv("ENDPOINT", "http://"+serverAddr(ts, args[0]))
}

// serverAddr waits for serve to write its address to file.
func serverAddr(ts *testscript.TestScript, file string) string {
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		data, err := os.ReadFile(ts.MkAbs(file))
		if err == nil && strings.HasSuffix(string(data), "\n") {
			return strings.TrimSpace(string(data))
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no server address in %s after 60s", file)
		}
	}
}
