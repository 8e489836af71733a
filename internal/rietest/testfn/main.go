// Command testfn is a Lambda function for tests under the Runtime
// Interface Emulator. Its event says what to do:
//
//	{"fail": {"type": T, "message": M}}  fail with errorType T, errorMessage M
//	{"failTimes": N, "key": K, ...}      fail (type "Flaky") the first N
//	                                     invocations with key K, then as below
//	{"sleepMillis": N, ...}              sleep first
//	anything else                        succeed with {"echo": EVENT, "function": NAME, "calls": N}
//
// calls counts the invocations with the event's key (0 without one).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Fail *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"fail"`
	FailTimes   int    `json:"failTimes"`
	Key         string `json:"key"`
	SleepMillis int    `json:"sleepMillis"`
}

var (
	mu    sync.Mutex
	calls = map[string]int{}
)

func handle(_ context.Context, raw json.RawMessage) (any, error) {
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
	if ev.Fail != nil {
		return nil, messages.InvokeResponse_Error{Type: ev.Fail.Type, Message: ev.Fail.Message}
	}
	if n > 0 && n <= ev.FailTimes {
		return nil, messages.InvokeResponse_Error{Type: "Flaky", Message: fmt.Sprintf("call %d of %q fails", n, ev.Key)}
	}
	return map[string]any{"echo": raw, "function": lambdacontext.FunctionName, "calls": n}, nil
}

func main() { lambda.Start(handle) }
