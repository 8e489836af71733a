package durable

import (
	"context"
	"testing"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/durable/internal/testmachine"
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

// FuzzChildInput feeds arbitrary child workflow inputs through what a
// worker does with one: read the record back and run its item. It may
// refuse the record or fail the item, never panic; a record it reads is
// written back as it read it.
func FuzzChildInput(f *testing.F) {
	f.Add(`{"execution":"arn:x","state":"Both","index":1,"program":"/States/Both/Branches/1","input":"{\"id\":\"x\"}","eventBase":1048576,"seed":7,"seeded":true}`)
	f.Add(`{"execution":"arn:x","state":"Each","index":2,"program":"/States/Each/ItemProcessor","map":true,"input":"3","vars":"{\"a\":[1]}","eventBase":-5}`)
	f.Add(`{"program":"/States/Nowhere","input":"[","vars":"[]"}`)
	f.Add(`{"program":"/States/Each/ItemProcessor","map":true,"input":"\"x\"","index":-1}`)
	// Unbound Tasks fail the item: the record's handling is what is
	// fuzzed, and a counting handler's memory would grow.
	m := testmachine.New(nil)
	f.Fuzz(func(t *testing.T, raw string) {
		var in childInput
		recode(raw, &in)
		item, err := in.item()
		if err != nil {
			return
		}
		again, err := childInputOf(in.Execution, m.Name, item, in.Clock, in.Deadline).item()
		if err != nil {
			t.Fatalf("record %+v written back does not read: %v", item, err)
		}
		if sfnrt.ToJSON(again.Input) != sfnrt.ToJSON(item.Input) || again.Program != item.Program || again.EventBase != item.EventBase {
			t.Fatalf("record %+v read back as %+v", item, again)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		o := m.RunChild(ctx, nil, item, sfnrt.Options{Name: "fuzz", SkipWaits: true})
		if o.Err == nil && o.Output == nil && item.Program != "" {
			if _, ok := m.Nested[item.Program]; !ok {
				t.Fatalf("an item of no program succeeded")
			}
		}
	})
}
