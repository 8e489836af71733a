package durable

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The store's SQLite URLs name the files DBOS would open for them.
func TestSQLiteDSN(t *testing.T) {
	tests := []struct {
		url, dsn, path string
		bad            bool
	}{
		{url: "sqlite:/tmp/x.db", dsn: "/tmp/x.db", path: "/tmp/x.db"},
		{url: "sqlite:///tmp/x.db", dsn: "/tmp/x.db", path: "/tmp/x.db"},
		{url: "sqlite:rel.db", dsn: "rel.db", path: "rel.db"},
		{url: "sqlite:file:/a/x.db?_pragma=foreign_keys(1)", dsn: "file:/a/x.db?_pragma=foreign_keys(1)", path: "/a/x.db"},
		{url: "sqlite::memory:", dsn: ":memory:", path: ""},
		{url: "sqlite://host/x.db", bad: true},
		{url: "sqlite:", bad: true},
	}
	for _, tc := range tests {
		dsn, err := sqliteDSN(tc.url)
		if (err != nil) != tc.bad {
			t.Errorf("%s: error %v, want error: %v", tc.url, err, tc.bad)
			continue
		}
		if tc.bad {
			continue
		}
		if diff := cmp.Diff([2]string{tc.dsn, tc.path}, [2]string{dsn, sqlitePath(dsn)}); diff != "" {
			t.Errorf("%s: dsn, path (-want +got):\n%s", tc.url, diff)
		}
	}
}

// FuzzSQLiteDSN: no store URL makes sqliteDSN or sqlitePath panic, and a
// DSN keeps the URL's query.
func FuzzSQLiteDSN(f *testing.F) {
	for _, s := range []string{"sqlite:/tmp/x.db", "sqlite:file:x.db?a=b#c", "sqlite::memory:", "sqlite://h/p", "sqlite:%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		dsn, err := sqliteDSN(url)
		if err != nil {
			return
		}
		_ = sqlitePath(dsn)
		if dsn == "" || strings.HasPrefix(dsn, "?") {
			t.Fatalf("%q: DSN %q names no database", url, dsn)
		}
	})
}
