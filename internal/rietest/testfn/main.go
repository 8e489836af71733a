// Command testfn is a Lambda function for tests under the Runtime
// Interface Emulator. Its event says what to do:
//
//	{"fail": {"type": T, "message": M}}  fail with errorType T, errorMessage M
//	{"failTimes": N, "key": K, ...}      fail (type "Flaky") the first N
//	                                     invocations with key K, then as below
//	{"sleepMillis": N, ...}              sleep first
//	{"callback": {"endpoint": URL, "token": T, "output": O}, ...}
//	                                     complete the task token T with
//	                                     SendTaskSuccess(O) (or, with
//	                                     "error" and "cause" instead of
//	                                     "output", SendTaskFailure) through
//	                                     the Step Functions API at URL,
//	                                     as a callback worker does, first
//	{"read": {"bucket": B, "key": K}}    read object K of bucket B from S3 (its
//	                                     endpoint from AWS_ENDPOINT_URL_S3, by
//	                                     path) and succeed with {"key": K,
//	                                     "length": N, "upper": TEXT}, or fail
//	                                     (type "Rejected") when the text
//	                                     starts with "fail"
//	anything else                        succeed with {"echo": EVENT, "function": NAME, "calls": N}
//
// calls counts the invocations with the event's key (0 without one).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

type event struct {
	Fail *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"fail"`
	FailTimes   int    `json:"failTimes"`
	Key         string `json:"key"`
	SleepMillis int    `json:"sleepMillis"`
	Read        *struct {
		Bucket string `json:"bucket"`
		Key    string `json:"key"`
	} `json:"read"`
	Callback *struct {
		Endpoint string          `json:"endpoint"`
		Token    string          `json:"token"`
		Output   json.RawMessage `json:"output"`
		Error    string          `json:"error"`
		Cause    string          `json:"cause"`
	} `json:"callback"`
}

var (
	mu    sync.Mutex
	calls = map[string]int{}
)

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev event
	_ = json.Unmarshal(raw, &ev) // any JSON is an event; non-objects just echo
	n := 0
	if ev.Key != "" {
		mu.Lock()
		calls[ev.Key]++
		n = calls[ev.Key]
		mu.Unlock()
	}
	if ev.SleepMillis > 0 {
		// Sleep through the deadline, as a hung function does: the
		// emulator's own timeout must end the invocation, not the
		// function's context (which expires at the same instant and
		// would race it).
		time.Sleep(time.Duration(ev.SleepMillis) * time.Millisecond)
	}
	if cb := ev.Callback; cb != nil {
		if err := sendToken(ctx, cb.Endpoint, cb.Token, cb.Output, cb.Error, cb.Cause); err != nil {
			return nil, messages.InvokeResponse_Error{Type: "CallbackFailed", Message: err.Error()}
		}
	}
	if ev.Read != nil {
		return read(ctx, ev.Read.Bucket, ev.Read.Key)
	}
	if ev.Fail != nil {
		return nil, messages.InvokeResponse_Error{Type: ev.Fail.Type, Message: ev.Fail.Message}
	}
	if n > 0 && n <= ev.FailTimes {
		return nil, messages.InvokeResponse_Error{Type: "Flaky", Message: fmt.Sprintf("call %d of %q fails", n, ev.Key)}
	}
	return map[string]any{"echo": raw, "function": lambdacontext.FunctionName, "calls": n}, nil
}

// sendToken completes a task token through the Step Functions API at
// endpoint with the AWS SDK, as a Lambda function of a callback pattern
// does: SendTaskSuccess with output, or SendTaskFailure when errorName or
// cause is set.
func sendToken(ctx context.Context, endpoint, token string, output json.RawMessage, errorName, cause string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	client := sfn.NewFromConfig(cfg, func(o *sfn.Options) { o.BaseEndpoint = aws.String(endpoint) })
	if errorName != "" || cause != "" {
		_, err = client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String(errorName), Cause: aws.String(cause)})
		return err
	}
	_, err = client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(string(output))})
	return err
}

var (
	s3Once   sync.Once
	s3Client *s3.Client
	s3Err    error
)

// read processes one object of a batch: its text in upper case.
func read(ctx context.Context, bucket, key string) (any, error) {
	s3Once.Do(func() {
		var cfg aws.Config
		if cfg, s3Err = config.LoadDefaultConfig(context.Background()); s3Err == nil {
			s3Client = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		}
	})
	if s3Err != nil {
		return nil, s3Err
	}
	out, err := s3Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(string(data), "fail") {
		return nil, messages.InvokeResponse_Error{Type: "Rejected", Message: "rejected " + key}
	}
	return map[string]any{"key": key, "length": len(data), "upper": strings.ToUpper(string(data))}, nil
}

func main() { lambda.Start(handle) }
