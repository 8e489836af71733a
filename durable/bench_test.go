package durable

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sfn-compile/sfn-compile/durable/internal/stmtcache"
	"github.com/sfn-compile/sfn-compile/examples/order/machine"
	"github.com/sfn-compile/sfn-compile/examples/order/shop"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// benchEnv turns TestBenchDurable on (make bench-durable): it measures,
// side by side, the bench kit's order machine in memory and durable on
// SQLite and PostgreSQL with 1 and 50 executions at once, next to the
// raw rate of single-row commits of the same databases with the same
// sync settings, the physical limit of one durable step per commit.
const benchEnv = "SFN_BENCH_DURABLE"

const orderInput = `{"orderId":"ORD-1001","amount":42.5,"currency":"EUR",
  "items":[{"sku":"BOOK-1","qty":2},{"sku":"PEN-7","qty":10}],
  "customer":{"email":"ada@example.com","address":{"street":"1 Main St","city":"Springfield","zip":"12345"}}}`

func TestBenchDurable(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skip("set " + benchEnv + "=1 (make bench-durable) to measure")
	}
	d := benchDuration()
	var rows []string
	row := func(format string, args ...any) {
		rows = append(rows, fmt.Sprintf(format, args...))
		t.Logf(format, args...)
	}
	row("%-40s %10s %12s %14s", "what", "concurrent", "per second", "÷ raw commits")
	mem := inMemoryRate(d)
	row("%-40s %10d %12.0f %14s", "order, in memory (executions)", 1, mem, "-")
	stores := []struct{ name, url string }{{"SQLite", sqliteStore(t)}}
	if why := testservers.PostgresMissing(); why == "" {
		stores = append(stores, struct{ name, url string }{"PostgreSQL", testservers.Postgres(t)})
	} else {
		t.Log("no PostgreSQL figures:", why)
	}
	for _, s := range stores {
		for _, conc := range []int{1, 50} {
			commits := rawCommitRate(t, s.url, conc, d)
			row("%-40s %10d %12.0f %14s", s.name+" raw single-row commits", conc, commits, "-")
			// The default (the Parallel's branches as child workflows,
			// concurrently), then Config.SequentialBranches.
			for _, sequential := range []bool{false, true} {
				mode := ""
				if sequential {
					mode = ", sequential"
				}
				execs, steps, statements := durableRate(t, s.url, conc, d, sequential)
				row("%-40s %10d %12.0f %14s", s.name+" order, durable"+mode+" (executions)", conc, execs, "-")
				row("%-40s %10d %12.0f %14.2f", s.name+" order, durable"+mode+" (DBOS steps)", conc, steps, steps/commits)
				if statements > 0 {
					row("%-40s %10d %12.0f %14s", s.name+" SQL statements per execution"+mode, conc, statements, "-")
				}
			}
		}
	}
	if path := os.Getenv(benchEnv + "_OUT"); path != "" {
		os.WriteFile(path, []byte(strings.Join(rows, "\n")+"\n"), 0o644)
	}
}

// benchDuration is how long each measurement runs.
func benchDuration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(benchEnv + "_TIME")); err == nil {
		return d
	}
	return 3 * time.Second
}

func inMemoryRate(d time.Duration) float64 {
	m := machine.New(shop.Handlers{})
	in, _ := sfnrt.ParseJSON([]byte(orderInput))
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if res := m.Start(context.Background(), in, sfnrt.Options{}); res.Status != sfnrt.StatusSucceeded {
			panic(res.Error)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// rawCommitRate inserts single rows, each its own transaction, from conc
// goroutines, into a table of the store's database opened as DBOS opens
// it (SQLite: WAL, synchronous=NORMAL, busy_timeout; PostgreSQL: a pgx
// pool with the server's default, synchronous_commit on).
func rawCommitRate(t *testing.T, url string, conc int, d time.Duration) float64 {
	ctx := context.Background()
	var insert func() error
	if strings.HasPrefix(url, "sqlite:") {
		path := strings.TrimPrefix(url, "sqlite:")
		db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(8)
		if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS raw_commits (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
			t.Fatal(err)
		}
		insert = func() error { _, err := db.Exec(`INSERT INTO raw_commits (v) VALUES ('x')`); return err }
	} else {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS raw_commits (id BIGSERIAL PRIMARY KEY, v TEXT)`); err != nil {
			t.Fatal(err)
		}
		insert = func() error { _, err := pool.Exec(ctx, `INSERT INTO raw_commits (v) VALUES ('x')`); return err }
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d {
				if err := insert(); err != nil {
					t.Error(err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

// durableRate runs order executions on a worker, conc at a time, and
// returns executions and DBOS steps per second, and on SQLite the SQL
// statements an execution ran (all the worker's, over the executions).
func durableRate(t *testing.T, url string, conc int, d time.Duration, sequential bool) (execs, steps, statements float64) {
	ctx := context.Background()
	version := fmt.Sprintf("bench-%d-%d", conc, time.Now().UnixNano())
	e, err := Open(ctx, machine.New(shop.Handlers{}), Config{Store: url, Version: version, Concurrency: conc, ExecutorID: version, SequentialBranches: sequential})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	var before stmtcache.Stats
	pool, _ := storePools.Load(e.ctx)
	if pool != nil {
		before = pool.(*sqlitePool).statements.Stats()
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	var firstArn atomic.Value
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Since(start) < d; i++ {
				out, err := e.StartExecution(ctx, fmt.Sprintf("%s-%d-%d", version, w, i), orderInput)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := e.Wait(ctx, out.ExecutionArn); err != nil {
					t.Error(err)
					return
				}
				firstArn.CompareAndSwap(nil, out.ExecutionArn)
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if pool != nil {
		after := pool.(*sqlitePool).statements.Stats()
		statements = float64(after.Prepared+after.Reused-before.Prepared-before.Reused) / float64(n.Load())
	}
	arn, _ := firstArn.Load().(string)
	infos, err := dbos.GetWorkflowSteps(e.ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	perExec := float64(len(infos))
	// And the steps of its child workflows, one per branch.
	children, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDPrefix(arn+"/"), dbos.WithFilterLoadInput(false), dbos.WithFilterLoadOutput(false))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range children {
		cs, err := dbos.GetWorkflowSteps(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		perExec += float64(len(cs))
	}
	return float64(n.Load()) / elapsed, float64(n.Load()) * perExec / elapsed, statements
}
