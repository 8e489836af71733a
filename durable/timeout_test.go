package durable

import (
	"context"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// oneCallback is a machine of one callback Task with the given
// TimeoutSeconds and HeartbeatSeconds; its handler hands the token over.
func oneCallback(name string, timeout, heartbeat int64, tokens chan<- string) *sfnrt.Machine {
	const resource = "arn:aws:states:::sns:publish.waitForTaskToken"
	handler := func(ctx context.Context, in any) (any, error) {
		call, _ := sfnrt.TaskCallFrom(ctx)
		tokens <- call.Token
		return nil, nil
	}
	p := &sfnimpl.Program{
		States: []sfnimpl.StateInfo{{Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
			out, err := f.RunTask(ctx, resource, timeout, heartbeat, in, handler)
			return sfnimpl.End, out, err
		},
	}
	return &sfnrt.Machine{Name: name, Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Ask", Resource: resource}}}
}

// A callback's TimeoutSeconds and HeartbeatSeconds end it durably with
// AWS's errors, and its token then answers TaskTimedOut.
func TestCallbackTimeouts(t *testing.T) {
	tests := []struct {
		name               string
		timeout, heartbeat int64
		beats              int // heartbeats sent, 0.5 s apart
		want               string
	}{
		{"timeout", 1, 0, 0, sfnrt.ErrTimeout},
		{"heartbeat", 30, 1, 0, sfnrt.ErrHeartbeatTimeout},
		{"heartbeats then timeout", 2, 1, 5, sfnrt.ErrTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			tokens := make(chan string, 1)
			e, err := Open(ctx, oneCallback("cb", tc.timeout, tc.heartbeat, tokens), Config{Store: sqliteStore(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if err := e.Work(); err != nil {
				t.Fatal(err)
			}
			start, err := e.StartExecution(ctx, "", `{}`)
			if err != nil {
				t.Fatal(err)
			}
			token := <-tokens
			for i := 0; i < tc.beats; i++ {
				time.Sleep(500 * time.Millisecond)
				if err := e.SendTaskHeartbeat(ctx, token); err != nil && apiCode(err) != "TaskTimedOut" {
					t.Fatalf("heartbeat %d: %v", i, err)
				}
			}
			d, err := e.Wait(ctx, start.ExecutionArn)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != sfnrt.StatusFailed || d.Error == nil || *d.Error != tc.want {
				t.Fatalf("%s %v, want FAILED %s", d.Status, deref(d.Error), tc.want)
			}
			if got := apiCode(e.SendTaskSuccess(ctx, token, `{}`)); got != "TaskTimedOut" {
				t.Errorf("a timed-out token: %s, want TaskTimedOut", got)
			}
		})
	}
}
