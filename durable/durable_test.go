package durable

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// handlers are the test machine's Tasks: they count their invocations
// and hand the callback's token to tokens.
type handlers struct {
	mu     sync.Mutex
	calls  map[string]int // "state/execution name[/item]" → invocations
	tokens chan string
	fail   map[string]bool // invocation keys that fail with Boom
}

func newHandlers() *handlers {
	return &handlers{calls: map[string]int{}, tokens: make(chan string, 1000)}
}

func (h *handlers) count(ctx context.Context, key string) error {
	call, _ := sfnrt.TaskCallFrom(ctx)
	key = call.State + "/" + call.ExecutionArn[strings.LastIndexByte(call.ExecutionArn, ':')+1:] + key
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls[key]++
	if h.fail[key] {
		return &sfnrt.Error{Name: "Boom", Cause: key, HasCause: true}
	}
	return nil
}

// failing makes the invocations keyed key fail (or succeed again).
func (h *handlers) failing(key string, fail bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail == nil {
		h.fail = map[string]bool{}
	}
	h.fail[key] = fail
}

// counts returns a copy of the invocation counts.
func (h *handlers) counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.calls)
}

func (h *handlers) Prepare(ctx context.Context, in any) (any, error) {
	return "prepared", h.count(ctx, "")
}
func (h *handlers) Left(ctx context.Context, in any) (any, error)  { return "L", h.count(ctx, "") }
func (h *handlers) Right(ctx context.Context, in any) (any, error) { return "R", h.count(ctx, "") }
func (h *handlers) Square(ctx context.Context, in any) (any, error) {
	n, _ := sfnrt.Int(in)
	return n * n, h.count(ctx, fmt.Sprint("/", n))
}
func (h *handlers) Approve(ctx context.Context, in any) (any, error) {
	if err := h.count(ctx, ""); err != nil {
		return nil, err
	}
	body, _ := in.(*sfnrt.Object).Get("MessageBody")
	tok, _ := body.(*sfnrt.Object).Get("token")
	h.tokens <- tok.(string)
	return nil, nil
}

func testInput(items int, pause int) string {
	var list []string
	for i := 1; i <= items; i++ {
		list = append(list, fmt.Sprint(i))
	}
	return fmt.Sprintf(`{"id":"x","items":[%s],"pause":%d}`, strings.Join(list, ","), pause)
}

func sqliteStore(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "sfn.db")
}

func openWorker(t *testing.T, store string, h *handlers, cfg Config) *Executor {
	t.Helper()
	cfg.Store = store
	e, err := Open(context.Background(), testmachine.New(h), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Work(); err != nil {
		t.Fatal(err)
	}
	return e
}

func apiCode(err error) string {
	var e *sfnrt.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return "no error"
	}
	return "not an API error: " + err.Error()
}

// An execution runs on a worker, parks at its callback, and a second
// executor on the same store completes it; its history is the one an
// in-memory run with the same seed writes.
func TestExecutionWithCallback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	store := sqliteStore(t)
	h := newHandlers()
	w := openWorker(t, store, h, Config{})
	defer w.Close()
	input := testInput(5, 0)
	start, err := w.StartExecution(ctx, "first", input)
	if err != nil {
		t.Fatal(err)
	}
	// The same name and input: the same execution; another input: an error.
	if again, err := w.StartExecution(ctx, "first", input); err != nil || again.ExecutionArn != start.ExecutionArn {
		t.Errorf("start again: %+v, %v", again, err)
	}
	if _, err := w.StartExecution(ctx, "first", `{}`); apiCode(err) != "ExecutionAlreadyExists" {
		t.Errorf("start with another input: %v", err)
	}
	var token string
	select {
	case token = <-h.tokens:
	case <-ctx.Done():
		t.Fatal("no callback")
	}
	d, err := w.DescribeExecution(ctx, start.ExecutionArn)
	if err != nil || d.Status != StatusRunning {
		t.Fatalf("describe while parked: %+v %v", d, err)
	}
	other, err := Open(ctx, testmachine.New(nil), Config{Store: store, ExecutorID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tests := []struct {
		name, token, want string
	}{
		{"garbage", "garbage", "InvalidToken"},
		{"forged", sfnrt.NewTaskToken([]byte("guess"), sfnrt.TaskToken{ExecutionArn: start.ExecutionArn, State: "Approve", Seq: 1}), "InvalidToken"},
	}
	for _, tc := range tests {
		if got := apiCode(other.SendTaskSuccess(ctx, tc.token, `{}`)); got != tc.want {
			t.Errorf("%s token: %s, want %s", tc.name, got, tc.want)
		}
	}
	if err := other.SendTaskHeartbeat(ctx, token); err != nil {
		t.Errorf("heartbeat: %v", err)
	}
	if err := other.SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
		t.Fatalf("send-task-success: %v", err)
	}
	d, err = w.Wait(ctx, start.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfnrt.StatusSucceeded {
		t.Fatalf("status %s %v %v", d.Status, d.Error, d.Cause)
	}
	var out map[string]any
	json.Unmarshal([]byte(*d.Output), &out)
	if diff := cmp.Diff(map[string]any{"approved": true}, out["approval"]); diff != "" {
		t.Errorf("approval (-want +got):\n%s", diff)
	}
	if got := apiCode(other.SendTaskSuccess(ctx, token, `{}`)); got != "TaskDoesNotExist" {
		t.Errorf("used token: %s, want TaskDoesNotExist", got)
	}
	for k, n := range h.calls {
		if n != 1 {
			t.Errorf("%s ran %d times", k, n)
		}
	}
	hist, err := other.GetExecutionHistory(ctx, start.ExecutionArn, false, 0, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hist.Events); n < 20 || !strings.Contains(string(hist.Events[n-1]), `"ExecutionSucceeded"`) {
		t.Errorf("history of %d events, ending %s", n, hist.Events[n-1])
	}
}
