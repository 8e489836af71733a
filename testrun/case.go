package testrun

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The files of a case folder.
const (
	DefinitionFile = "definition.asl.json"
	InputFile      = "input.json"
	ExpectedFile   = "expected.json"
	MockConfigFile = "mock-config.json"
)

// Statuses of an outcome besides the execution statuses of sfnrt.
const (
	// StatusInvalid: the definition does not compile.
	StatusInvalid = "INVALID"
	// StatusError: the case could not be run (a codegen error, generated
	// code that does not build, a crash).
	StatusError = "ERROR"
)

// A Case is one test case folder.
type Case struct {
	// ID names the case: "<category>/<case>", the folder's parent and
	// base names.
	ID string
	// Dir is the folder.
	Dir string

	Definition []byte
	Input      []byte // the input document; "{}" when input.json is absent
	Expected   *Expected
	// MockConfig is the content of mock-config.json, nil when absent.
	MockConfig []byte

	// Err reports a case folder that cannot be used (unreadable, a
	// malformed expected.json or input.json): such a case fails.
	Err error
}

// An Expected is a parsed expected.json.
type Expected struct {
	Status string

	Output    any
	HasOutput bool
	// Error and Cause are strings, except the error object of an INVALID
	// case ({"code", "message"}).
	Error, Cause       any
	HasError, HasCause bool

	States    []any // *sfnrt.Object events; nil when absent
	HasStates bool

	MachineType      string // STANDARD or EXPRESS
	Nondeterministic []string
	Mock             *MockRef
	// Source names where the recording came from (for the conformance
	// cases, a LocalStack test and snapshot key).
	Source string
}

// A MockRef selects the test case of a case's mock config.
type MockRef struct {
	StateMachine string
	TestCase     string
}

// Type returns the state machine type the case runs with.
func (e *Expected) Type() string {
	if e == nil || e.MachineType == "" {
		return "STANDARD"
	}
	return e.MachineType
}

// FindCases returns the case folders under paths, sorted by ID: every
// folder holding a definition.asl.json, at any depth. A path may itself
// be a case folder. A path that does not exist is an error.
func FindCases(paths []string) ([]*Case, error) {
	return findCases(paths, DefinitionFile)
}

// findCases returns the folders under paths holding a file called marker.
func findCases(paths []string, marker string) ([]*Case, error) {
	var dirs []string
	seen := map[string]bool{}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s: not a directory: a test case is a folder holding %s, %s and %s", root, DefinitionFile, InputFile, ExpectedFile)
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.IsDir() || d.Name() != marker {
				return nil
			}
			dir := filepath.Dir(p)
			abs, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			if !seen[abs] {
				seen[abs] = true
				dirs = append(dirs, dir)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	ids := caseIDs(dirs)
	cases := make([]*Case, len(dirs))
	for i, dir := range dirs {
		cases[i] = &Case{ID: ids[i], Dir: dir}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	return cases, nil
}

// caseIDs names each folder by its last two path elements, or more where
// that is ambiguous.
func caseIDs(dirs []string) []string {
	elems := make([][]string, len(dirs))
	n := make([]int, len(dirs))
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			abs = d
		}
		elems[i] = strings.Split(strings.Trim(filepath.ToSlash(filepath.Clean(abs)), "/"), "/")
		n[i] = 2
	}
	ids := make([]string, len(dirs))
	for {
		count := map[string]int{}
		for i, e := range elems {
			k := min(n[i], len(e))
			ids[i] = strings.Join(e[len(e)-k:], "/")
			count[ids[i]]++
		}
		longer := false
		for i, e := range elems {
			if count[ids[i]] > 1 && n[i] < len(e) {
				n[i]++
				longer = true
			}
		}
		if !longer {
			return ids
		}
	}
}

// Load reads the files of the case folder. A problem with them is
// recorded in c.Err.
func (c *Case) Load() {
	c.Err = c.load(true)
}

