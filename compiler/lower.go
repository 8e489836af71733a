package compiler

import (
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file lowers the top level and every (sub-)machine, and the fields
// all state kinds share. Each state kind has its own lower_<kind>.go.
//
// Lowering and validation run together: every accessor checks the field it
// reads and reports what is wrong, then lowering goes on with the next
// field, so one run reports every problem. The IR built from an invalid
// definition is discarded by Compile.

// maxStateNameChars is the longest state name AWS accepts.
const maxStateNameChars = 80

// A scope is a (sub-)machine being lowered: the top level, a Parallel
// branch or a Map item processor. Transitions must stay inside it.
type scope struct {
	m      *ir.Machine
	obj    *node
	names  map[string]*member // the scope's states by name (first occurrence)
	refs   []*node            // Next, Default and catcher Next values, to resolve
	broken bool               // a state or transition could not be read: skip flow checks
}

// lowerTop lowers the definition's top-level object.
func (c *compiler) lowerTop(root *node) *ir.Machine {
	c.checkSchema(root, topSchema, ir.JSONPath)
	if n := root.val("QueryLanguage"); n != nil {
		if s, ok := c.enum(n, ir.JSONPath.String(), ir.JSONata.String()); ok && s == ir.JSONata.String() {
			c.topQL = ir.JSONata
		}
	}
	m := &ir.Machine{Pos: root.pos(), QueryLanguage: c.topQL}
	if n := root.val("Comment"); n != nil {
		m.Comment, _ = c.str(n)
	}
	if n := root.val("Version"); n != nil {
		m.Version, _ = c.str(n)
	}
	if n := root.val("TimeoutSeconds"); n != nil {
		m.TimeoutSeconds, _ = c.integer(n, 1, maxSeconds)
	}
	c.require(root, "States", "StartAt")
	c.pushScope("the top level", false)
	c.lowerBody(root, m)
	return m
}

// lowerSub lowers a Parallel branch or a Map item processor; s is its
// schema. Its states run in a variable scope of their own (validate_vars.go)
// described by what and isolated.
func (c *compiler) lowerSub(obj *node, s schema, what string, isolated bool) *ir.Machine {
	if !c.object(obj) {
		return nil
	}
	defer c.pushScope(what, isolated)()
	c.checkSchema(obj, s, c.topQL)
	m := &ir.Machine{Pos: obj.pos(), QueryLanguage: c.topQL}
	if n := obj.val("Comment"); n != nil {
		m.Comment, _ = c.str(n)
	}
	c.require(obj, "StartAt", "States")
	c.lowerBody(obj, m)
	return m
}

// lowerBody lowers StartAt and States of a machine object into m, then
// checks its transitions.
func (c *compiler) lowerBody(obj *node, m *ir.Machine) {
	sc := &scope{m: m, obj: obj, names: map[string]*member{}}
	var start *node
	if n := obj.val("StartAt"); n != nil {
		if s, ok := c.str(n); ok {
			m.StartAt = ir.StateName(s)
			start = n
		}
	}
	states := obj.val("States")
	if states == nil || !c.object(states) {
		return
	}
	c.statesObjects[states] = true
	for i := range states.members {
		mb := &states.members[i]
		c.checkStateName(mb)
		if _, ok := sc.names[mb.key]; !ok {
			sc.names[mb.key] = mb
		}
		if s := c.lowerState(sc, mb); s != nil {
			m.States = append(m.States, s)
		} else {
			sc.broken = true
		}
	}
	c.checkFlow(sc, start)
}

// checkStateName reports invalid and duplicate state names.
func (c *compiler) checkStateName(mb *member) {
	switch n := utf8.RuneCountInString(mb.key); {
	case n == 0:
		c.errKey(mb, codeInvalidStateName, "State name cannot be empty")
	case n > maxStateNameChars:
		c.errKey(mb, codeInvalidStateName, "State name '%s' is longer than %d characters", mb.key, maxStateNameChars)
	}
	if c.allNames[mb.key] {
		c.errKey(mb, codeDuplicateState, "Duplicate State name: %s", mb.key)
	}
	c.allNames[mb.key] = true
}

// A stateCtx is a state being lowered.
type stateCtx struct {
	c    *compiler
	sc   *scope
	obj  *node
	name string
	kind string
	ql   ir.QueryLanguage
}

// lowerState lowers one member of a States object, or returns nil when its
// type cannot be determined.
func (c *compiler) lowerState(sc *scope, mb *member) ir.State {
	obj := mb.val
	if !c.object(obj) {
		return nil
	}
	tn := obj.val("Type")
	if tn == nil {
		c.require(obj, "Type")
		return nil
	}
	typ, ok := c.enum(tn, stateKinds...)
	if !ok {
		return nil
	}
	ql := c.topQL
	if n := obj.val("QueryLanguage"); n != nil {
		if s, ok := c.enum(n, ir.JSONPath.String(), ir.JSONata.String()); ok {
			if s == ir.JSONPath.String() && c.topQL == ir.JSONata {
				c.errAt(n, codeSchema, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
			} else if s == ir.JSONata.String() {
				ql = ir.JSONata
			} else {
				ql = ir.JSONPath
			}
		}
	}
	c.checkSchema(obj, stateSchemas[typ], ql)
	prevState := c.state
	c.state = mb.key
	defer func() { c.state = prevState }()
	st := &stateCtx{c: c, sc: sc, obj: obj, name: mb.key, kind: typ, ql: ql}
	switch typ {
	case kindTask:
		return st.lowerTask()
	case kindPass:
		return st.lowerPass()
	case kindChoice:
		return st.lowerChoice()
	case kindWait:
		return st.lowerWait()
	case kindSucceed:
		return st.lowerSucceed()
	case kindFail:
		return st.lowerFail()
	case kindParallel:
		return st.lowerParallel()
	case kindMap:
		return st.lowerMap()
	}
	return nil
}

// field returns the value of the field called name when the state's kind
// and query language allow it (checkSchema reported it otherwise).
func (st *stateCtx) field(name string) *node {
	if l, ok := stateSchemas[st.kind][name]; !ok || !l.allows(st.ql) {
		return nil
	}
	return st.obj.val(name)
}

// jsonata reports whether the state uses JSONata.
func (st *stateCtx) jsonata() bool { return st.ql == ir.JSONata }

// common lowers the fields every kind shares: name, comment, query
// language, Next/End (for kinds that have them), InputPath, OutputPath,
// Assign and Output.
func (st *stateCtx) common() ir.Common {
	c := st.c
	cm := ir.Common{Pos: st.obj.pos(), Name: ir.StateName(st.name), QueryLanguage: st.ql}
	if n := st.field("Comment"); n != nil {
		cm.Comment, _ = c.str(n)
	}
	if _, ok := stateSchemas[st.kind]["Next"]; ok {
		next, end := st.obj.get("Next"), st.obj.get("End")
		isEnd := false
		if end != nil {
			isEnd, _ = c.boolean(end.val)
		}
		switch {
		case next != nil && isEnd:
			c.errKey(end, codeSchema, "There should only be one of the following fields: [Next, End]")
		case next == nil && !isEnd:
			if end == nil {
				c.errAt(st.obj, codeSchema, "Exactly one of these fields is required: [Next, End]")
			} else if end.val.kind == kindBool {
				c.errAt(end.val, codeSchema, "End must be true when Next is absent")
			}
			st.sc.broken = true
		}
		if next != nil {
			cm.Next = st.target(next.val)
		}
		cm.End = isEnd && next == nil
	}
	if n := st.field("InputPath"); n != nil {
		cm.InputPath = c.optPath(n, "InputPath", PathFull, true)
	}
	if n := st.field("OutputPath"); n != nil {
		cm.OutputPath = c.optPath(n, "OutputPath", PathFull, true)
	}
	if n := st.field("Assign"); n != nil {
		cm.Assign = c.assign(n, st.ql)
	}
	if n := st.field("Output"); n != nil {
		cm.Output = c.output(n)
	}
	return cm
}

// target reads a transition target (Next, Default, catcher Next) and
// records it for resolution within the scope.
func (st *stateCtx) target(n *node) ir.StateName {
	s, ok := st.c.nonEmptyStr(n)
	if !ok {
		st.sc.broken = true
		return ""
	}
	st.sc.refs = append(st.sc.refs, n)
	return ir.StateName(s)
}

// checkFlow resolves the scope's transitions, then checks that it has a
// terminal state and that every state is reachable from StartAt.
func (c *compiler) checkFlow(sc *scope, start *node) {
	for _, r := range sc.refs {
		if _, ok := sc.names[r.s]; !ok {
			c.errAt(r, codeMissingTarget, "Missing 'Next' target: %s", r.s)
		}
	}
	startOK := false
	if start != nil {
		if _, ok := sc.names[start.s]; ok {
			startOK = true
		} else {
			c.errAt(start, codeMissingTarget, "Missing 'Next' target: %s", start.s)
		}
	}
	if sc.broken || len(sc.m.States) == 0 {
		return
	}
	terminal := false
	for _, s := range sc.m.States {
		switch s := s.(type) {
		case *ir.Succeed, *ir.Fail:
			terminal = true
		default:
			if s.Base().End {
				terminal = true
			}
		}
	}
	if !terminal {
		c.errAt(sc.obj, codeMissingEnd, "Workflow has no terminal state")
		return
	}
	if !startOK {
		return
	}
	byName := make(map[ir.StateName]ir.State, len(sc.m.States))
	for _, s := range sc.m.States {
		if _, dup := byName[s.Base().Name]; !dup {
			byName[s.Base().Name] = s
		}
	}
	reached := map[ir.StateName]bool{sc.m.StartAt: true}
	work := []ir.StateName{sc.m.StartAt}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		s := byName[name]
		if s == nil {
			continue
		}
		for _, next := range ir.Successors(s) {
			if next != "" && !reached[next] {
				reached[next] = true
				work = append(work, next)
			}
		}
	}
	for _, s := range sc.m.States {
		if name := s.Base().Name; !reached[name] {
			mb := sc.names[string(name)]
			c.errKey(mb, codeMissingTarget, "State \"%s\" is not reachable.", name)
		}
	}
}

// parametersOrArguments lowers the input a Task or Parallel state builds
// for its work: Parameters in JSONPath, Arguments in JSONata (validation
// reports the one that does not belong to the state's query language).
func (st *stateCtx) parametersOrArguments() ir.Template {
	var t ir.Template
	if n := st.field("Parameters"); n != nil {
		t = st.c.objectTemplate(n, st.ql)
	}
	if n := st.field("Arguments"); n != nil {
		t = st.c.objectTemplate(n, st.ql)
	}
	return t
}

// resultSelectorAndPath lowers how a Task, Parallel or Map state shapes
// its result and where it puts it in the state's input.
func (st *stateCtx) resultSelectorAndPath() (ir.Template, ir.OptionalPath) {
	var sel ir.Template
	var path ir.OptionalPath
	if n := st.field("ResultSelector"); n != nil {
		sel = st.c.objectTemplate(n, st.ql)
	}
	if n := st.field("ResultPath"); n != nil {
		path = st.c.optPath(n, "ResultPath", PathReference, false)
	}
	return sel, path
}
