package sfncli

import (
	"bytes"
	"context"
	"flag"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A built binary's --version names the machine, sfn-compile's version
// (sfnrt.Version: the stamp of sfn-compile build when there is one) and
// Go's.
func TestMainVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := mainArgs(context.Background(), cliTestMachine(), []string{"--version"}, nil, &stdout, &stderr)
	want := "test (sfn-compile " + sfnrt.Version() + ") " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if code != 0 || stderr.Len() != 0 {
		t.Errorf("code %d, stderr %q", code, stderr.String())
	}
	if diff := cmp.Diff(want, strings.Replace(stdout.String(), cliTestMachine().Name, "test", 1)); diff != "" {
		t.Errorf("--version (-want +got):\n%s", diff)
	}
}

func TestPrintFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("type", "STANDARD", "state machine `TYPE`")
	fs.String("o", "", "write to `FILE`")
	fs.Bool("q", false, "quiet")
	fs.Int("repeat", 1, "run `N` times")
	fs.Int("limit", 0, "a limit\nin two lines")
	var b bytes.Buffer
	PrintFlags(&b, fs)
	want := `  --limit int
    	a limit
    	in two lines
  -o FILE
    	write to FILE
  -q
    	quiet
  --repeat N
    	run N times (default 1)
  --type TYPE
    	state machine TYPE (default "STANDARD")
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("PrintFlags (-want +got):\n%s", diff)
	}
}
