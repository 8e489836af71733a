package integrations

import (
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
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

// TestSQS runs SQS integrations against fauxqs, which speaks the JSON
// protocol of the SDK's SQS client.
func TestSQS(t *testing.T) {
	endpoint := startSQS(t)
	inv := newInvoker(t, map[string]string{"sqs": endpoint})
	created := mustInvoke(t, inv, "arn:aws:states:::aws-sdk:sqs:createQueue", `{"QueueName":"orders"}`)
	queueURL := member(t, created, "QueueUrl").(string)

	// A MessageBody that is JSON is sent as its JSON text.
	out := mustInvoke(t, inv, "arn:aws:states:::sqs:sendMessage", `{"QueueUrl":"`+queueURL+`","MessageBody":{"order":7},"MessageAttributes":{"kind":{"DataType":"String","StringValue":"new"}}}`)
	if id, _ := member(t, out, "MessageId").(string); id == "" {
		t.Errorf("sendMessage: %s", out)
	}
	if got, want := member(t, out, "MD5OfMessageBody"), fmt.Sprintf("%x", md5.Sum([]byte(`{"order":7}`))); got != want {
		t.Errorf("MD5OfMessageBody %v, want %s", got, want)
	}
	if member(t, out, "SdkHttpMetadata.HttpStatusCode") != int64(200) {
		t.Errorf("sendMessage SdkHttpMetadata: %s", out)
	}
	member(t, out, "SdkResponseMetadata.RequestId")
	got := mustInvoke(t, inv, "arn:aws:states:::aws-sdk:sqs:receiveMessage", `{"QueueUrl":"`+queueURL+`","MessageAttributeNames":["All"]}`)
	msgs := member(t, got, "Messages").([]any)
	if len(msgs) != 1 || member(t, sfnrtJSON(msgs[0]), "Body") != `{"order":7}` || member(t, sfnrtJSON(msgs[0]), "MessageAttributes.kind.StringValue") != "new" {
		t.Errorf("receiveMessage: %s", got)
	}

	checkFailures(t, inv, []failure{
		{"missing queue", "arn:aws:states:::sqs:sendMessage", `{"QueueUrl":"` + endpoint + `/000000000000/nope","MessageBody":"x"}`,
			"SQS.QueueDoesNotExistException", "The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue; Request ID: "},
		{"missing queue, SDK form", "arn:aws:states:::aws-sdk:sqs:sendMessage", `{"QueueUrl":"` + endpoint + `/000000000000/nope","MessageBody":"x"}`,
			"Sqs.QueueDoesNotExistException", "The specified queue does not exist. (Service: Sqs, Status Code: 400, Request ID: "},
	})
}

// TestSQSCallback runs sqs:sendMessage.waitForTaskToken against fauxqs:
// the message carries the Task's token, a consumer receives it and sends
// the token back with its result, which is the Task's.
func TestSQSCallback(t *testing.T) {
	endpoint := startSQS(t)
	inv := newInvoker(t, map[string]string{"sqs": endpoint})
	queueURL := member(t, mustInvoke(t, inv, "arn:aws:states:::aws-sdk:sqs:createQueue", `{"QueueName":"work"}`), "QueueUrl").(string)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	consumed := make(chan error, 1)
	go func() { consumed <- consume(ctx, endpoint, queueURL) }()

	const resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
	p := &sfnimpl.Program{States: []sfnimpl.StateInfo{{Name: "Ship", Kind: "Task"}}}
	p.Step = func(ctx context.Context, f *sfnimpl.Frame, state int, in any) (int, any, error) {
		task, _ := f.Context().Get("Task")
		token, _ := task.(*sfnrt.Object).Get("Token")
		body := sfnrt.ObjectOf(sfnrt.Member{Key: "order", Value: in}, sfnrt.Member{Key: "token", Value: token})
		params := sfnrt.ObjectOf(sfnrt.Member{Key: "QueueUrl", Value: queueURL}, sfnrt.Member{Key: "MessageBody", Value: body})
		out, err := f.RunTask(ctx, resource, 60, 0, params, nil)
		return sfnimpl.End, out, err
	}
	m := &sfnrt.Machine{Name: "ship", Program: p, Tasks: []sfnimpl.TaskInfo{{State: "Ship", Resource: resource}}}
	res := m.Start(ctx, sfnrt.MustParseJSON(`{"id":7}`), sfnrt.Options{Tasks: inv})
	if res.Status != sfnrt.StatusSucceeded {
		t.Fatalf("%s: %s: %s", res.Status, res.Error, res.Cause)
	}
	if got, want := sfnrt.ToJSON(res.Output), `{"shipped":{"id":7}}`; got != want {
		t.Errorf("output %s, want the consumer's %s", got, want)
	}
	if err := <-consumed; err != nil {
		t.Error(err)
	}
}

// consume receives one message from queueURL with the SDK, as a worker
// of a callback pattern does, sends its token back with SendTaskSuccess
// and {"shipped": ORDER}, and deletes the message.
func consume(ctx context.Context, endpoint, queueURL string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	for ctx.Err() == nil {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), WaitTimeSeconds: 1})
		if err != nil {
			return fmt.Errorf("receiveMessage: %w", err)
		}
		for _, msg := range out.Messages {
			var body struct {
				Order json.RawMessage
				Token string
			}
			if err := json.Unmarshal([]byte(aws.ToString(msg.Body)), &body); err != nil {
				return fmt.Errorf("message %s: %w", aws.ToString(msg.Body), err)
			}
			if err := sfnrt.SendTaskSuccess(body.Token, `{"shipped":`+string(body.Order)+`}`); err != nil {
				return fmt.Errorf("SendTaskSuccess: %w", err)
			}
			_, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: msg.ReceiptHandle})
			return err
		}
	}
	return ctx.Err()
}
