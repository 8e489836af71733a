package awslambda

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/rietest"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// TestCallbackUnderEmulator runs lambda:invoke.waitForTaskToken Tasks
// against a Go function under the Lambda Runtime Interface Emulator
// that completes the token it is sent through the Step Functions API
// with the AWS SDK, as a callback worker does: the Task's result is what
// the function sends for the token, not its response.
func TestCallbackUnderEmulator(t *testing.T) {
	rietest.Path(t)
	bootstrap := rietest.BuildFunction(t, ".", "github.com/sfn-compile/sfn-compile/internal/rietest/testfn")
	front := rietest.Front(t, map[string]*rietest.Function{"worker": rietest.Start(t, bootstrap, "worker")})
	api := tokenAPI(t)
	inv := newInvoker(t, front.URL)

	tests := []struct {
		name     string
		callback string // the "callback" member of the payload, without the endpoint and token
		want     string // the output, or "Error: Cause"
	}{
		{"success", `"output":{"approved":true,"by":"worker"}`, `{"approved":true,"by":"worker"}`},
		{"failure", `"error":"Rejected","cause":"over budget"`, `Rejected: over budget`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCallback(t, inv, `{"endpoint":"`+api+`","token":TOKEN,`+tt.callback+`}`)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("function error", func(t *testing.T) {
		// The invocation fails: the Task fails with the function's error
		// at once rather than waiting for a token nobody will send.
		got := runCallback(t, inv, `null,"fail":{"type":"NoWorker","message":"down"}`)
		if want := `NoWorker: {"errorMessage":"down","errorType":"NoWorker"}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	if n := front.Count("worker"); n != 3 {
		t.Errorf("the function was invoked %d times, want 3", n)
	}
}

// runCallback runs a machine of one lambda:invoke.waitForTaskToken Task
// invoking the function "worker" with the payload {"callback": CALLBACK},
// TOKEN in callback replaced by the Task's token, and returns its output
// or "Error: Cause".
func runCallback(t *testing.T, inv sfnrt.TaskInvoker, callback string) string {
	t.Helper()
	const resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Ask", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
		task, _ := f.Context().Get("Task")
		token, _ := task.(*sfnrt.Object).Get("Token")
		payload := sfnrt.MustParseJSON(`{"callback":` + strings.Replace(callback, "TOKEN", sfnrt.ToJSON(token), 1) + `}`)
		params := sfnrt.ObjectOf(sfnrt.Member{Key: "FunctionName", Value: "worker"}, sfnrt.Member{Key: "Payload", Value: payload})
		out, err := f.RunTask(ctx, resource, 30, 0, params, nil)
		return sfnimpl.End, out, err
	}
	m := &sfnrt.Machine{Name: "cb", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Ask", Resource: resource}}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res := m.Start(ctx, sfnrt.MustParseJSON(`{}`), sfnrt.Options{Tasks: inv})
	if res.Status != sfnrt.StatusSucceeded {
		return res.Error + ": " + res.Cause
	}
	return sfnrt.ToJSON(res.Output)
}

// tokenAPI serves the task-token actions of the Step Functions API
// (AWS JSON 1.0: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) on
// a loopback port for the callback Tasks waiting in this process, and
// returns its URL.
func tokenAPI(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ TaskToken, Output, Error, Cause string }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var err error
		switch action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions."); action {
		case "SendTaskSuccess":
			err = sfnrt.SendTaskSuccess(req.TaskToken, req.Output)
		case "SendTaskFailure":
			err = sfnrt.SendTaskFailure(req.TaskToken, req.Error, req.Cause)
		case "SendTaskHeartbeat":
			err = sfnrt.SendTaskHeartbeat(req.TaskToken)
		default:
			err = &sfnrt.APIError{Code: "UnknownOperationException", Message: action}
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if apiErr := (*sfnrt.APIError)(nil); errors.As(err, &apiErr) {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": apiErr.Code, "message": apiErr.Message})
			return
		}
		io.WriteString(w, "{}")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
