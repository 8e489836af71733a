package testrun

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// An Outcome is what a case produced, in the terms of expected.json.
type Outcome struct {
	// Status is an execution status (SUCCEEDED, FAILED, TIMED_OUT,
	// ABORTED), INVALID for a definition that does not compile, or ERROR
	// for a case that could not be run.
	Status             string
	Output             any // SUCCEEDED only
	Error, Cause       string
	HasError, HasCause bool
	// States holds the ...StateEntered and ...StateExited events as
	// expected.json writes them; nil when no history was recorded.
	States []any
	// SnapshotStates are States as a LocalStack snapshot would have
	// recorded them (see snapshot.go); nil when that loses no event.
	SnapshotStates []any
	// Diagnostics are the compiler's messages for an INVALID definition.
	Diagnostics []string
	// Message says why an ERROR case could not be run.
	Message string
	// Describe is the DescribeExecution-shaped document of an execution.
	Describe *sfnrt.Object
}

// OutcomeOf returns the outcome of an execution. Its history, when
// recorded, gives the outcome's States.
func OutcomeOf(r *sfnrt.Result) *Outcome {
	events := make([]*sfnrt.Object, len(r.History))
	for i := range r.History {
		events[i] = r.History[i].JSON()
	}
	var history []*sfnrt.Object
	if r.History != nil {
		history = events
	}
	return outcomeOf(r.Describe(), history)
}

// outcomeOf builds an outcome from a DescribeExecution document and the
// history events as GetExecutionHistory writes them (nil: not recorded).
func outcomeOf(describe *sfnrt.Object, history []*sfnrt.Object) *Outcome {
	o := &Outcome{Describe: describe}
	if s, ok := describe.Get("status"); ok {
		o.Status, _ = s.(string)
	}
	if o.Status == sfnrt.StatusSucceeded {
		if s, ok := describe.Get("output"); ok {
			o.Output = parseOr(s)
		}
	}
	if v, ok := describe.Get("error"); ok {
		o.Error, o.HasError = v.(string)
	}
	if v, ok := describe.Get("cause"); ok {
		o.Cause, o.HasCause = v.(string)
	}
	if history != nil {
		o.States = stateEvents(history)
		// Even a single Parallel loses its ParallelStateSucceeded to the
		// transformer; only a lost Entered or Exited event matters here.
		if t := stateEvents(snapshotTransformed(history)); len(t) != len(o.States) {
			o.SnapshotStates = t
		}
	}
	return o
}

// stateEvents returns the ...StateEntered and ...StateExited events of a
// history in the form of expected.json's states.
func stateEvents(history []*sfnrt.Object) []any {
	states := []any{}
	for _, ev := range history {
		if s := stateEvent(ev); s != nil {
			states = append(states, s)
		}
	}
	return states
}

// stateEvent turns a ...StateEntered or ...StateExited history event into
// the form of expected.json's states; nil for other events.
func stateEvent(ev *sfnrt.Object) *sfnrt.Object {
	tv, _ := ev.Get("type")
	typ, _ := tv.(string)
	var key string
	switch {
	case strings.HasSuffix(typ, "StateEntered"):
		key = "stateEnteredEventDetails"
	case strings.HasSuffix(typ, "StateExited"):
		key = "stateExitedEventDetails"
	default:
		return nil
	}
	out := sfnrt.NewObject(5)
	out.Set("type", typ)
	dv, _ := ev.Get(key)
	d, _ := dv.(*sfnrt.Object)
	if d == nil {
		return out
	}
	if v, ok := d.Get("name"); ok {
		out.Set("name", v)
	}
	for _, k := range []string{"input", "output"} {
		if v, ok := d.Get(k); ok {
			out.Set(k, parseOr(v))
		}
	}
	if v, ok := d.Get("assignedVariables"); ok {
		if av, isObj := v.(*sfnrt.Object); isObj {
			parsed := sfnrt.NewObject(av.Len())
			for _, m := range av.Members() {
				parsed.Set(m.Key, parseOr(m.Value))
			}
			v = parsed
		}
		out.Set("assignedVariables", v)
	}
	return out
}

// parseOr parses v when it is a string holding JSON, as AWS writes
// payloads; otherwise it returns v.
func parseOr(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	p, err := sfnrt.ParseJSON([]byte(s))
	if err != nil {
		return v
	}
	return p
}

// maxDiffLines caps the differences reported for one case.
const maxDiffLines = 20

// A diffs collects the lines describing differences.
type diffs struct {
	lines   []string
	dropped int
}

// merge adds the lines of o.
func (d *diffs) merge(o diffs) {
	for _, l := range o.lines {
		d.add("%s", l)
	}
	d.dropped += o.dropped
}

func (d *diffs) add(format string, args ...any) {
	if len(d.lines) >= maxDiffLines {
		d.dropped++
		return
	}
	d.lines = append(d.lines, fmt.Sprintf(format, args...))
}

func (d *diffs) result() []string {
	if d.dropped > 0 {
		return append(d.lines, fmt.Sprintf("... and %d more differences", d.dropped))
	}
	return d.lines
}

