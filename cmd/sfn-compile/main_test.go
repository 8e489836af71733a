package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ownCache runs the package's tests (TestMain) with a cache of their
// own, removed when they end. serve's and run's binaries (tens of MB
// each, one per definition and runtime version) went into the user's
// cache, where every change to the runtime left a new set: one day's test
// runs left 41 GB there and filled the disk. Go's own caches are pinned
// where they are, so that builds stay fast.
type ownCache struct{ m *testing.M }

func (c ownCache) Run() int {
	dir, err := os.MkdirTemp("", "sfn-compile-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// GOCACHE defaults to a folder of XDG_CACHE_HOME: say where it is
	// before moving XDG_CACHE_HOME.
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH"}
	if out, err := exec.Command("go", append([]string{"env"}, names...)...).Output(); err == nil {
		for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
			if i < len(names) && line != "" {
				os.Setenv(names[i], line)
			}
		}
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	return c.m.Run()
}
