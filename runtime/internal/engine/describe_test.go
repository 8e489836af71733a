package engine

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDescribe(t *testing.T) {
	start := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	stop := start.Add(1500 * time.Millisecond)
	base := Result{
		id:         resultID{made: &madeID{name: "exec", arn: "arn:aws:states:us-east-1:123456789012:execution:M:exec"}},
		machineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:M",
		Input:      ObjectOf(Member{"a", int64(1)}),
		StartDate:  start,
		StopDate:   stop,
	}
	head := `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:M:exec",` +
		`"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:M","name":"exec",`
	dates := `"startDate":"2024-05-06T06:08:09.123Z","stopDate":"2024-05-06T06:08:10.623Z",` +
		`"input":"{\"a\":1}","inputDetails":{"included":true}`
	tests := []struct {
		name   string
		change func(r *Result)
		want   string
	}{
		{"succeeded", func(r *Result) {
			r.Status, r.Output = StatusSucceeded, []any{1.5, "x"}
		}, head + `"status":"SUCCEEDED",` + dates + `,"output":"[1.5,\"x\"]","outputDetails":{"included":true}}`},
		{"succeeded null", func(r *Result) {
			r.Status = StatusSucceeded
		}, head + `"status":"SUCCEEDED",` + dates + `,"output":"null","outputDetails":{"included":true}}`},
		{"failed", func(r *Result) {
			r.Status, r.Error, r.HasError, r.Cause, r.HasCause = StatusFailed, "Boom", true, "it broke", true
		}, head + `"status":"FAILED",` + dates + `,"error":"Boom","cause":"it broke"}`},
		{"failed empty cause", func(r *Result) {
			r.Status, r.Error, r.HasError, r.HasCause = StatusFailed, "Boom", true, true
		}, head + `"status":"FAILED",` + dates + `,"error":"Boom","cause":""}`},
		{"failed nothing", func(r *Result) {
			r.Status = StatusFailed
		}, head + `"status":"FAILED",` + dates + `}`},
		{"timed out", func(r *Result) {
			r.Status, r.Error, r.HasError = StatusTimedOut, ErrTimeout, true
		}, head + `"status":"TIMED_OUT",` + dates + `,"error":"States.Timeout"}`},
		{"aborted", func(r *Result) {
			r.Status = StatusAborted
		}, head + `"status":"ABORTED",` + dates + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			got := ToJSON(r.Describe())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Describe() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
