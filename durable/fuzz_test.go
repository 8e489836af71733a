package durable

import (
	"testing"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// FuzzHistoryBatch feeds arbitrary stream values and redrive records
// through what reads them back: decoding a history batch, finding where
// a redrive resumes, reading a redrive record. None may panic, and a
// resume point found is one of the batch's.
func FuzzHistoryBatch(f *testing.F) {
	f.Add(`{"step":3,"events":[{"id":1,"previousEventId":0,"type":"ExecutionStarted"},{"id":2,"previousEventId":1,"type":"TaskStateEntered"}]}`,
		`{"count":1,"date":1,"cut":2,"step":3,"base":5,"prelude":"{}"}`)
	f.Add(`[{"id":1,"type":"ExecutionStarted"}]`, ``)
	f.Add(`{"step":-1,"events":{}}`, `{"cut":"x"}`)
	f.Add(`{"step":1e300,"events":[1,"a",null,{"type":3}]}`, `[]`)
	f.Fuzz(func(t *testing.T, batch, record string) {
		b, err := decodeBatch(batch)
		if err != nil {
			return
		}
		if b.step < -1 {
			t.Fatalf("step %d", b.step)
		}
		var last *redriveRecord
		if r := redriveOf(attributesWith(record)); r != nil {
			last = r
		}
		p, reason := resumePoint([]storedBatch{b}, last)
		if reason == "" && last == nil && p.step != b.step {
			t.Fatalf("resumes at step %d, not the batch's %d", p.step, b.step)
		}
	})
}

// attributesWith is a workflow status whose redrive record is record.
func attributesWith(record string) *dbos.WorkflowStatus {
	return &dbos.WorkflowStatus{Attributes: map[string]any{redriveAttribute: record}}
}

// FuzzChildRecord feeds arbitrary child workflow outputs through what
// reads them back into a branch's outcome: it may refuse them, never
// panic, and an event it reads is written back as it read it.
func FuzzChildRecord(f *testing.F) {
	f.Add(`{"output":"{\"a\":1}","events":["{\"id\":5,\"previousEventId\":0,\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"type\":\"PassStateEntered\",\"stateEnteredEventDetails\":{\"name\":\"P\"}}"]}`)
	f.Add(`{"failed":true,"error":"Boom","cause":"x","hasCause":true,"cancelled":true}`)
	f.Add(`{"output":"[","events":["{}","[]","1"]}`)
	f.Add(`{"events":["{\"id\":\"x\",\"timestamp\":3,\"type\":null}"]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var rec childRecord
		recode(raw, &rec)
		o, err := rec.outcome()
		if err != nil {
			return
		}
		if rec.Failed != (o.Err != nil) {
			t.Fatalf("failed %v, outcome error %v", rec.Failed, o.Err)
		}
		for _, e := range o.Events {
			again, err := decodeEvent(string(sfnrt.AppendJSON(nil, e.JSON())))
			if err != nil || again.ID != e.ID || again.Type != e.Type || again.PreviousEventID != e.PreviousEventID {
				t.Fatalf("event %+v read back as %+v, %v", e, again, err)
			}
		}
	})
}
