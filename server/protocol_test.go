package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// post sends one raw request to s and returns the status and the body.
func post(s *Server, target, contentType, body string) (int, http.Header, string) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w.Code, w.Header(), w.Body.String()
}

func TestProtocolErrors(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const ct = "application/x-amz-json-1.0"
	tests := []struct {
		name, target, body string
		wantStatus         int
		wantType           string
	}{
		{"unknown action", "AWSStepFunctions.FlyToTheMoon", `{}`, 400, "UnknownOperationException"},
		{"other service", "DynamoDB_20120810.ListTables", `{}`, 400, "UnknownOperationException"},
		{"not JSON", "AWSStepFunctions.ListStateMachines", `{`, 400, "SerializationException"},
		{"not an object", "AWSStepFunctions.ListStateMachines", `[1]`, 400, "SerializationException"},
		{"member of the wrong type", "AWSStepFunctions.ListStateMachines", `{"maxResults": "ten"}`, 400, "SerializationException"},
		{"trailing data", "AWSStepFunctions.ListStateMachines", `{} {}`, 400, "SerializationException"},
		{"missing member", "AWSStepFunctions.CreateStateMachine", `{"name": "x"}`, 400, "ValidationException"},
		{"maxResults too large", "AWSStepFunctions.ListStateMachines", `{"maxResults": 1001}`, 400, "ValidationException"},
		{"body too large", "AWSStepFunctions.ListStateMachines", `{"x": "` + strings.Repeat("x", maxRequestBytes) + `"}`, 400, "ValidationException"},
		{"empty body", "AWSStepFunctions.ListStateMachines", ``, 200, ""},
		{"unknown members are ignored", "AWSStepFunctions.ListStateMachines", `{"futureMember": 1}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := post(s, tt.target, ct, tt.body)
			var got struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("body %q is not JSON: %v", body, err)
			}
			if status != tt.wantStatus || got.Type != tt.wantType {
				t.Errorf("status %d __type %q (%s), want %d %q", status, got.Type, got.Message, tt.wantStatus, tt.wantType)
			}
			if tt.wantType != "" && (got.Message == "" || h.Get("X-Amzn-ErrorType") != tt.wantType) {
				t.Errorf("error without a message or X-Amzn-ErrorType: %q, %q", got.Message, h.Get("X-Amzn-ErrorType"))
			}
			if h.Get("Content-Type") != ct {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
		})
	}
}

// TestMaxResultsBounds: maxResults outside 0..1000 is refused with the
// bound it breaks named, as AWS names it.
func TestMaxResultsBounds(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ body, want string }{
		{`{"maxResults": -1}`, "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{`{"maxResults": 1001}`, "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"},
	} {
		_, _, body := post(s, "AWSStepFunctions.ListStateMachines", "application/x-amz-json-1.0", tt.body)
		var got struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("body %q is not JSON: %v", body, err)
		}
		if diff := cmp.Diff(tt.want, got.Message); diff != "" {
			t.Errorf("%s: message (-want +got):\n%s", tt.body, diff)
		}
	}
}

// TestTestStateDefinitionNotJSON: a TestState definition that is not
// JSON is an InvalidDefinition with AWS's code for it and where it
// breaks, before anything is built.
func TestTestStateDefinitionNotJSON(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, body := post(s, "AWSStepFunctions.TestState", "application/x-amz-json-1.0", `{"definition": "{\"Type\": \"Pass\",", "input": "{}"}`)
	var got struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", body, err)
	}
	if got.Type != "InvalidDefinition" || !strings.Contains(got.Message, "INVALID_JSON_DESCRIPTION") || !strings.Contains(got.Message, "(line 1, column 17)") {
		t.Errorf("got %s: %s, want InvalidDefinition, INVALID_JSON_DESCRIPTION at line 1, column 17", got.Type, got.Message)
	}
}

// TestEpochDates: dates are JSON numbers of seconds with milliseconds.
func TestEpochDates(t *testing.T) {
	s, _ := New(Config{})
	_, _, body := post(s, "AWSStepFunctions.CreateStateMachine", "", `{"name": "m", "roleArn": "arn:aws:iam::1:role/r", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}"}`)
	var out map[string]any
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	n, ok := out["creationDate"].(json.Number)
	if !ok || !strings.Contains(string(n), ".") || len(string(n)) != len("1700000000.000") {
		t.Errorf("creationDate = %#v, want epoch seconds with 3 decimals", out["creationDate"])
	}
}

func TestNameRules(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"order-machine_1", true},
		{strings.Repeat("é", 80), true},
		{"", false},
		{strings.Repeat("a", 81), false},
		{"a b", false},
		{"a\tb", false},
		{"a\u0085b", false},
		{"a\u00a0b", false},
		{"../x", false},
		{"a:b", false},
		{"a*", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if err := checkName("state machine", tt.name); (err == nil) != tt.ok {
			t.Errorf("checkName(%q) = %v, want ok %t", tt.name, err, tt.ok)
		}
	}
}

// TestNameMessages: the reason a name is refused reads as English for
// every kind of name.
func TestNameMessages(t *testing.T) {
	for _, tt := range []struct{ what, name, want string }{
		{"execution", strings.Repeat("a", 81), "Invalid Name: '" + strings.Repeat("a", 81) + "' (an execution name has at most 80 characters, not 81)"},
		{"state machine", "", "Invalid Name: '' (a state machine name must not be empty)"},
		{"alias", "a/b", "Invalid Name: 'a/b' (an alias name must not contain whitespace, control characters or any of " + nameForbidden + ")"},
	} {
		err := checkName(tt.what, tt.name)
		if err == nil {
			t.Fatalf("checkName(%q, %q) accepted it", tt.what, tt.name)
		}
		if diff := cmp.Diff(tt.want, err.Message); diff != "" {
			t.Errorf("checkName(%q, %q) (-want +got):\n%s", tt.what, tt.name, diff)
		}
	}
}

// recordingBuilder records the builds it is asked for.
type recordingBuilder struct {
	mu    sync.Mutex
	built []string
}

func (b *recordingBuilder) Build(_ context.Context, def []byte, typ string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.built = append(b.built, typ+" "+string(def))
	return "/bin/" + typ, nil
}

// TestBuildsByContent: each revision is built once per content, in the
// background, starting at CreateStateMachine and UpdateStateMachine.
func TestBuildsByContent(t *testing.T) {
	b := &recordingBuilder{}
	s, _ := New(Config{Builder: b})
	create := func(name, def string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"name": name, "roleArn": role, "definition": def})
		if status, _, out := post(s, "AWSStepFunctions.CreateStateMachine", "", string(body)); status != 200 {
			t.Fatalf("create %s: %d %s", name, status, out)
		}
	}
	create("a", passDefinition)
	create("b", passDefinition) // same content: no second build
	other := strings.Replace(passDefinition, `"P"`, `"Q"`, -1)
	create("c", other)
	bin, err := s.builds.binary(context.Background(), passDefinition, "STANDARD")
	if err != nil || bin != "/bin/STANDARD" {
		t.Errorf("binary = %q, %v", bin, err)
	}
	s.Close()
	want := []string{"STANDARD " + passDefinition, "STANDARD " + other}
	sort.Strings(want)
	sort.Strings(b.built) // builds run concurrently with the requests
	if diff := cmp.Diff(want, b.built); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
}

