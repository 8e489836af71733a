package engine

import (
	"reflect"
	"runtime/debug"
	"strings"
)

// stampedVersion is the version of the sfn-compile that built this
// program, when it did (build, run and lambda set it with -ldflags -X):
// the runtime is then a copy beside the program, which the build records
// without a module version.
var stampedVersion string

// Version returns the version of sfn-compile, the module of this runtime,
// that a program links: the stamp of sfn-compile build, else the module
// version the Go build recorded (go install ...@v1.2.3, or the version a
// module's go.mod requires), else the VCS revision of a checkout ("+dirty"
// with uncommitted changes), else "devel".
func Version() string {
	if stampedVersion != "" {
		return stampedVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return moduleVersion(info, strings.TrimSuffix(reflect.TypeFor[Machine]().PkgPath(), "/runtime/internal/engine"))
}

// moduleVersion returns the version info records for the module path.
func moduleVersion(info *debug.BuildInfo, path string) string {
	m := &info.Main
	for _, dep := range info.Deps {
		if dep.Path == path {
			m = dep
		}
	}
	if m.Path != path {
		return "devel"
	}
	if m.Replace == nil && m.Version != "" && m.Version != "(devel)" {
		return m.Version
	}
	if m == &info.Main {
		var rev, dirty string
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && len(s.Value) >= 12:
				rev = s.Value[:12]
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "+dirty"
			}
		}
		if rev != "" {
			return "devel-" + rev + dirty
		}
	}
	return "devel"
}
