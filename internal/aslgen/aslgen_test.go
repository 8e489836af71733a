package aslgen

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeterministic: a seed names one definition, so a failing seed
// reported by a test can be reproduced.
func TestDeterministic(t *testing.T) {
	for seed := range uint64(20) {
		a, b := Generate(NewRand(seed)), Generate(NewRand(seed))
		if !bytes.Equal(a, b) {
			t.Fatalf("seed %d: two runs differ", seed)
		}
	}
}

// TestChoicesRunOut: past the end of the fuzzer's bytes every choice is
// the smallest production, so any input yields a small definition.
func TestChoicesRunOut(t *testing.T) {
	for _, in := range [][]byte{nil, {0xff}, bytes.Repeat([]byte{0xff}, 64)} {
		def := Generate(NewBytes(in))
		var v map[string]any
		if err := json.Unmarshal(def, &v); err != nil {
			t.Fatalf("%q: not JSON: %v", in, err)
		}
		if len(def) > 64<<10 {
			t.Errorf("%q: %d bytes", in, len(def))
		}
	}
	got := string(Generate(NewBytes(nil)))
	want := "{\n  \"StartAt\": \"S1\",\n  \"States\": {\n    \"S1\": {\n      \"End\": true,\n      \"Type\": \"Pass\"\n    }\n  }\n}"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("no choices (-want +got):\n%s", diff)
	}
}

// TestCoverage: a few hundred seeds reach every field of every state
// kind in both query languages, and the mini-languages inside them. A
// field the grammar stops producing is a field nothing checks anymore.
func TestCoverage(t *testing.T) {
	seen := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			kind, _ := v["Type"].(string)
			ql, _ := v["QueryLanguage"].(string)
			for k, x := range v {
				if kind != "" {
					seen[kind+"."+k] = true
					if ql != "" {
						seen[ql+"."+kind] = true
					}
				}
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		case string:
			for _, marker := range []string{"States.Format", "States.StringToJson", "States.JsonToString", "States.Array(",
				"States.ArrayPartition", "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength",
				"States.ArrayUnique", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
				"States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID", "{%", "$states.result",
				"$states.errorOutput", "$$.Map.Item", "[?(", "..", "[*]"} {
				if strings.Contains(v, marker) {
					seen[marker] = true
				}
			}
		}
		seen["key:"+path] = true
	}
	for seed := range uint64(400) {
		var v any
		if err := json.Unmarshal(Generate(NewRand(seed)), &v); err != nil {
			t.Fatal(err)
		}
		walk("", v)
	}
	want := []string{
		"Pass.Result", "Pass.Parameters", "Pass.Output", "Pass.Assign", "Pass.InputPath", "Pass.OutputPath", "Pass.ResultPath",
		"Task.Resource", "Task.Parameters", "Task.Arguments", "Task.ResultSelector", "Task.Retry", "Task.Catch",
		"Task.TimeoutSeconds", "Task.Credentials", "Task.TimeoutSecondsPath", "Task.HeartbeatSeconds", "Task.HeartbeatSecondsPath", "Task.Output",
		"Wait.Seconds", "Wait.SecondsPath", "Wait.Timestamp", "Wait.TimestampPath",
		"Choice.Choices", "Choice.Default", "Choice.Assign", "Choice.Output",
		"Succeed.OutputPath", "Succeed.Output",
		"Fail.Error", "Fail.Cause", "Fail.ErrorPath", "Fail.CausePath",
		"Parallel.Branches", "Parallel.Parameters", "Parallel.Arguments", "Parallel.ResultSelector", "Parallel.Retry", "Parallel.Catch",
		"Map.ItemProcessor", "Map.Iterator", "Map.ItemsPath", "Map.Items", "Map.ItemSelector", "Map.Parameters",
		"Map.MaxConcurrency", "Map.MaxConcurrencyPath", "Map.ToleratedFailureCount", "Map.ToleratedFailurePercentage",
		"Map.ToleratedFailureCountPath", "Map.ToleratedFailurePercentagePath", "Map.ItemBatcher", "Map.Label", "Map.Catch",
		"JSONata.Task", "JSONata.Map", "JSONata.Parallel", "JSONata.Choice", "JSONPath.Pass",
		"key:Condition", "key:And", "key:Or", "key:Not", "key:Variable", "key:StringMatches", "key:BooleanEquals",
		"key:BatchInput", "key:MaxItemsPerBatch", "key:MaxItemsPerBatchPath", "key:MaxInputBytesPerBatch",
		"key:JitterStrategy", "key:MaxDelaySeconds", "key:BackoffRate", "key:ProcessorConfig",
		"States.Format", "States.StringToJson", "States.JsonToString", "States.Array(", "States.ArrayPartition",
		"States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique",
		"States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom",
		"States.MathAdd", "States.StringSplit", "States.UUID",
		"{%", "$states.result", "$states.errorOutput", "$$.Map.Item", "[?(", "..", "[*]",
	}
	var missing []string
	for _, w := range want {
		if !seen[w] {
			missing = append(missing, w)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("400 seeds never produce: %v", missing)
	}
}
