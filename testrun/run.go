package testrun

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Options configure Run.
type Options struct {
	// Run selects the cases whose ID it matches; nil selects all.
	Run *regexp.Regexp
	// ModuleDir is the root of an sfn-compile module (its go.mod and
	// runtime/sfnrt) that the test program is built against. Empty: the
	// source tree this package was compiled from, when it is still there.
	ModuleDir string
	// Parallel is how many executions run at once; default GOMAXPROCS.
	Parallel int
	// Timeout bounds one execution in real time; it then counts as
	// ABORTED. Default one minute.
	Timeout time.Duration
	// WorkDir is where the test program is built, and kept. Default: the
	// work directory in CacheDir, else a temporary directory removed
	// afterwards.
	WorkDir string
	// CacheDir, when set, holds a work directory that later runs reuse:
	// the go command then finds the generated packages that did not
	// change in its build cache. A run that finds it in use by another
	// builds in a temporary directory instead.
	CacheDir string
	// Go is the go command; default "go" from PATH.
	Go string
	// Log, when set, receives progress messages: steps and timings.
	Log io.Writer
	// History says which executions keep an execution history; by
	// default those whose expected.json lists states.
	History HistoryMode
}

// HistoryMode says which executions of a run keep a history.
type HistoryMode int

const (
	// HistoryWhenExpected keeps one where expected.json lists states.
	HistoryWhenExpected HistoryMode = iota
	// HistoryAlways keeps one for every execution: generated code runs
	// state by state.
	HistoryAlways
	// HistoryNever keeps none, as built binaries and Lambda handlers
	// run: generated code takes its fused path (sfnimpl.Program.Fast).
	// Everything but the states is compared.
	HistoryNever
)

// A CaseResult is the verdict on one case.
type CaseResult struct {
	Case    *Case
	Pass    bool
	Outcome *Outcome
	// Diffs says what differed from expected.json, one line each, the
	// most important first; empty when the case passes.
	Diffs []string
}

// ID returns the case's ID.
func (r *CaseResult) ID() string { return r.Case.ID }

// Reason returns the first line of the differences: why the case
// failed. It is empty for a passing case.
func (r *CaseResult) Reason() string {
	if len(r.Diffs) == 0 {
		return ""
	}
	return r.Diffs[0]
}

// Result returns the outcome as a JSON document: the
// DescribeExecution-shaped document of an execution (status, output as a
// JSON string, error, cause, ...), {"status": "INVALID", "diagnostics":
// [...]} for a definition that does not compile, or {"status": "ERROR",
// "message": ...} for a case that could not be run.
func (r *CaseResult) Result() *sfnrt.Object {
	o := r.Outcome
	switch {
	case o == nil:
		return sfnrt.ObjectOf(sfnrt.Member{Key: "status", Value: StatusError})
	case o.Status == StatusInvalid:
		diags := make([]any, len(o.Diagnostics))
		for i, d := range o.Diagnostics {
			diags[i] = d
		}
		return sfnrt.ObjectOf(sfnrt.Member{Key: "status", Value: StatusInvalid}, sfnrt.Member{Key: "diagnostics", Value: diags})
	case o.Status == StatusError || o.Describe == nil:
		return sfnrt.ObjectOf(sfnrt.Member{Key: "status", Value: StatusError}, sfnrt.Member{Key: "message", Value: o.Message})
	}
	return o.Describe
}

// JSON returns the verdict as one JSON object: {"case": ID, "pass":
// bool, "result": Result()}.
func (r *CaseResult) JSON() *sfnrt.Object {
	return sfnrt.ObjectOf(
		sfnrt.Member{Key: "case", Value: r.Case.ID},
		sfnrt.Member{Key: "pass", Value: r.Pass},
		sfnrt.Member{Key: "result", Value: r.Result()},
	)
}

// A unit is one distinct definition (with its machine type): compiled
// once, one generated package.
type unit struct {
	pkg      string
	src      []byte
	typ      string
	filename string
	cases    []*Case

	diags   []string // when invalid
	invalid bool
	genErr  string // codegen or go build failed
	code    []byte
}

