package integrations

import (
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// This file records what an HTTP Task sent and got back, as TestState's
// TRACE inspection level shows it (inspectionData.request and
// .response), so that a program running the Task (the machine's binary,
// with --http-trace FILE) can hand it to its caller.

// An HTTPExchange is one request of an HTTP Task and the response to it,
// every member a string as AWS's InspectionDataRequest and
// InspectionDataResponse have them. Response is nil when no response
// came (States.Http.Socket).
type HTTPExchange struct {
	Request  HTTPTraceRequest   `json:"request"`
	Response *HTTPTraceResponse `json:"response,omitempty"`
}

// HTTPTraceRequest is the request an HTTP Task sent: protocol is the
// URL's scheme; url carries the query parameters, the Task's then the
// connection's; headers are rendered as AWS renders them,
// "[Name: value, Name: value]": the Task's headers as written, the
// connection's authorization and header parameters, then the User-Agent
// and Range that Step Functions adds.
type HTTPTraceRequest struct {
	Protocol string `json:"protocol"`
	Method   string `json:"method"`
	URL      string `json:"url"`
	Headers  string `json:"headers"`
	Body     string `json:"body"`
}

// HTTPTraceResponse is the response: its status as text, its headers
// rendered as the request's (names in lower case, in the order they came)
// and its body as received.
type HTTPTraceResponse struct {
	Protocol      string `json:"protocol"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
	Headers       string `json:"headers"`
	Body          string `json:"body"`
}

// A traceHeader is one header of a request as sent; secret marks those
// the connection adds (its authorization and header parameters), which
// TestState shows only with revealSecrets.
type traceHeader struct {
	name, value string
	secret      bool
}

// traceHeaders keeps the headers of a request in the order they are set.
type traceHeaders []traceHeader

// set records the header name, replacing those of the same name set
// before (http.Header.Set does the same to the request).
func (h *traceHeaders) set(name, value string, secret bool) {
	canonical := http.CanonicalHeaderKey(name)
	kept := (*h)[:0]
	for _, e := range *h {
		if http.CanonicalHeaderKey(e.name) != canonical {
			kept = append(kept, e)
		}
	}
	*h = append(kept, traceHeader{name, value, secret})
}

// render writes the headers as AWS shows them, leaving the secret ones
// out unless reveal.
func (h traceHeaders) render(reveal bool) string {
	parts := make([]string, 0, len(h))
	for _, e := range h {
		if e.secret && !reveal {
			continue
		}
		parts = append(parts, e.name+": "+e.value)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// renderResponseHeaders writes a response's headers as AWS shows them:
// lower-case names, one entry per value; in sorted order, for a response
// whose head was not recorded.
func renderResponseHeaders(header http.Header) string {
	names := make([]string, 0, len(header))
	for k := range header {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		for _, v := range header[k] {
			parts = append(parts, strings.ToLower(k)+": "+v)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// traceResponse shapes a response, whose body was read as data, for the
// trace. Go's HTTP client hands over a response's headers as a map, in
// no order; the trace shows them in the order they came, as AWS's does,
// from the head the connection recorded (http_headers.go), where it did.
func traceResponse(protocol string, resp *http.Response, data []byte, head responseHead) *HTTPTraceResponse {
	headers := renderResponseHeaders(resp.Header)
	if head.names != nil {
		parts := make([]string, len(head.lines))
		for i, l := range head.lines {
			parts[i] = strings.ToLower(l[0]) + ": " + l[1]
		}
		headers = "[" + strings.Join(parts, ", ") + "]"
	}
	return &HTTPTraceResponse{
		Protocol:      protocol,
		StatusCode:    strconv.Itoa(resp.StatusCode),
		StatusMessage: reasonPhrase(resp),
		Headers:       headers,
		Body:          strings.ToValidUTF8(string(data), "\uFFFD"),
	}
}

// reasonPhrase is the reason phrase the server sent ("OK").
func reasonPhrase(resp *http.Response) string {
	return strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
}

// HTTPTraceFile returns an Options.TraceHTTP that appends each exchange
// to the file path as a line of JSON, creating the file (readable by its
// owner only: with revealed secrets it holds credentials) or emptying it
// first.
func HTTPTraceFile(path string) (func(HTTPExchange), error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	return func(x HTTPExchange) {
		line, _ := json.Marshal(x)
		mu.Lock()
		defer mu.Unlock()
		// A write that fails loses a trace, not the Task: the trace is
		// for a person to read.
		f.Write(append(line, '\n'))
	}, nil
}
