// Package aslgen generates valid Amazon States Language definitions from
// a grammar of the language: every state kind, both query languages,
// Retry and Catch, payload templates, intrinsic functions, Choice rules,
// JSONata expressions, Map and Parallel nesting, ItemBatcher,
// ItemSelector, Assign and the Path, Seconds and Timestamp variants of
// each field.
//
// A Chooser picks every production, so the same generator serves a
// seeded random run (NewRand) and a fuzz target (NewBytes: the fuzzer's
// bytes choose productions, instead of mutating the bytes of a seed
// definition, which mostly yields JSON the compiler rejects at once).
// When the choices run out every pick is 0, and production 0 is always
// the smallest one, so generation ends whatever the input.
package aslgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// A Chooser returns a number in [0, n) for a production with n choices.
type Chooser interface{ IntN(n int) int }

// NewBytes returns a Chooser that reads one byte per choice; past the
// end of b every choice is 0.
func NewBytes(b []byte) Chooser { return &bytesChooser{b: b} }

type bytesChooser struct {
	b []byte
	i int
}

func (c *bytesChooser) IntN(n int) int {
	if n <= 1 || c.i >= len(c.b) {
		return 0
	}
	v := int(c.b[c.i])
	c.i++
	return v % n
}

// NewRand returns a Chooser seeded with seed.
func NewRand(seed uint64) Chooser { return rand.New(rand.NewPCG(seed, 0x5f6e)) }

// Limits bound the size of a generated definition.
const (
	maxDepth        = 3 // nesting of Parallel branches and Map processors
	maxStates       = 4 // states in one machine or branch
	maxTemplate     = 3 // nesting of payload templates and expressions
	maxIntrinsicArg = 2 // nesting of intrinsic calls
)

// Generate returns a definition, in JSON, built from the choices of c.
func Generate(c Chooser) []byte {
	g := &gen{c: c}
	def := obj{}
	if g.pick(3) == 1 {
		g.top = jsonata
		def["QueryLanguage"] = "JSONata"
	} else if g.chance(4) {
		def["QueryLanguage"] = "JSONPath"
	}
	if g.chance(4) {
		def["Comment"] = "generated"
	}
	if g.chance(6) {
		def["TimeoutSeconds"] = 1 + g.pick(3600)
	}
	if g.chance(6) {
		def["Version"] = "1.0"
	}
	g.machine(def, 0, nil)
	out, err := json.MarshalIndent(def, "", "  ")
	if err != nil {
		panic(err) // only maps, slices, strings, numbers and booleans
	}
	return out
}

type obj = map[string]any

type queryLanguage int

const (
	jsonPath queryLanguage = iota
	jsonata
)

type gen struct {
	c     Chooser
	top   queryLanguage // a state without QueryLanguage has the machine's
	names int           // state names are unique across the whole definition
	vars  int           // so are variable names, so no scope assigns an outer one
}

func (g *gen) pick(n int) int { return g.c.IntN(n) }

func (g *gen) chance(in int) bool { return g.pick(in) == 1 }

func oneOf[T any](g *gen, xs ...T) T { return xs[g.pick(len(xs))] }

// scope is what a state can read: the variables assigned before it, in
// its machine and the machines around it.
type scope struct {
	vars []string
}

func (s *scope) with(v string) *scope {
	return &scope{vars: append(append([]string(nil), s.varsOrNil()...), v)}
}

func (s *scope) varsOrNil() []string {
	if s == nil {
		return nil
	}
	return s.vars
}

// machine fills m (the top level, a branch or an item processor) with
// StartAt and a chain of states: each state's Next is the one after it,
// Choice rules and Catchers jump forward, and the last state ends. A
// state's query language is the top level's unless it sets its own.
func (g *gen) machine(m obj, depth int, sc *scope) {
	ql := g.top
	n := 1 + g.pick(maxStates)
	names := make([]string, n)
	for i := range names {
		g.names++
		names[i] = fmt.Sprintf("S%d", g.names)
	}
	states := obj{}
	for i, name := range names {
		st := obj{}
		sql := ql
		if ql == jsonPath && g.chance(5) {
			sql = jsonata
			st["QueryLanguage"] = "JSONata"
		} else if g.chance(8) {
			st["QueryLanguage"] = map[queryLanguage]string{jsonPath: "JSONPath", jsonata: "JSONata"}[ql]
		}
		s := &state{g: g, st: st, ql: sql, depth: depth, sc: sc, later: names[i+1:]}
		s.build(i == n-1)
		if v, ok := s.assigned(); ok {
			sc = sc.with(v)
		}
		states[name] = st
	}
	m["StartAt"] = names[0]
	m["States"] = states
}