// Run runs the test cases found under paths (see FindCases) and returns
// their verdicts, sorted by ID. The error reports what kept the whole run
// from happening: a path that does not exist, no go command, a runtime
// that does not build. Problems of single cases are failed verdicts.
func Run(paths []string, opts Options) ([]*CaseResult, error) {
	start := time.Now()
	cases, err := FindCases(paths)
	if err != nil {
		return nil, err
	}
	if opts.Run != nil {
		kept := cases[:0]
		for _, c := range cases {
			if opts.Run.MatchString(c.ID) {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = goruntime.GOMAXPROCS(0)
	}
	forEach(cases, parallel, func(c *Case) {
		c.Load()
		if opts.History == HistoryNever && c.Expected != nil {
			e := *c.Expected
			e.HasStates = false
			c.Expected = &e
		}
	})

	results := make(map[*Case]*CaseResult, len(cases))
	units := groupUnits(cases, results)
	forEach(units, parallel, compileUnit)
	logf(opts.Log, "compiled %d definitions for %d cases: %s\n", len(units), len(cases), time.Since(start).Round(time.Millisecond))

	var runnable []*unit
	for _, u := range units {
		switch {
		case u.invalid:
			for _, c := range u.cases {
				// Diagnostics name each case's own file.
				diags := make([]string, len(u.diags))
				for i, d := range u.diags {
					diags[i] = c.ID + "/" + DefinitionFile + ":" + d
				}
				results[c] = verdict(c, &Outcome{Status: StatusInvalid, Diagnostics: diags})
			}
		case u.genErr != "":
			for _, c := range u.cases {
				results[c] = verdict(c, &Outcome{Status: StatusError, Message: u.genErr})
			}
		default:
			runnable = append(runnable, u)
		}
	}
	if len(runnable) > 0 {
		if err := runUnits(runnable, opts, parallel, results); err != nil {
			return nil, err
		}
	}
	out := make([]*CaseResult, len(cases))
	for i, c := range cases {
		out[i] = results[c]
	}
	logf(opts.Log, "total: %s\n", time.Since(start).Round(time.Millisecond))
	return out, nil
}

// groupUnits gathers the loaded cases by definition and type; cases that
// failed to load get their verdict at once.
func groupUnits(cases []*Case, results map[*Case]*CaseResult) []*unit {
	byKey := map[string]*unit{}
	var units []*unit
	for _, c := range cases {
		if c.Err != nil {
			results[c] = verdict(c, &Outcome{Status: StatusError, Message: c.Err.Error()})
			continue
		}
		typ := c.Expected.Type()
		sum := sha256.Sum256(append([]byte(typ+"\x00"), c.Definition...))
		key := string(sum[:])
		u := byKey[key]
		if u == nil {
			// The package is named after its content, so that it is
			// the same, and cached by the go command, from run to run.
			u = &unit{
				pkg:      "c" + hex.EncodeToString(sum[:])[:12],
				src:      c.Definition,
				typ:      typ,
				filename: c.ID + "/" + DefinitionFile,
			}
			byKey[key] = u
			units = append(units, u)
		}
		u.cases = append(u.cases, c)
	}
	return units
}

// compileUnit compiles and generates a definition. A panic of the
// compiler or codegen is the unit's failure, not the run's.
func compileUnit(u *unit) {
	defer func() {
		if r := recover(); r != nil {
			u.genErr = fmt.Sprintf("panic while compiling: %v", r)
		}
	}()
	// No file name: the diagnostics are shared by the unit's cases, and
	// each gets its own file name in front.
	m, diags := compiler.Compile(u.src, compiler.Options{Type: u.typ})
	if m == nil {
		u.invalid = true
		for _, d := range diags {
			u.diags = append(u.diags, d.String())
		}
		return
	}
	code, err := codegen.Generate(m, codegen.Options{Package: u.pkg, Source: u.filename, Name: u.pkg})
	if err != nil {
		u.genErr = err.Error()
		return
	}
	u.code = code
}

// runUnits builds the generated packages into one program and runs every
// case of them.
func runUnits(units []*unit, opts Options, parallel int, results map[*Case]*CaseResult) error {
	mod, err := findModule(opts.ModuleDir)
	if err != nil {
		return err
	}
	goc := opts.Go
	if goc == "" {
		goc, err = exec.LookPath("go")
		if err != nil {
			return fmt.Errorf("running test cases needs the go command to build them: %w", err)
		}
	}
	dir := opts.WorkDir
	if dir == "" && opts.CacheDir != "" {
		if d, unlock, ok := lockWorkDir(opts.CacheDir); ok {
			defer unlock()
			dir = d
		}
	}
	if dir == "" {
		dir, err = os.MkdirTemp("", "sfn-compile-test-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	p := &program{dir: dir, mod: mod, goc: goc, log: opts.Log, pkgs: map[string][]byte{}}
	var names []string
	for _, u := range units {
		p.pkgs[u.pkg] = u.code
		names = append(names, u.pkg)
	}
	start := time.Now()
	bin, broken, err := p.build(names)
	if err != nil {
		return err
	}
	logf(opts.Log, "built the test program: %s\n", time.Since(start).Round(time.Millisecond))

	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	var jobs []*runJob
	jobCase := map[int]*Case{}
	for _, u := range units {
		if msg, bad := broken[u.pkg]; bad {
			for _, c := range u.cases {
				results[c] = verdict(c, &Outcome{Status: StatusError, Message: "the generated Go code does not compile: " + msg})
			}
			continue
		}
		for _, c := range u.cases {
			j, err := newJob(len(jobs), u.pkg, c, timeout, opts.History)
			if err != nil {
				results[c] = verdict(c, &Outcome{Status: StatusError, Message: err.Error()})
				continue
			}
			jobCase[j.Job] = c
			jobs = append(jobs, j)
		}
	}
	start = time.Now()
	res := p.execute(bin, jobs, parallel, timeout+30*time.Second)
	logf(opts.Log, "ran %d executions: %s\n", len(jobs), time.Since(start).Round(time.Millisecond))
	for _, j := range jobs {
		c := jobCase[j.Job]
		r := res[j.Job]
		switch {
		case r == nil:
			results[c] = verdict(c, &Outcome{Status: StatusError, Message: "the test program wrote no result"})
		case r.err != "":
			results[c] = verdict(c, &Outcome{Status: StatusError, Message: r.err})
		default:
			results[c] = verdict(c, outcomeOf(r.describe, r.history))
		}
	}
	return nil
}

// newJob describes the execution of case c.
func newJob(n int, pkg string, c *Case, timeout time.Duration, history HistoryMode) (*runJob, error) {
	j := &runJob{
		Job:       n,
		Package:   pkg,
		Input:     c.Input,
		Type:      c.Expected.Type(),
		Machine:   MachineName(c),
		Seed:      caseSeed(c),
		History:   history == HistoryAlways || c.Expected.HasStates,
		TimeoutMS: timeout.Milliseconds(),
	}
	if c.Expected.Mock != nil {
		abs, err := filepath.Abs(filepath.Join(c.Dir, MockConfigFile))
		if err != nil {
			return nil, err
		}
		j.MockConfig = abs
		j.StateMachine = c.Expected.Mock.StateMachine
		j.TestCase = c.Expected.Mock.TestCase
	}
	return j, nil
}

// caseSeed returns the seed of a case's random numbers and UUIDs, from
// its ID, so that a case runs the same every time.
func caseSeed(c *Case) int64 {
	h := fnv.New64a()
	h.Write([]byte(c.ID))
	return int64(h.Sum64() >> 1)
}

// MachineName returns the state machine name a case runs under: the mock
// config's state machine when it has one, else its folder's name made
// valid for AWS (letters, digits, - and _, at most 80 characters).
func MachineName(c *Case) string {
	if c.Expected != nil && c.Expected.Mock != nil {
		return c.Expected.Mock.StateMachine
	}
	var b strings.Builder
	for _, r := range filepath.Base(c.Dir) {
		if b.Len() >= 80 {
			break
		}
		if r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "machine"
	}
	return b.String()
}

// verdict compares an outcome with the case's expectation.
func verdict(c *Case, o *Outcome) *CaseResult {
	r := &CaseResult{Case: c, Outcome: o}
	if c.Expected == nil {
		r.Diffs = Compare(&Expected{}, o)
		if len(r.Diffs) == 0 {
			r.Diffs = []string{"no expected outcome"}
		}
		return r
	}
	r.Diffs = Compare(c.Expected, o)
	r.Pass = len(r.Diffs) == 0
	return r
}

// forEach calls f on every element of list, n at a time.
func forEach[T any](list []T, n int, f func(T)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, n))
	for _, x := range list {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(x)
		}()
	}
	wg.Wait()
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}
