package benchmain

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		args    []string
		want    Profiles
		rest    []string
		wantErr bool
	}{
		{args: nil},
		{args: []string{"--input", "@x.json", "--repeat", "3"}, rest: []string{"--input", "@x.json", "--repeat", "3"}},
		{args: []string{"--cpuprofile", "c.out", "--input", "{}"}, want: Profiles{CPU: "c.out"}, rest: []string{"--input", "{}"}},
		{args: []string{"-memprofile=m.out", "--repeat=2", "-cpuprofile=c"}, want: Profiles{CPU: "c", Mem: "m.out"}, rest: []string{"--repeat=2"}},
		{args: []string{"--input", "cpuprofile"}, rest: []string{"--input", "cpuprofile"}},
		{args: []string{"--cpuprofile"}, wantErr: true},
	}
	for _, tt := range tests {
		got, rest, err := Split(tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("Split(%q) error %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got != tt.want || !cmp.Equal(rest, tt.rest) {
			t.Errorf("Split(%q) = %+v, %q; want %+v, %q", tt.args, got, rest, tt.want, tt.rest)
		}
	}
}

// echo is a one-state machine whose output is its input.
func echo() *sfnrt.Machine {
	return &sfnrt.Machine{Name: "echo", Program: &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Echo", Kind: "Pass"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			return sfnimpl.End, in, nil
		},
	}}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.json")
	if err := os.WriteFile(input, []byte(`{"a":[1,2.5,"x"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	var stdout, stderr bytes.Buffer
	code := Run(echo(), nil, []string{"--input", "@" + input, "--repeat", "5", "--cpuprofile", cpu, "--memprofile=" + mem},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
	}
	if got, want := stdout.String(), `{"a":[1,2.5,"x"]}`+"\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	for _, f := range []string{cpu, mem} {
		if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s not written: %v", f, err)
		}
	}
	stdout.Reset()
	if code := Run(echo(), []string{"--input", `"default"`}, nil, strings.NewReader(""), &stdout, &stderr); code != 0 || stdout.String() != "\"default\"\n" {
		t.Errorf("defaults: exit %d, stdout %q", code, stdout.String())
	}
	if code := Run(echo(), nil, []string{"--memprofile"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}
