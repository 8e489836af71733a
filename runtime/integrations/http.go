package integrations

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// This file runs the HTTP Task, arn:aws:states:::http:invoke.

// httpTimeout is the longest an HTTP Task's request may take on AWS.
const httpTimeout = 60 * time.Second

// ErrHTTPSocket fails an HTTP Task whose request got no response.
const ErrHTTPSocket = "States.Http.Socket"

// httpRequest is the parameters of an HTTP Task.
type httpRequest struct {
	endpoint, method string
	connection       string
	headers          [][2]string
	query            [][2]string // in the order written
	body             any
	hasBody          bool
	urlEncoded       bool
	arrayFormat      string
}

// Headers that Step Functions adds to every HTTP Task's request (AWS's
// "Call HTTPS APIs": Step Functions sets the User-Agent, Range and Host
// headers).
const (
	httpUserAgent = "Amazon|StepFunctions|HttpInvoke|"
	httpRange     = "bytes=0-262144"
)

// httpInvoke runs an HTTP Task. Its result is
//
//	{"Headers": {NAME: [VALUE, ...]}, "ResponseBody": BODY, "StatusCode": N, "StatusText": TEXT}
//
// with header names as the server wrote them (http_headers.go: AWS's
// evidence) and BODY parsed when the response is JSON, the text
// otherwise. A response outside 2xx fails the Task with
// States.Http.StatusCode.N and that result, as JSON, as the cause; no
// response fails it with States.Http.Socket. With Options.TraceHTTP, the
// request sent and the response are handed to it (see HTTPExchange).
func (inv *Invoker) httpInvoke(ctx context.Context, input any) (any, error) {
	req, err := httpParameters(input)
	if err != nil {
		return nil, err
	}
	conn := inv.connections[req.connection]
	if conn == nil {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The connection '"+req.connection+"' of the HTTP Task is not in the connections file (--connections FILE)")
	}
	// The connection's parameters come after the Task's own, as on AWS;
	// the trace shows them only with revealSecrets, so the request is
	// also kept without them.
	query, body := req.query, req.body
	extra := conn.AuthParameters.InvocationHttpParameters
	if extra != nil {
		query = slices.Clip(query) // appending leaves req.query as it is
		for _, p := range extra.QueryStringParameters {
			query = append(query, [2]string{p.Key, p.Value})
		}
		if obj, ok := req.body.(*sfnrt.Object); ok && len(extra.BodyParameters) > 0 {
			merged := sfnrt.NewObject(obj.Len() + len(extra.BodyParameters))
			for _, m := range obj.Members() {
				merged.Set(m.Key, m.Value)
			}
			for _, p := range extra.BodyParameters {
				merged.Set(p.Key, p.Value)
			}
			body = merged
		}
	}
	u, err := url.Parse(req.endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The ApiEndpoint '"+req.endpoint+"' of the HTTP Task is not an https URL")
	}
	withQuery := func(query [][2]string) string {
		v := *u
		v.RawQuery = appendQuery(u.RawQuery, query)
		return v.String()
	}
	var text, contentType string
	var reader io.Reader
	if req.hasBody {
		if text, err = req.encodeBody(body); err != nil {
			return nil, err
		}
		contentType = "application/json; charset=UTF-8"
		if req.urlEncoded {
			contentType = "application/x-www-form-urlencoded"
		}
		reader = strings.NewReader(text)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, withQuery(query), reader)
	if err != nil {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The HTTP Task's request is not valid: "+err.Error())
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	var trace traceHeaders
	for _, h := range req.headers {
		hr.Header.Add(h[0], h[1])
		trace = append(trace, traceHeader{name: h[0], value: h[1]})
	}
	name, value, err := inv.authorization(ctx, req.connection, conn)
	if err != nil {
		return nil, err
	}
	if name != "" {
		hr.Header.Set(name, value)
		trace.set(name, value, true)
	}
	if extra != nil {
		for _, p := range extra.HeaderParameters {
			hr.Header.Set(p.Key, p.Value)
			trace.set(p.Key, p.Value, true)
		}
	}
	agent := httpUserAgent + inv.region()
	hr.Header.Set("User-Agent", agent)
	hr.Header.Set("Range", httpRange)
	trace.set("User-Agent", agent, false)
	trace.set("Range", httpRange, false)

	var exchange *HTTPExchange
	if inv.traceHTTP != nil {
		// The request as the trace shows it: without what the connection
		// adds unless secrets are revealed.
		shown, shownQuery := text, query
		if !inv.traceSecrets {
			shownQuery = req.query
			if req.hasBody {
				if shown, err = req.encodeBody(req.body); err != nil {
					return nil, err
				}
			}
		}
		exchange = &HTTPExchange{Request: HTTPTraceRequest{
			Protocol: u.Scheme, Method: req.method, URL: withQuery(shownQuery),
			Headers: trace.render(inv.traceSecrets), Body: shown,
		}}
		defer func() { inv.traceHTTP(*exchange) }()
	}
	traced, recorded := traceHead(ctx)
	resp, err := inv.taskClient.Do(hr.WithContext(traced))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, sfnrt.NewError(ErrHTTPSocket, innermost(err))
	}
	defer resp.Body.Close()
	head := recorded() // before the body is read: see traceHead
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if exchange != nil {
		exchange.Response = traceResponse(u.Scheme, resp, data[:min(len(data), maxBodyBytes)], head)
	}
	if err != nil {
		return nil, sfnrt.NewError(ErrHTTPSocket, innermost(err))
	}
	res, err := httpResult(resp, data, head.names)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, sfnrt.NewError("States.Http.StatusCode."+strconv.Itoa(resp.StatusCode), sfnrt.ToJSON(res))
	}
	return res, nil
}

