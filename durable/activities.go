package durable

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	"github.com/jackc/pgx/v5"
	// PostgreSQL stores for the activity table, through pgx's database/sql
	// driver (DBOS itself talks to PostgreSQL through pgx).
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Activity Task states of durable executions are dispatched through a
// table of the store, sfn_activity_tasks: the execution's workflow
// inserts a row per attempt (as a recorded step, so a recovered
// execution does not insert it again) and waits for the task's token as
// for a callback; any process that reaches the store takes the oldest row
// of an activity (GetActivityTask: an UPDATE that only one taker wins),
// leaves the worker's name and the time in the execution's attributes
// (started:SEQ, beside a callback's; see park.go) and wakes it, to write
// its ActivityStarted event and count HeartbeatSeconds from then; workers
// answer through SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat as
// for any task token, parked execution or not. The workflow deletes the
// row when the attempt ends, not when the execution parks. DBOS has no
// queue that other processes can take work from without running it as a
// workflow, hence a table of our own beside DBOS's.

const activitySchema = `CREATE TABLE IF NOT EXISTS sfn_activity_tasks (
	token         TEXT PRIMARY KEY,
	activity_arn  TEXT NOT NULL,
	input         TEXT NOT NULL,
	execution_arn TEXT NOT NULL,
	seq           BIGINT NOT NULL,
	scheduled_at  BIGINT NOT NULL,
	worker        TEXT,
	started_at    BIGINT
)`

const activityIndex = `CREATE INDEX IF NOT EXISTS sfn_activity_tasks_waiting
	ON sfn_activity_tasks (activity_arn, scheduled_at) WHERE worker IS NULL`

// activityStore is the store's activity table, on a connection pool of
// its own (a worker's) or on DBOS's (a Client's: client_activities.go).
type activityStore struct {
	db activityDB
}

// activityDB runs the activity table's queries, written for PostgreSQL
// ($1 placeholders) and rewritten for the store's database.
type activityDB interface {
	exec(ctx context.Context, q string, args ...any) error
	queryRow(ctx context.Context, q string, args ...any) interface{ Scan(...any) error }
	close()
}

// sqlActivityDB is a pool of the activity table's own.
type sqlActivityDB struct {
	db     *sql.DB
	sqlite bool
}

func (d sqlActivityDB) exec(ctx context.Context, q string, args ...any) error {
	_, err := d.db.ExecContext(ctx, d.query(q), args...)
	return err
}

func (d sqlActivityDB) queryRow(ctx context.Context, q string, args ...any) interface{ Scan(...any) error } {
	return d.db.QueryRowContext(ctx, d.query(q), args...)
}

func (d sqlActivityDB) close() { d.db.Close() }

// openActivityStore opens the table of the store url (checked by
// checkStore), creating it when absent.
func openActivityStore(ctx context.Context, url string) (*activityStore, error) {
	var d sqlActivityDB
	var err error
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		// The pragmas DBOS sets on its own connections: WAL, and a wait
		// rather than an error while another connection writes.
		path = strings.TrimPrefix(path, "//")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		d.sqlite = true
		d.db, err = sql.Open("sqlite", path+sep+"_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	} else {
		d.db, err = sql.Open("pgx", url)
	}
	if err != nil {
		return nil, err
	}
	return newActivityStore(ctx, d)
}

