package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A History is the event history of one execution, as `sfn-compile run
// --history` and built binaries write it (a JSON array of events shaped
// like GetExecutionHistory's), or GetExecutionHistory's output itself
// (an object with an "events" array).
type History struct {
	events []event
}

// An event is what the overlay needs of a history event.
type event struct {
	id, prev int64
	typ      string
	time     time.Time
	timed    bool
	name     string // details.name
	err      string // details.error
	cause    string // details.cause
	hasErr   bool
	hasCause bool
	length   int64 // details.length (MapStateStarted)
}

// ParseHistory reads an execution history. Events need a "type"; ids,
// timestamps (RFC 3339 strings or epoch seconds) and details are read
// when present. Unknown event types and fields are ignored.
func ParseHistory(data []byte) (*History, error) {
	data = bytes.TrimSpace(data)
	var raw []json.RawMessage
	if len(data) > 0 && data[0] == '{' {
		var wrapper struct {
			Events *[]json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(data, &wrapper); err != nil {
			return nil, fmt.Errorf("history: %v", err)
		}
		if wrapper.Events == nil {
			return nil, errors.New(`history: want a JSON array of events, or an object with an "events" array`)
		}
		raw = *wrapper.Events
	} else if err := json.Unmarshal(data, &raw); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, errors.New(`history: want a JSON array of events, or an object with an "events" array`)
		}
		return nil, fmt.Errorf("history: %v", err)
	}
	h := &History{events: make([]event, 0, len(raw))}
	for i, r := range raw {
		e, err := parseEvent(r)
		if err != nil {
			return nil, fmt.Errorf("history: event %d: %v", i, err)
		}
		if e.id == 0 {
			e.id = int64(i + 1)
		}
		h.events = append(h.events, e)
	}
	// GetExecutionHistory may list events newest first.
	sort.SliceStable(h.events, func(i, j int) bool { return h.events[i].id < h.events[j].id })
	return h, nil
}

func parseEvent(r json.RawMessage) (event, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(r, &fields); err != nil || fields == nil {
		return event{}, errors.New("not a JSON object")
	}
	var e event
	if err := json.Unmarshal(fields["type"], &e.typ); err != nil || e.typ == "" {
		return event{}, errors.New(`missing string field "type"`)
	}
	e.id = intField(fields["id"])
	e.prev = intField(fields["previousEventId"])
	if ts, ok := fields["timestamp"]; ok {
		e.time, e.timed = parseTime(ts)
	}
	// The details member is named after the type ("taskFailedEventDetails");
	// take the one member whose name ends so, whatever its case.
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if strings.HasSuffix(k, "EventDetails") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	want := strings.ToLower(e.typ[:1]) + e.typ[1:] + "EventDetails"
	key := ""
	for _, k := range keys {
		if k == want || key == "" {
			key = k
		}
	}
	if key != "" {
		var d struct {
			Name   *string         `json:"name"`
			Error  *string         `json:"error"`
			Cause  *string         `json:"cause"`
			Length json.RawMessage `json:"length"`
		}
		if json.Unmarshal(fields[key], &d) == nil {
			if d.Name != nil {
				e.name = *d.Name
			}
			if d.Error != nil {
				e.err, e.hasErr = *d.Error, true
			}
			if d.Cause != nil {
				e.cause, e.hasCause = *d.Cause, true
			}
			e.length = intField(d.Length)
		}
	}
	return e, nil
}

func intField(r json.RawMessage) int64 {
	var f float64
	if len(r) == 0 || json.Unmarshal(r, &f) != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0
	}
	return int64(f)
}

func parseTime(r json.RawMessage) (time.Time, bool) {
	var s string
	if json.Unmarshal(r, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, true
		}
		if t, err := time.Parse("2006-01-02T15:04:05.999999999Z0700", s); err == nil {
			return t, true
		}
		return time.Time{}, false
	}
	var f float64
	if json.Unmarshal(r, &f) == nil && f >= 0 && f < 1e11 {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), true
	}
	return time.Time{}, false
}

// Execution statuses.
const (
	statusRunning   = "RUNNING"
	statusSucceeded = "SUCCEEDED"
	statusFailed    = "FAILED"
	statusTimedOut  = "TIMED_OUT"
	statusAborted   = "ABORTED"
)

// A run is the overlay of an execution on a model.
type run struct {
	status   string
	err      string
	cause    string
	hasErr   bool
	duration time.Duration
	timed    bool
	unknown  []string // state names of the history missing from the definition
	origin   *state   // where the execution failed, if known
}

