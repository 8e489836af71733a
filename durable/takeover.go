package durable

import (
	"context"
	"strings"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/dbos-inc/dbos-transact-golang/dbos/internals"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Takeover: DBOS's open-source recovery resumes the executions of the
// executor ID that restarts (recoverPendingWorkflows(c,
// []string{c.executorID}) in dbos/dbos.go). A worker that never comes
// back would leave its executions pending for ever; so every worker
// keeps a lease in the store (the attributes of a workflow record that
// never runs, like the task-token key's), renewed every leaseInterval,
// and takes over the pending executions of a worker whose lease is older
// than Config.TakeoverAfter, through the recovery DBOS exposes to its
// enterprise module (dbos/internals.Runtime.RecoverPendingWorkflows): it
// puts them back on their queue, where any worker of their version runs
// them. DBOS's update is conditional (status PENDING), so two workers
// that take over the same dead one share its executions, not double
// them. A worker that was only hung and comes back finds its executions
// gone to others; a Task it had in flight may then be invoked twice,
// which is at least once, as for any crash.

const (
	leasePrefix   = "sfn-compile:worker:"
	leaseQueue    = "sfn-compile:leases" // no worker serves it
	leaseInterval = time.Second
)

// lease keeps this worker's lease and takes over dead workers' executions
// until ctx ends.
func (e *Executor) lease(ctx context.Context) {
	id := leasePrefix + e.cfg.ExecutorID
	// The record, once: a second Enqueue of the ID finds it.
	_, _ = dbos.Enqueue[string](e.ctx, leaseQueue, leaseWorkflow, e.cfg.ExecutorID, dbos.WithEnqueueWorkflowID(id))
	rt, err := internals.RuntimeOf(e.ctx)
	if err != nil {
		return
	}
	tick := time.NewTicker(leaseInterval)
	defer tick.Stop()
	for {
		now := time.Now()
		_ = dbos.SetWorkflowAttributes(e.ctx, id, map[string]any{"seen": now.UnixMilli()}, dbos.WithMergeAttributes())
		e.takeOver(rt, now)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// takeOver recovers the pending executions of the workers whose lease
// expired.
func (e *Executor) takeOver(rt internals.Runtime, now time.Time) {
	leases, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDPrefix(leasePrefix),
		dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil {
		return
	}
	var dead []string
	for _, l := range leases {
		executor := strings.TrimPrefix(l.ID, leasePrefix)
		seen, ok := sfnrt.Int(l.Attributes["seen"])
		if executor == e.cfg.ExecutorID || !ok || now.Sub(time.UnixMilli(seen)) < e.cfg.TakeoverAfter {
			continue
		}
		dead = append(dead, executor)
	}
	if len(dead) == 0 {
		return
	}
	if handles, err := rt.RecoverPendingWorkflows(dead); err == nil && len(handles) > 0 && e.cfg.Logger != nil {
		e.cfg.Logger.Info("took over the executions of stopped workers", "workers", dead, "executions", len(handles))
	}
}