// encodeBody writes the request body body as the Task's Transform says.
func (req *httpRequest) encodeBody(body any) (string, error) {
	if req.urlEncoded {
		obj, ok := body.(*sfnrt.Object)
		if !ok {
			return "", sfnrt.NewError(sfnrt.ErrRuntime, "The RequestBody of an HTTP Task with RequestBodyEncoding URL_ENCODED must be a JSON object, got "+sfnrt.TypeName(body))
		}
		return urlEncode(obj, req.arrayFormat), nil
	}
	if s, ok := body.(string); ok {
		return s, nil
	}
	return sfnrt.ToJSON(body), nil
}

// appendQuery appends the query parameters, in order, to the raw query
// of a URL.
func appendQuery(raw string, query [][2]string) string {
	var b strings.Builder
	b.WriteString(raw)
	for _, p := range query {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	return b.String()
}

// region is the region the Invoker's AWS configuration names, which the
// User-Agent of HTTP Tasks carries; us-east-1 when it names none.
func (inv *Invoker) region() string {
	if inv.cfg.Region != "" {
		return inv.cfg.Region
	}
	return "us-east-1"
}

// httpParameters reads an HTTP Task's parameters.
func httpParameters(input any) (*httpRequest, error) {
	fail := func(msg string) (*httpRequest, error) {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The HTTP Task's parameters are not valid: "+msg)
	}
	obj, ok := input.(*sfnrt.Object)
	if !ok {
		return fail("they must be a JSON object, got " + sfnrt.TypeName(input))
	}
	req := &httpRequest{arrayFormat: "INDICES"}
	str := func(name string, v any) (string, bool) {
		s, ok := v.(string)
		return s, ok
	}
	for _, m := range obj.Members() {
		switch m.Key {
		case "ApiEndpoint":
			if req.endpoint, ok = str(m.Key, m.Value); !ok {
				return fail("ApiEndpoint must be a string")
			}
		case "Method":
			s, ok := str(m.Key, m.Value)
			switch strings.ToUpper(s) {
			case "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD":
			default:
				ok = false
			}
			if !ok {
				return fail("Method must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD, got " + sfnrt.ToJSON(m.Value))
			}
			req.method = strings.ToUpper(s)
		case "Authentication", "InvocationConfig":
			a, ok := m.Value.(*sfnrt.Object)
			if !ok {
				return fail(m.Key + " must be an object")
			}
			arn, _ := a.Get("ConnectionArn")
			s, ok := arn.(string)
			if !ok || s == "" {
				return fail(m.Key + ".ConnectionArn must be a string")
			}
			// InvocationConfig's connection reaches private APIs (through
			// a VPC on AWS) and authorizes them too; Authentication's
			// wins when both are given.
			if m.Key == "Authentication" || req.connection == "" {
				req.connection = s
			}
		case "Headers":
			h, ok := m.Value.(*sfnrt.Object)
			if !ok {
				return fail("Headers must be an object")
			}
			for _, hm := range h.Members() {
				if forbiddenHeader(hm.Key) {
					return fail("the header '" + hm.Key + "' cannot be set by an HTTP Task")
				}
				value := scalarText(hm.Value)
				if list, ok := hm.Value.([]any); ok {
					texts := make([]string, len(list))
					for i, e := range list {
						texts[i] = scalarText(e)
					}
					value = strings.Join(texts, ",")
				}
				req.headers = append(req.headers, [2]string{hm.Key, value})
			}
		case "QueryParameters":
			q, ok := m.Value.(*sfnrt.Object)
			if !ok {
				return fail("QueryParameters must be an object")
			}
			for _, qm := range q.Members() {
				if qm.Value == nil {
					continue // a null parameter is left out
				}
				if list, ok := qm.Value.([]any); ok {
					for _, e := range list {
						req.query = append(req.query, [2]string{qm.Key, scalarText(e)})
					}
					continue
				}
				req.query = append(req.query, [2]string{qm.Key, scalarText(qm.Value)})
			}
		case "RequestBody":
			req.body, req.hasBody = m.Value, true
		case "Transform":
			t, ok := m.Value.(*sfnrt.Object)
			if !ok {
				return fail("Transform must be an object")
			}
			for _, tm := range t.Members() {
				switch tm.Key {
				case "RequestBodyEncoding":
					switch tm.Value {
					case "URL_ENCODED":
						req.urlEncoded = true
					case "NONE":
					default:
						return fail("Transform.RequestBodyEncoding must be NONE or URL_ENCODED, got " + sfnrt.ToJSON(tm.Value))
					}
				case "RequestEncodingOptions":
					o, ok := tm.Value.(*sfnrt.Object)
					if !ok {
						return fail("Transform.RequestEncodingOptions must be an object")
					}
					f, _ := o.Get("ArrayFormat")
					switch f {
					case "BRACKETS", "COMMAS", "INDICES", "REPEAT":
						req.arrayFormat = f.(string)
					default:
						return fail("Transform.RequestEncodingOptions.ArrayFormat must be BRACKETS, COMMAS, INDICES or REPEAT, got " + sfnrt.ToJSON(f))
					}
				default:
					return fail("Transform has no member '" + tm.Key + "'")
				}
			}
		default:
			return fail("'" + m.Key + "' is not a parameter of arn:aws:states:::http:invoke")
		}
	}
	switch {
	case req.endpoint == "":
		return fail("ApiEndpoint is required")
	case req.method == "":
		return fail("Method is required")
	case req.connection == "":
		return fail("a ConnectionArn is required, in Authentication or InvocationConfig")
	}
	return req, nil
}

// forbiddenHeader reports the request headers that Step Functions does not
// let an HTTP Task set (AWS's list in "Call HTTPS APIs"): those the
// connection or the transport own.
func forbiddenHeader(name string) bool {
	h := strings.ToLower(name)
	if strings.HasPrefix(h, "x-forwarded-") || strings.HasPrefix(h, "x-amz-") || strings.HasPrefix(h, "x-amzn-") {
		return true
	}
	switch h {
	case "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization", "cache-control",
		"connection", "content-encoding", "content-md5", "date", "expect", "forwarded", "from", "host",
		"http2-settings", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
		"max-forwards", "origin", "pragma", "proxy-authorization", "referer", "server", "te", "trailer",
		"transfer-encoding", "upgrade", "via", "warning":
		return true
	}
	return false
}

// scalarText is the text of a header or query value: a string as it is,
// anything else as its JSON text.
func scalarText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return sfnrt.ToJSON(v)
}