// state builds one state.
type state struct {
	g           *gen
	st          obj
	ql          queryLanguage
	depth       int
	sc          *scope
	later       []string // the states after this one, in order
	assignedVar string
}

func (s *state) assigned() (string, bool) { return s.assignedVar, s.assignedVar != "" }

// build picks the state's kind. A last state ends the machine; others
// go on to the next state.
func (s *state) build(last bool) {
	g := s.g
	kinds := []func(){s.pass, s.task, s.wait, s.parallel, s.mapState, s.choice}
	if last {
		kinds = []func(){s.pass, s.task, s.wait, s.parallel, s.mapState, s.succeed, s.fail}
	}
	if s.depth >= maxDepth {
		kinds = append(kinds[:3:3], kinds[5:]...) // no further nesting
	}
	kinds[g.pick(len(kinds))]()
	switch s.st["Type"] {
	case "Choice", "Succeed", "Fail":
	default:
		if last {
			s.st["End"] = true
		} else {
			s.st["Next"] = s.later[0]
		}
	}
	if g.chance(6) {
		s.st["Comment"] = "c"
	}
}

// ---- state kinds

func (s *state) pass() {
	s.st["Type"] = "Pass"
	if s.ql == jsonata {
		s.output(false)
	} else {
		s.io()
		switch s.g.pick(3) {
		case 1:
			s.st["Result"] = s.g.literal(0)
		case 2:
			s.st["Parameters"] = s.g.template(s.sc, 0, false)
		}
		s.resultPath()
	}
	s.assign(false)
}

func (s *state) task() {
	g := s.g
	s.st["Type"] = "Task"
	res := oneOf(g, resources...)
	s.st["Resource"] = res.arn
	if s.ql == jsonata {
		if g.chance(2) || res.required != nil {
			s.st["Arguments"] = withRequired(g.ataTemplate(s.sc, 0, ataInput), res.required)
		}
		if g.chance(4) {
			s.st["TimeoutSeconds"] = g.ataSeconds(s.sc)
		}
		if g.chance(5) {
			s.st["HeartbeatSeconds"] = "{% 1 %}"
		}
		s.output(true)
	} else {
		s.io()
		if g.chance(2) || res.required != nil {
			s.st["Parameters"] = withRequired(g.template(s.sc, 0, false), res.required)
		}
		if g.chance(3) {
			s.st["ResultSelector"] = g.template(s.sc, 0, false)
		}
		s.resultPath()
		switch g.pick(4) {
		case 1:
			s.st["TimeoutSeconds"] = 10 + g.pick(100)
			if g.chance(2) {
				s.st["HeartbeatSeconds"] = 1 + g.pick(9)
			}
		case 2:
			s.st["TimeoutSecondsPath"] = g.refPath(s.sc)
		case 3:
			s.st["HeartbeatSecondsPath"] = g.refPath(s.sc)
		}
	}
	if g.chance(6) {
		s.st["Credentials"] = s.credentials()
	}
	s.errors()
	s.assign(true)
}

