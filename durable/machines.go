package durable

import (
	"context"
	"database/sql"
	"errors"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/dbos-inc/dbos-transact-golang/dbos/internals"
	"github.com/jackc/pgx/v5"
)

// Machine definitions in the store. Each execution runs on the workers
// of one application version; a process that starts workers for a
// version (sfn-compile serve) must know what code that version is. So
// that any process on the store can start them, not only the one that
// started the execution (a server killed for good leaves its executions
// to the others, which may never have seen their machine), the record
// of each version is kept in the store itself: sfn_machine_versions, one
// row per version, written once (a version names its content) and never
// changed. The record is the caller's: this package keeps it as text.
//
// The table lives beside DBOS's, reached through DBOS's own connection
// pool (its system database), so that a Client stays one pool.

// The names of what the store holds that is not work: the workflow
// records of workers' leases (takeover.go) and of the token key
// (durable.go), which never run; and the schema of DBOS's tables,
// DBOS's default, which openStore keeps.
const (
	leaseWorkflow    = "sfn-compile:lease"
	tokenKeyWorkflow = "sfn-compile:key"
	storeSchema      = "dbos"
)

const machineVersionSchema = `CREATE TABLE IF NOT EXISTS sfn_machine_versions (
	version    TEXT PRIMARY KEY,
	record     TEXT NOT NULL,
	created_at BIGINT NOT NULL
)`

// storeDB returns the store's connection pool and the dialect that
// rewrites a PostgreSQL query for it.
func storeDB(c dbos.Context) (internals.SystemDatabase, error) {
	rt, err := internals.RuntimeOf(c)
	if err != nil {
		return nil, err
	}
	return rt.SystemDB(), nil
}

// ensureMachineVersions creates the table when absent.
func (c *Client) ensureMachineVersions(ctx context.Context) (internals.SystemDatabase, error) {
	db, err := storeDB(c.ctx)
	if err != nil {
		return nil, err
	}
	if _, err := db.Pool().Exec(ctx, machineVersionSchema); err != nil {
		return nil, errors.New("creating the machine version table: " + err.Error())
	}
	return db, nil
}

// PutMachineVersion records what version runs, unless a record of it is
// there already (a version names its content: the first record stands).
func (c *Client) PutMachineVersion(ctx context.Context, version string, record []byte) error {
	db, err := c.ensureMachineVersions(ctx)
	if err != nil {
		return err
	}
	_, err = db.Pool().Exec(ctx, db.Dialect().RewriteQuery(`INSERT INTO sfn_machine_versions (version, record, created_at)
		VALUES ($1, $2, `+db.Dialect().NowMsSQL()+`) ON CONFLICT (version) DO NOTHING`), version, string(record))
	return err
}

// MachineVersion returns the record of version; ok is false when the
// store has none.
func (c *Client) MachineVersion(ctx context.Context, version string) (record []byte, ok bool, err error) {
	db, err := c.ensureMachineVersions(ctx)
	if err != nil {
		return nil, false, err
	}
	var text string
	err = db.Pool().QueryRow(ctx, db.Dialect().RewriteQuery(`SELECT record FROM sfn_machine_versions WHERE version = $1`), version).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) || errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return []byte(text), true, nil
}

// PendingVersions returns the application versions that have work to do
// in the store now: executions running or queued, and the wakers of
// parked executions that are due (a waker still delayed is not work
// yet: it may wait a year, or for an execution that ended). The workers
// of those versions, wherever they run, do it; a process that starts
// none for a version leaves its executions waiting. The records that
// never run (workers' leases, the token key) are not work.
func (c *Client) PendingVersions(ctx context.Context) ([]string, error) {
	db, err := storeDB(c.ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.Pool().Query(ctx, db.Dialect().RewriteQuery(`SELECT DISTINCT application_version FROM `+
		db.Dialect().SchemaPrefix(storeSchema)+`workflow_status
		WHERE status IN ($1, $2) AND name NOT IN ($3, $4) AND application_version IS NOT NULL AND application_version <> ''
		ORDER BY application_version`),
		string(dbos.WorkflowStatusPending), string(dbos.WorkflowStatusEnqueued),
		leaseWorkflow, tokenKeyWorkflow)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	return versions, rows.Err()
}
