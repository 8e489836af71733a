package durable

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A Client reaches the executions of every machine in a store without
// the machines' code: a process that serves the API for many machines
// (sfn-compile serve) starts, describes, lists, stops and completes
// executions through it, while the machines' built binaries, as workers
// on the same store, run them. One Client holds one connection pool to
// the store, whatever the number of machines.
type Client struct {
	ctx   dbos.Context
	key   []byte
	store string

	mu    sync.Mutex
	views map[viewKey]*Executor
}

type viewKey struct{ name, version string }

// ClientConfig configures a Client.
type ClientConfig struct {
	// Store is as Config.Store.
	Store string
	// ExecutorID names the client in the store. A client runs no
	// executions, so it never recovers any; "" is "sfn-client".
	ExecutorID string
	// Logger is as Config.Logger.
	Logger *slog.Logger
}

// OpenClient connects to the store, creating its tables when new.
func OpenClient(ctx context.Context, cfg ClientConfig) (*Client, error) {
	var err error
	if cfg.Store, err = resolveStore(cfg.Store); err != nil {
		return nil, err
	}
	if cfg.ExecutorID == "" {
		cfg.ExecutorID = "sfn-client"
	}
	dctx, err := openStore(ctx, cfg.Store, "", cfg.ExecutorID, cfg.Logger)
	if err != nil {
		return nil, err
	}
	c := &Client{ctx: dctx, store: cfg.Store, views: map[viewKey]*Executor{}}
	if c.key, err = storeTokenKey(dctx); err != nil {
		shutdownStore(dctx, time.Second)
		return nil, err
	}
	return c, nil
}

// Close closes the connection to the store.
func (c *Client) Close() { shutdownStore(c.ctx, 5*time.Second) }

// Machine returns the executions of the machine named name whose
// StartExecution runs on the workers of version (the Config.Version of
// the worker that has the machine's code; "" for a view that starts
// none). The Executor it returns runs no execution itself: its
// StartExecution queues them for those workers, and every other
// operation reads and writes the store.
func (c *Client) Machine(name, version string) *Executor {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := viewKey{name, version}
	if e := c.views[k]; e != nil {
		return e
	}
	e := &Executor{
		m:   &sfnrt.Machine{Name: name},
		cfg: Config{Store: c.store, Version: version}, ctx: c.ctx,
		workflow: executionWorkflowPrefix + name, queue: executionWorkflowPrefix + name, key: c.key,
	}
	c.views[k] = e
	return e
}

// MachineOfExecution returns the name of the machine an execution ARN
// names (arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME),
// false when it is no execution ARN.
func MachineOfExecution(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "execution" || parts[6] == "" || parts[7] == "" {
		return "", false
	}
	return parts[6], true
}

// ForToken returns the view of the machine whose execution waits for
// the task token (any view when the token is not one of this store's:
// its operations then answer InvalidToken).
func (c *Client) ForToken(token string) *Executor {
	if t, ok := sfnrt.ParseTaskToken(c.key, token); ok {
		if name, ok := MachineOfExecution(t.ExecutionArn); ok {
			return c.Machine(name, "")
		}
	}
	return c.Machine("", "")
}

// Pending reports whether the store holds executions of version that
// have not ended: a server starts workers for them at once after a
// restart.
func (c *Client) Pending(version string) (bool, error) {
	ws, err := dbos.ListWorkflows(c.ctx, dbos.WithFilterAppVersion(version),
		dbos.WithFilterStatus(dbos.WorkflowStatusPending, dbos.WorkflowStatusEnqueued), dbos.WithFilterLimit(1))
	return len(ws) > 0, err
}

// StartExecutionWith is StartExecution recording attrs with the
// execution (Description.Attributes): a server records the version or
// alias an execution was started through, and the revision it runs.
func (e *Executor) StartExecutionWith(ctx context.Context, name, input string, attrs map[string]string) (*StartExecutionOutput, error) {
	a := make(map[string]any, len(attrs))
	for k, v := range attrs {
		a[k] = v
	}
	return e.startExecution(ctx, name, input, a)
}

// ListExecutionsWith is ListExecutions of the executions recorded with
// attrs (all of them).
func (e *Executor) ListExecutionsWith(ctx context.Context, statusFilter string, maxResults int, nextToken string, attrs map[string]string) (*ListExecutionsOutput, error) {
	return e.listExecutions(ctx, statusFilter, maxResults, nextToken, attrs)
}

// CheckStore reports why url is no store DBOS can open (sqlite:PATH or a
// postgres:// URL), or nil: a server checks its --store at start.
func CheckStore(url string) error { return checkStore(url) }
