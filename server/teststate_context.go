package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// TestState's context (given with a mock) is the whole context object of
// the tested state: AWS answers $$ with exactly what was given, {} for {}
// (its recorded answers, LocalStack's AWS-validated
// test_state_context_object snapshots). The test machine carries it in a
// variable: its input is {"i": INPUT, "c": CONTEXT}, a first state
// assigns CONTEXT to the variable and passes INPUT on, and the tested
// state's references to the context ($$ in JSONPath, $states.context in
// JSONata) name the variable instead.

const (
	testContextVar   = "sfnCompileTestContext"
	testContextInput = "c"
	testInputMember  = "i"
)

// contextFields are the members a TestState context may have, with their
// types: "string", "integer", or "" for any JSON value.
var contextFields = map[string]map[string]string{
	"Execution":    {"Id": "string", "Input": "", "Name": "string", "RoleArn": "string", "StartTime": "string", "RedriveCount": "integer", "RedriveTime": "string"},
	"State":        {"EnteredTime": "string", "Name": "string", "RetryCount": "integer"},
	"StateMachine": {"Id": "string", "Name": "string"},
	"Task":         {"Token": "string"},
}

// checkTestContext checks a TestState context as AWS does, with AWS's
// messages where recorded (an unknown field, Map, a field of the wrong
// type, Task for a state that has no task token).
func checkTestContext(context string, state map[string]any) error {
	invalid := func(format string, args ...any) error {
		return errorf(codeValidation, "Invalid Context object provided: "+format, args...)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(context), &doc); err != nil || doc == nil {
		return invalid("the context must be a JSON object")
	}
	for _, section := range slices.Sorted(maps.Keys(doc)) {
		if section == "Map" {
			return invalid("'Map' field is not supported when mocking a Context object")
		}
		fields, ok := contextFields[section]
		if !ok {
			return invalid("Field '%s' is not allowed", section)
		}
		if isNull(doc[section]) {
			continue
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(doc[section], &members) != nil {
			return invalid("%s must be an object", section)
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			typ, ok := fields[name]
			if !ok {
				return invalid("Field '%s' is not allowed", name)
			}
			if err := checkContextType(members[name], typ); err != "" {
				return invalid("%s.%s must be %s", section, name, err)
			}
		}
	}
	if _, hasTask := doc["Task"]; hasTask {
		resource, _ := state["Resource"].(string)
		if state["Type"] != "Task" || !(strings.HasSuffix(resource, ".sync") || strings.HasSuffix(resource, ".sync:2") || strings.HasSuffix(resource, ".waitForTaskToken")) {
			return invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern")
		}
	}
	return nil
}

// checkContextType returns what value should be ("a string", "an
// integer") when it is not of type typ, "" when it is.
func checkContextType(value json.RawMessage, typ string) string {
	if isNull(value) {
		return ""
	}
	var v any
	json.Unmarshal(value, &v)
	switch typ {
	case "string":
		if _, ok := v.(string); !ok {
			return "a string"
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			return "an integer"
		}
	}
	return ""
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// testContextStates returns the state that starts a test machine run
// with a context: it keeps the context in the variable and passes the
// input on to next.
func testContextState(next string) map[string]any {
	return map[string]any{"Type": "Pass", "Assign": map[string]any{testContextVar + ".$": "$." + testContextInput},
		"OutputPath": "$." + testInputMember, "Next": next}
}

// testContextInputOf wraps a test's input with its context.
func testContextInputOf(input []byte, context string) []byte {
	return []byte(fmt.Sprintf(`{%q:%s,%q:%s}`, testInputMember, input, testContextInput, context))
}

// contextToVariable rewrites the state's fields (JSON as written, key
// order kept) so that their references to the context name the context
// variable: in JSONPath, the paths and intrinsic functions of "NAME.$"
// members and of the ...Path fields; in JSONata, $states.context in
// "{% %}" expressions.
func contextToVariable(fields map[string]json.RawMessage, jsonPath bool) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(fields))
	for name, v := range fields {
		isPath := jsonPath && strings.HasSuffix(name, "Path") && name != "ResultPath"
		out[name] = rewriteContextRefs(v, jsonPath, isPath)
	}
	return out
}

// rewriteContextRefs rewrites one JSON value; evaluated says the value,
// a string, is a path or intrinsic function (JSONPath).
func rewriteContextRefs(v json.RawMessage, jsonPath, evaluated bool) json.RawMessage {
	trimmed := bytes.TrimSpace(v)
	if len(trimmed) == 0 {
		return v
	}
	switch trimmed[0] {
	case '{':
		members, ok := objectMembers(trimmed)
		if !ok {
			return v
		}
		for i, m := range members {
			members[i].value = rewriteContextRefs(m.value, jsonPath, jsonPath && strings.HasSuffix(m.key, ".$"))
		}
		return marshalMembers(members)
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(trimmed, &items) != nil {
			return v
		}
		for i, item := range items {
			items[i] = rewriteContextRefs(item, jsonPath, false)
		}
		return marshalItems(items)
	case '"':
		var s string
		if json.Unmarshal(trimmed, &s) != nil {
			return v
		}
		switch {
		case jsonPath && evaluated:
			s = replaceOutsideQuotes(s, "$$", "$"+testContextVar, "'")
		case !jsonPath && strings.HasPrefix(strings.TrimSpace(s), "{%"):
			s = replaceOutsideQuotes(s, "$states.context", "$"+testContextVar, `"'`)
		default:
			return v
		}
		out, _ := json.Marshal(s)
		return out
	}
	return v
}

// replaceOutsideQuotes replaces each ref in s that no identifier
// character follows, outside the string literals that quotes open
// (backslash escapes inside them).
func replaceOutsideQuotes(s, ref, with, quotes string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			b.WriteByte(c)
			if c == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			} else if c == quote {
				quote = 0
			}
		case strings.IndexByte(quotes, c) >= 0:
			quote = c
			b.WriteByte(c)
		case strings.HasPrefix(s[i:], ref) && !identChar(s, i+len(ref)):
			b.WriteString(with)
			i += len(ref) - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// identChar reports whether s has a character of an identifier at i.
func identChar(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