// newActivityStore returns the activity table on db, creating it when
// absent.
func newActivityStore(ctx context.Context, db activityDB) (*activityStore, error) {
	for _, q := range []string{activitySchema, activityIndex} {
		if err := db.exec(ctx, q); err != nil {
			db.close()
			return nil, errors.New("creating the activity table: " + err.Error())
		}
	}
	return &activityStore{db: db}, nil
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// query rewrites q's PostgreSQL placeholders ($1) for SQLite (?1).
func (d sqlActivityDB) query(q string) string {
	if d.sqlite {
		return placeholder.ReplaceAllString(q, "?$1")
	}
	return q
}

func (s *activityStore) insert(ctx context.Context, t *sfnrt.ActivityTask) error {
	return s.db.exec(ctx, `INSERT INTO sfn_activity_tasks
		(token, activity_arn, input, execution_arn, seq, scheduled_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (token) DO NOTHING`,
		t.Token, t.ActivityArn, t.Input, t.ExecutionArn, t.Seq, time.Now().UnixMilli())
}

func (s *activityStore) remove(ctx context.Context, token string) error {
	return s.db.exec(ctx, `DELETE FROM sfn_activity_tasks WHERE token = $1`, token)
}

// release gives back a task claimed for a worker that did not get it.
func (s *activityStore) release(ctx context.Context, token string) error {
	return s.db.exec(ctx, `UPDATE sfn_activity_tasks SET worker = NULL, started_at = NULL WHERE token = $1`, token)
}

// claimed is a row that a taker won.
type claimed struct {
	token, input, executionArn string
	seq                        int64
}

// claim takes the oldest task of activityArn that nobody took, for
// worker; ok is false when there is none.
func (s *activityStore) claim(ctx context.Context, activityArn, worker string) (c claimed, ok bool, err error) {
	row := s.db.queryRow(ctx, `UPDATE sfn_activity_tasks SET worker = $1, started_at = $2
		WHERE token = (SELECT token FROM sfn_activity_tasks WHERE activity_arn = $3 AND worker IS NULL
			ORDER BY scheduled_at, token LIMIT 1)
		AND worker IS NULL
		RETURNING token, input, execution_arn, seq`, worker, time.Now().UnixMilli(), activityArn)
	err = row.Scan(&c.token, &c.input, &c.executionArn, &c.seq)
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// DispatchActivity records the task in the store's activity table, for
// the workers of any process that reaches the store. It runs as the
// Task's recorded step (see driver.Task).
func (d *driver) DispatchActivity(ctx context.Context, t *sfnrt.ActivityTask) error {
	if d.e.activities == nil {
		return sfnrt.NewError(sfnrt.ErrRuntime, "durable store: the activity table is not open")
	}
	if err := d.e.activities.insert(ctx, t); err != nil {
		return sfnrt.NewError(sfnrt.ErrRuntime, "durable store: "+err.Error())
	}
	return nil
}

// ActivityEnded deletes the task's row: a task no worker took is handed
// out no more. (A recovered execution deletes it again: a no-op.) An
// attempt that ended because its worker is shutting down keeps its row:
// the recovered execution waits for the same task, whose dispatch is not
// done again. (A stopped execution's row is dropped by the next
// GetActivityTask that finds it.)
func (d *driver) ActivityEnded(t *sfnrt.ActivityTask) {
	// A parked execution's attempt has not ended: the woken run waits
	// for the same task.
	if d.e.activities != nil && d.parked == nil && d.wctx.Err() == nil {
		_ = d.e.activities.remove(d.wctx, t.Token)
	}
}

// hasActivities reports whether m has an Activity Task state.
func hasActivities(m *sfnrt.Machine) bool {
	for _, t := range m.Tasks {
		if sfnrt.IsActivityResource(t.Resource) {
			return true
		}
	}
	return false
}

// Activities serves the Activity Task states of every durable execution
// in a store, whatever its machine, to workers: GetActivityTask and the
// SendTask* answers, as the Step Functions API has them.
type Activities struct {
	client dbos.Client // nil for a Client's: Close leaves its connection open
	store  *activityStore
	cb     callbacks
}

// OpenActivities connects to the store (url as Config.Store; "" is
// DefaultStore()).
func OpenActivities(ctx context.Context, url string) (*Activities, error) {
	url, err := resolveStore(url)
	if err != nil {
		return nil, err
	}
	client, err := dbos.NewClient(context.WithoutCancel(ctx), dbos.ClientConfig{
		DatabaseURL: url, AppName: "sfn-compile", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, errors.New("opening store " + url + ": " + err.Error())
	}
	a := &Activities{client: client}
	if a.store, err = openActivityStore(ctx, url); err != nil {
		dbos.Shutdown(client, time.Second)
		return nil, err
	}
	key, err := storeTokenKey(client)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.cb = callbacks{c: client, key: key}
	return a, nil
}

// Close disconnects from the store.
func (a *Activities) Close() {
	if a.client == nil {
		return
	}
	a.store.db.close()
	dbos.Shutdown(a.client, time.Second)
}

// ActivityTaskOutput is GetActivityTask's answer: both members are absent
// when no task came before the poll's end.
type ActivityTaskOutput struct {
	TaskToken *string `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

// activityPoll is how often a waiting GetActivityTask looks at the table
// again, at most.
const activityPoll = 100 * time.Millisecond

// GetActivityTask takes the oldest task of the activity activityArn that
// no worker took, waiting for one as AWS's long poll does (60 seconds, or
// until ctx ends); workerName is recorded in the execution's
// ActivityStarted event. Tasks whose execution ended meanwhile are
// dropped, not handed out.
func (a *Activities) GetActivityTask(ctx context.Context, activityArn, workerName string) (*ActivityTaskOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, sfnrt.ActivityPollTime)
	defer cancel()
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, activityPoll) {
		c, ok, err := a.store.claim(ctx, activityArn, workerName)
		if err != nil {
			if ctx.Err() != nil {
				return &ActivityTaskOutput{}, nil
			}
			return nil, err
		}
		if ok {
			err := a.cb.send(ctx, c.token, callbackMessage{Kind: "started", Worker: workerName})
			if err == nil {
				return &ActivityTaskOutput{TaskToken: &c.token, Input: &c.input}, nil
			}
			var ae *sfnrt.APIError
			if !errors.As(err, &ae) {
				// The store failed: the task goes back to the queue for
				// another poll rather than to a worker who never got it.
				_ = a.store.release(context.WithoutCancel(ctx), c.token)
				return nil, err
			}
			// The attempt ended (timed out, its execution stopped) while
			// the row waited: it is nobody's task any more.
			_ = a.store.remove(ctx, c.token)
			pause = 5 * time.Millisecond
			continue
		}
		select {
		case <-ctx.Done():
			return &ActivityTaskOutput{}, nil
		case <-time.After(pause):
		}
	}
}

// SendTaskSuccess completes the Task (activity or callback, of any
// machine in the store) that token names with output, a JSON document.
func (a *Activities) SendTaskSuccess(ctx context.Context, token, output string) error {
	if err := checkTaskOutput(output); err != nil {
		return err
	}
	return a.cb.send(ctx, token, callbackMessage{Kind: "success", Output: output})
}

// SendTaskFailure fails the Task that token names.
func (a *Activities) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	if err := sfnrt.CheckErrorCause(errorName, cause); err != nil {
		return err
	}
	return a.cb.send(ctx, token, callbackMessage{Kind: "failure", Error: errorName, Cause: cause})
}

// SendTaskHeartbeat restarts the HeartbeatSeconds of the Task that token
// names.
func (a *Activities) SendTaskHeartbeat(ctx context.Context, token string) error {
	return a.cb.send(ctx, token, callbackMessage{Kind: "heartbeat"})
}

func checkTaskOutput(output string) error {
	if len(output) > sfnrt.MaxPayloadBytes {
		return apiError("InvalidOutput", "The output exceeds the maximum size of 262144 bytes")
	}
	if _, err := sfnrt.ParseJSON([]byte(output)); err != nil {
		return apiError("InvalidOutput", "Invalid JSON: "+err.Error())
	}
	return nil
}
