package sfnmock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// LoadMockConfig reads an AWS Step Functions Local MockConfigFile and
// returns a TaskInvoker that answers the Task states of test case
// testCase of the state machine named machineName with its mocked
// responses:
//
//	{
//	  "StateMachines": {
//	    "<machine>": {"TestCases": {"<test case>": {"<Task state>": "<response>"}}}
//	  },
//	  "MockedResponses": {
//	    "<response>": {
//	      "0":   {"Return": <any JSON>},
//	      "1-2": {"Throw": {"Error": "<name>", "Cause": "<text>"}}
//	    }
//	  }
//	}
//
// A response's keys are zero-based invocation numbers of the Task state
// within one execution, retries included: a single number or an
// inclusive range. Return is the task's result; Throw fails the task with
// the ASL error Error (Cause is optional). An invocation with no entry,
// and a Task state that the test case does not mock, fail the execution
// with States.Runtime naming the state.
//
// The whole file is validated, not only the selected test case: unknown
// or duplicate fields, wrong types, malformed or overlapping invocation
// keys and references to undefined responses are errors that give the
// JSON Pointer of the offending field.
func LoadMockConfig(data []byte, machineName, testCase string) (sfnrt.TaskInvoker, error) {
	if _, err := sfnrt.ParseJSON(data); err != nil {
		var se *sfnrt.SyntaxError
		if errors.As(err, &se) {
			line, col := mockLineCol(data, se.Offset)
			return nil, fmt.Errorf("mock config: invalid JSON at line %d, column %d: %s", line, col, se.Msg)
		}
		return nil, fmt.Errorf("mock config: %v", err)
	}
	c := &mockChecker{}
	machines, responses := c.file(data)
	if err := c.err(); err != nil {
		return nil, err
	}
	if machineName == "" {
		return nil, errors.New("mock config: a state machine name is required")
	}
	if testCase == "" {
		return nil, errors.New("mock config: a test case name is required")
	}
	cases, ok := machines[machineName]
	if !ok {
		return nil, fmt.Errorf("mock config: no state machine %q in StateMachines%s", machineName, mockHave(machines))
	}
	mapping, ok := cases[testCase]
	if !ok {
		return nil, fmt.Errorf("mock config: state machine %q has no test case %q%s", machineName, testCase, mockHave(cases))
	}
	m := &mockInvoker{machine: machineName, testCase: testCase, states: make(map[string]*mockResponse, len(mapping))}
	for state, resp := range mapping {
		m.states[state] = responses[resp]
	}
	return m, nil
}

// mockHave lists the keys of m for an error message.
func mockHave[V any](m map[string]V) string {
	if len(m) == 0 {
		return " (it has none)"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, strconv.Quote(k))
	}
	sort.Strings(keys)
	return " (it has " + strings.Join(keys, ", ") + ")"
}

type mockInvoker struct {
	machine, testCase string
	states            map[string]*mockResponse
}

type mockResponse struct {
	name    string
	entries []mockEntry
}

type mockEntry struct {
	from, to int // inclusive invocation range
	ret      any
	throw    *sfnrt.Error
}

// InvokeTask answers invocation number attempt of the Task state named
// state from the test case's mocked response.
func (m *mockInvoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	r := m.states[state]
	if r == nil {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, fmt.Sprintf("Task state '%s' has no mocked response in test case '%s' of state machine '%s'",
			state, m.testCase, m.machine))
	}
	for i := range r.entries {
		e := &r.entries[i]
		if attempt < e.from || attempt > e.to {
			continue
		}
		if e.throw != nil {
			return nil, &sfnrt.Error{Name: e.throw.Name, Cause: e.throw.Cause, HasCause: e.throw.HasCause}
		}
		return e.ret, nil
	}
	return nil, sfnrt.NewError(sfnrt.ErrRuntime, fmt.Sprintf("Mocked response '%s' of Task state '%s' has no entry for invocation %d (test case '%s' of state machine '%s')",
		r.name, state, attempt, m.testCase, m.machine))
}

// CompletesCallbacks reports that a mocked response stands for the
// callback of a .waitForTaskToken Task, as in Step Functions Local: the
// execution does not wait for a token.
func (m *mockInvoker) CompletesCallbacks() bool { return true }

// mockChecker walks a mock config, collecting every problem with the
// JSON Pointer where it was found.
type mockChecker struct {
	errs []string
}

const maxMockErrors = 20

