// Package stmtcache keeps the statements a database/sql connection runs
// prepared, so that running the same SQL text again on the connection
// binds and steps a compiled statement instead of parsing it again.
//
// DBOS Transact runs every query through db.ExecContext/QueryContext with
// its SQL text, and database/sql prepares nothing for those: with the
// pure-Go SQLite, compiling the statement (sqlite3_prepare_v2) cost as
// much CPU as running it (a fifth of a durable worker's CPU went to
// SQLite's parser). Wrapping the driver's connections keeps DBOS
// unchanged: the cache sits under database/sql, one per connection.
//
// A cached statement is used by one call at a time: a second query of the
// same text while the first one's rows are still open (in a transaction
// that reads while it iterates) prepares a statement of its own, closed
// with its rows. SQLite recompiles a prepared statement by itself when the
// schema changes (sqlite3_prepare_v2), so a cached one never runs stale.
package stmtcache

import (
	"context"
	"database/sql/driver"
	"reflect"
	"sync/atomic"
)

// Stats counts how the connections of a Connector got their statements.
type Stats struct {
	Prepared int64 // statements compiled (cache misses and busy entries)
	Reused   int64 // runs of a statement compiled before
}

// A Connector opens connections of a driver that keep up to size
// statements each prepared.
type Connector struct {
	d     driver.Driver
	dsn   string
	size  int
	stats struct{ prepared, reused atomic.Int64 }
}

// New returns a Connector for sql.OpenDB that opens dsn with d and keeps
// up to size statements prepared per connection (size <= 0: 64).
func New(d driver.Driver, dsn string, size int) *Connector {
	if size <= 0 {
		size = 64
	}
	return &Connector{d: d, dsn: dsn, size: size}
}

// Stats returns the counts so far, over all connections.
func (c *Connector) Stats() Stats {
	return Stats{Prepared: c.stats.prepared.Load(), Reused: c.stats.reused.Load()}
}

// Connect implements driver.Connector.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &conn{inner: inner, c: c, cache: map[string]*entry{}}, nil
}

// Driver implements driver.Connector.
func (c *Connector) Driver() driver.Driver { return c.d }

// An entry is a cached statement; busy while a call or its rows use it.
type entry struct {
	stmt driver.Stmt
	busy bool
}

// conn is a driver connection with its statement cache. database/sql
// uses a connection from one goroutine at a time, so the cache needs no
// lock.
type conn struct {
	inner driver.Conn
	c     *Connector
	cache map[string]*entry
}

var (
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

// statement returns a prepared statement for query and the function that
// gives it back: the cached one when it is free, else a new one (cached
// when there is room or a free entry to make room from).
func (cn *conn) statement(ctx context.Context, query string) (driver.Stmt, func(), error) {
	if e := cn.cache[query]; e != nil && !e.busy {
		e.busy = true
		cn.c.stats.reused.Add(1)
		return e.stmt, func() { e.busy = false }, nil
	}
	s, err := cn.prepare(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	cn.c.stats.prepared.Add(1)
	if cn.cache[query] == nil && cn.makeRoom() {
		e := &entry{stmt: s, busy: true}
		cn.cache[query] = e
		return s, func() { e.busy = false }, nil
	}
	return s, func() { s.Close() }, nil
}

// makeRoom reports whether the cache can take another statement, closing
// a free one when it is full.
func (cn *conn) makeRoom() bool {
	if len(cn.cache) < cn.c.size {
		return true
	}
	for q, e := range cn.cache {
		if !e.busy {
			e.stmt.Close()
			delete(cn.cache, q)
			return true
		}
	}
	return false
}

func (cn *conn) prepare(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := cn.inner.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return cn.inner.Prepare(query)
}

// ExecContext runs query on its cached statement.
func (cn *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, release, err := cn.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	if se, ok := s.(driver.StmtExecContext); ok {
		return se.ExecContext(ctx, args)
	}
	return nil, driver.ErrSkip
}

// QueryContext runs query on its cached statement, which stays busy
// until the rows are closed.
func (cn *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, release, err := cn.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	sq, ok := s.(driver.StmtQueryContext)
	if !ok {
		release()
		return nil, driver.ErrSkip
	}
	r, err := sq.QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &rows{Rows: r, release: release}, nil
}

// PrepareContext prepares a statement the caller owns (db.Prepare):
// not cached, since the caller closes it.
func (cn *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return cn.prepare(ctx, query)
}

func (cn *conn) Prepare(query string) (driver.Stmt, error) { return cn.inner.Prepare(query) }

// Close closes the cached statements, then the connection.
func (cn *conn) Close() error {
	for q, e := range cn.cache {
		e.stmt.Close()
		delete(cn.cache, q)
	}
	return cn.inner.Close()
}

func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

func (cn *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := cn.inner.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return cn.inner.Begin() //nolint:staticcheck // the driver has only Begin
}

func (cn *conn) Ping(ctx context.Context) error {
	if p, ok := cn.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (cn *conn) ResetSession(ctx context.Context) error {
	if r, ok := cn.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (cn *conn) IsValid() bool {
	if v, ok := cn.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// CheckNamedValue leaves argument conversion to the driver, as without
// the cache.
func (cn *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := cn.inner.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// rows gives its statement back to the cache when closed, and passes on
// the column types the driver reports.
type rows struct {
	driver.Rows
	release func()
	closed  bool
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.release()
	}
	return err
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if c, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if c, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return c.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
