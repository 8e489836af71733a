package stmtcache_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"modernc.org/sqlite"

	"github.com/sfn-compile/sfn-compile/durable/internal/stmtcache"
)

func open(t *testing.T, size int) (*sql.DB, *stmtcache.Connector) {
	t.Helper()
	c := stmtcache.New(&sqlite.Driver{}, filepath.Join(t.TempDir(), "t.db")+"?_pragma=journal_mode(WAL)", size)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // one connection: every run meets the same cache
	if _, err := db.Exec(`CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	return db, c
}

// TestReuse: the same SQL text run again on a connection reuses its
// compiled statement, with the new arguments, in and out of transactions.
func TestReuse(t *testing.T) {
	db, c := open(t, 8)
	before := c.Stats()
	for i := range 50 {
		if _, err := db.Exec(`INSERT INTO kv (k, v) VALUES (?, ?)`, i, "v"+string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range []int{0, 1, 25, 26, 49} {
		var v string
		if err := tx.QueryRow(`SELECT v FROM kv WHERE k = ?`, k).Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"va", "vb", "vz", "va", "vx"}, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	after := c.Stats()
	if diff := cmp.Diff(stmtcache.Stats{Prepared: 2, Reused: 49 + 4}, stmtcache.Stats{Prepared: after.Prepared - before.Prepared, Reused: after.Reused - before.Reused}); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

// TestBusyAndEviction: a query run again while its rows are open gets a
// statement of its own, and a full cache evicts a free statement; either
// way every answer is right.
func TestBusyAndEviction(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{{"room", 16}, {"full", 1}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := open(t, tt.size)
			for i := range 5 {
				if _, err := db.Exec(`INSERT INTO kv (k, v) VALUES (?, ?)`, i, "x"); err != nil {
					t.Fatal(err)
				}
			}
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			rows, err := tx.Query(`SELECT k FROM kv WHERE k >= ? ORDER BY k`, 0)
			if err != nil {
				t.Fatal(err)
			}
			var pairs [][2]int
			for rows.Next() {
				var k, n int
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				// The same text, with the outer rows still open.
				if err := tx.QueryRow(`SELECT count(*) FROM kv WHERE k >= ? ORDER BY k`, k).Scan(&n); err != nil {
					t.Fatal(err)
				}
				inner, err := tx.Query(`SELECT k FROM kv WHERE k >= ? ORDER BY k`, k)
				if err != nil {
					t.Fatal(err)
				}
				m := 0
				for inner.Next() {
					m++
				}
				inner.Close()
				if m != n {
					t.Errorf("k=%d: %d rows, count says %d", k, m, n)
				}
				pairs = append(pairs, [2]int{k, n})
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			want := [][2]int{{0, 5}, {1, 4}, {2, 3}, {3, 2}, {4, 1}}
			if diff := cmp.Diff(want, pairs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
