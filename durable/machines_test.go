package durable

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
)

// The store keeps each version's record (the first one written stands)
// and tells which versions have work not done: an execution queued for
// a version no worker runs is; a worker's lease and the token key are
// not, nor is a version whose executions ended, whose wakers wait for
// their time (they are work once due).
func TestMachineVersions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) string
	}{
		{"sqlite", sqliteStore},
		{"postgres", func(t *testing.T) string { return testservers.Postgres(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			store := tc.store(t)
			c, err := OpenClient(ctx, ClientConfig{Store: store})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, ok, err := c.MachineVersion(ctx, "rev-a"); ok || err != nil {
				t.Fatalf("MachineVersion of a version never put: %v, %v", ok, err)
			}
			for _, rec := range []string{`{"definition":"first"}`, `{"definition":"second"}`} {
				if err := c.PutMachineVersion(ctx, "rev-a", []byte(rec)); err != nil {
					t.Fatal(err)
				}
			}
			if rec, ok, err := c.MachineVersion(ctx, "rev-a"); !ok || err != nil || string(rec) != `{"definition":"first"}` {
				t.Fatalf("MachineVersion(rev-a) = %s, %v, %v; want the first record", rec, ok, err)
			}

			// A worker of rev-done runs its execution to the end (its
			// lease stays in the store, and the waker of its callback's
			// park, delayed); rev-queued's waits for a worker.
			h := newHandlers()
			w := openWorker(t, store, h, Config{Version: "rev-done", ExecutorID: "w-done"})
			defer w.Close()
			name := testmachine.New(nil).Name
			done, err := c.Machine(name, "rev-done").StartExecution(ctx, "done", testInput(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			select {
			case token := <-h.tokens: // the machine waits for its callback
				if err := c.ForToken(token).SendTaskSuccess(ctx, token, `{}`); err != nil {
					t.Fatal(err)
				}
			case <-ctx.Done():
				t.Fatal("the worker did not run the execution")
			}
			if _, err := c.Machine(name, "rev-done").Wait(ctx, done.ExecutionArn); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Machine(name, "rev-queued").StartExecution(ctx, "queued", testInput(0, 0)); err != nil {
				t.Fatal(err)
			}
			got, err := c.PendingVersions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"rev-queued"}, got); diff != "" {
				t.Errorf("PendingVersions (-want +got):\n%s", diff)
			}
		})
	}
}
