package durable

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A worker that a server runs (sfn-compile serve) takes the server's
// StartExecution requests on its standard input, one JSON line each, and
// answers each on its standard output: the worker then runs the
// execution at once, where one started through the store's queue waits
// for the worker's next poll of it (up to 100 ms).

// StartRequest is one line a server writes to a worker.
type StartRequest struct {
	ID         int64             `json:"id"` // echoed in the answer
	Name       string            `json:"name"`
	Input      string            `json:"input"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// StartAnswer is the worker's line for a StartRequest: the execution, or
// the API's error.
type StartAnswer struct {
	ID           int64  `json:"id"`
	ExecutionArn string `json:"executionArn,omitempty"`
	StartDate    string `json:"startDate,omitempty"`
	Code         string `json:"code,omitempty"` // an API error's name
	Message      string `json:"message,omitempty"`
}

// ParseStartRequest reads one request line: a JSON object of
// StartRequest's members, nothing after it.
func ParseStartRequest(line []byte) (StartRequest, error) {
	var req StartRequest
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&req); err != nil {
		return StartRequest{}, err
	}
	if dec.More() {
		return req, errors.New("data after the request's JSON object")
	}
	return req, nil
}

// ServeStarts answers the StartRequests read from r on w until r ends,
// each as it is done (requests run concurrently). It returns when r
// ends: the server is gone.
func (e *Executor) ServeStarts(ctx context.Context, r io.Reader, w io.Writer) error {
	var mu sync.Mutex // one answer line at a time
	var wg sync.WaitGroup
	defer wg.Wait()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 2*sfnrt.MaxPayloadBytes+64<<10) // an input, JSON-escaped
	enc := json.NewEncoder(w)
	for sc.Scan() {
		req, err := ParseStartRequest(sc.Bytes())
		if err != nil {
			mu.Lock()
			enc.Encode(StartAnswer{ID: req.ID, Code: "SerializationException", Message: err.Error()})
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ans := StartAnswer{ID: req.ID}
			out, err := e.StartExecutionWith(ctx, req.Name, req.Input, req.Attributes)
			var api *sfnrt.APIError
			switch {
			case errors.As(err, &api):
				ans.Code, ans.Message = api.Code, api.Message
			case err != nil:
				ans.Code, ans.Message = "InternalFailure", err.Error()
			default:
				ans.ExecutionArn, ans.StartDate = out.ExecutionArn, out.StartDate
			}
			mu.Lock()
			enc.Encode(ans)
			mu.Unlock()
		}()
	}
	return sc.Err()
}