// A runStatus is what happened to a state, in increasing priority: the
// status of a state entered several times is the highest of its entries.
type runStatus int

const (
	notRun runStatus = iota
	succeeded
	aborted
	running
	caught
	failed
)

func (s runStatus) String() string {
	return [...]string{"not-run", "succeeded", "aborted", "running", "caught", "failed"}[s]
}

// text is the status as a person reads it.
func (s runStatus) text() string {
	return [...]string{"not run", "succeeded", "aborted", "running", "caught", "failed"}[s]
}

// A stateRun sums up the entries of one state.
type stateRun struct {
	status      runStatus
	entered     int
	retries     int
	iterations  int
	iterFailed  int
	duration    time.Duration
	timed       bool
	err, cause  string
	hasErr      bool
	hasCause    bool
	failedCount int  // entries that failed
	caughtCount int  // entries whose error a Catch handled
	child       bool // ran in child executions: not in this history
}

// An entry is one time a state was entered.
type entry struct {
	st        *state
	parent    *entry // the entry of the Parallel or Map running it
	enter     time.Time
	exit      time.Time
	timed     bool
	open      bool
	attempts  int
	failed    bool // its last attempt (or branch, or iteration set) failed
	caught    bool // it exited after a failure: a Catch handled it
	status    runStatus
	err       string
	cause     string
	hasErr    bool
	hasCause  bool
	iter      int
	iterFail  int
	from      *entry // the entry it was entered from (transition); nil for StartAt
	startEdge bool   // entered as its machine's StartAt
	// done: it ended without an exit, its branch or iteration failing;
	// its status is set.
	done        bool
	failedChild *entry // the state in its branches or iterations that failed
}

// under reports whether o runs inside p: in its branches or iterations,
// at any depth.
func (o *entry) under(p *entry) bool {
	for x := o.parent; x != nil; x = x.parent {
		if x == p {
			return true
		}
	}
	return false
}

func isFailState(o *entry) bool {
	_, ok := o.st.ir.(*ir.Fail)
	return ok
}

// walkLimit bounds how far back a search for an event's state goes.
const walkLimit = 4096

