package server

import (
	"encoding/json"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A mocked Map state (its mock stands for the iterations, teststate.go)
// still reports, as AWS's TestState does, its concurrency and tolerated
// failures in the inspection data (maxConcurrency, 0 when unset;
// toleratedFailureCount and toleratedFailurePercentage when set), and
// stateConfiguration.mapIterationFailureCount fails it as its tolerated
// failures say. AWS's recorded answers (LocalStack's AWS-validated
// test_state_configuration snapshots) fix the rules: a Map whose
// iterations fail beyond ToleratedFailureCount or
// ToleratedFailurePercentage fails with States.ExceedToleratedFailureThreshold,
// which its Retry and Catch then see; a Map with neither field succeeds
// with the mock's result whatever the count. The tolerance is evaluated
// by the test machine, so a Map beyond it is run a second time, its mock
// failing with that error.

// The fields of a Map state that the test machine evaluates, each
// constant or a path (JSONPath) or a JSONata expression.
var mapConfigFields = []struct{ field, key string }{
	{"MaxConcurrency", "maxConcurrency"},
	{"ToleratedFailureCount", "toleratedFailureCount"},
	{"ToleratedFailurePercentage", "toleratedFailurePercentage"},
}

// errExceedToleratedFailureThreshold fails a Map state whose iterations
// failed beyond its tolerance, with the cause AWS gives.
const (
	errExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	causeExceedToleratedFailure        = "The specified tolerated failure threshold was exceeded"
)

// mapConfigState returns the helper state that evaluates a Map state's
// concurrency and tolerated failures on its input (after InputPath for
// JSONPath), as the Map would, and outputs them under the inspection
// data's names; next is the state that follows it, whose input is
// restored from the raw input for JSONata (JSONPath's chain restores it
// itself).
func mapConfigState(fields map[string]json.RawMessage, jsonPath bool, next string) map[string]any {
	config := map[string]any{"maxConcurrency": 0}
	for _, f := range mapConfigFields {
		if v, ok := fields[f.field]; ok {
			config[f.key] = v
		}
		if v, ok := fields[f.field+"Path"]; ok && jsonPath {
			delete(config, f.key)
			config[f.key+".$"] = v
		}
	}
	if jsonPath {
		return map[string]any{"Type": "Pass", "Parameters": config, "Next": next}
	}
	return map[string]any{"Type": "Pass", "QueryLanguage": "JSONata", "Output": config,
		"Assign": map[string]any{testInputVar: "{% $states.input %}"}, "Next": next}
}

// mapRestoreState hands the raw input, kept by mapConfigState, on to
// the mocked Map (JSONata).
func mapRestoreState(next string) map[string]any {
	return map[string]any{"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $" + testInputVar + " %}", "Next": next}
}

// A mapConfig is what mapConfigState output.
type mapConfig struct {
	MaxConcurrency             *float64 `json:"maxConcurrency"`
	ToleratedFailureCount      *float64 `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

// inspect adds the Map's configuration to the inspection data.
func (c *mapConfig) inspect(data *inspectionData) {
	if data == nil || c == nil {
		return
	}
	toInt := func(f *float64) *int {
		if f == nil {
			return nil
		}
		n := int(*f)
		return &n
	}
	data.MaxConcurrency = toInt(c.MaxConcurrency)
	data.ToleratedFailureCount = toInt(c.ToleratedFailureCount)
	data.ToleratedFailurePercentage = c.ToleratedFailurePercentage
}

// exceeded reports whether failed iterations of all exceed the Map's
// tolerance: more than ToleratedFailureCount, or a greater share than
// ToleratedFailurePercentage; never when neither is set.
func (c *mapConfig) exceeded(failed, all int) bool {
	if c == nil || failed == 0 {
		return false
	}
	if c.ToleratedFailureCount != nil && float64(failed) > *c.ToleratedFailureCount {
		return true
	}
	return c.ToleratedFailurePercentage != nil && all > 0 && float64(failed)*100/float64(all) > *c.ToleratedFailurePercentage
}

// mapConfigOf reads the helper state's output from the history events.
func mapConfigOf(events []map[string]any) *mapConfig {
	exited := map[string]string{}
	for _, e := range events {
		if d, ok := e["stateExitedEventDetails"].(map[string]any); ok {
			name, _ := d["name"].(string)
			exited[name], _ = d["output"].(string)
		}
	}
	return readMapConfig(exited)
}

// readMapConfig reads the helper state's output from the states' outputs.
func readMapConfig(exited map[string]string) *mapConfig {
	out, ok := exited[testPrefix+"mapConfig"]
	if !ok {
		return nil
	}
	var c mapConfig
	if json.Unmarshal([]byte(out), &c) != nil {
		return nil
	}
	return &c
}

// mapThresholdFailure is the failure of a Map state whose mocked result
// has all iterations, failed of them failing (mapIterationFailureCount),
// or nil.
func mapThresholdFailure(c *mapConfig, failed int, mockResult *string) *sfnrt.Error {
	var items []json.RawMessage
	if mockResult == nil || json.Unmarshal([]byte(*mockResult), &items) != nil {
		return nil // a Map writing its results (an object) or an error mock
	}
	if !c.exceeded(failed, len(items)) {
		return nil
	}
	return &sfnrt.Error{Name: errExceedToleratedFailureThreshold, Cause: causeExceedToleratedFailure, HasCause: true}
}

// errorCausedByStateOK reports whether name is a state of a Map's item
// processor or a Parallel's branches (at any depth), where a mocked
// error may come from.
func errorCausedByStateOK(state map[string]any, name string) bool {
	var walk func(machine any) bool
	walk = func(machine any) bool {
		m, _ := machine.(map[string]any)
		states, _ := m["States"].(map[string]any)
		for n, s := range states {
			if n == name {
				return true
			}
			sm, _ := s.(map[string]any)
			if nestedStatesHold(sm, walk) {
				return true
			}
		}
		return false
	}
	return nestedStatesHold(state, walk)
}

// nestedStatesHold reports whether walk holds for one of the machines
// nested in a Map (ItemProcessor, or the older Iterator) or Parallel
// (Branches) state.
func nestedStatesHold(state map[string]any, walk func(any) bool) bool {
	switch state["Type"] {
	case "Map":
		if p, ok := state["ItemProcessor"]; ok {
			return walk(p)
		}
		return walk(state["Iterator"])
	case "Parallel":
		branches, _ := state["Branches"].([]any)
		for _, b := range branches {
			if walk(b) {
				return true
			}
		}
	}
	return false
}

// mapItemsStates adds to states the helpers that show a JSONPath Map's
// items after ItemsPath and after ItemSelector (or Parameters, its older
// name), as AWS's inspection data does (afterItemsPath,
// afterItemSelector), and returns the first of them, which goes on to
// next; "" for a Map that reads its items (ItemReader: the mock stands
// for them). The second is a real Map whose iterations pass each item
// on, so that ItemsPath must point to an array and ItemSelector sees
// $$.Map.Item as in an execution. raw restores the raw input.
func mapItemsStates(fields map[string]json.RawMessage, states map[string]any, raw func(next string) map[string]any, next string) string {
	if _, reads := fields["ItemReader"]; reads {
		return ""
	}
	itemsPath := json.RawMessage(`"$"`)
	if v, ok := fields["ItemsPath"]; ok {
		itemsPath = v
	}
	items := map[string]any{"Type": "Pass", "Parameters": map[string]any{"v.$": itemsPath}, "OutputPath": "$.v", "Next": testPrefix + "rawItems"}
	selected := map[string]any{"Type": "Map", "ItemsPath": itemsPath, "Next": testPrefix + "rawSelected",
		"ItemProcessor": map[string]any{"StartAt": testPrefix + "item", "States": map[string]any{testPrefix + "item": map[string]any{"Type": "Pass", "End": true}}}}
	if ip, ok := fields["InputPath"]; ok {
		items["InputPath"], selected["InputPath"] = ip, ip
	}
	for _, f := range []string{"ItemSelector", "Parameters"} {
		if v, ok := fields[f]; ok {
			selected[f] = v
		}
	}
	states[testPrefix+"mapItems"] = items
	states[testPrefix+"rawItems"] = raw(testPrefix + "mapSelect")
	states[testPrefix+"mapSelect"] = selected
	states[testPrefix+"rawSelected"] = raw(next)
	return testPrefix + "mapItems"
}

// hasItemSelector reports whether a Map state shapes its items.
func hasItemSelector(fields map[string]json.RawMessage) bool {
	_, selector := fields["ItemSelector"]
	_, parameters := fields["Parameters"]
	return selector || parameters
}
