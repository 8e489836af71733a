package durable

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/jackc/pgx/v5"
	"modernc.org/sqlite"

	"github.com/sfn-compile/sfn-compile/durable/internal/stmtcache"
)

// StoreEnv names the environment variable that sets the store when no
// --store flag or Config.Store does.
const StoreEnv = "SFN_STORE"

// DefaultStore returns the store a user gets without choosing one: the
// SFN_STORE environment variable, else an SQLite file in the user's state
// directory ($XDG_STATE_HOME/sfn-compile/sfn.db, by default
// ~/.local/state/sfn-compile/sfn.db). One file per user rather than one
// per working directory, so that a worker, a start-execution and a
// send-task-success typed in different terminals meet in the same store.
func DefaultStore() (string, error) {
	if s := os.Getenv(StoreEnv); s != "" {
		return s, nil
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("no store: set --store, " + StoreEnv + ", XDG_STATE_HOME or HOME")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "sfn-compile")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return "sqlite:" + filepath.Join(dir, "sfn.db"), nil
}

// checkStore accepts the store URLs DBOS can open: sqlite:PATH and
// postgres:// (or postgresql://) URLs.
func checkStore(url string) error {
	switch {
	case strings.HasPrefix(url, "sqlite:") && len(url) > len("sqlite:"):
		return nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return nil
	}
	return errors.New("store " + quote(url) + ": want sqlite:PATH or postgres://USER@HOST:PORT/DB")
}

func quote(s string) string { return "\"" + s + "\"" }

// resolveStore is store, or DefaultStore when store is "", checked.
func resolveStore(store string) (string, error) {
	if store == "" {
		s, err := DefaultStore()
		if err != nil {
			return "", err
		}
		store = s
	}
	return store, checkStore(store)
}

// openStore connects to store (creating its tables when new) as DBOS's
// context for executor executorID running application version (""
// for a process that runs no execution); a nil logger discards DBOS's
// logs. DBOS's root context must not end with ctx: DBOS takes a
// cancelled root for a cancelled workflow and records it so (an
// interrupted worker would abort its executions for good), while a
// shutdown leaves them pending for the next worker. Close it with
// shutdownStore.
func openStore(ctx context.Context, store, version, executorID string, logger *slog.Logger) (dbos.Context, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg := dbos.Config{
		AppName:            "sfn-compile",
		DatabaseURL:        store,
		ApplicationVersion: version,
		ExecutorID:         executorID,
		Logger:             logger,
	}
	var pool *sqlitePool
	if strings.HasPrefix(store, "sqlite:") {
		var err error
		if pool, err = openSQLite(store); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", store, err)
		}
		cfg.DatabaseURL, cfg.SQLiteSystemDB = "", pool.db
	}
	if pool == nil {
		// DBOS migrates a new PostgreSQL store as it opens it, and two
		// processes migrating at once collide in PostgreSQL's catalog
		// (a duplicate key in pg_type): servers and workers started
		// together on a fresh database. They take turns.
		unlock := lockMigrations(ctx, store)
		defer unlock()
	}
	dctx, err := dbos.NewContext(context.WithoutCancel(ctx), cfg)
	if err != nil {
		if pool != nil {
			pool.db.Close()
		}
		return nil, fmt.Errorf("opening store %s: %w", store, err)
	}
	if pool != nil {
		storePools.Store(dctx, pool)
	}
	return dctx, nil
}

// migrationLock is the PostgreSQL advisory lock that processes opening
// one store hold while DBOS migrates it (an arbitrary constant of ours).
const migrationLock = 0x5f6e_636f_6d70 // "_ncomp"