// Compare returns the differences between what exp expects and what out
// produced, one line each, most important first; none when the case
// passes.
func Compare(exp *Expected, out *Outcome) []string {
	var d diffs
	m := newMatcher(exp.Nondeterministic)
	switch {
	case out.Status == StatusError:
		lines := strings.Split(strings.TrimRight(out.Message, "\n"), "\n")
		d.add("could not run: %s", lines[0])
		for _, l := range lines[1:] {
			d.add("    %s", l)
		}
		return d.result()
	case exp.Status == StatusInvalid && out.Status == StatusInvalid:
		return nil
	case exp.Status == StatusInvalid:
		d.add("status: want INVALID%s, but the definition compiles", invalidReason(exp))
		return d.result()
	case out.Status == StatusInvalid:
		first := "the definition does not compile"
		if len(out.Diagnostics) > 0 {
			first = out.Diagnostics[0]
		}
		d.add("status: want %s, got INVALID: %s", exp.Status, first)
		for _, l := range out.Diagnostics[min(1, len(out.Diagnostics)):] {
			d.add("    %s", l)
		}
		return d.result()
	}

	if exp.Status != out.Status {
		d.add("status: want %s%s, got %s%s", exp.Status, expectedDetail(exp), out.Status, outcomeDetail(out))
	} else {
		m.diffField(&d, "error", exp.Error, exp.HasError, out.Error, out.HasError)
		m.diffField(&d, "cause", exp.Cause, exp.HasCause, out.Cause, out.HasCause)
		if exp.HasOutput {
			m.diff(&d, "output", exp.Output, out.Output)
		}
	}
	if exp.HasStates {
		if out.States == nil {
			d.add("states: no execution history was recorded")
		} else {
			var sd diffs
			mark := m.mark()
			m.diffStates(&sd, exp.States, out.States)
			if len(sd.lines) > 0 && out.SnapshotStates != nil && localStackSource(exp.Source) {
				var td diffs
				m.undo(mark)
				if m.diffStates(&td, exp.States, out.SnapshotStates); len(td.lines) == 0 {
					sd = td
				}
			}
			d.merge(sd)
		}
	}
	return d.result()
}

// invalidReason quotes why AWS rejected a definition.
func invalidReason(exp *Expected) string {
	o, ok := exp.Error.(*sfnrt.Object)
	if !ok {
		return ""
	}
	code, _ := o.Get("code")
	msg, _ := o.Get("message")
	parts := []string{}
	for _, v := range []any{code, msg} {
		if s, ok := v.(string); ok && s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (AWS: " + short(strings.Join(parts, ": "), 200) + ")"
}

func expectedDetail(exp *Expected) string {
	switch {
	case exp.Status == sfnrt.StatusSucceeded && exp.HasOutput:
		return " with output " + show(exp.Output)
	case exp.HasError || exp.HasCause:
		return " (" + errorCause(str(exp.Error), exp.HasError, str(exp.Cause), exp.HasCause) + ")"
	}
	return ""
}

func outcomeDetail(out *Outcome) string {
	switch {
	case out.Status == sfnrt.StatusSucceeded:
		return " with output " + show(out.Output)
	case out.HasError || out.HasCause:
		return " (" + errorCause(out.Error, out.HasError, out.Cause, out.HasCause) + ")"
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func errorCause(err string, hasErr bool, cause string, hasCause bool) string {
	switch {
	case hasErr && hasCause:
		return err + ": " + short(cause, 500)
	case hasErr:
		return err
	}
	return "cause " + short(strconv.Quote(cause), 500)
}

// diffField compares error or cause: presence, then value.
func (m *matcher) diffField(d *diffs, name string, want any, hasWant bool, got string, hasGot bool) {
	switch {
	case hasWant && !hasGot:
		d.add("%s: want %s, got none", name, show(want))
	case !hasWant && hasGot:
		d.add("%s: want none, got %s", name, show(got))
	case hasWant && !m.match(want, got):
		d.add("%s: want %s, got %s", name, show(want), show(got))
	}
}

// diff reports where got differs from want, below path.
func (m *matcher) diff(d *diffs, path string, want, got any) {
	if m.match(want, got) {
		return
	}
	switch w := want.(type) {
	case *sfnrt.Object:
		g, ok := got.(*sfnrt.Object)
		if !ok {
			break
		}
		for _, mem := range w.Members() {
			gv, ok := g.Get(mem.Key)
			if !ok {
				d.add("%s: missing, want %s", joinPath(path, mem.Key), show(mem.Value))
				continue
			}
			m.diff(d, joinPath(path, mem.Key), mem.Value, gv)
		}
		for _, mem := range g.Members() {
			if _, ok := w.Get(mem.Key); !ok {
				d.add("%s: unexpected, got %s", joinPath(path, mem.Key), show(mem.Value))
			}
		}
		return
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			break
		}
		for i := range w {
			m.diff(d, path+"["+strconv.Itoa(i)+"]", w[i], g[i])
		}
		return
	}
	d.add("%s: want %s, got %s", path, show(want), show(got))
}

func joinPath(path, key string) string {
	if isIdent(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r == '-' && i > 0 || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

// show returns v as compact JSON, shortened for a diff line.
func show(v any) string {
	if a, ok := v.([]any); ok && len(a) == 0 {
		return "[]"
	}
	return short(sfnrt.ToJSON(v), 240)
}

// short cuts s to about n bytes on a rune boundary.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
