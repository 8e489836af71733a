package durable

import (
	"testing"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
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
