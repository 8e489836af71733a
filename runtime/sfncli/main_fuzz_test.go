package sfncli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// echoMachine is a one-Pass machine whose output is its input.
func echoMachine() *sfnrt.Machine {
	return &sfnrt.Machine{Name: "Echo", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Echo", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, nil
		},
	}}
}

// FuzzFlags parses arbitrary command lines (NUL separates arguments) with
// the flags of built binaries: no panic, and every value accepted
// follows its rules. Command lines that touch no file run, and exit 0, 1
// or 2 with one line on stdout at most.
func FuzzFlags(f *testing.F) {
	for _, args := range []string{
		"--payload-limit\x00-1", "--name\x00a/b", "--name=" + strings.Repeat("n", 81), "--lambda-endpoint\x00not a url",
		"--lambda-endpoint=http://127.0.0.1:9001", "--repeat\x000", "--type\x00express\x00--seed\x007", "--input\x00{\"a\":1}\x00--describe",
		"-h", "--skip-waits=false\x00--panic-stacks", "--payload-limit\x000x10\x00--input\x00[1,2,3,4,5,6,7,8]",
	} {
		f.Add(args)
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		var c cliFlags
		var endpoint string
		fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.register(fs, "Echo")
		URLVar(fs, &endpoint, "lambda-endpoint", "")
		if err := fs.Parse(args); err != nil {
			return
		}
		if c.limit < 0 || c.repeat < 1 || checkType(c.typ) != nil || sfnrt.CheckName("State Machine", c.name) != nil {
			t.Fatalf("accepted %q: %+v", args, c)
		}
		if endpoint != "" {
			if u, err := url.Parse(endpoint); err != nil || u.Host == "" {
				t.Fatalf("accepted endpoint %q", endpoint)
			}
		}
		for _, a := range args {
			// Files are not for a fuzzer to read or write; nor are
			// long runs.
			if strings.Contains(a, "history") || strings.Contains(a, "mock-config") || strings.Contains(a, "@") {
				return
			}
		}
		if c.repeat > 20 {
			return
		}
		var stdout, stderr bytes.Buffer
		code := MainArgsWith(echoMachine(), MainOptions{Flags: func(fs *flag.FlagSet) { URLVar(fs, new(string), "lambda-endpoint", "") }},
			args, nil, &stdout, &stderr)
		if code < 0 || code > 2 {
			t.Fatalf("%q: exit code %d", args, code)
		}
		if code == cliExitUsage && stdout.Len() > 0 && !strings.HasPrefix(stdout.String(), "usage:") {
			t.Fatalf("%q: a usage error printed %q on stdout", args, stdout.String())
		}
	})
}

// FuzzLines feeds arbitrary standard inputs to JSON-lines mode: one line
// of valid JSON comes out per non-blank line in (one for an empty
// input), whatever the lines hold, and the exit code is 0, 1 or 2.
func FuzzLines(f *testing.F) {
	for _, in := range []string{"", "{}\n", "1\n\n2", "{\"a\":\n[1]\n", "\xef\xbb\xbf{}\n\xff\n", "[1,2,3,4,5,6,7,8,9,10,11,12,13]\n  \n\"x\"", "\r\n\t\n", "nul\x00l\n"} {
		f.Add(in, uint8(16))
	}
	f.Fuzz(func(t *testing.T, in string, limit uint8) {
		var stdout, stderr bytes.Buffer
		args := []string{"--payload-limit", string('0'+rune(limit%10)) + "0"}
		code := MainArgs(echoMachine(), args, strings.NewReader(in), &stdout, &stderr)
		if code < 0 || code > 2 {
			t.Fatalf("exit code %d", code)
		}
		want := 0
		for _, line := range strings.Split(in, "\n") {
			if strings.TrimSpace(line) != "" {
				want++
			}
		}
		want = max(want, 1)
		out := strings.SplitAfter(stdout.String(), "\n")
		if out[len(out)-1] == "" {
			out = out[:len(out)-1]
		}
		if len(out) != want {
			t.Fatalf("%d lines in (non-blank), %d out:\n%s", want, len(out), stdout.String())
		}
		for _, line := range out {
			if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
				t.Fatalf("output line %q", line)
			}
			if _, err := sfnrt.ParseJSON([]byte(line)); err != nil {
				t.Fatalf("output line %q: %v", line, err)
			}
		}
	})
}