// urlEncode writes an object as application/x-www-form-urlencoded, arrays
// as format says (INDICES a[0]=x&a[1]=y, BRACKETS a[]=x&a[]=y, REPEAT
// a=x&a=y, COMMAS a=x,y) and nested objects as a[b]=x.
func urlEncode(obj *sfnrt.Object, format string) string {
	var pairs []string
	add := func(k, v string) { pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(v)) }
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case *sfnrt.Object:
			for _, m := range v.Members() {
				walk(key+"["+m.Key+"]", m.Value)
			}
		case []any:
			if format == "COMMAS" {
				texts := make([]string, len(v))
				for i, e := range v {
					texts[i] = scalarText(e)
				}
				add(key, strings.Join(texts, ","))
				return
			}
			for i, e := range v {
				switch format {
				case "BRACKETS":
					walk(key+"[]", e)
				case "REPEAT":
					walk(key, e)
				default:
					walk(key+"["+strconv.Itoa(i)+"]", e)
				}
			}
		default:
			add(key, scalarText(v))
		}
	}
	for _, m := range obj.Members() {
		walk(m.Key, m.Value)
	}
	return strings.Join(pairs, "&")
}

// httpResult shapes an HTTP response, whose body (at most maxBodyBytes+1
// bytes of it) is data, as the HTTP Task's result; written maps header
// names from net/http's canonical form to the form the server wrote
// (nil: unknown, the canonical form stays).
func httpResult(resp *http.Response, data []byte, written map[string]string) (*sfnrt.Object, error) {
	if len(data) > maxBodyBytes {
		return nil, sfnrt.NewError(sfnrt.ErrDataLimitExceeded, fmt.Sprintf("The response body is larger than %d bytes", maxBodyBytes))
	}
	// The names as the server wrote them (http_headers.go), in order
	// without regard to case.
	keys := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		keys = append(keys, k)
	}
	name := func(key string) string {
		if n, ok := written[key]; ok {
			return n
		}
		return key
	}
	sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
	headers := sfnrt.NewObject(len(keys))
	for _, k := range keys {
		vals := make([]any, len(resp.Header[k]))
		for i, v := range resp.Header[k] {
			vals[i] = v
		}
		headers.Set(name(k), vals)
	}
	var body any = strings.ToValidUTF8(string(data), "\uFFFD")
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		if v, err := sfnrt.ParseJSON(data); err == nil {
			body = v
		}
	}
	res := sfnrt.NewObject(4)
	res.Set("Headers", headers)
	res.Set("ResponseBody", body)
	res.Set("StatusCode", int64(resp.StatusCode))
	// The reason phrase the server sent, as AWS shows it.
	res.Set("StatusText", reasonPhrase(resp))
	return res, nil
}

