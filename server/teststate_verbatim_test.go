package server

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The answer's values that are the input or the mock's result, whole,
// come back as written; the values a state made stay compact (AWS's
// documented example: "input" as written, "afterInputPath" compact).
func TestVerbatim(t *testing.T) {
	s := func(v string) *string { return &v }
	out := &testStateOutput{Output: s(`{"n":2}`), InspectionData: &inspectionData{
		Input: s(`{"payload":{"foo":"bar"}}`), AfterInputPath: s(`{"foo":"bar"}`), Result: s(`[1,1,1]`),
		AfterResultPath: s(`{"payload":{"foo":"bar"},"r":[1,1,1]}`), Variables: s(`[1,1,1]`)}}
	verbatim(out, `{"payload": {"foo": "bar"}}`, `[1, 1, 1]`, `not JSON`)
	want := &testStateOutput{Output: s(`{"n":2}`), InspectionData: &inspectionData{
		Input: s(`{"payload": {"foo": "bar"}}`), AfterInputPath: s(`{"foo":"bar"}`), Result: s(`[1, 1, 1]`),
		AfterResultPath: s(`{"payload":{"foo":"bar"},"r":[1,1,1]}`), Variables: s(`[1,1,1]`)}}
	if diff := cmp.Diff(want, out, cmp.AllowUnexported()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
