package integrations

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEventBridgeRequests checks events:putEvents against the requests
// the SDK sends: there is no local EventBridge server to run.
func TestEventBridgeRequests(t *testing.T) {
	var target, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		target, body = r.Header.Get("X-Amz-Target"), string(b)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if strings.Contains(body, "reject") {
			io.WriteString(w, `{"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"no"}],"FailedEntryCount":1}`)
			return
		}
		io.WriteString(w, `{"Entries":[{"EventId":"e-1"}],"FailedEntryCount":0}`)
	}))
	defer srv.Close()
	inv := newInvoker(t, map[string]string{"events": srv.URL})
	out, err := invoke(t, inv, "arn:aws:states:::events:putEvents",
		`{"Entries":[{"Source":"shop","DetailType":"Ordered","Detail":{"id":7},"EventBusName":"bus","Resources":["arn:x"]}]}`)
	if err != nil {
		t.Fatalf("%s: %s", err.Name, err.Cause)
	}
	if target != "AWSEvents.PutEvents" {
		t.Errorf("X-Amz-Target %q", target)
	}
	// Detail goes as JSON text; the execution and its machine are added
	// to Resources.
	want := `{"Entries":[{"Detail":"{\"id\":7}","DetailType":"Ordered","EventBusName":"bus","Resources":["arn:x",` +
		`"arn:aws:states:us-east-1:123456789012:execution:Test:exec-1","arn:aws:states:us-east-1:123456789012:stateMachine:Test"],"Source":"shop"}]}`
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`{"Entries":[{"EventId":"e-1"}],"FailedEntryCount":0}`, out); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	_, err = invoke(t, inv, "arn:aws:states:::events:putEvents", `{"Entries":[{"Source":"reject","DetailType":"x","Detail":"{}"}]}`)
	if err == nil || err.Name != ErrFailedEntry || !strings.Contains(err.Cause, `"FailedEntryCount":1`) {
		t.Errorf("a failed entry: %v, want %s", err, ErrFailedEntry)
	}
	// The AWS SDK integration sends the parameters as they are.
	if _, err := invoke(t, inv, "arn:aws:states:::aws-sdk:eventbridge:putEvents", `{"Entries":[{"Source":"s","DetailType":"t","Detail":"{}"}]}`); err != nil {
		t.Fatalf("%s: %s", err.Name, err.Cause)
	}
	if diff := cmp.Diff(`{"Entries":[{"Detail":"{}","DetailType":"t","Source":"s"}]}`, body); diff != "" {
		t.Errorf("aws-sdk request (-want +got):\n%s", diff)
	}
}
