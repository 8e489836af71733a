package codegen

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/compiler"
)

// TestItemEntry: fused code starts a Map iteration from its item
// (sfnimpl.FromItem) where the ItemSelector reads only the item and
// builds what fused code builds itself, and the processor's start state
// is fused; elsewhere the selector builds the iteration's input.
func TestItemEntry(t *testing.T) {
	const proc = `"ItemProcessor": {"StartAt": "A", "States": {
		"A": {"Type": "Pass", "Parameters": {"s.$": "States.MathAdd($.a, 1)"}, "Next": "B"},
		"B": {"Type": "Succeed"}}}`
	cases := map[string]string{
		"members":         `"ItemSelector": {"a.$": "$$.Map.Item.Value.a", "b.$": "$$.Map.Item.Value.b.c"}`,
		"whole item":      `"ItemSelector": {"a.$": "$$.Map.Item.Value"}`,
		"literals":        `"ItemSelector": {"a.$": "$$.Map.Item.Value.a", "n": 1, "o": {"k": "v"}}`,
		"index":           `"ItemSelector": {"a.$": "$$.Map.Item.Index"}`,
		"map input":       `"ItemSelector": {"a.$": "$.a"}`,
		"intrinsic":       `"ItemSelector": {"a.$": "States.MathAdd($$.Map.Item.Value.a, 1)"}`,
		"no selector":     ``,
		"distributed":     `"ItemSelector": {"a.$": "$$.Map.Item.Value.a"}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"s.$": "States.MathAdd($.a, 1)"}, "Next": "B"}, "B": {"Type": "Succeed"}}}`,
		"start not fused": `"ItemSelector": {"a.$": "$$.Map.Item.Value.a"}, "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 0, "Next": "A"}, "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}`,
	}
	want := map[string]bool{"members": true, "whole item": true, "literals": true}
	got := map[string]bool{}
	for name, fields := range cases {
		m := `"Type": "Map", "ItemsPath": "$.items", "End": true`
		if fields != "" {
			m += ", " + fields
		}
		if !strings.Contains(fields, "ItemProcessor") {
			m += ", " + proc
		}
		src := `{"StartAt": "M", "States": {"M": {` + m + `}}}`
		machine, diags := compiler.Compile([]byte(src), compiler.Options{Filename: "m.asl.json"})
		if machine == nil {
			t.Fatalf("%s: does not compile: %v", name, diags)
		}
		code, err := Generate(machine, Options{Package: "m"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(string(code), "case sfnimpl.FromItem:") {
			got[name] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("maps whose iterations fused code starts from the item (-want +got):\n%s", diff)
	}
}
