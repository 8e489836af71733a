package durable

import (
	"context"

	"github.com/dbos-inc/dbos-transact-golang/dbos/internals"
)

// Activities returns GetActivityTask and SendTask* for every machine in
// the client's store, on the client's own connection pool: a server
// that serves both the executions and the activity tasks holds one pool
// to the store, not one each. Its Close does nothing; the Client's
// closes the pool.
func (c *Client) Activities(ctx context.Context) (*Activities, error) {
	db, err := storeDB(c.ctx)
	if err != nil {
		return nil, err
	}
	store, err := newActivityStore(ctx, dbosActivityDB{db})
	if err != nil {
		return nil, err
	}
	return &Activities{store: store, cb: callbacks{c: c.ctx, key: c.key}}, nil
}

// dbosActivityDB runs the activity table's queries on DBOS's pool.
type dbosActivityDB struct{ db internals.SystemDatabase }

func (d dbosActivityDB) exec(ctx context.Context, q string, args ...any) error {
	_, err := d.db.Pool().Exec(ctx, d.db.Dialect().RewriteQuery(q), args...)
	return err
}

func (d dbosActivityDB) queryRow(ctx context.Context, q string, args ...any) interface{ Scan(...any) error } {
	return d.db.Pool().QueryRow(ctx, d.db.Dialect().RewriteQuery(q), args...)
}

func (dbosActivityDB) close() {} // the Client's pool: its Close closes it
