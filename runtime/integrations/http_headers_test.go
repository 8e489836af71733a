package integrations

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The HTTP Task's Headers keep the names as the server wrote them, each
// with the list of its values (http_headers.go): over a reused
// connection each response's own names, over TLS too.
func TestHTTPResponseHeaderNames(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Date"] = nil // not written: the same answer every time
		h["Content-Type"] = []string{"application/json"}
		// Assigned, not Set: net/http writes these names as they are.
		if r.URL.Query().Get("shout") != "" {
			h["X-AMZN-REQUESTID"] = []string{"r2"}
		} else {
			h["x-amzn-RequestId"] = []string{"r1"}
		}
		h["X-Cache"] = []string{"Miss from cloudfront", "second"}
		io.WriteString(w, `{"ok":true}`)
	})
	conns, err := ParseConnections([]byte(`{"arn:aws:events:us-east-1:123456789012:connection/basic/2": {"AuthorizationType": "BASIC",
		"AuthParameters": {"BasicAuthParameters": {"Username": "u", "Password": "p"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	isolate(t)
	want := func(requestID string) map[string][]string {
		return map[string][]string{"Content-Length": {"11"}, "Content-Type": {"application/json"},
			requestID: {"r1"}, "X-Cache": {"Miss from cloudfront", "second"}}
	}
	shouted := want("X-AMZN-REQUESTID")
	shouted["X-AMZN-REQUESTID"] = []string{"r2"}
	for _, tt := range []struct {
		name string
		srv  *httptest.Server
	}{
		{"http", httptest.NewUnstartedServer(handler)},
		{"https", httptest.NewUnstartedServer(handler)},
	} {
		var opened atomic.Int32
		tt.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				opened.Add(1)
			}
		}
		if tt.name == "https" {
			tt.srv.StartTLS()
		} else {
			tt.srv.Start()
		}
		defer tt.srv.Close()
		inv, err := New(t.Context(), Options{Connections: conns})
		if err != nil {
			t.Fatal(err)
		}
		if tt.name == "https" {
			pool := x509.NewCertPool()
			pool.AddCert(tt.srv.Certificate())
			inv.taskClient = newHTTPTaskClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}})
		}
		call := func(query string) (map[string][]string, []string) {
			out, e := invoke(t, inv, "arn:aws:states:::http:invoke", `{"ApiEndpoint":"`+tt.srv.URL+query+`","Method":"GET",`+
				`"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/basic/2"}}`)
			if e != nil {
				t.Fatalf("%s: %s: %s", tt.name, e.Name, e.Cause)
			}
			headers := map[string][]string{}
			var names []string
			for _, m := range sfnrt.MustParseJSON(out).(*sfnrt.Object).Members() {
				if m.Key != "Headers" {
					continue
				}
				for _, h := range m.Value.(*sfnrt.Object).Members() {
					names = append(names, h.Key)
					for _, v := range h.Value.([]any) {
						headers[h.Key] = append(headers[h.Key], v.(string))
					}
				}
			}
			return headers, names
		}
		// The same connection answers the three calls (keep-alive): each
		// result has its own response's names.
		for i, c := range []struct {
			query string
			want  map[string][]string
		}{{"", want("x-amzn-RequestId")}, {"?shout=1", shouted}, {"", want("x-amzn-RequestId")}} {
			got, names := call(c.query)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("%s, call %d: Headers (-want +got):\n%s", tt.name, i, diff)
			}
			// In order without regard to case, as AWS's recording has them.
			id := "x-amzn-RequestId"
			if c.query != "" {
				id = "X-AMZN-REQUESTID"
			}
			if diff := cmp.Diff([]string{"Content-Length", "Content-Type", id, "X-Cache"}, names); diff != "" {
				t.Errorf("%s, call %d: header order (-want +got):\n%s", tt.name, i, diff)
			}
		}
		if n := opened.Load(); n != 1 {
			t.Errorf("%s: %d connections for 3 calls, want 1 (kept alive)", tt.name, n)
		}
	}
}

// FuzzHeadNames feeds bytes to a recording connection in pieces: the
// names it records do not depend on how the bytes were split, and each
// is a spelling of its canonical key.
func FuzzHeadNames(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nx-amzn-RequestId: a\r\nContent-Type: text/plain\r\n\r\nbody"), uint8(3))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nx-a: 2\r\n\r\n"), uint8(1))
	f.Add([]byte("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		whole, pieces := &headConn{}, &headConn{}
		whole.expect()
		pieces.expect()
		whole.record(data)
		n := int(step%16) + 1
		for i := 0; i < len(data); i += n {
			pieces.record(data[i:min(i+n, len(data))])
			if !pieces.recording {
				break
			}
		}
		if diff := cmp.Diff(whole.writtenNames(), pieces.writtenNames()); diff != "" {
			t.Fatalf("names differ by the split (-whole +pieces):\n%s", diff)
		}
		for key, name := range whole.writtenNames() {
			if textproto.CanonicalMIMEHeaderKey(name) != key {
				t.Fatalf("%q recorded under %q", name, key)
			}
		}
	})
}