func (c *Case) load(needDefinition bool) error {
	def, err := os.ReadFile(filepath.Join(c.Dir, DefinitionFile))
	if err != nil && (needDefinition || !errors.Is(err, fs.ErrNotExist)) {
		return err
	}
	c.Definition = def
	exp, err := os.ReadFile(filepath.Join(c.Dir, ExpectedFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no %s: a test case needs the outcome it expects", ExpectedFile)
		}
		return err
	}
	c.Expected, err = ParseExpected(exp)
	if err != nil {
		return fmt.Errorf("%s: %w", ExpectedFile, err)
	}
	c.Input = []byte("{}")
	if in, err := os.ReadFile(filepath.Join(c.Dir, InputFile)); err == nil {
		if _, err := sfnrt.ParseJSON(in); err != nil {
			return fmt.Errorf("%s: %w", InputFile, err)
		}
		c.Input = in
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if mc, err := os.ReadFile(filepath.Join(c.Dir, MockConfigFile)); err == nil {
		c.MockConfig = mc
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	switch {
	case c.MockConfig != nil && c.Expected.Mock == nil && c.Expected.Status != StatusInvalid:
		return fmt.Errorf(`%s is present but %s has no "mock": {"state_machine": NAME, "test_case": NAME} to select its test case`, MockConfigFile, ExpectedFile)
	case c.MockConfig == nil && c.Expected.Mock != nil:
		return fmt.Errorf(`%s names a mock test case but there is no %s`, ExpectedFile, MockConfigFile)
	case c.MockConfig != nil && c.Expected.Mock != nil:
		if _, err := sfnmock.LoadMockConfig(c.MockConfig, c.Expected.Mock.StateMachine, c.Expected.Mock.TestCase); err != nil {
			return fmt.Errorf("%s: %w", MockConfigFile, err)
		}
	}
	return nil
}

// ParseExpected parses the content of an expected.json.
func ParseExpected(data []byte) (*Expected, error) {
	v, err := sfnrt.ParseJSON(data)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*sfnrt.Object)
	if !ok {
		return nil, fmt.Errorf("want a JSON object, not %s", sfnrt.TypeName(v))
	}
	e := &Expected{}
	str := func(key string) (string, bool, error) {
		v, ok := o.Get(key)
		if !ok {
			return "", false, nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", true, fmt.Errorf("%q must be a string, not %s", key, sfnrt.TypeName(v))
		}
		return s, true, nil
	}
	status, ok, err := str("status")
	if err != nil {
		return nil, err
	}
	switch status {
	case sfnrt.StatusSucceeded, sfnrt.StatusFailed, sfnrt.StatusTimedOut, sfnrt.StatusAborted, StatusInvalid:
	default:
		if !ok {
			return nil, fmt.Errorf(`missing "status"`)
		}
		return nil, fmt.Errorf(`"status" %q: want SUCCEEDED, FAILED, TIMED_OUT, ABORTED or INVALID`, status)
	}
	e.Status = status
	e.Output, e.HasOutput = o.Get("output")
	e.Error, e.HasError = o.Get("error")
	e.Cause, e.HasCause = o.Get("cause")
	if status != StatusInvalid {
		for _, k := range []string{"error", "cause"} {
			if v, ok := o.Get(k); ok {
				if _, isStr := v.(string); !isStr {
					return nil, fmt.Errorf("%q must be a string, not %s", k, sfnrt.TypeName(v))
				}
			}
		}
	}
	if status != sfnrt.StatusSucceeded && e.HasOutput {
		return nil, fmt.Errorf(`"output" is only recorded for status SUCCEEDED`)
	}
	if v, ok := o.Get("states"); ok {
		list, isList := v.([]any)
		if !isList {
			return nil, fmt.Errorf(`"states" must be an array, not %s`, sfnrt.TypeName(v))
		}
		for i, ev := range list {
			eo, isObj := ev.(*sfnrt.Object)
			if !isObj {
				return nil, fmt.Errorf(`"states"[%d] must be an object, not %s`, i, sfnrt.TypeName(ev))
			}
			for _, k := range []string{"type", "name"} {
				if s, ok := eo.Get(k); !ok {
					return nil, fmt.Errorf(`"states"[%d] has no %q`, i, k)
				} else if _, isStr := s.(string); !isStr {
					return nil, fmt.Errorf(`"states"[%d].%s must be a string`, i, k)
				}
			}
		}
		e.States, e.HasStates = list, true
	}
	mt, _, err := str("machine_type")
	if err != nil {
		return nil, err
	}
	switch mt {
	case "", "STANDARD", "EXPRESS":
		e.MachineType = mt
	default:
		return nil, fmt.Errorf(`"machine_type" %q: want STANDARD or EXPRESS`, mt)
	}
	if v, ok := o.Get("nondeterministic"); ok {
		list, isList := v.([]any)
		if !isList {
			return nil, fmt.Errorf(`"nondeterministic" must be an array of strings`)
		}
		for _, p := range list {
			s, isStr := p.(string)
			if !isStr || s == "" {
				return nil, fmt.Errorf(`"nondeterministic" must be an array of non-empty strings`)
			}
			e.Nondeterministic = append(e.Nondeterministic, s)
		}
	}
	if e.Source, _, err = str("source"); err != nil {
		return nil, err
	}
	if v, ok := o.Get("mock"); ok {
		mo, isObj := v.(*sfnrt.Object)
		sm, _ := mo.Get("state_machine")
		tc, _ := mo.Get("test_case")
		sms, ok1 := sm.(string)
		tcs, ok2 := tc.(string)
		if !isObj || !ok1 || !ok2 || sms == "" || tcs == "" {
			return nil, fmt.Errorf(`"mock" must be {"state_machine": NAME, "test_case": NAME}`)
		}
		e.Mock = &MockRef{StateMachine: sms, TestCase: tcs}
	}
	return e, nil
}
