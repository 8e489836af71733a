package graph

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A model is the graph of a definition, shared by every output format:
// machines (the top level, Parallel branches, Map item processors) hold
// states and the edges between them.
type model struct {
	title    string
	comment  string
	top      *machine
	states   []*state // every state, in id order (declaration order, depth first)
	machines []*machine
	edges    []*edge // every edge, machine by machine
	byName   map[ir.StateName]*state
	run      *run // the execution overlay; nil without a history
}

// A machine is the top level, one Parallel branch or one Map item
// processor. Its entry and exit are Start and End at the top level, and
// the owning state's fork and join inside it.
type machine struct {
	id     string // DOT/Mermaid id of its cluster: "top", "s3_b0", "s2_p"
	label  string // "Branch 1", "Item processor"; "" at the top level
	ir     *ir.Machine
	owner  *state // the Parallel or Map; nil at the top level
	states []*state
	edges  []*edge
	start  *state // StartAt; nil when it names no state
}

// A state is one node of the graph.
type state struct {
	id       string
	name     ir.StateName
	kind     string // "Task", "Pass", ...
	ir       ir.State
	mach     *machine
	details  []string // short lines shown under the kind
	retry    []string // one line per retrier
	tip      []string // the full text for tooltips
	children []*machine
	run      *stateRun // nil without a history
}

// compound reports whether the state holds machines (Parallel, Map).
func (s *state) compound() bool { return len(s.children) > 0 }

type edgeKind int

const (
	edgeStart   edgeKind = iota // machine entry → StartAt
	edgeNext                    // Next
	edgeChoice                  // a Choice rule
	edgeDefault                 // a Choice's Default
	edgeCatch                   // a Catcher
	edgeEnd                     // a terminal state → machine exit
)

func (k edgeKind) String() string {
	return [...]string{"start", "next", "choice", "default", "catch", "end"}[k]
}

// An edge is a transition. A nil from is the machine's entry, a nil to
// its exit.
type edge struct {
	from, to *state
	mach     *machine
	kind     edgeKind
	label    string // the rule, "Default", or the error names
	tip      string // the untruncated label
	index    int    // position in model.edges
	taken    bool   // overlay: the execution took it
}

// maxLabel is the longest edge label drawn; the whole label goes to the
// tooltip (and stays whole in DOT and Mermaid).
const maxLabel = 48

// maxDetail is the longest detail line drawn on a state.
const maxDetail = 40

func buildModel(m *ir.Machine, title string) *model {
	md := &model{title: title, byName: map[ir.StateName]*state{}}
	if m == nil {
		m = &ir.Machine{}
	}
	md.comment = m.Comment
	md.top = md.addMachine(m, nil, "top", "")
	for _, mc := range md.machines {
		md.addEdges(mc)
	}
	return md
}

func (md *model) addMachine(m *ir.Machine, owner *state, id, label string) *machine {
	mc := &machine{id: id, label: label, ir: m, owner: owner}
	md.machines = append(md.machines, mc)
	if m == nil {
		return mc
	}
	for _, st := range m.States {
		if st == nil || st.Base() == nil {
			continue
		}
		b := st.Base()
		s := &state{id: "s" + strconv.Itoa(len(md.states)), name: b.Name, kind: ir.Kind(st), ir: st, mach: mc}
		md.states = append(md.states, s)
		if _, dup := md.byName[b.Name]; !dup {
			md.byName[b.Name] = s
		}
		mc.states = append(mc.states, s)
		s.describe()
		switch st := st.(type) {
		case *ir.Parallel:
			for i, br := range st.Branches {
				s.children = append(s.children, md.addMachine(br, s, fmt.Sprintf("%s_b%d", s.id, i), fmt.Sprintf("Branch %d", i+1)))
			}
		case *ir.Map:
			label := "Item processor"
			if st.Distributed {
				label = "Item processor (distributed)"
			}
			s.children = append(s.children, md.addMachine(st.Processor, s, s.id+"_p", label))
		}
	}
	for _, s := range mc.states {
		if s.name == m.StartAt {
			mc.start = s
			break
		}
	}
	return mc
}

// lookup returns the state called name in mc, or nil.
func (mc *machine) lookup(name ir.StateName) *state {
	for _, s := range mc.states {
		if s.name == name {
			return s
		}
	}
	return nil
}

func (md *model) addEdge(mc *machine, from, to *state, kind edgeKind, label string) {
	e := &edge{from: from, to: to, mach: mc, kind: kind, tip: label, label: truncate(label, maxLabel), index: len(md.edges)}
	mc.edges = append(mc.edges, e)
	md.edges = append(md.edges, e)
}

func (md *model) addEdges(mc *machine) {
	if mc.start != nil {
		md.addEdge(mc, nil, mc.start, edgeStart, "")
	}
	for _, s := range mc.states {
		b := s.ir.Base()
		if c, ok := s.ir.(*ir.Choice); ok {
			for _, br := range c.Choices {
				if to := mc.lookup(br.Next); to != nil {
					md.addEdge(mc, s, to, edgeChoice, RuleString(br.Rule))
				}
			}
			if to := mc.lookup(c.Default); c.Default != "" && to != nil {
				md.addEdge(mc, s, to, edgeDefault, "Default")
			}
		}
		if to := mc.lookup(b.Next); b.Next != "" && to != nil {
			md.addEdge(mc, s, to, edgeNext, "")
		}
		for _, c := range catchers(s.ir) {
			if to := mc.lookup(c.Next); to != nil {
				md.addEdge(mc, s, to, edgeCatch, errorList(c.ErrorEquals))
			}
		}
		if terminal(s.ir) {
			md.addEdge(mc, s, nil, edgeEnd, "")
		}
	}
}

