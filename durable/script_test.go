package durable

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// tokenFileEnv names the file where the script machine's Approve Task
// writes its token, for the scripts to send it back.
const tokenFileEnv = "SFN_TEST_TOKEN_FILE"

// scriptHandlers are the script machine's Tasks.
type scriptHandlers struct{}

func (scriptHandlers) Prepare(ctx context.Context, in any) (any, error) { return "prepared", nil }
func (scriptHandlers) Left(ctx context.Context, in any) (any, error)    { return "L", nil }
func (scriptHandlers) Right(ctx context.Context, in any) (any, error)   { return "R", nil }
func (scriptHandlers) Square(ctx context.Context, in any) (any, error) {
	n, _ := sfnrt.Int(in)
	return n * n, nil
}
func (scriptHandlers) Approve(ctx context.Context, in any) (any, error) {
	call, _ := sfnrt.TaskCallFrom(ctx)
	if path := os.Getenv(tokenFileEnv); path != "" {
		if err := os.WriteFile(path+".tmp", []byte(call.Token), 0o600); err != nil {
			return nil, err
		}
		os.Rename(path+".tmp", path)
	}
	return nil, nil
}

func scriptMachine() {
	Main(testmachine.New(scriptHandlers{}), sfncli.MainOptions{})
}

// TestScripts runs testdata/script/*.txtar: every verb of a durable
// binary, with good and bad flags and tokens, on an SQLite store in the
// script's directory.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv(StoreEnv, "sqlite:"+filepath.Join(e.WorkDir, "sfn.db"))
			e.Setenv(tokenFileEnv, filepath.Join(e.WorkDir, "token"))
			e.Setenv("HOME", e.WorkDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"token":     cmdToken,
			"settle":    cmdSettle,
			"nexttoken": cmdNextToken,
		},
	})
}

// cmdSettle runs "machine describe-execution --execution-arn ARN" until
// the execution has ended (up to a minute), leaving its last answer in
// stdout.
func cmdSettle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: settle ARN [flags]")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ts.Check(ts.Exec("machine", append([]string{"describe-execution", "--execution-arn", args[0]}, args[1:]...)...))
		if !strings.Contains(ts.ReadFile("stdout"), `"status": "RUNNING"`) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s still running after a minute", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdNextToken sets the variable named by its argument to the nextToken
// of the JSON answer in stdout.
func cmdNextToken(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: nexttoken VAR")
	}
	var answer struct {
		NextToken string `json:"nextToken"`
	}
	if err := json.Unmarshal([]byte(ts.ReadFile("stdout")), &answer); err != nil || answer.NextToken == "" {
		ts.Fatalf("no nextToken in stdout (%v)", err)
	}
	ts.Setenv(args[0], answer.NextToken)
}

// cmdToken waits (up to a minute) for the token file, sets the variable
// named by its argument to the token, and removes the file.
func cmdToken(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: token VAR")
	}
	path := ts.Getenv(tokenFileEnv)
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			ts.Setenv(args[0], strings.TrimSpace(string(b)))
			os.Remove(path)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no task token in %s after a minute", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