// overlay computes the run of h on md and marks the edges taken.
func (md *model) overlay(h *History) {
	r := &run{status: statusRunning}
	md.run = r
	for _, s := range md.states {
		s.run = &stateRun{}
	}
	if h == nil {
		return
	}
	evs := h.events
	pos := make(map[int64]int, len(evs))
	for i, e := range evs {
		pos[e.id] = i
	}
	owner := make([]*entry, len(evs))
	var entries, open []*entry
	unknown := map[string]bool{}
	var first, last time.Time
	haveFirst := false

	// prevOf is the index of the event before i: previousEventId when it
	// names an earlier event, else the one listed before.
	prevOf := func(i int) int {
		if p, ok := pos[evs[i].prev]; ok && p < i {
			return p
		}
		return i - 1
	}
	// find returns the open entry that event i belongs to among those
	// pred accepts: the first met walking back along previousEventId,
	// else the newest such entry.
	find := func(i int, pred func(*entry) bool) *entry {
		var only *entry
		count := 0
		for _, o := range open {
			if pred(o) {
				only = o
				count++
			}
		}
		if count <= 1 {
			return only
		}
		for j, n := prevOf(i), 0; j >= 0 && n < walkLimit; j, n = prevOf(j), n+1 {
			if o := owner[j]; o != nil && o.open && pred(o) {
				return o
			}
		}
		for k := len(open) - 1; k >= 0; k-- {
			if pred(open[k]) {
				return open[k]
			}
		}
		return nil
	}
	ofKind := func(kind string) func(*entry) bool {
		return func(o *entry) bool { return o.st.kind == kind }
	}
	named := func(name string) func(*entry) bool {
		return func(o *entry) bool { return string(o.st.name) == name }
	}
	closeEntry := func(o *entry) {
		o.open = false
		for k, x := range open {
			if x == o {
				open = append(open[:k], open[k+1:]...)
				break
			}
		}
	}
	setErr := func(o *entry, e *event) {
		o.err, o.hasErr = e.err, e.hasErr
		o.cause, o.hasCause = e.cause, e.hasCause
	}

	// endUnder ends the open entries that p runs (in its branches or
	// iterations) when p, or one iteration (one), fails: the state that
	// failed (it recorded its failure, or is a Fail state, or else the
	// newest) and the states running it are failed; with !one the others
	// are aborted. It returns the failed one.
	endUnder := func(p *entry, e *event, one bool) *entry {
		var under []*entry
		for _, o := range open {
			if o.under(p) {
				under = append(under, o)
			}
		}
		leaf := func(o *entry) bool {
			for _, x := range under {
				if x.parent == o {
					return false
				}
			}
			return true
		}
		var culprit *entry
		for k := len(under) - 1; k >= 0 && culprit == nil; k-- {
			if o := under[k]; leaf(o) && (o.failed || isFailState(o)) {
				culprit = o
			}
		}
		for k := len(under) - 1; k >= 0 && culprit == nil; k-- {
			if leaf(under[k]) {
				culprit = under[k]
			}
		}
		end := func(o *entry, st runStatus) {
			o.status, o.done = st, true
			if o.timed && e.timed {
				o.exit = e.time
			} else {
				o.timed = false
			}
			if isFailState(o) {
				md.failDetails(o)
			}
			closeEntry(o)
		}
		if culprit != nil {
			for x := culprit; x != nil && x != p; x = x.parent {
				if x.open {
					if x != culprit && !x.hasErr {
						x.err, x.hasErr, x.cause, x.hasCause = culprit.err, culprit.hasErr, culprit.cause, culprit.hasCause
					}
					end(x, failed)
				}
			}
		}
		if !one {
			for _, o := range under {
				if o.open {
					end(o, aborted)
				}
			}
		}
		return culprit
	}

	for i := range evs {
		e := &evs[i]
		if e.timed {
			if !haveFirst {
				first, haveFirst = e.time, true
			}
			last = e.time
		}
		typ := e.typ
		switch {
		case strings.HasSuffix(typ, "StateEntered"):
			s := md.byName[ir.StateName(e.name)]
			if s == nil {
				unknown[e.name] = true
				continue
			}
			o := &entry{st: s, open: true, enter: e.time, timed: e.timed}
			if s.mach.owner != nil {
				o.parent = find(i, func(x *entry) bool { return x.st == s.mach.owner })
			}
			o.from, o.startEdge = md.transition(evs, i, o, owner, prevOf)
			owner[i] = o
			entries = append(entries, o)
			open = append(open, o)
		case strings.HasSuffix(typ, "StateExited"):
			s := md.byName[ir.StateName(e.name)]
			if s == nil {
				unknown[e.name] = true
				continue
			}
			o := find(i, func(x *entry) bool { return x.st == s })
			if o == nil {
				continue
			}
			owner[i] = o
			closeEntry(o)
			o.exit, o.timed = e.time, o.timed && e.timed
			o.caught = o.failed
			if c := o.failedChild; o.caught && !o.hasErr && c != nil {
				o.err, o.hasErr, o.cause, o.hasCause = c.err, c.hasErr, c.cause, c.hasCause
			}
		case typ == "TaskScheduled" || typ == "LambdaFunctionScheduled" || typ == "ActivityScheduled":
			if o := find(i, ofKind("Task")); o != nil {
				owner[i] = o
				o.attempts++
				o.failed = false
			}
		case isTaskEvent(typ):
			o := find(i, ofKind("Task"))
			if o == nil {
				continue
			}
			owner[i] = o
			if strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut") {
				if o.attempts == 0 {
					o.attempts = 1
				}
				o.failed = true
				setErr(o, e)
				if !e.hasErr && strings.HasSuffix(typ, "TimedOut") {
					o.err, o.hasErr = "States.Timeout", true
				}
			} else if strings.HasSuffix(typ, "Succeeded") {
				o.failed = false
			}
		case strings.HasPrefix(typ, "ParallelState") || strings.HasPrefix(typ, "MapState"):
			kind := "Parallel"
			if strings.HasPrefix(typ, "Map") {
				kind = "Map"
			}
			o := find(i, ofKind(kind))
			if o == nil {
				continue
			}
			owner[i] = o
			switch {
			case strings.HasSuffix(typ, "Started"):
				o.attempts++
				o.failed = false
			case strings.HasSuffix(typ, "Failed"):
				o.failed = true
				if e.hasErr {
					setErr(o, e)
				}
				if c := endUnder(o, e, false); c != nil {
					o.failedChild = c
				}
			case strings.HasSuffix(typ, "Succeeded"):
				o.failed = false
			}
		case strings.HasPrefix(typ, "MapIteration"):
			o := find(i, named(e.name))
			if o == nil {
				o = find(i, ofKind("Map"))
			}
			if o == nil {
				continue
			}
			owner[i] = o
			switch {
			case strings.HasSuffix(typ, "Started"):
				o.iter++
			case strings.HasSuffix(typ, "Failed"):
				o.iterFail++
				if c := endUnder(o, e, true); c != nil {
					o.failedChild = c
				}
			case strings.HasSuffix(typ, "Aborted"):
				o.iterFail++
			}
		case typ == "ExecutionSucceeded":
			r.status = statusSucceeded
		case typ == "ExecutionFailed" || typ == "ExecutionTimedOut" || typ == "ExecutionAborted":
			r.status = map[string]string{"ExecutionFailed": statusFailed, "ExecutionTimedOut": statusTimedOut, "ExecutionAborted": statusAborted}[typ]
			r.err, r.hasErr, r.cause = e.err, e.hasErr, e.cause
			if !e.hasErr && typ == "ExecutionTimedOut" {
				r.err, r.hasErr = "States.Timeout", true
			}
		}
	}
	if haveFirst {
		r.duration, r.timed = last.Sub(first), true
	}
	for name := range unknown {
		r.unknown = append(r.unknown, name)
	}
	sort.Strings(r.unknown)

	md.settle(entries, open, last)
	md.markEdges(entries)
	md.sum(entries)
	// The iterations of a distributed Map run as child executions, whose
	// states are not in this history.
	for _, s := range md.states {
		if m, ok := s.ir.(*ir.Map); ok && m.Distributed && s.run.iterations > 0 {
			for _, c := range s.children {
				markChild(c)
			}
		}
	}
}

