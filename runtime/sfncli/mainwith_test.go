package sfncli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// answerInvoker answers every Task with its name and the flag it was
// built with.
type answerInvoker struct{ flag string }

func (a answerInvoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	return sfnrt.ObjectOf(sfnrt.Member{Key: "state", Value: state}, sfnrt.Member{Key: "flag", Value: a.flag}), nil
}

func TestMainArgsWith(t *testing.T) {
	mock := filepath.Join(t.TempDir(), "mock.json")
	if err := os.WriteFile(mock, []byte(`{"StateMachines":{"Test":{"TestCases":{"Ok":{"Work":"R"}}}},"MockedResponses":{"R":{"0":{"Return":{"mocked":1}}}}}`), 0o666); err != nil {
		t.Fatal(err)
	}
	calls := 0
	opts := func(fail bool) MainOptions {
		var x string
		return MainOptions{
			Flags: func(fs *flag.FlagSet) { fs.StringVar(&x, "x", "default", "an extra `VALUE`") },
			Tasks: func(ctx context.Context) (sfnrt.TaskInvoker, error) {
				calls++
				if fail {
					return nil, errors.New("no invoker today")
				}
				return answerInvoker{x}, nil
			},
		}
	}
	tests := []struct {
		name      string
		fail      bool
		args      []string
		code      int
		out, err  string
		wantCalls int
	}{
		{"the invoker answers unbound Tasks", false, []string{"--input", `{"task":true}`}, 0, `{"state":"Work","flag":"default"}` + "\n", "", 1},
		{"extra flags are parsed first", false, []string{"--x", "set", "--input", `{"task":true}`}, 0, `{"state":"Work","flag":"set"}` + "\n", "", 1},
		{"--mock-config wins", false, []string{"--mock-config", mock, "--test-case", "Ok", "--input", `{"task":true}`}, 0, `{"mocked":1}` + "\n", "", 0},
		{"an invoker error is a usage error", true, []string{"--input", `{}`}, 2, "", "no invoker today\n", 1},
		{"an unknown flag still fails", false, []string{"--y"}, 2, "", "flag provided but not defined: -y\nrun with -h for usage\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			var stdout, stderr bytes.Buffer
			code := MainArgsWith(cliTestMachine(), opts(tt.fail), tt.args, nil, &stdout, &stderr)
			if code != tt.code || stdout.String() != tt.out || stderr.String() != tt.err || calls != tt.wantCalls {
				t.Errorf("code %d stdout %q stderr %q calls %d, want %d %q %q %d", code, stdout.String(), stderr.String(), calls, tt.code, tt.out, tt.err, tt.wantCalls)
			}
		})
	}

	var stdout bytes.Buffer
	if code := MainArgsWith(cliTestMachine(), opts(false), []string{"-h"}, nil, &stdout, &stdout); code != 0 || !strings.Contains(stdout.String(), "-x VALUE") {
		t.Errorf("-h: code %d, usage %s", code, stdout.String())
	}
}
