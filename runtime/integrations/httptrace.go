package integrations

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
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
// trace; heads, when set, recorded its head.
func traceResponse(protocol string, resp *http.Response, data []byte, heads *headRecorder) *HTTPTraceResponse {
	headers := renderResponseHeaders(resp.Header)
	if heads != nil {
		if lines, ok := heads.head(); ok {
			headers = "[" + strings.Join(lines, ", ") + "]"
		}
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

// Go's HTTP client hands over a response's headers as a map, in no
// order; the trace shows them in the order they came, as AWS's does. A
// traced request goes through headClient: a transport of its own
// (HTTP/1.1) whose connections record the head of the response to the
// request last written on them, so that the connection written last
// (after any redirect) has the response's header lines in order.

// maxHeadBytes bounds the head a connection records.
const maxHeadBytes = 64 << 10

// A headRecorder keeps the connection a request was written on last.
type headRecorder struct {
	mu        sync.Mutex
	last      *headConn
	transport *http.Transport
}

// A headConn is a connection that records what it reads, after each
// request written on it, up to the end of the first response head that
// is not informational (1xx).
type headConn struct {
	net.Conn
	rec  *headRecorder
	mu   sync.Mutex
	buf  []byte
	done bool
}

func (c *headConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.done {
		c.buf, c.done = nil, false // another request on the connection
	}
	c.mu.Unlock()
	c.rec.mu.Lock()
	c.rec.last = c
	c.rec.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *headConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done && n > 0 {
		c.buf = append(c.buf, p[:n]...)
		for {
			end := bytes.Index(c.buf, []byte("\r\n\r\n"))
			if end < 0 {
				c.done = len(c.buf) > maxHeadBytes
				break
			}
			if bytes.HasPrefix(c.buf, []byte("HTTP/1.1 1")) || bytes.HasPrefix(c.buf, []byte("HTTP/1.0 1")) {
				c.buf = c.buf[end+4:] // 100 Continue and the like: the next head counts
				continue
			}
			c.buf, c.done = c.buf[:end], true
			break
		}
	}
	return n, err
}

// head returns the header lines of the latest connection's response, in
// order, as "name: value" with the name in lower case; false when there
// is none to read.
func (r *headRecorder) head() ([]string, bool) {
	r.mu.Lock()
	c := r.last
	r.mu.Unlock()
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done || len(c.buf) > maxHeadBytes {
		return nil, false
	}
	lines := strings.Split(string(c.buf), "\r\n")
	var out []string
	for _, line := range lines[1:] { // after the status line
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, false
		}
		out = append(out, strings.ToLower(strings.TrimSpace(name))+": "+strings.TrimSpace(value))
	}
	return out, true
}

// headClient returns a client like base that records the response heads
// of its requests, or nil when base's transport is not an
// *http.Transport (a test's, say) to build on. The caller closes the
// recorder once done with the response.
func headClient(base *http.Client) (*http.Client, *headRecorder) {
	tr, ok := base.Transport.(*http.Transport)
	if base.Transport == nil {
		tr, ok = http.DefaultTransport.(*http.Transport)
	}
	if !ok {
		return nil, nil
	}
	t := tr.Clone()
	rec := &headRecorder{transport: t}
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // HTTP/1.1 only
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	record := func(conn net.Conn) net.Conn { return &headConn{Conn: conn, rec: rec} }
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return record(conn), nil
	}
	// HTTPS: TLS here, so that the recorder reads the plain text.
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := &tls.Config{}
		if tr.TLSClientConfig != nil {
			cfg = tr.TLSClientConfig.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return record(tc), nil
	}
	client := *base
	client.Transport = t
	return &client, rec
}

// close closes the connections of the recorder's transport.
func (r *headRecorder) close() { r.transport.CloseIdleConnections() }
