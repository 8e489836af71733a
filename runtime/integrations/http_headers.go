package integrations

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"time"
)

// An HTTP Task's result shows the response's headers as the server wrote
// their names, each with the list of its values. No recording of an
// arn:aws:states:::http:invoke result is public (AWS's documentation
// names the member Headers without showing it); the nearest is
// Step Functions' other HTTP integration, arn:aws:states:::apigateway:invoke,
// recorded against AWS by LocalStack (tests/aws/services/stepfunctions/v2/
// services/test_apigetway_task_service.snapshot.json, 2025-11-06):
// "Content-Length": ["99"], "x-amz-apigw-id", "X-Amz-Cf-Id",
// "x-amzn-RequestId", "X-Cache": ["Miss from cloudfront"], names in the
// case the server sent, values as lists, ordered without regard to case.
//
// net/http canonicalizes header names (x-amzn-RequestId becomes
// X-Amzn-Requestid), so the HTTP Task's connections record the names of
// the response head they read (headConn), HTTP/1.1 only: over HTTP/2
// every name is lower case on the wire.

// maxHeadBytes bounds the response head a connection records; past it
// the names are net/http's.
const maxHeadBytes = 1 << 20

// newHTTPTaskClient returns the client of HTTP Tasks: base (default: a
// client with AWS's 60-second timeout and net/http's default transport,
// the environment's proxy included) with connections that record
// response heads, over HTTP/1.1. A base whose transport is not an
// *http.Transport is returned as it is: its results name headers in
// net/http's canonical form, and a trace shows them sorted.
func newHTTPTaskClient(base *http.Client) *http.Client {
	if base == nil {
		base = &http.Client{Timeout: httpTimeout}
	}
	var tr *http.Transport
	switch t := base.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		return base
	}
	dial, dialTLS := tr.DialContext, tr.DialTLSContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	tlsConfig := tr.TLSClientConfig
	handshakeTimeout := tr.TLSHandshakeTimeout
	if handshakeTimeout <= 0 {
		handshakeTimeout = 10 * time.Second
	}
	tr.ForceAttemptHTTP2 = false
	tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // HTTP/1.1 only
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &headConn{Conn: c}, nil
	}
	// Set, so that the connection handed out is ours and the recorder
	// reads the plain text.
	tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dialTLS != nil {
			c, err := dialTLS(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &headConn{Conn: c}, nil
		}
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := &tls.Config{}
		if tlsConfig != nil {
			cfg = tlsConfig.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(raw, cfg)
		hctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			raw.Close()
			return nil, err
		}
		return &headConn{Conn: tc}, nil
	}
	client := *base
	client.Transport = tr
	return &client
}

// A headConn records the header names of the response head it reads
// after expect: net/http reads a response's head before handing the
// response out, and reuses a connection only once the last response has
// been read whole, so the next bytes are the next response's.
type headConn struct {
	net.Conn
	mu        sync.Mutex
	recording bool
	head      []byte
	names     map[string]string // canonical name -> as written
	lines     [][2]string       // the header lines in order: name as written, value
}

func (c *headConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.recording {
			c.record(p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// expect starts recording the head of the response to the request
// about to be written on the connection.
func (c *headConn) expect() {
	c.mu.Lock()
	c.recording, c.head, c.names, c.lines = true, c.head[:0], nil, nil
	c.mu.Unlock()
}

// writtenNames returns the names of the last response head read, by
// their canonical form.
func (c *headConn) writtenNames() map[string]string {
	return c.recorded().names
}

// A responseHead is what a connection recorded of a response head: nil
// members when nothing was. Recording the next head replaces them, so a
// responseHead taken stays as it was.
type responseHead struct {
	names map[string]string // canonical name -> as written
	lines [][2]string       // name as written, value; in order
}

// recorded returns what c recorded of the last response head it read.
func (c *headConn) recorded() responseHead {
	c.mu.Lock()
	defer c.mu.Unlock()
	return responseHead{c.names, c.lines}
}

func (c *headConn) record(b []byte) {
	c.head = append(c.head, b...)
	for {
		end := bytes.Index(c.head, []byte("\r\n\r\n"))
		// Past the bound, the same outcome however the bytes came.
		if end < 0 && len(c.head) > maxHeadBytes+3 || end > maxHeadBytes {
			c.recording, c.head = false, nil
			return
		}
		if end < 0 {
			return
		}
		head, rest := c.head[:end], c.head[end+4:]
		// An interim response (100 Continue, 103 Early Hints) comes
		// before the one the client returns.
		if len(head) >= 12 && bytes.HasPrefix(head, []byte("HTTP/1.")) && head[9] == '1' && head[8] == ' ' {
			c.head = append(c.head[:0:0], rest...)
			continue
		}
		c.names, c.lines = map[string]string{}, nil
		lines := bytes.Split(head, []byte("\r\n"))
		for _, line := range lines[1:] {
			colon := bytes.IndexByte(line, ':')
			if colon <= 0 || line[0] == ' ' || line[0] == '\t' {
				continue
			}
			name := string(bytes.TrimSpace(line[:colon]))
			c.lines = append(c.lines, [2]string{name, string(bytes.TrimSpace(line[colon+1:]))})
			key := textproto.CanonicalMIMEHeaderKey(name)
			if _, seen := c.names[key]; !seen {
				c.names[key] = name
			}
		}
		c.recording, c.head = false, nil
		return
	}
}

// traceHead returns ctx with a trace that makes the connection of its
// request record the response head, and the function that returns what
// was recorded (nothing when the connection was not a headConn: an HTTPS
// request through a proxy, or a client whose transport is the caller's).
// Call it as soon as the response is in: once its body is read, the
// connection may carry another request.
func traceHead(ctx context.Context) (context.Context, func() responseHead) {
	var conn *headConn
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if c, ok := info.Conn.(*headConn); ok {
			c.expect()
			conn = c
		}
	}}
	return httptrace.WithClientTrace(ctx, trace), func() responseHead {
		if conn == nil {
			return responseHead{}
		}
		return conn.recorded()
	}
}