func (c *mockChecker) errorf(ptr, format string, args ...any) {
	if ptr == "" {
		c.errs = append(c.errs, "mock config: "+fmt.Sprintf(format, args...))
		return
	}
	c.errs = append(c.errs, "mock config: "+ptr+": "+fmt.Sprintf(format, args...))
}

func (c *mockChecker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	errs := c.errs
	if len(errs) > maxMockErrors {
		errs = append(errs[:maxMockErrors:maxMockErrors], fmt.Sprintf("mock config: %d more errors", len(c.errs)-maxMockErrors))
	}
	return errors.New(strings.Join(errs, "\n"))
}

// A mockMember is one member of an object, its value still encoded.
type mockMember struct {
	key string
	raw []byte
}

// object decodes raw as an object, reporting a value of another type or a
// duplicate key. ok is false when raw is not an object.
func (c *mockChecker) object(raw []byte, ptr string) (members []mockMember, ok bool) {
	if t := mockJSONType(raw); t != "object" {
		c.errorf(ptr, "must be an object, not %s", mockArticle(t))
		return nil, false
	}
	all := objectMembers(raw)
	seen := make(map[string]bool, len(all))
	for _, m := range all {
		if seen[m.key] {
			c.errorf(mockPointer(ptr, m.key), "duplicate key %q", m.key)
			continue
		}
		seen[m.key] = true
		members = append(members, m)
	}
	return members, true
}

// fields decodes an object with a fixed set of allowed fields.
func (c *mockChecker) fields(raw []byte, ptr string, allowed ...string) (map[string][]byte, bool) {
	members, ok := c.object(raw, ptr)
	if !ok {
		return nil, false
	}
	out := make(map[string][]byte, len(members))
	for _, m := range members {
		known := false
		for _, a := range allowed {
			known = known || m.key == a
		}
		if !known {
			c.errorf(mockPointer(ptr, m.key), "unknown field %q (allowed: %s)", m.key, mockQuoteList(allowed))
			continue
		}
		out[m.key] = m.raw
	}
	return out, true
}

func (c *mockChecker) str(raw []byte, ptr string) (string, bool) {
	if t := mockJSONType(raw); t != "string" {
		c.errorf(ptr, "must be a string, not %s", mockArticle(t))
		return "", false
	}
	s, ok := parseString(raw)
	if !ok {
		c.errorf(ptr, "not a valid JSON string")
		return "", false
	}
	return s, true
}

// file checks the whole document and returns machine name → test case
// name → state name → response name, and the responses by name.
func (c *mockChecker) file(data []byte) (map[string]map[string]map[string]string, map[string]*mockResponse) {
	top, ok := c.fields(data, "", "StateMachines", "MockedResponses")
	if !ok {
		return nil, nil
	}
	responses := map[string]*mockResponse{}
	responsesOK := false
	if raw, ok := top["MockedResponses"]; ok {
		members, ok := c.object(raw, "/MockedResponses")
		responsesOK = ok
		for _, m := range members {
			if r := c.response(m.raw, mockPointer("/MockedResponses", m.key)); r != nil {
				r.name = m.key
				responses[m.key] = r
			}
		}
	} else {
		c.errorf("", `missing required field "MockedResponses" at the top level`)
	}
	machines := map[string]map[string]map[string]string{}
	raw, ok := top["StateMachines"]
	if !ok {
		c.errorf("", `missing required field "StateMachines" at the top level`)
		return machines, responses
	}
	members, _ := c.object(raw, "/StateMachines")
	for _, m := range members {
		mptr := mockPointer("/StateMachines", m.key)
		f, ok := c.fields(m.raw, mptr, "TestCases")
		if !ok {
			continue
		}
		tcRaw, ok := f["TestCases"]
		if !ok {
			c.errorf(mptr, `missing required field "TestCases"`)
			continue
		}
		cases := map[string]map[string]string{}
		tcs, _ := c.object(tcRaw, mockPointer(mptr, "TestCases"))
		for _, tc := range tcs {
			tptr := mockPointer(mockPointer(mptr, "TestCases"), tc.key)
			states, ok := c.object(tc.raw, tptr)
			if !ok {
				continue
			}
			mapping := make(map[string]string, len(states))
			for _, s := range states {
				sptr := mockPointer(tptr, s.key)
				name, ok := c.str(s.raw, sptr)
				if !ok {
					continue
				}
				if _, ok := responses[name]; !ok {
					if _, defined := mockLookup(top["MockedResponses"], name); !defined && responsesOK {
						c.errorf(sptr, "mocked response %q is not defined in MockedResponses", name)
					}
					continue
				}
				mapping[s.key] = name
			}
			cases[tc.key] = mapping
		}
		machines[m.key] = cases
	}
	return machines, responses
}

