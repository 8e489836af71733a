package engine

import (
	"bytes"
	"context"
	"flag"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModuleVersion(t *testing.T) {
	const mod = "github.com/sfn-compile/sfn-compile"
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}
	dirty := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"go install @version", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout with VCS", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "(devel)"}, Settings: vcs}, "devel-0123456789ab"},
		{"checkout with changes", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "(devel)"}, Settings: dirty}, "devel-0123456789ab+dirty"},
		{"checkout without VCS", debug.BuildInfo{Main: debug.Module{Path: mod, Version: "(devel)"}}, "devel"},
		{"go tool in a user's module", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "(devel)"}, Settings: vcs,
			Deps: []*debug.Module{{Path: "golang.org/x/tools", Version: "v0.26.0"}, {Path: mod, Version: "v0.4.0"}}}, "v0.4.0"},
		{"replaced by a folder", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: mod, Version: "v0.0.0-00010101000000-000000000000", Replace: &debug.Module{Path: "../sfn-compile"}}}}, "devel"},
		{"not linked", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v9.9.9"}}, "devel"},
	}
	for _, tt := range tests {
		if got := moduleVersion(&tt.info, mod); got != tt.want {
			t.Errorf("%s: moduleVersion = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A built binary's --version names the machine, sfn-compile's version
// (the stamp of sfn-compile build when there is one) and Go's.
func TestMainVersion(t *testing.T) {
	defer func(v string) { stampedVersion = v }(stampedVersion)
	stampedVersion = "v7.8.9"
	var stdout, stderr bytes.Buffer
	code := mainArgs(context.Background(), cliTestMachine(), []string{"--version"}, nil, &stdout, &stderr)
	want := "test (sfn-compile v7.8.9) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
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
