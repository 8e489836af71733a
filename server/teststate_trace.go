package server

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
)

// TestState's TRACE inspection level shows, for an HTTP Task
// (arn:aws:states:::http:invoke), the HTTP request Step Functions sent
// and the response it got (inspectionData.request and .response). The
// Task runs in the test machine's binary, which hands them over: run with
// --http-trace FILE, its HTTP integration writes each exchange to FILE as
// a JSON line, already shaped and rendered as AWS shows it, and with what
// the connection adds (authorization, header, query and body parameters)
// left out unless --http-trace-reveal-secrets (TestState's
// revealSecrets). The server reads the last line: the test machine runs
// the Task once.

type inspectionDataRequest struct {
	Protocol *string `json:"protocol,omitempty"`
	Method   *string `json:"method,omitempty"`
	URL      *string `json:"url,omitempty"`
	Headers  *string `json:"headers,omitempty"`
	Body     *string `json:"body,omitempty"`
}

type inspectionDataResponse struct {
	Protocol      *string `json:"protocol,omitempty"`
	StatusCode    *string `json:"statusCode,omitempty"`
	StatusMessage *string `json:"statusMessage,omitempty"`
	Headers       *string `json:"headers,omitempty"`
	Body          *string `json:"body,omitempty"`
}

// An httpExchange is a line of the binary's --http-trace file.
type httpExchange struct {
	Request  *inspectionDataRequest  `json:"request"`
	Response *inspectionDataResponse `json:"response"`
}

// An httpTrace asks runTest for the tested HTTP Task's exchange.
type httpTrace struct {
	revealSecrets bool
	file          string // set by runTest
}

// isHTTPTask reports whether a state is an HTTP Task: its resource is
// arn:PARTITION:states:[REGION]:[ACCOUNT]:http:invoke.
func isHTTPTask(state map[string]any) bool {
	resource, _ := state["Resource"].(string)
	parts := strings.Split(resource, ":")
	return state["Type"] == "Task" && len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "http" && parts[6] == "invoke"
}

// checkTestSecrets checks revealSecrets against the inspection level:
// secrets show only in TRACE's request and response.
func checkTestSecrets(in *testStateInput, level string) error {
	if in.RevealSecrets && level != "TRACE" {
		return errorf(codeValidation, "TestState supports RevealSecrets only when inspectionLevel is TRACE.")
	}
	return nil
}

// readHTTPTrace returns the last exchange of a --http-trace file; nil
// when the Task sent no request (its parameters failed, say).
func readHTTPTrace(file string) (*httpExchange, error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseHTTPTrace(data)
}

// parseHTTPTrace returns the last exchange of the lines of a --http-trace
// file, nil for none.
func parseHTTPTrace(data []byte) (*httpExchange, error) {
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	last := lines[len(lines)-1]
	if len(last) == 0 {
		return nil, nil
	}
	var x httpExchange
	if err := json.Unmarshal(last, &x); err != nil {
		return nil, err
	}
	return &x, nil
}