// mockLookup reports whether the object raw has key, for telling an
// undefined response from one that is defined but invalid.
func mockLookup(raw []byte, key string) ([]byte, bool) {
	for _, m := range objectMembers(raw) {
		if m.key == key {
			return m.raw, true
		}
	}
	return nil, false
}

// response checks one mocked response; nil when it is invalid.
func (c *mockChecker) response(raw []byte, ptr string) *mockResponse {
	members, ok := c.object(raw, ptr)
	if !ok {
		return nil
	}
	before := len(c.errs)
	if len(members) == 0 {
		c.errorf(ptr, "a mocked response needs at least one invocation entry such as \"0\"")
	}
	r := &mockResponse{}
	for _, m := range members {
		eptr := mockPointer(ptr, m.key)
		from, to, keyOK := mockInvocationRange(m.key)
		if !keyOK {
			c.errorf(eptr, "invalid invocation key %q: want a zero-based invocation number such as \"0\" or an inclusive range such as \"1-2\"", m.key)
		} else {
			for _, prev := range r.entries {
				if from <= prev.to && prev.from <= to {
					c.errorf(eptr, "invocation key %q overlaps an earlier key covering invocations %d to %d", m.key, prev.from, prev.to)
					break
				}
			}
		}
		// The entry is checked even under a bad key, and its range
		// counts for overlaps even when the entry is bad.
		e := c.entry(m.raw, eptr)
		if keyOK {
			e.from, e.to = from, to
			r.entries = append(r.entries, e)
		}
	}
	if len(c.errs) > before {
		return nil
	}
	return r
}

// entry checks one invocation entry: {"Return": …} or {"Throw": {…}}.
func (c *mockChecker) entry(raw []byte, ptr string) mockEntry {
	var e mockEntry
	f, ok := c.fields(raw, ptr, "Return", "Throw")
	if !ok {
		return e
	}
	ret, hasRet := f["Return"]
	thr, hasThrow := f["Throw"]
	switch {
	case hasRet && hasThrow:
		c.errorf(ptr, `"Return" and "Throw" are mutually exclusive`)
	case !hasRet && !hasThrow:
		c.errorf(ptr, `one of "Return" or "Throw" is required`)
	case hasRet:
		v, err := sfnrt.ParseJSON(ret)
		if err != nil {
			c.errorf(mockPointer(ptr, "Return"), "%v", err)
		}
		e.ret = v
	default:
		tptr := mockPointer(ptr, "Throw")
		tf, ok := c.fields(thr, tptr, "Error", "Cause")
		if !ok {
			return e
		}
		e.throw = &sfnrt.Error{}
		if raw, ok := tf["Error"]; !ok {
			c.errorf(tptr, `missing required field "Error"`)
		} else if name, ok := c.str(raw, mockPointer(tptr, "Error")); ok {
			if name == "" {
				c.errorf(mockPointer(tptr, "Error"), "must not be empty")
			}
			e.throw.Name = name
		}
		if raw, ok := tf["Cause"]; ok {
			if cause, ok := c.str(raw, mockPointer(tptr, "Cause")); ok {
				e.throw.Cause, e.throw.HasCause = cause, true
			}
		}
	}
	return e
}

// mockInvocationRange parses "3" or "1-2" (no signs, no leading zeros).
func mockInvocationRange(key string) (from, to int, ok bool) {
	lo, hi, isRange := strings.Cut(key, "-")
	from, ok = mockInvocationNumber(lo)
	if !ok {
		return 0, 0, false
	}
	if !isRange {
		return from, from, true
	}
	to, ok = mockInvocationNumber(hi)
	if !ok || to < from {
		return 0, 0, false
	}
	return from, to, true
}

func mockInvocationNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// mockPointer appends key to the JSON Pointer ptr (RFC 6901).
func mockPointer(ptr, key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return ptr + "/" + key
}

// mockJSONType names the type of an encoded JSON value.
func mockJSONType(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func mockArticle(t string) string {
	switch t {
	case "object", "array":
		return "an " + t
	case "null", "nothing":
		return t
	}
	return "a " + t
}

func mockQuoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// mockLineCol turns a byte offset into a 1-based line and column.
func mockLineCol(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	line = 1 + bytes.Count(data[:offset], []byte("\n"))
	col = offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}