func markChild(mc *machine) {
	for _, s := range mc.states {
		if s.run.entered == 0 {
			s.run.child = true
		}
		for _, c := range s.children {
			markChild(c)
		}
	}
}

func isTaskEvent(typ string) bool {
	for _, p := range []string{"Task", "LambdaFunction", "Activity"} {
		if strings.HasPrefix(typ, p) && !strings.HasPrefix(typ, "TaskState") {
			return true
		}
	}
	return false
}

// transition finds how entry o (event i) was reached: from the exit of
// a state of its machine with an edge to it, found walking back, or as
// its machine's StartAt.
func (md *model) transition(evs []event, i int, o *entry, owner []*entry, prevOf func(int) int) (*entry, bool) {
	mc := o.st.mach
	preds := map[*state]bool{}
	for _, e := range mc.edges {
		if e.to == o.st && e.from != nil {
			preds[e.from] = true
		}
	}
	isStart := mc.start == o.st
	for j, n := prevOf(i), 0; j >= 0 && n < walkLimit; j, n = prevOf(j), n+1 {
		x := owner[j]
		typ := evs[j].typ
		if x != nil && strings.HasSuffix(typ, "StateExited") && preds[x.st] && !x.open {
			return x, false
		}
		if isStart {
			if mc.owner == nil && typ == "ExecutionStarted" {
				return nil, true
			}
			if x != nil && x.open && x.st == mc.owner {
				return nil, true
			}
		}
	}
	return nil, isStart
}