// terminal reports whether st ends its machine: End, Succeed or Fail.
func terminal(st ir.State) bool {
	switch st.(type) {
	case *ir.Succeed, *ir.Fail:
		return true
	case *ir.Choice:
		return false
	}
	return st.Base().End
}

func catchers(st ir.State) []ir.Catcher {
	switch st := st.(type) {
	case *ir.Task:
		return st.Catch
	case *ir.Parallel:
		return st.Catch
	case *ir.Map:
		return st.Catch
	}
	return nil
}

func retriers(st ir.State) []ir.Retrier {
	switch st := st.(type) {
	case *ir.Task:
		return st.Retry
	case *ir.Parallel:
		return st.Retry
	case *ir.Map:
		return st.Retry
	}
	return nil
}

func errorList(names []ir.ErrorName) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}

// describe fills the detail, retry and tooltip lines of a state.
func (s *state) describe() {
	add := func(line string) {
		s.tip = append(s.tip, line)
		s.details = append(s.details, truncate(line, maxDetail))
	}
	if c := s.ir.Base().Comment; c != "" {
		s.tip = append(s.tip, c)
	}
	switch st := s.ir.(type) {
	case *ir.Task:
		add(resourceString(st.Resource))
		if st.Timeout != nil {
			add("timeout " + secondsString(st.Timeout))
		}
	case *ir.Wait:
		switch {
		case st.Seconds != nil:
			add("wait " + secondsString(st.Seconds))
		case st.Timestamp != "":
			add("until " + st.Timestamp)
		case st.TimestampPath != nil:
			add("until " + st.TimestampPath.Source)
		case st.TimestampExpr != nil:
			add("until " + exprString(st.TimestampExpr))
		}
	case *ir.Fail:
		if st.Error != nil {
			add("Error: " + stringSource(st.Error))
		}
		if st.Cause != nil {
			add("Cause: " + stringSource(st.Cause))
		}
	case *ir.Parallel:
		n := len(st.Branches)
		if n == 1 {
			add("1 branch")
		} else {
			add(strconv.Itoa(n) + " branches")
		}
	case *ir.Map:
		switch {
		case st.Items != nil:
			add("items from an expression")
		case st.ItemsPath.Path != nil:
			add("items " + st.ItemsPath.Path.Source)
		}
		if st.MaxConcurrency != nil {
			add("max concurrency " + countString(st.MaxConcurrency))
		}
	}
	for _, r := range retriers(s.ir) {
		line := fmt.Sprintf("↻ %s ×%d", errorList(r.ErrorEquals), r.MaxAttempts)
		s.tip = append(s.tip, fmt.Sprintf("Retry %s: %d attempts, every %d s, backoff ×%s", errorList(r.ErrorEquals),
			r.MaxAttempts, r.IntervalSeconds, strconv.FormatFloat(r.BackoffRate, 'g', -1, 64)))
		s.retry = append(s.retry, truncateMiddle(line, maxDetail))
	}
	for _, c := range catchers(s.ir) {
		s.tip = append(s.tip, fmt.Sprintf("Catch %s → %s", errorList(c.ErrorEquals), c.Next))
	}
}

func secondsString(s *ir.Seconds) string {
	switch {
	case s == nil:
		return ""
	case s.Path != nil:
		return s.Path.Source
	case s.Expr != nil:
		return exprString(s.Expr)
	}
	return strconv.FormatInt(s.Literal, 10) + " s"
}

// countString is a number given like Seconds (MaxConcurrency).
func countString(s *ir.Seconds) string {
	if s != nil && s.Path == nil && s.Expr == nil {
		return strconv.FormatInt(s.Literal, 10)
	}
	return secondsString(s)
}

func stringSource(s *ir.StringSource) string {
	switch {
	case s.Path != nil:
		return s.Path.Source
	case s.Expr != nil:
		return exprString(s.Expr)
	case s.Call != nil:
		return "intrinsic function"
	}
	return s.Literal
}

// resourceString shortens a Task resource ARN:
// arn:aws:states:::lambda:invoke → lambda:invoke,
// arn:aws:lambda:us-east-1:123:function:f → lambda f.
func resourceString(arn string) string {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return arn
	}
	if parts[2] == "states" && parts[3] == "" && parts[4] == "" {
		return strings.Join(parts[5:], ":")
	}
	if parts[2] == "lambda" && len(parts) == 7 && parts[5] == "function" {
		return "lambda " + parts[6]
	}
	if parts[2] == "states" && len(parts) == 7 && parts[5] == "activity" {
		return "activity " + parts[6]
	}
	return parts[2] + " " + strings.Join(parts[5:], ":")
}

// truncate shortens s to at most n runes, ending with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// truncateMiddle shortens s to at most n runes by cutting its middle,
// which keeps a retrier's attempt count visible.
func truncateMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) * 2 / 3
	tail := n - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}
