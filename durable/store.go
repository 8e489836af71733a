package durable

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
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
// shutdown leaves them pending for the next worker.
func openStore(ctx context.Context, store, version, executorID string, logger *slog.Logger) (dbos.Context, error) {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dctx, err := dbos.NewContext(context.WithoutCancel(ctx), dbos.Config{
		AppName:            "sfn-compile",
		DatabaseURL:        store,
		ApplicationVersion: version,
		ExecutorID:         executorID,
		Logger:             logger,
	})
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", store, err)
	}
	return dctx, nil
}
