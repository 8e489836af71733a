package integrations

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// apiServer is a local HTTP API with an OAuth token endpoint: /token
// grants "tok-1" to client id:secret; every other path echoes the request
// it got as JSON, or answers the status its "status" query asks for.
func apiServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var tokens atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/token" {
			user, pass, _ := r.BasicAuth()
			if user != "id" || pass != "secret" || !strings.Contains(string(body), "grant_type=client_credentials") {
				w.WriteHeader(401)
				return
			}
			tokens.Add(1)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}`)
			return
		}
		if s := r.URL.Query().Get("status"); s != "" {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(map[string]int{"404": 404, "503": 503}[s])
			io.WriteString(w, "no such thing")
			return
		}
		echo := map[string]any{
			"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "body": string(body),
			"contentType": r.Header.Get("Content-Type"), "auth": r.Header.Get("Authorization"),
			"apiKey": r.Header.Get("X-Api-Key"), "custom": r.Header.Get("X-Custom"), "extra": r.Header.Get("X-Extra"),
			"agent": r.Header.Get("User-Agent"), "range": r.Header.Get("Range"),
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Served-By", "test")
		json.NewEncoder(w).Encode(echo)
	}))
	t.Cleanup(srv.Close)
	return srv, &tokens
}

func TestHTTPInvoke(t *testing.T) {
	srv, tokens := apiServer(t)
	conns, err := ParseConnections([]byte(`{
		"arn:aws:events:us-east-1:123456789012:connection/key/1": {"AuthorizationType": "API_KEY",
			"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "X-Api-Key", "ApiKeyValue": "k3y"},
				"InvocationHttpParameters": {"HeaderParameters": [{"Key": "X-Extra", "Value": "e"}],
					"QueryStringParameters": [{"Key": "always", "Value": "1"}],
					"BodyParameters": [{"Key": "added", "Value": "yes"}]}}},
		"arn:aws:events:us-east-1:123456789012:connection/basic/2": {"AuthorizationType": "BASIC",
			"AuthParameters": {"BasicAuthParameters": {"Username": "u", "Password": "p"}}},
		"arn:aws:events:us-east-1:123456789012:connection/oauth/3": {"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS",
			"AuthParameters": {"OAuthParameters": {"AuthorizationEndpoint": "` + srv.URL + `/token", "HttpMethod": "POST",
				"ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
				"OAuthHttpParameters": {"BodyParameters": [{"Key": "grant_type", "Value": "client_credentials"}]}}}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	isolate(t)
	inv, err := New(t.Context(), Options{Connections: conns})
	if err != nil {
		t.Fatal(err)
	}
	const res = "arn:aws:states:::http:invoke"
	auth := func(name string) string {
		return `"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/` + name + `"}`
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	tests := []struct {
		name, params string
		want         map[string]string // members of the echoed request
	}{
		// The query parameters in the order written, as on AWS, after
		// the endpoint's own and before the connection's.
		{"GET with query and headers", `{"ApiEndpoint":"` + srv.URL + `/items?z=0","Method":"GET",` + auth("basic/2") +
			`,"QueryParameters":{"q":"a b","n":3,"tag":["x","y"],"none":null},"Headers":{"X-Custom":"c"}}`,
			map[string]string{"method": "GET", "path": "/items", "query": "z=0&q=a+b&n=3&tag=x&tag=y", "auth": basic, "custom": "c", "body": "",
				"agent": "Amazon|StepFunctions|HttpInvoke|us-east-1", "range": "bytes=0-262144"}},
		{"POST JSON with API key and the connection's parameters", `{"ApiEndpoint":"` + srv.URL + `/orders","Method":"POST",` + auth("key/1") +
			`,"RequestBody":{"id":1,"tags":["a"]},"QueryParameters":{"mine":"m"}}`,
			map[string]string{"method": "POST", "query": "mine=m&always=1", "apiKey": "k3y", "extra": "e",
				"contentType": "application/json; charset=UTF-8", "body": `{"id":1,"tags":["a"],"added":"yes"}`}},
		{"string body as it is", `{"ApiEndpoint":"` + srv.URL + `/raw","Method":"PUT",` + auth("basic/2") + `,"RequestBody":"plain text"}`,
			map[string]string{"method": "PUT", "body": "plain text"}},
		{"connection from InvocationConfig, header values as a list", `{"ApiEndpoint":"` + srv.URL + `/raw","Method":"GET",` +
			`"InvocationConfig":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/basic/2"},"Headers":{"X-Custom":["a",1]}}`,
			map[string]string{"auth": basic, "custom": "a,1"}},
		{"URL-encoded, indices by default", `{"ApiEndpoint":"` + srv.URL + `/form","Method":"POST",` + auth("oauth/3") +
			`,"RequestBody":{"a":["x","y"],"o":{"k":"v w"}},"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`,
			map[string]string{"auth": "Bearer tok-1", "contentType": "application/x-www-form-urlencoded", "body": "a%5B0%5D=x&a%5B1%5D=y&o%5Bk%5D=v+w"}},
		{"URL-encoded, brackets", `{"ApiEndpoint":"` + srv.URL + `/form","Method":"POST",` + auth("oauth/3") +
			`,"RequestBody":{"a":["x","y"]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}}}`,
			map[string]string{"body": "a%5B%5D=x&a%5B%5D=y"}},
		{"URL-encoded, repeat", `{"ApiEndpoint":"` + srv.URL + `/form","Method":"POST",` + auth("oauth/3") +
			`,"RequestBody":{"a":["x","y"]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"REPEAT"}}}`,
			map[string]string{"body": "a=x&a=y"}},
		{"URL-encoded, commas", `{"ApiEndpoint":"` + srv.URL + `/form","Method":"POST",` + auth("oauth/3") +
			`,"RequestBody":{"a":["x","y"]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}}}`,
			map[string]string{"body": "a=x%2Cy"}},
	}
	for _, tt := range tests {
		out, e := invoke(t, inv, res, tt.params)
		if e != nil {
			t.Errorf("%s: %s: %s", tt.name, e.Name, e.Cause)
			continue
		}
		if member(t, out, "StatusCode") != int64(200) || member(t, out, "StatusText") != "OK" {
			t.Errorf("%s: status in %s", tt.name, out)
		}
		if diff := cmp.Diff([]any{"test"}, member(t, out, "Headers.X-Served-By")); diff != "" {
			t.Errorf("%s: Headers (-want +got):\n%s", tt.name, diff)
		}
		got := map[string]string{}
		for k := range tt.want {
			got[k], _ = member(t, out, "ResponseBody."+k).(string)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: request (-want +got):\n%s", tt.name, diff)
		}
	}
	if n := tokens.Load(); n != 1 {
		t.Errorf("the token endpoint was called %d times, want once: tokens are kept until they expire", n)
	}

	failures := []struct {
		name, params, wantError, wantCause string
	}{
		{"404", `{"ApiEndpoint":"` + srv.URL + `/x?status=404","Method":"GET",` + auth("basic/2") + `}`,
			"States.Http.StatusCode.404", `"ResponseBody":"no such thing","StatusCode":404,"StatusText":"Not Found"`},
		{"503", `{"ApiEndpoint":"` + srv.URL + `/x?status=503","Method":"GET",` + auth("basic/2") + `}`,
			"States.Http.StatusCode.503", `"StatusCode":503`},
		{"no server", `{"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET",` + auth("basic/2") + `}`, ErrHTTPSocket, "connection refused"},
		{"unknown connection", `{"ApiEndpoint":"` + srv.URL + `","Method":"GET","Authentication":{"ConnectionArn":"arn:nope"}}`,
			"States.Runtime", "The connection 'arn:nope' of the HTTP Task is not in the connections file"},
		{"no method", `{"ApiEndpoint":"` + srv.URL + `",` + auth("basic/2") + `}`, "States.Runtime", "Method is required"},
		{"no connection", `{"ApiEndpoint":"` + srv.URL + `","Method":"GET"}`, "States.Runtime", "a ConnectionArn is required"},
		{"forbidden header", `{"ApiEndpoint":"` + srv.URL + `","Method":"GET",` + auth("basic/2") + `,"Headers":{"authorization":"Bearer x"}}`,
			"States.Runtime", "the header 'authorization' cannot be set"},
		{"forbidden header prefix", `{"ApiEndpoint":"` + srv.URL + `","Method":"GET",` + auth("basic/2") + `,"Headers":{"X-Amz-Date":"x"}}`,
			"States.Runtime", "the header 'X-Amz-Date' cannot be set"},
		{"bad method", `{"ApiEndpoint":"` + srv.URL + `","Method":"FETCH",` + auth("basic/2") + `}`, "States.Runtime", "Method must be one of"},
		{"url-encoded scalar", `{"ApiEndpoint":"` + srv.URL + `","Method":"POST",` + auth("basic/2") + `,"RequestBody":"x","Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`,
			"States.Runtime", "must be a JSON object, got string"},
		{"unknown parameter", `{"ApiEndpoint":"` + srv.URL + `","Method":"GET",` + auth("basic/2") + `,"Body":{}}`, "States.Runtime", "'Body' is not a parameter"},
	}
	for _, tt := range failures {
		out, e := invoke(t, inv, res, tt.params)
		if e == nil {
			t.Errorf("%s: succeeded with %s", tt.name, out)
			continue
		}
		if e.Name != tt.wantError || !strings.Contains(e.Cause, tt.wantCause) {
			t.Errorf("%s: %s: %s\nwant %s with %q", tt.name, e.Name, e.Cause, tt.wantError, tt.wantCause)
		}
	}
}

func TestParseConnections(t *testing.T) {
	for _, tt := range []struct{ name, file, want string }{
		{"not JSON", `{`, "unexpected EOF"},
		{"misspelt member", `{"a":{"AuthorizationType":"BASIC","AuthParameters":{"BasicAuthParams":{}}}}`, `unknown field "BasicAuthParams"`},
		{"type", `{"a":{"AuthorizationType":"TOKEN"}}`, `a: AuthorizationType "TOKEN"`},
		{"api key without name", `{"a":{"AuthorizationType":"API_KEY","AuthParameters":{"ApiKeyAuthParameters":{"ApiKeyValue":"v"}}}}`, "ApiKeyName"},
		{"oauth endpoint", `{"a":{"AuthorizationType":"OAUTH_CLIENT_CREDENTIALS","AuthParameters":{"OAuthParameters":{"AuthorizationEndpoint":"ftp://x","HttpMethod":"POST"}}}}`, "not an http(s) URL"},
		{"null", `{"a":null}`, "null connection"},
		{"two values", `{} {}`, "more than one JSON value"},
	} {
		_, err := ParseConnections([]byte(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzParseConnections(f *testing.F) {
	f.Add([]byte(`{"a":{"AuthorizationType":"BASIC","AuthParameters":{"BasicAuthParameters":{"Username":"u","Password":"p"}}}}`))
	f.Add([]byte(`{"a":{"AuthorizationType":"OAUTH_CLIENT_CREDENTIALS","AuthParameters":{"OAuthParameters":{"AuthorizationEndpoint":"http://h/t","HttpMethod":"GET"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConnections(data)
		if err != nil {
			return
		}
		for arn, conn := range c {
			if conn.check() != nil {
				t.Errorf("%s: accepted a connection that check rejects", arn)
			}
		}
	})
}

// TestURLEncode checks nested values and scalars in URL-encoded bodies.
func TestURLEncode(t *testing.T) {
	obj := sfnrt.MustParseJSON(`{"n":1.5,"b":true,"z":null,"deep":{"list":[{"k":"v"}]}}`).(*sfnrt.Object)
	if diff := cmp.Diff("n=1.5&b=true&z=null&deep%5Blist%5D%5B0%5D%5Bk%5D=v", urlEncode(obj, "INDICES")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestHTTPTrace: the request an HTTP Task sent and the response, as
// TestState's TRACE inspection data shows them (the format of AWS's
// example in "Using TestState API to test a state"): what the connection
// adds shows only when secrets are revealed; the response's headers come
// in the order the server wrote them (Go's server: its own sorted, then
// Content-Length), not sorted.
func TestHTTPTrace(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header()["Date"] = nil // no date: the trace is compared whole
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		if r.URL.Query().Get("status") == "404" {
			w.WriteHeader(404)
		}
		io.WriteString(w, `{"ok": true}`)
	}))
	defer srv.Close()
	conns, err := ParseConnections([]byte(`{
		"arn:aws:events:us-east-1:123456789012:connection/key/1": {"AuthorizationType": "API_KEY",
			"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"},
				"InvocationHttpParameters": {"HeaderParameters": [{"Key": "CustomHeader1", "Value": "CustomHeaderValue1"}],
					"QueryStringParameters": [{"Key": "QueryParam1", "Value": "QueryParamValue1"}],
					"BodyParameters": [{"Key": "BodyKey1", "Value": "BodyValue1"}]}}},
		"arn:aws:events:us-east-1:123456789012:connection/basic/2": {"AuthorizationType": "BASIC",
			"AuthParameters": {"BasicAuthParameters": {"Username": "u", "Password": "p"}}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	isolate(t)
	t.Setenv("AWS_REGION", "eu-west-3")
	const res = "arn:aws:states:::http:invoke"
	get := `{"ApiEndpoint":"` + srv.URL + `/get","Method":"GET","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/key/1"},` +
		`"Headers":{"definitionHeader":"h1"},"RequestBody":{"message":"Hello from Step Functions!"},"QueryParameters":{"queryParam":"q1"}}`
	response := &HTTPTraceResponse{Protocol: "http", StatusCode: "200", StatusMessage: "OK",
		Headers: "[content-type: application/json, x-multi: a, x-multi: b, content-length: 12]", Body: `{"ok": true}`}
	handler := srv.Config.Handler
	tlsSrv := httptest.NewTLSServer(handler)
	defer tlsSrv.Close()
	for _, tt := range []struct {
		name, params string
		reveal       bool
		client       *http.Client
		want         HTTPExchange
	}{
		{"secrets revealed", get, true, nil, HTTPExchange{
			Request: HTTPTraceRequest{Protocol: "http", Method: "GET",
				URL:     srv.URL + "/get?queryParam=q1&QueryParam1=QueryParamValue1",
				Headers: "[definitionHeader: h1, x-api-key: k3y, CustomHeader1: CustomHeaderValue1, User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-3, Range: bytes=0-262144]",
				Body:    `{"message":"Hello from Step Functions!","BodyKey1":"BodyValue1"}`},
			Response: response}},
		{"secrets left out", get, false, nil, HTTPExchange{
			Request: HTTPTraceRequest{Protocol: "http", Method: "GET",
				URL:     srv.URL + "/get?queryParam=q1",
				Headers: "[definitionHeader: h1, User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-3, Range: bytes=0-262144]",
				Body:    `{"message":"Hello from Step Functions!"}`},
			Response: response}},
		{"basic authorization, URL-encoded body, an error status", `{"ApiEndpoint":"` + srv.URL + `/p?status=404","Method":"POST",` +
			`"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/basic/2"},"RequestBody":{"a":["x"]},"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`,
			true, nil, HTTPExchange{
				Request: HTTPTraceRequest{Protocol: "http", Method: "POST", URL: srv.URL + "/p?status=404",
					Headers: "[Authorization: Basic dTpw, User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-3, Range: bytes=0-262144]",
					Body:    "a%5B0%5D=x"},
				Response: &HTTPTraceResponse{Protocol: "http", StatusCode: "404", StatusMessage: "Not Found",
					Headers: response.Headers, Body: `{"ok": true}`}}},
		{"no response", `{"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/basic/2"}}`,
			false, nil, HTTPExchange{Request: HTTPTraceRequest{Protocol: "http", Method: "GET", URL: "http://127.0.0.1:1/x",
				Headers: "[User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-3, Range: bytes=0-262144]"}}},
		// Over TLS, the head is read from the plain text all the same.
		{"https", `{"ApiEndpoint":"` + tlsSrv.URL + `/s","Method":"GET","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/basic/2"}}`,
			false, tlsSrv.Client(), HTTPExchange{
				Request: HTTPTraceRequest{Protocol: "https", Method: "GET", URL: tlsSrv.URL + "/s",
					Headers: "[User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-3, Range: bytes=0-262144]"},
				Response: &HTTPTraceResponse{Protocol: "https", StatusCode: "200", StatusMessage: "OK", Headers: response.Headers, Body: `{"ok": true}`}}},
	} {
		var got []HTTPExchange
		inv, err := New(t.Context(), Options{Connections: conns, HTTPClient: tt.client, TraceSecrets: tt.reveal, TraceHTTP: func(x HTTPExchange) { got = append(got, x) }})
		if err != nil {
			t.Fatal(err)
		}
		invoke(t, inv, res, tt.params)
		if diff := cmp.Diff([]HTTPExchange{tt.want}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