// lockMigrations holds migrationLock on a connection of its own until
// the returned func is called. Where it cannot (the database does not
// exist yet, and DBOS will create it), it holds nothing: DBOS's own
// error then says what is wrong.
func lockMigrations(ctx context.Context, store string) (unlock func()) {
	conn, err := pgx.Connect(ctx, store)
	if err != nil {
		return func() {}
	}
	// Polled, not waited for: a session waiting in pg_advisory_lock is
	// in a transaction, which a migration's CREATE INDEX CONCURRENTLY
	// waits for in turn (PostgreSQL then reports a deadlock).
	for {
		var held bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(migrationLock)).Scan(&held); err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return func() {}
		}
		if held {
			break
		}
		select {
		case <-ctx.Done():
			conn.Close(context.WithoutCancel(ctx))
			return func() {}
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		// Closing the session releases the lock too; unlocking first
		// lets the next process go on at once.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
		conn.Close(context.WithoutCancel(ctx))
	}
}

// storePools holds the SQLite pool of each context openStore opened:
// DBOS leaves a pool it was given open.
var storePools sync.Map // dbos.Context → *sqlitePool

// A sqlitePool is an SQLite store's connections and their statements.
type sqlitePool struct {
	db         *sql.DB
	statements *stmtcache.Connector
}

// shutdownStore shuts DBOS's context down and closes its pool.
func shutdownStore(dctx dbos.Context, timeout time.Duration) {
	dbos.Shutdown(dctx, timeout)
	if pool, ok := storePools.LoadAndDelete(dctx); ok {
		pool.(*sqlitePool).db.Close()
	}
}

// openSQLite opens the SQLite store at url (sqlite:PATH, as DBOS reads
// it) with the settings DBOS gives its own pool, and with each
// connection's statements kept prepared (stmtcache: DBOS runs every query
// by its text, and compiling it again cost as much as running it).
//
// Durability: WAL with synchronous=NORMAL, as DBOS opens SQLite. A commit
// is in the WAL file, in the operating system's cache, when it returns,
// so it survives the process being killed (kill -9, a panic, an OOM
// kill): the chaos tests kill workers so. A power loss or an operating
// system crash can lose the last commits before a checkpoint (never
// corrupt the file); synchronous=FULL, an fsync per commit, would keep
// those too, at the price of a disk flush per DBOS step.
func openSQLite(url string) (*sqlitePool, error) {
	dsn, err := sqliteDSN(url)
	if err != nil {
		return nil, err
	}
	if path := sqlitePath(dsn); path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
	}
	// busy_timeout first: switching a new file to WAL takes a lock that
	// another process opening it may hold.
	for _, p := range []string{"_txlock=immediate", "_pragma=busy_timeout(5000)", "_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)", "_pragma=foreign_keys(ON)"} {
		if name, _, _ := strings.Cut(p, "("); !strings.Contains(dsn, name) {
			dsn = appendParam(dsn, p)
		}
	}
	statements := stmtcache.New(&sqlite.Driver{}, dsn, 0)
	db := sql.OpenDB(statements)
	// DBOS's sizes, but every connection kept when idle: a closed
	// connection loses its prepared statements.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxLifetime(time.Hour)
	return &sqlitePool{db, statements}, nil
}

// sqliteDSN is the modernc.org/sqlite DSN of a sqlite: URL, as DBOS
// derives it: sqlite:/x.db, sqlite:///x.db, sqlite:rel.db and
// sqlite:file:/x.db?... all name a file.
func sqliteDSN(raw string) (string, error) {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid sqlite URL %q: %v", raw, err)
	}
	if u.Host != "" {
		return "", fmt.Errorf("sqlite URL must not have a host: %q", raw)
	}
	dsn := u.Opaque
	if dsn == "" {
		dsn = u.Path
	}
	if dsn == "" {
		return "", fmt.Errorf("sqlite URL has no path: %q", raw)
	}
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	return dsn, nil
}

// sqlitePath is the file a DSN names, "" for an in-memory database.
func sqlitePath(dsn string) string {
	if strings.HasPrefix(dsn, ":memory:") || strings.HasPrefix(dsn, "file::memory:") {
		return ""
	}
	path, _, _ := strings.Cut(dsn, "?")
	return strings.TrimPrefix(path, "file:")
}

func appendParam(dsn, param string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + param
	}
	return dsn + "?" + param
}
