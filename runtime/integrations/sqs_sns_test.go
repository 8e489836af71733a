package integrations

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSNS runs SNS integrations against goaws.
func TestSNS(t *testing.T) {
	endpoint := startGoaws(t)
	inv := newInvoker(t, map[string]string{"sns": endpoint})
	topicARN := ""
	topics := mustInvoke(t, inv, "arn:aws:states:::aws-sdk:sns:listTopics", `{}`)
	for _, tp := range member(t, topics, "Topics").([]any) {
		if arn := sfnrtJSON(tp); strings.Contains(arn, ":news") {
			topicARN = member(t, arn, "TopicArn").(string)
		}
	}
	if topicARN == "" {
		t.Fatalf("no topic news in %s", topics)
	}
	// A Message that is JSON is sent as its JSON text.
	pub := mustInvoke(t, inv, "arn:aws:states:::sns:publish", `{"TopicArn":"`+topicARN+`","Message":{"hello":"world"}}`)
	if id, _ := member(t, pub, "MessageId").(string); id == "" {
		t.Errorf("publish: %s", pub)
	}
	if status := member(t, pub, "SdkHttpMetadata.HttpStatusCode"); status != int64(200) {
		t.Errorf("publish SdkHttpMetadata: %s", pub)
	}
	member(t, pub, "SdkResponseMetadata.RequestId")
	created := mustInvoke(t, inv, "arn:aws:states:::aws-sdk:sns:createTopic", `{"Name":"made"}`)
	if arn, _ := member(t, created, "TopicArn").(string); !strings.HasSuffix(arn, ":made") {
		t.Errorf("createTopic: %s", created)
	}

	out, err := invoke(t, inv, "arn:aws:states:::sns:publish", `{"TopicArn":"arn:aws:sns:us-east-1:100010001000:nope","Message":"x"}`)
	if err == nil || !strings.HasPrefix(err.Name, "SNS.") || !strings.HasSuffix(err.Name, "Exception") || !strings.Contains(err.Cause, "(Service: AmazonSNS; Status Code: ") {
		t.Errorf("publish to a missing topic: %s, %v; want SNS.<Code>Exception", out, err)
	}
}

// TestSQSRequests checks sqs:sendMessage against the requests the SDK
// sends and the responses SQS gives: goaws v0.4.5, the local server the
// project uses, speaks only SQS's query protocol, and the SDK's SQS
// client only the JSON protocol that SQS has served since 2023.
func TestSQSRequests(t *testing.T) {
	var target, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		target, body = r.Header.Get("X-Amz-Target"), string(b)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("x-amzn-RequestId", "req-1")
		if strings.Contains(body, "nope") {
			w.Header().Set("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`)
			return
		}
		var req struct{ MessageBody string }
		json.Unmarshal(b, &req)
		fmt.Fprintf(w, `{"MD5OfMessageBody":"%x","MessageId":"m-1"}`, md5.Sum([]byte(req.MessageBody)))
	}))
	defer srv.Close()
	inv := newInvoker(t, map[string]string{"sqs": srv.URL})
	out, err := invoke(t, inv, "arn:aws:states:::sqs:sendMessage", `{"QueueUrl":"`+srv.URL+`/1/orders","MessageBody":{"order":7},"DelaySeconds":1}`)
	if err != nil {
		t.Fatalf("%s: %s", err.Name, err.Cause)
	}
	if target != "AmazonSQS.SendMessage" {
		t.Errorf("X-Amz-Target %q", target)
	}
	if diff := cmp.Diff(`{"DelaySeconds":1,"MessageBody":"{\"order\":7}","QueueUrl":"`+srv.URL+`/1/orders"}`, body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	if member(t, out, "MessageId") != "m-1" || member(t, out, "MD5OfMessageBody") != fmt.Sprintf("%x", md5.Sum([]byte(`{"order":7}`))) || member(t, out, "SdkResponseMetadata.RequestId") != "req-1" {
		t.Errorf("result %s", out)
	}
	_, err = invoke(t, inv, "arn:aws:states:::sqs:sendMessage", `{"QueueUrl":"`+srv.URL+`/1/nope","MessageBody":"x"}`)
	if err == nil || err.Name != "SQS.QueueDoesNotExistException" || !strings.Contains(err.Cause, "The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue; Request ID: req-1; Proxy: null)") {
		t.Errorf("error %v", err)
	}
}
