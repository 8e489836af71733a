package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/sfn-compile/sfn-compile/durable"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// greeter is a machine of one Activity Task state on activity.
func greeter(activity string) *sfnrt.Machine {
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Greet", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, activity, 0, 0, in, nil)
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: "greeter", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Greet", Resource: activity}}}
}

// TestSDKActivityTask: the Go SDK's worker loop (GetActivityTask, then
// SendTaskSuccess) against the server serves the Activity Task state of
// a durable execution that runs in a worker on the same store.
func TestSDKActivityTask(t *testing.T) {
	ctx := context.Background()
	store := "sqlite:" + filepath.Join(t.TempDir(), "sfn.db")
	_, c := newTestServer(t, Config{Store: store})
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("greet")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.ActivityArn)

	e, err := durable.Open(ctx, greeter(arn), durable.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	started, err := e.StartExecution(ctx, "e1", `{"who":"sdk"}`)
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn), WorkerName: aws.String("go-worker")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(task.Input); got != `{"who":"sdk"}` {
		t.Errorf("input = %q", got)
	}
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Errorf("heartbeat: %v", err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"hi":"sdk"}`)}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := e.Wait(wctx, started.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded || aws.ToString(d.Output) != `{"hi":"sdk"}` {
		t.Errorf("execution %s, output %v", d.Status, aws.ToString(d.Output))
	}

	// AWS's errors.
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"no such activity", func() error {
			_, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn + "-nope")})
			return err
		}, "ActivityDoesNotExist"},
		{"not an activity ARN", func() error {
			_, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:greet")})
			return err
		}, "InvalidArn"},
		{"activity ARN too long", func() error {
			_, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn + string(make([]byte, 256)))})
			return err
		}, "ValidationException"},
		{"worker name too long", func() error {
			_, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn), WorkerName: aws.String(string(make([]byte, 81)))})
			return err
		}, "ValidationException"},
		{"done task", func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)})
			return err
		}, "TaskDoesNotExist"},
		{"not a token", func() error {
			_, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("garbage")})
			return err
		}, "InvalidToken"},
		{"output not JSON", func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{`)})
			return err
		}, "InvalidOutput"},
	}
	for _, tc := range tests {
		if got := apiCode(tc.call()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestSDKActivityWorkerLimit: one poller more than the quota waits on an
// activity is refused with ActivityWorkerLimitExceeded.
func TestSDKActivityWorkerLimit(t *testing.T) {
	defer func(n int) { maxActivityPollers = n }(maxActivityPollers)
	maxActivityPollers = 1
	ctx := context.Background()
	s, c := newTestServer(t, Config{Store: "sqlite:" + filepath.Join(t.TempDir(), "sfn.db")})
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("busy")})
	if err != nil {
		t.Fatal(err)
	}
	pollCtx, stop := context.WithCancel(ctx)
	polled := make(chan error, 1)
	go func() {
		_, err := c.GetActivityTask(pollCtx, &sfn.GetActivityTaskInput{ActivityArn: created.ActivityArn})
		polled <- err
	}()
	// Once the first poll waits, a second is one too many.
	for deadline := time.Now().Add(10 * time.Second); s.tasks.waiting(aws.ToString(created.ActivityArn)) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first GetActivityTask is not waiting after 10s")
		}
	}
	_, err = c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: created.ActivityArn})
	got := []string{apiCode(err)}
	stop()
	<-polled
	if diff := cmp.Diff([]string{"ActivityWorkerLimitExceeded"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The server reaches its store through one connection pool: serving
// activity tasks beside the executions opens no connection of its own.
func TestActivitiesShareTheStorePool(t *testing.T) {
	store := testservers.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	connections := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s, err := New(Config{DataDir: t.TempDir(), Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Executions first: the store's client, and its pool, open.
	if status, _, out := post(s, "AWSStepFunctions.DescribeExecution", "", `{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:none"}`); status != 400 || !strings.Contains(out, "ExecutionDoesNotExist") {
		t.Fatalf("DescribeExecution: %d %s", status, out)
	}
	time.Sleep(500 * time.Millisecond) // DBOS's background connections settle
	before := connections()
	post(s, "AWSStepFunctions.CreateActivity", "", `{"name": "a"}`)
	for range 3 {
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		r := httptest.NewRequestWithContext(short, http.MethodPost, "/", strings.NewReader(`{"activityArn": "arn:aws:states:us-east-1:123456789012:activity:a"}`))
		r.Header.Set("X-Amz-Target", "AWSStepFunctions.GetActivityTask")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		cancel()
		if w.Code != 200 {
			t.Fatalf("GetActivityTask: %d %s", w.Code, w.Body)
		}
	}
	time.Sleep(500 * time.Millisecond)
	if after := connections(); after > before {
		t.Errorf("connections to the store: %d with executions only, %d once activities are served", before, after)
	}
}
