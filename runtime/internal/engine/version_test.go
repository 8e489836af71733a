package engine

import (
	"runtime/debug"
	"testing"
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

// The stamp of sfn-compile build (-ldflags -X) is the version.
func TestVersionStamped(t *testing.T) {
	defer func(v string) { stampedVersion = v }(stampedVersion)
	stampedVersion = "v7.8.9"
	if got := Version(); got != "v7.8.9" {
		t.Errorf("Version() = %q, want the stamp v7.8.9", got)
	}
}