// authorization returns the header that carries a connection's
// authorization: its API key, or Authorization with the basic
// credentials or an OAuth access token.
func (inv *Invoker) authorization(ctx context.Context, arn string, c *Connection) (name, value string, err error) {
	p := c.AuthParameters
	switch c.AuthorizationType {
	case "API_KEY":
		return p.ApiKeyAuthParameters.ApiKeyName, p.ApiKeyAuthParameters.ApiKeyValue, nil
	case "BASIC":
		credentials := p.BasicAuthParameters.Username + ":" + p.BasicAuthParameters.Password
		return "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(credentials)), nil
	case "OAUTH_CLIENT_CREDENTIALS":
		token, err := inv.tokens.get(ctx, inv.httpClient, arn, c)
		if err != nil {
			return "", "", err
		}
		return "Authorization", "Bearer " + token, nil
	}
	return "", "", nil
}

// tokenCache keeps the OAuth access tokens of connections until they
// expire, as EventBridge does.
type tokenCache struct {
	mu     sync.Mutex
	tokens map[string]cachedToken
}

type cachedToken struct {
	value   string
	expires time.Time // zero: no expiry given
}

// get returns a connection's access token, asking its authorization
// endpoint for one with the client credentials when none is cached.
func (tc *tokenCache) get(ctx context.Context, client *http.Client, arn string, c *Connection) (string, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if t, ok := tc.tokens[arn]; ok && (t.expires.IsZero() || time.Now().Before(t.expires)) {
		return t.value, nil
	}
	o := c.AuthParameters.OAuthParameters
	u, _ := url.Parse(o.AuthorizationEndpoint)
	form := url.Values{}
	var headers []Parameter
	if hp := o.OAuthHttpParameters; hp != nil {
		q := u.Query()
		for _, p := range hp.QueryStringParameters {
			q.Add(p.Key, p.Value)
		}
		u.RawQuery = q.Encode()
		for _, p := range hp.BodyParameters {
			form.Add(p.Key, p.Value)
		}
		headers = hp.HeaderParameters
	}
	var body io.Reader
	method := strings.ToUpper(o.HttpMethod)
	if method != "GET" {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return "", sfnrt.NewError(sfnrt.ErrTaskFailed, "OAuth token request: "+err.Error())
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(o.ClientParameters.ClientID, o.ClientParameters.ClientSecret)
	for _, p := range headers {
		req.Header.Set(p.Key, p.Value)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", sfnrt.NewError(ErrHTTPSocket, "OAuth token request to "+o.AuthorizationEndpoint+": "+innermost(err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tok struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if resp.StatusCode/100 != 2 || json.Unmarshal(data, &tok) != nil || tok.AccessToken == "" {
		return "", sfnrt.NewError(sfnrt.ErrTaskFailed, fmt.Sprintf("The OAuth authorization endpoint %s answered %d without an access_token: %.200s", o.AuthorizationEndpoint, resp.StatusCode, data))
	}
	t := cachedToken{value: tok.AccessToken}
	if n, err := strconv.ParseFloat(strings.Trim(string(tok.ExpiresIn), `"`), 64); err == nil && n > 0 {
		t.expires = time.Now().Add(time.Duration(n * float64(time.Second)))
	}
	if tc.tokens == nil {
		tc.tokens = map[string]cachedToken{}
	}
	tc.tokens[arn] = t
	return t.value, nil
}