// FuzzRequest: whatever the target and body, the server answers 200 or
// a 400 with a JSON error, never a panic or an internal error.
func FuzzRequest(f *testing.F) {
	for _, seed := range []struct{ target, body string }{
		{"CreateStateMachine", `{"name": "m", "roleArn": "arn:aws:iam::1:role/r", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}", "publish": true}`},
		{"DescribeStateMachine", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1"}`},
		{"UpdateStateMachine", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "definition": "{}"}`},
		{"ListStateMachines", `{"maxResults": 1, "nextToken": "cDE"}`},
		{"CreateStateMachineAlias", `{"name": "a", "routingConfiguration": [{"stateMachineVersionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1", "weight": 100}]}`},
		{"TagResource", `{"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "tags": [{"key": "k", "value": "v"}]}`},
		{"ValidateStateMachineDefinition", `{"definition": "{\"StartAt\": 1}", "severity": "WARNING"}`},
		{"DeleteStateMachine", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1"}`},
		{"ListStateMachineVersions", `{"stateMachineArn": null}`},
		{"CreateActivity", `{"name": "a", "tags": [{"key": "k"}]}`},
		{"TagResource", `{"resourceArn": "arn:aws:states:us-east-1:123456789012:activity:a", "tags": [{"key": "k", "value": "v"}]}`},
		{"GetActivityTask", `{"activityArn": "arn:aws:states:us-east-1:123456789012:activity:a", "workerName": "w"}`},
		{"TestState", `{"definition": "{\"Type\": \"Pass\", \"End\": true}", "inspectionLevel": "DEBUG", "variables": "{\"a\": 1}"}`},
		{"TestState", `{"definition": "{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::http:invoke\", \"Parameters\": {\"ApiEndpoint\": \"https://example.com\", \"Method\": \"GET\", \"Authentication\": {\"ConnectionArn\": \"arn:aws:events:us-east-1:1:connection/c/1\"}}, \"End\": true}", "inspectionLevel": "TRACE", "revealSecrets": true, "roleArn": "arn:aws:iam::1:role/r"}`},
		{"TestState", `{"definition": "{\"Type\": \"Map\", \"ToleratedFailureCount\": 1, \"ItemProcessor\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}", "mock": {"result": "[1, 2]", "fieldValidationMode": "NONE"}, "stateConfiguration": {"mapIterationFailureCount": 2, "retrierRetryCount": 1, "errorCausedByState": "I", "mapItemReaderData": "[1]"}}`},
		{"TestState", `{"definition": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Parameters\": {\"FunctionName\": \"f\"}, \"End\": true}}}", "stateName": "A", "inspectionLevel": "DEBUG", "revealSecrets": false, "mock": {"errorOutput": {"error": "E", "cause": "C"}}, "context": "{\"Execution\": {\"Name\": \"n\"}}", "input": "{}"}`},
		{"TestState", `{"definition": "{\"Type\": \"Task\", \"QueryLanguage\": \"JSONata\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Arguments\": {\"FunctionName\": \"f\", \"Payload\": \"{% $states.context.Execution.Name & '$states.context' %}\"}, \"End\": true}", "mock": {"result": "{}"}, "context": "{\"Execution\": {\"Name\": \"n\", \"Input\": {\"a\": [1]}}, \"State\": {\"RetryCount\": 0}, \"Task\": {\"Token\": \"t\"}}"}`},
		{"TestState", `{"definition": "{\"Type\": \"Map\", \"ItemsPath\": \"$$.Execution.Input\", \"ItemSelector\": {\"v.$\": \"States.Format('{}', $$.Map.Item.Value)\"}, \"ItemProcessor\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}", "mock": {"result": "[]"}, "context": "{\"Map\": {}}"}`},
		{"StartExecution", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m:1#Case", "name": "e", "input": "{}"}`},
		{"DescribeExecution", `{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e", "includedData": "METADATA_ONLY"}`},
		{"ListExecutions", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "statusFilter": "RUNNING", "maxResults": 1001}`},
		{"GetExecutionHistory", `{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m", "reverseOrder": true, "includeExecutionData": false}`},
		{"StopExecution", `{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e", "error": 1}`},
		{"SendTaskSuccess", `{"taskToken": "", "output": "{"}`},
		{"RedriveExecution", `{"executionArn": null}`},
		{"SendTaskFailure", `{"taskToken": "t", "error": "E", "cause": "C"}`},
	} {
		f.Add(seed.target, seed.body)
	}
	f.Fuzz(func(t *testing.T, target, body string) {
		s, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		// A machine to act on, so that requests reach past the lookups.
		post(s, "AWSStepFunctions.CreateStateMachine", "", `{"name": "m", "roleArn": "arn:aws:iam::1:role/r", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}", "publish": true}`)
		status, _, out := post(s, "AWSStepFunctions."+target, "", body)
		if status != 200 && status != 400 {
			t.Fatalf("status %d: %s", status, out)
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("answer is not JSON: %q", out)
		}
	})
}

// TestConsolePages: GET requests get the console's pages, with every
// name escaped; API calls still go to the API.
func TestConsolePages(t *testing.T) {
	s, _ := New(Config{})
	post(s, "AWSStepFunctions.CreateStateMachine", "", `{"name": "shop-order", "type": "EXPRESS", "roleArn": "arn:aws:iam::1:role/r", "definition": "{\"StartAt\": \"<b>Check</b>\", \"States\": {\"<b>Check</b>\": {\"Type\": \"Pass\", \"End\": true}}}"}`)
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Code, w.Body.String()
	}
	code, home := get("/")
	if code != 200 || !strings.Contains(home, `<a href="/state-machines/shop-order">shop-order</a>`) {
		t.Errorf("home: %d\n%s", code, home)
	}
	code, page := get("/state-machines/shop-order")
	if code != 200 || !strings.Contains(page, "<svg") || strings.Contains(page, "<b>Check</b>") || !strings.Contains(page, "StartSyncExecution") {
		t.Errorf("machine page: %d, want an SVG, escaped state names and the start form\n%.3000s", code, page)
	}
	if code, _ := get("/state-machines/nope"); code != 404 {
		t.Errorf("unknown machine: %d, want 404", code)
	}
	if code, _ := get("/state-machines/../../etc/passwd"); code != 404 {
		t.Errorf("a path for a name: %d, want 404", code)
	}
}

// failingBuilder fails its first build and succeeds after.
type failingBuilder struct {
	mu    sync.Mutex
	calls int
}

func (b *failingBuilder) Build(context.Context, []byte, string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if b.calls == 1 {
		return "", errors.New("go build failed")
	}
	return "/bin/machine", nil
}

// TestFailedBuildIsRetried: a failed build is not remembered.
func TestFailedBuildIsRetried(t *testing.T) {
	b := &failingBuilder{}
	bs := newBuilds(b)
	if _, err := bs.binary(context.Background(), passDefinition, "EXPRESS"); err == nil {
		t.Fatal("the first build did not fail")
	}
	if bin, err := bs.binary(context.Background(), passDefinition, "EXPRESS"); err != nil || bin != "/bin/machine" {
		t.Errorf("second build: %q, %v", bin, err)
	}
}
