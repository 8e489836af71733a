package testservers

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// PostgresEnv names a PostgreSQL URL for the tests to use instead of
// starting a server of their own.
const PostgresEnv = "SFN_TEST_POSTGRES"

// Postgres starts a throwaway PostgreSQL server (initdb into a
// temporary directory, pg_ctl on a free local port) for the test and
// returns its URL; it stops and removes it when the test ends. initdb
// refuses to run as root: as root, the server runs as the postgres user
// that Debian's package creates (.ci/run installs it). The test skips
// where PostgreSQL is not installed.
func Postgres(t testing.TB) string {
	t.Helper()
	if url := os.Getenv(PostgresEnv); url != "" {
		return url
	}
	if why := PostgresMissing(); why != "" {
		t.Skip(why)
	}
	initdb, pgctl := findPostgresTool("initdb"), findPostgresTool("pg_ctl")
	var owner *user.User
	if os.Geteuid() == 0 {
		owner, _ = user.Lookup("postgres")
	}
	dir, err := os.MkdirTemp("", "sfn-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	run := func(tool string, args ...string) {
		t.Helper()
		cmd := exec.Command(tool, args...)
		if owner != nil {
			cmd = exec.Command("runuser", append([]string{"-u", owner.Username, "--", tool}, args...)...)
		}
		// Output to a file, not a pipe: the server that pg_ctl starts
		// inherits the descriptors and would hold a pipe open.
		out, err := os.CreateTemp("", "sfn-postgres-out-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(out.Name())
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("%s %v: %v\n%s", filepath.Base(tool), args, err, b)
		}
	}
	data := filepath.Join(dir, "data")
	run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	port := freePort(t)
	run(pgctl, "-D", data, "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300", port, dir),
		"-l", filepath.Join(dir, "log"), "-w", "start")
	t.Cleanup(func() { run(pgctl, "-D", data, "-m", "immediate", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

// PostgresMissing says why startPostgres cannot start a server, or "".
func PostgresMissing() string {
	if os.Getenv(PostgresEnv) != "" {
		return ""
	}
	if findPostgresTool("initdb") == "" || findPostgresTool("pg_ctl") == "" {
		return "PostgreSQL is not installed (no initdb, pg_ctl): .ci/run installs Debian's postgresql; or set " + PostgresEnv
	}
	if _, err := user.Lookup("postgres"); os.Geteuid() == 0 && err != nil {
		return "running as root and there is no postgres user to run PostgreSQL as (initdb refuses root)"
	}
	return ""
}

// findPostgresTool finds a PostgreSQL program on PATH or where Debian
// installs it (/usr/lib/postgresql/VERSION/bin, not on PATH).
func findPostgresTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return ""
}
