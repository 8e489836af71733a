package compiler

import (
	"strings"
	"testing"
)

// TestVariableScopes compiles machines with a Map or Parallel state and
// checks the variable diagnostics, as "CODE:name" of the pointer's last
// token, in order.
func TestVariableScopes(t *testing.T) {
	const (
		write  = "SCHEMA_VALIDATION_FAILED"
		unread = "UNASSIGNED_VARIABLE"
	)
	tests := []struct {
		name string
		def  string
		want []string
	}{
		{
			name: "reading outer variables in an iteration is fine",
			def: `{"StartAt": "S", "States": {
				"S": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"},
				"M": {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {
					"I": {"Type": "Pass", "Parameters": {"v.$": "$x"}, "Assign": {"y.$": "States.MathAdd($x, 1)"}, "End": true}}}, "End": true}}}`,
		},
		{
			name: "the Map's own Assign is in the outer scope",
			def: `{"StartAt": "M", "States": {
				"M": {"Type": "Map", "Assign": {"r.$": "$"}, "ItemProcessor": {"StartAt": "I", "States": {
					"I": {"Type": "Pass", "Assign": {"r": 1}, "End": true}}}, "End": true}}}`,
			want: []string{write + ":r"},
		},
		{
			name: "an outer assignment after the Map still owns the name",
			def: `{"StartAt": "M", "States": {
				"M": {"Type": "Map", "Iterator": {"StartAt": "I", "States": {
					"I": {"Type": "Pass", "Assign": {"late": 1}, "End": true}}}, "Next": "L"},
				"L": {"Type": "Pass", "Assign": {"late": 2}, "End": true}}}`,
			want: []string{write + ":late"},
		},
		{
			name: "JSONata iteration writing an outer variable and reading an undefined one",
			def: `{"QueryLanguage": "JSONata", "StartAt": "S", "States": {
				"S": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"},
				"M": {"Type": "Map", "Items": [1], "ItemProcessor": {"StartAt": "I", "States": {
					"I": {"Type": "Pass", "Assign": {"x": "{% $x + $nope %}"}, "End": true}}}, "End": true}}}`,
			want: []string{write + ":x", unread + ":x"},
		},
		{
			name: "sibling branches may use the same name; a read after the Parallel does not see it",
			def: `{"StartAt": "P", "States": {
				"P": {"Type": "Parallel", "Branches": [
					{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v": 1}, "End": true}}},
					{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"v": 2}, "End": true}}}], "Next": "R"},
				"R": {"Type": "Pass", "OutputPath": "$v", "End": true}}}`,
			want: []string{unread + ":OutputPath"},
		},
		{
			name: "a Distributed Map child may reuse the parent's names but not read them",
			def: `{"StartAt": "S", "States": {
				"S": {"Type": "Pass", "Assign": {"x": 1, "z": 1}, "Next": "M"},
				"M": {"Type": "Map", "ItemSelector": {"z.$": "$z"}, "ItemProcessor": {
					"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "I", "States": {
					"I": {"Type": "Pass", "Parameters": {"a.$": "$z"}, "Assign": {"x": 2}, "Next": "J"},
					"J": {"Type": "Pass", "InputPath": "$x", "End": true}}}, "End": true}}}`,
			want: []string{unread + ":a.$"},
		},
		{
			name: "a Choice rule's Assign in a branch",
			def: `{"StartAt": "S", "States": {
				"S": {"Type": "Pass", "Assign": {"x": 1}, "Next": "P"},
				"P": {"Type": "Parallel", "Branches": [{"StartAt": "C", "States": {
					"C": {"Type": "Choice", "Choices": [{"Variable": "$x", "IsPresent": true, "Assign": {"x": 2}, "Next": "D"}], "Default": "D"},
					"D": {"Type": "Succeed"}}}], "End": true}}}`,
			want: []string{write + ":x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Compile([]byte(tt.def), Options{})
			var got []string
			for _, d := range diags {
				p := string(d.Pointer)
				got = append(got, d.Code+":"+p[strings.LastIndexByte(p, '/')+1:])
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				for _, d := range diags {
					t.Log(d)
				}
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