// resources are the Task resources the grammar uses, each with the
// parameters its integration requires.
var resources = []struct {
	arn      string
	required obj
}{
	{"arn:aws:lambda:us-east-1:123456789012:function:f", nil},
	{"arn:aws:states:::lambda:invoke", obj{"FunctionName": "f"}},
	{"arn:aws:states:::sqs:sendMessage", obj{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "m"}},
	{"arn:aws:states:::aws-sdk:s3:getObject", obj{"Bucket": "b", "Key": "k"}},
	{"arn:aws:states:::dynamodb:getItem", obj{"TableName": "t", "Key": obj{"id": obj{"S": "1"}}}},
	{"arn:aws:states:::states:startExecution.sync:2", obj{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"}},
	{"arn:aws:states:us-east-1:123456789012:activity:act", nil},
	{"arn:aws:states:::lambda:invoke.waitForTaskToken", obj{"FunctionName": "f"}},
}

// withRequired adds the required parameters to a template: to its
// object, or instead of a single expression.
func withRequired(t any, required obj) any {
	if required == nil {
		return t
	}
	o, ok := t.(obj)
	if !ok {
		o = obj{}
	}
	for k, v := range required {
		delete(o, k+".$")
		o[k] = v
	}
	return o
}

// credentials is a Task's Credentials: the role to assume, literal or
// computed.
func (s *state) credentials() obj {
	const role = "arn:aws:iam::123456789012:role/r"
	switch {
	case s.ql == jsonata && s.g.chance(2):
		return obj{"RoleArn": "{% '" + role + "' %}"}
	case s.ql == jsonPath && s.g.chance(2):
		return obj{"RoleArn.$": oneOf(s.g, "$.role", "States.Format('"+role+"{}', $.suffix)")}
	}
	return obj{"RoleArn": role}
}

func (s *state) wait() {
	g := s.g
	s.st["Type"] = "Wait"
	if s.ql == jsonata {
		switch g.pick(4) {
		case 0:
			s.st["Seconds"] = g.pick(3)
		case 1:
			s.st["Seconds"] = g.ataSeconds(s.sc)
		case 2:
			s.st["Timestamp"] = "2016-03-14T01:59:00Z"
		case 3:
			s.st["Timestamp"] = "{% " + g.ataExpr(s.sc, 0, ataInput) + " %}"
		}
		s.output(false)
	} else {
		s.io()
		switch g.pick(4) {
		case 0:
			s.st["Seconds"] = g.pick(3)
		case 1:
			s.st["SecondsPath"] = g.refPath(s.sc)
		case 2:
			s.st["Timestamp"] = oneOf(g, "2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123+01:00")
		case 3:
			s.st["TimestampPath"] = g.refPath(s.sc)
		}
	}
	s.assign(false)
}

func (s *state) succeed() {
	s.st["Type"] = "Succeed"
	if s.ql == jsonata {
		s.output(false)
	} else {
		s.io()
	}
}

func (s *state) fail() {
	g := s.g
	s.st["Type"] = "Fail"
	if s.ql == jsonata {
		if g.chance(2) {
			s.st["Error"] = oneOf(g, "Custom.Error", "{% 'E' & $string($states.input) %}")
		}
		if g.chance(2) {
			s.st["Cause"] = oneOf(g, "because", "{% $string($states.input) %}")
		}
		return
	}
	switch g.pick(3) {
	case 1:
		s.st["Error"] = "Custom.Error"
	case 2:
		s.st["ErrorPath"] = oneOf(g, g.refPath(s.sc), "States.Format('E{}', $.a)")
	}
	switch g.pick(3) {
	case 1:
		s.st["Cause"] = "because"
	case 2:
		s.st["CausePath"] = oneOf(g, g.refPath(s.sc), "States.JsonToString($)")
	}
}

func (s *state) choice() {
	g := s.g
	s.st["Type"] = "Choice"
	n := 1 + g.pick(3)
	var rules []any
	for range n {
		r := obj{"Next": oneOf(g, s.later...)}
		if len(rules) == 0 {
			r["Next"] = s.later[0] // reachable even without a Default
		}
		if s.ql == jsonata {
			r["Condition"] = "{% " + g.ataBool(s.sc) + " %}"
			if g.chance(4) {
				r["Output"] = g.ataTemplate(s.sc, 0, ataInput)
			}
		} else {
			g.rule(r, s.sc, 0)
		}
		if g.chance(4) {
			r["Assign"] = g.assignObj(s.sc, s.ql, ataInput, &s.assignedVar)
		}
		rules = append(rules, r)
	}
	s.st["Choices"] = rules
	if g.pick(4) != 1 {
		s.st["Default"] = s.later[0]
	}
	if s.ql == jsonata {
		s.output(false)
	} else {
		s.io()
	}
	s.assign(false)
}

func (s *state) parallel() {
	g := s.g
	s.st["Type"] = "Parallel"
	var branches []any
	for range 1 + g.pick(2) {
		b := obj{}
		g.machine(b, s.depth+1, s.sc)
		branches = append(branches, b)
	}
	s.st["Branches"] = branches
	s.work()
}

func (s *state) mapState() {
	g := s.g
	s.st["Type"] = "Map"
	proc := obj{}
	distributed := g.chance(3)
	switch {
	case distributed:
		proc["ProcessorConfig"] = obj{"Mode": "DISTRIBUTED", "ExecutionType": oneOf(g, "STANDARD", "EXPRESS")}
	case g.chance(3):
		proc["ProcessorConfig"] = obj{"Mode": "INLINE"}
	}
	inner := s.sc
	if distributed {
		inner = nil // a child workflow reads none of its parent's variables
	}
	g.machine(proc, s.depth+1, inner)
	if g.chance(5) && !distributed {
		s.st["Iterator"] = proc // the legacy name
	} else {
		s.st["ItemProcessor"] = proc
	}
	if s.ql == jsonata {
		if g.chance(2) {
			s.st["Items"] = oneOf[any](g, "{% $states.input.items %}", "{% [1, 2, 3] %}", []any{1, "{% $states.input %}"})
		}
		if g.chance(3) {
			s.st["ItemSelector"] = g.ataTemplate(s.sc, 0, ataItem)
		}
		if g.chance(4) {
			s.st["MaxConcurrency"] = oneOf[any](g, 2, "{% 1 + 1 %}")
		}
	} else {
		if g.chance(2) {
			s.st["ItemsPath"] = oneOf(g, "$.items", "$", "$$.Execution.Input.items")
		}
		if g.chance(3) {
			key := oneOf(g, "ItemSelector", "Parameters")
			s.st[key] = g.template(s.sc, 0, true)
		}
		switch g.pick(4) {
		case 1:
			s.st["MaxConcurrency"] = g.pick(5)
		case 2:
			s.st["MaxConcurrencyPath"] = g.refPath(s.sc)
		}
	}
	if distributed {
		s.distributed()
	}
	s.work()
}

// distributed adds the fields only a distributed Map takes.
func (s *state) distributed() {
	g := s.g
	if g.chance(3) {
		s.st["Label"] = "lbl"
	}
	ata := s.ql == jsonata
	switch g.pick(4) {
	case 1:
		s.st["ToleratedFailureCount"] = g.count(ata, 1)
	case 2:
		s.st["ToleratedFailurePercentage"] = g.count(ata, 10)
	case 3:
		if !ata {
			s.st[oneOf(g, "ToleratedFailureCountPath", "ToleratedFailurePercentagePath")] = g.refPath(s.sc)
		}
	}
	if g.chance(2) {
		b := obj{}
		switch g.pick(3) {
		case 0:
			b["MaxItemsPerBatch"] = g.count(ata, 2)
		case 1:
			b["MaxInputBytesPerBatch"] = g.count(ata, 1024)
		case 2:
			if !ata {
				b["MaxItemsPerBatchPath"] = g.refPath(s.sc)
			}
		}
		if g.chance(2) {
			if ata {
				b["BatchInput"] = g.ataObject(s.sc, 0, ataInput)
			} else {
				b["BatchInput"] = g.templateObject(s.sc, 0, false)
			}
		}
		s.st["ItemBatcher"] = b
	}
}

// count is a non-negative count field: a number, or in JSONata also an
// expression.
func (g *gen) count(ata bool, n int) any {
	if ata && g.chance(2) {
		return fmt.Sprintf("{%% %d %%}", n)
	}
	return n
}

// work adds what Task, Parallel and Map share after their work: the
// input and output fields, Retry, Catch and Assign.
func (s *state) work() {
	g := s.g
	if s.ql == jsonata {
		if s.st["Type"] == "Parallel" && g.chance(3) {
			s.st["Arguments"] = g.ataTemplate(s.sc, 0, ataInput)
		}
		s.output(true)
	} else {
		s.io()
		if s.st["Type"] == "Parallel" && g.chance(3) {
			s.st["Parameters"] = g.template(s.sc, 0, false)
		}
		if g.chance(3) {
			s.st["ResultSelector"] = g.template(s.sc, 0, false)
		}
		s.resultPath()
	}
	s.errors()
	s.assign(true)
}

// ---- fields shared by several kinds

// io adds InputPath and OutputPath to a JSONPath state.
func (s *state) io() {
	g := s.g
	if g.chance(4) {
		s.st["InputPath"] = oneOf[any](g, "$", "$.a", nil, "$$.Execution.Input", g.refPath(s.sc))
	}
	if g.chance(4) {
		s.st["OutputPath"] = oneOf[any](g, "$", "$.a", nil, g.refPath(s.sc))
	}
}

func (s *state) resultPath() {
	g := s.g
	if g.chance(3) {
		s.st["ResultPath"] = oneOf[any](g, "$", "$.r", "$.a.b", nil)
	}
}

// output adds Output to a JSONata state; result says whether
// $states.result may be read.
func (s *state) output(result bool) {
	if s.g.chance(2) {
		in := ataInput
		if result {
			in = ataResult
		}
		s.st["Output"] = s.g.ataTemplate(s.sc, 0, in)
	}
}

// assign adds Assign; result says whether $states.result may be read.
func (s *state) assign(result bool) {
	if !s.g.chance(3) {
		return
	}
	in := ataInput
	if result {
		in = ataResult
	}
	s.st["Assign"] = s.g.assignObj(s.sc, s.ql, in, &s.assignedVar)
}

func (g *gen) assignObj(sc *scope, ql queryLanguage, in ataContext, assigned *string) obj {
	g.vars++
	name := fmt.Sprintf("v%d", g.vars)
	*assigned = name
	a := obj{}
	if ql == jsonata {
		a[name] = g.ataValue(sc, 0, in)
	} else {
		g.templateField(a, name, sc, 0, false)
	}
	return a
}

// errors adds Retry and Catch.
func (s *state) errors() {
	g := s.g
	if g.chance(3) {
		var rs []any
		n := 1 + g.pick(2)
		for i := range n {
			r := obj{"ErrorEquals": g.errorEquals(i == n-1)}
			if g.chance(2) {
				r["IntervalSeconds"] = 1 + g.pick(5)
			}
			if g.chance(2) {
				r["MaxAttempts"] = g.pick(4)
			}
			if g.chance(2) {
				r["BackoffRate"] = oneOf[any](g, 1, 1.5, 2.0)
			}
			if g.chance(3) {
				r["MaxDelaySeconds"] = 1 + g.pick(10)
			}
			if g.chance(3) {
				r["JitterStrategy"] = oneOf(g, "FULL", "NONE")
			}
			rs = append(rs, r)
		}
		s.st["Retry"] = rs
	}
	if len(s.later) > 0 && g.chance(3) {
		var cs []any
		n := 1 + g.pick(2)
		for i := range n {
			c := obj{"ErrorEquals": g.errorEquals(i == n-1), "Next": oneOf(g, s.later...)}
			if s.ql == jsonata {
				if g.chance(2) {
					c["Output"] = g.ataTemplate(s.sc, 0, ataError)
				}
				if g.chance(3) {
					c["Assign"] = g.assignObj(s.sc, s.ql, ataError, new(string))
				}
			} else {
				if g.chance(2) {
					c["ResultPath"] = oneOf[any](g, "$.error", "$", nil)
				}
				if g.chance(3) {
					c["Assign"] = g.assignObj(s.sc, s.ql, ataError, new(string))
				}
			}
			cs = append(cs, c)
		}
		s.st["Catch"] = cs
	}
}

// errorEquals: States.ALL only alone and in the last retrier or catcher.
func (g *gen) errorEquals(last bool) []any {
	if last && g.chance(2) {
		return []any{"States.ALL"}
	}
	out := []any{oneOf(g, "States.TaskFailed", "States.Timeout", "Custom.Error", "States.Runtime")}
	if g.chance(3) {
		out = append(out, "States.HeartbeatTimeout")
	}
	return out
}