// settle decides the status of every entry once the history is read,
// and finds where a failed execution failed.
func (md *model) settle(entries, open []*entry, last time.Time) {
	r := md.run
	for _, o := range entries {
		switch {
		case o.done:
		case !o.open && o.caught:
			o.status = caught
		case !o.open:
			o.status = succeeded
		}
	}
	if len(open) == 0 {
		return
	}
	hasOpenChild := map[*entry]bool{}
	for _, o := range open {
		if o.timed && !last.IsZero() {
			o.exit = last
		}
		if o.parent != nil && o.parent.open {
			hasOpenChild[o.parent] = true
		}
	}
	var leaves, failedLeaves []*entry
	for _, o := range open {
		_, isFail := o.st.ir.(*ir.Fail)
		switch {
		case isFail:
			o.status = failed
			md.failDetails(o)
		case r.status == statusRunning:
			o.status = running
		case o.failed:
			o.status = failed
		default:
			o.status = aborted
		}
		if !hasOpenChild[o] {
			leaves = append(leaves, o)
			if o.status == failed {
				failedLeaves = append(failedLeaves, o)
			}
		}
	}
	if r.status == statusRunning || r.status == statusAborted {
		return
	}
	if r.status == statusSucceeded {
		// Open entries of a succeeded execution are tolerated failures
		// of Map iterations.
		for _, o := range leaves {
			o.status = failed
		}
		return
	}
	// The failing state: one that recorded its failure, else an open
	// leaf (a path error in a Pass, no Choice rule matched, a timeout);
	// the one the cause quotes, else the newest.
	cands := failedLeaves
	if len(cands) == 0 {
		cands = leaves
	}
	if len(cands) == 0 {
		return
	}
	origin := cands[len(cands)-1]
	for _, o := range cands {
		if strings.Contains(r.cause, "'"+string(o.st.name)+"'") {
			origin = o
		}
	}
	origin.status = failed
	// A Parallel or Map failed because a state in it did.
	for origin.failedChild != nil && origin.failedChild != origin {
		c := origin.failedChild
		if !origin.hasErr {
			origin.err, origin.hasErr, origin.cause, origin.hasCause = c.err, c.hasErr, c.cause, c.hasCause
		}
		origin = c
	}
	if !origin.hasErr || origin.err == "" {
		origin.err, origin.hasErr = r.err, r.hasErr
		origin.cause, origin.hasCause = r.cause, r.cause != ""
	}
	r.origin = origin.st
	// The Parallel and Map states that ran it failed with it.
	for p := origin.parent; p != nil; p = p.parent {
		if p.open {
			p.status = failed
		}
	}
}

// failDetails gives an entered Fail state its Error and Cause: the
// execution's when it failed there, else the literal ones.
func (md *model) failDetails(o *entry) {
	f, _ := o.st.ir.(*ir.Fail)
	if f == nil {
		return
	}
	if f.Error != nil && f.Error.Literal != "" && f.Error.Path == nil && f.Error.Expr == nil && f.Error.Call == nil {
		o.err, o.hasErr = f.Error.Literal, true
	}
	if f.Cause != nil && f.Cause.Literal != "" && f.Cause.Path == nil && f.Cause.Expr == nil && f.Cause.Call == nil {
		o.cause, o.hasCause = f.Cause.Literal, true
	}
	r := md.run
	if r.status == statusFailed && r.hasErr && (!o.hasErr || o.err == r.err) {
		o.err, o.hasErr = r.err, true
		o.cause, o.hasCause = r.cause, r.cause != ""
	}
}

// markEdges marks the edges the entries took.
func (md *model) markEdges(entries []*entry) {
	for _, o := range entries {
		mc := o.st.mach
		if o.startEdge {
			for _, e := range mc.edges {
				if e.kind == edgeStart && e.to == o.st {
					e.taken = true
				}
			}
		}
		if x := o.from; x != nil {
			var normal, catch []*edge
			for _, e := range mc.edges {
				if e.from == x.st && e.to == o.st {
					if e.kind == edgeCatch {
						catch = append(catch, e)
					} else {
						normal = append(normal, e)
					}
				}
			}
			use := normal
			if x.caught && len(catch) > 0 || len(normal) == 0 {
				use = catch
				if len(normal) == 0 && !x.caught && len(catch) > 0 {
					x.caught = true
					x.status = caught
				}
			}
			for _, e := range use {
				e.taken = true
			}
		}
		_, isFail := o.st.ir.(*ir.Fail)
		if (!o.open && !o.done && !o.caught) || isFail {
			for _, e := range mc.edges {
				if e.kind == edgeEnd && e.from == o.st {
					e.taken = true
				}
			}
		}
	}
}

// sum adds the entries up per state.
func (md *model) sum(entries []*entry) {
	for _, o := range entries {
		sr := o.st.run
		sr.entered++
		if o.attempts > 1 {
			sr.retries += o.attempts - 1
		}
		sr.iterations += o.iter
		sr.iterFailed += o.iterFail
		if o.timed && !o.exit.IsZero() {
			sr.duration += o.exit.Sub(o.enter)
			sr.timed = true
		}
		if o.status > sr.status {
			sr.status = o.status
		}
		switch o.status {
		case failed:
			sr.failedCount++
		case caught:
			sr.caughtCount++
		}
		if (o.status == failed || o.status == caught) && o.hasErr && (!sr.hasErr || o.status == failed) {
			sr.err, sr.hasErr = o.err, true
			sr.cause, sr.hasCause = o.cause, o.hasCause
		}
	}
}

// formatDuration writes d briefly: 120 ms, 1.5 s, 2 min 05 s, 1 h 02 min.
func formatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}
