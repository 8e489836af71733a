package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A tested state's catchers run in the test machine, so that the engine
// shapes a caught error's output exactly as in an execution (ResultPath,
// or a JSONata catcher's Output and Assign): each catcher goes on to a
// Succeed state of its own, sfn-compile.test.catchN, whose input is that
// output. Retry stays out of the machine: TestState reports a retrier
// that matches (RETRIABLE) rather than retrying, and a retrier comes
// before the catchers.

// catchState names the state catcher i goes on to in the test machine.
func catchState(i int) string { return fmt.Sprintf("%scatch%d", testPrefix, i) }

// catchers returns the Catch field as written (key order kept) with each
// catcher going on to its catchState, adding those states to states;
// nil when the state has no catchers.
func catchers(field json.RawMessage, states map[string]any) json.RawMessage {
	var list []json.RawMessage
	if json.Unmarshal(field, &list) != nil || len(list) == 0 {
		return nil
	}
	for i, c := range list {
		members, ok := objectMembers(bytes.TrimSpace(c))
		if !ok {
			return nil // not a catcher: the definition's checks said so
		}
		for j, m := range members {
			if m.key == "Next" {
				members[j].value, _ = json.Marshal(catchState(i))
			}
		}
		list[i] = marshalMembers(members)
		states[catchState(i)] = map[string]any{"Type": "Succeed"}
	}
	return marshalItems(list)
}

// A caughtError is a catcher that caught the tested state's error in the
// test machine, and its output.
type caughtError struct {
	index  int
	output string
}

// caught returns the catcher the test machine went on to, or nil.
func caught(events []map[string]any) *caughtError {
	for _, e := range events {
		d, _ := e["stateEnteredEventDetails"].(map[string]any)
		name, _ := d["name"].(string)
		var i int
		if rest, ok := strings.CutPrefix(name, testPrefix+"catch"); ok {
			if _, err := fmt.Sscanf(rest, "%d", &i); err == nil {
				output, _ := d["input"].(string)
				return &caughtError{index: i, output: output}
			}
		}
	}
	return nil
}

// stateError returns the error the tested state's task failed with (its
// TaskFailed, LambdaFunctionFailed, ... event), or nil.
func stateError(events []map[string]any) *sfnrt.Error {
	var found *sfnrt.Error
	for _, e := range events {
		typ, _ := e["type"].(string)
		if strings.HasPrefix(typ, "Execution") || !(strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut")) {
			continue
		}
		d, _ := e[lowerFirstASCII(typ)+"EventDetails"].(map[string]any)
		name, ok := d["error"].(string)
		if !ok {
			continue
		}
		found = &sfnrt.Error{Name: name}
		found.Cause, found.HasCause = d["cause"].(string)
	}
	return found
}
