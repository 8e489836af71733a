package jsonata

import (
	"context"
	"math"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// An env is one frame of variable bindings.
type env struct {
	bindings map[string]any
	parent   *env
	vars     Vars // root frame only: the caller's variables
	root     any  // root frame only: the input, bound to $$
	ev       *evaluator
}

func newFrame(parent *env) *env { return &env{parent: parent, ev: parent.ev} }

func (e *env) bind(name string, v any) {
	if e.bindings == nil {
		e.bindings = make(map[string]any, 4)
	}
	e.bindings[name] = v
}

func (e *env) lookup(name string) any {
	for f := e; f != nil; f = f.parent {
		if f.bindings != nil {
			if v, ok := f.bindings[name]; ok {
				return v
			}
		}
		if f.parent == nil {
			if name == "$" {
				return f.root
			}
			if f.vars != nil {
				if v, ok := f.vars.Lookup(name); ok {
					return v
				}
			}
			if b := f.ev.lib.lookup(name); b != nil {
				return b
			}
		}
	}
	return undefined
}

// evaluator holds the state of one evaluation.
type evaluator struct {
	lib      *Library // the functions a $name not otherwise bound calls
	depth    int
	ticks    int
	ctx      context.Context
	now      time.Time // what $now() and $millis() report; zero until asked for
	started  time.Time // the first checkpoint (see step)
	alloc    int64     // bytes charged (see charge)
	nest     int       // depth of the value walk under way (see enter)
	calls    int       // depth of calls from built-ins (see maxCallDepth)
	exported int       // nodes exported (see exportNodes)
}

// timestamp is what $now() and $millis() report: one time for the whole
// evaluation, as in JSONata, read when first asked for from the durable
// execution the evaluation runs in (see sfnrt.Draws), else the clock.
func (ev *evaluator) timestamp() time.Time {
	if ev.now.IsZero() {
		if d := sfnrt.DrawsFrom(ev.ctx); d != nil {
			ev.now = d.Now()
		} else {
			ev.now = time.Now()
		}
	}
	return ev.now
}

func frameFromTuple(parent *env, t tuple) *env {
	f := &env{parent: parent, ev: parent.ev, bindings: make(map[string]any, len(t))}
	for k, v := range t {
		f.bindings[k] = v
	}
	return f
}

func (ev *evaluator) eval(e *node, input any, en *env) (result any, err error) {
	ev.depth++
	if ev.depth > maxEvalDepth {
		ev.depth--
		return nil, stackOverflow(e.Pos)
	}
	if err := ev.step(); err != nil {
		ev.depth--
		return nil, err
	}
	switch e.Kind {
	case kPath:
		if e.SimplePath {
			if v, ok := ev.walkSimplePath(e, input, en); ok {
				ev.depth--
				return v, nil
			}
		}
		result, err = ev.evalPath(e, input, en)
	case kBinary:
		result, err = ev.evalBinary(e, input, en)
	case kUnary:
		result, err = ev.evalUnary(e, input, en)
	case kName:
		result = lookupField(input, e.Str())
	case kString, kNumber, kValue:
		result = e.Value
	case kWildcard:
		result = ev.evalWildcard(input)
	case kDescendant:
		result = ev.evalDescendants(input)
	case kParent:
		result = en.lookup(e.Slot.Label)
	case kCondition:
		result, err = ev.evalCondition(e, input, en)
	case kBlock:
		f := newFrame(en)
		result = undefined
		for _, x := range e.Expressions {
			result, err = ev.eval(x, input, f)
			if err != nil {
				break
			}
		}
	case kBind:
		result, err = ev.eval(e.RHS, input, en)
		if err == nil {
			en.bind(e.LHS.Str(), result)
		}
	case kRegex:
		result, err = evalRegex(e)
	case kFunction:
		result, err = ev.evalFunction(e, input, en, nil)
	case kVariable:
		name := e.Str()
		if name == "" {
			if s, ok := input.(*seq); ok && s.outerWrapper && len(s.items) > 0 {
				result = s.items[0]
			} else {
				result = input
			}
		} else {
			result = en.lookup(name)
		}
	case kLambda:
		result = &lambda{input: input, env: en, params: paramNames(e.Args), sig: e.Sig, body: e.Body, thunk: e.Thunk}
	case kPartial:
		result, err = ev.evalPartial(e, input, en)
	case kApply:
		result, err = ev.evalApply(e, input, en)
	case kTransform:
		result = ev.makeTransformer(e, en)
	default:
		result = undefined
	}
	if err != nil {
		ev.depth--
		return nil, err
	}
	for _, p := range e.Predicate {
		result, err = ev.evalFilter(p.Expression, result, en)
		if err != nil {
			ev.depth--
			return nil, err
		}
	}
	if e.Kind != kPath && e.Group != nil {
		result, err = ev.evalGroup(e.Group.Pairs, e.Group.Pos, result, en)
		if err != nil {
			ev.depth--
			return nil, err
		}
	}
	if s, ok := result.(*seq); ok && s.sequence && !s.tupleStream {
		if e.KeepArray {
			s.keepSingleton = true
		}
		if len(s.items) == 0 {
			result = undefined
		} else if len(s.items) == 1 && !s.keepSingleton {
			result = s.items[0]
		}
	}
	ev.depth--
	return result, nil
}

func paramNames(args []*node) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Str()
	}
	return out
}

// walkSimplePath evaluates a simple path (see markSimplePaths) while every
// intermediate value is an object; ok is false where the general
// algorithm is needed (arrays, sequences, array input).
func (ev *evaluator) walkSimplePath(e *node, input any, en *env) (any, bool) {
	var cur any
	first := e.Steps[0]
	if first.Kind == kVariable {
		name := first.Str()
		if name == "" {
			cur = input
		} else {
			cur = en.lookup(name)
		}
		if isArray(cur) {
			return nil, false
		}
	} else {
		if isArray(input) {
			return nil, false
		}
		cur = lookupField(input, first.Str())
	}
	for _, s := range e.Steps[1:] {
		o, ok := cur.(*sfnrt.Object)
		if !ok {
			if cur == undefined || !isArray(cur) {
				return undefined, true
			}
			return nil, false
		}
		v, found := o.Get(s.Str())
		if !found {
			return undefined, true
		}
		cur = v
	}
	if s, ok := cur.(*seq); ok && s.sequence {
		return nil, false
	}
	return cur, true
}

func seqLen(v any) (int, bool) {
	items, ok := arrayItems(v)
	return len(items), ok
}

func (ev *evaluator) evalPath(e *node, input any, en *env) (any, error) {
	var inVal any
	var inItems []any
	if items, ok := arrayItems(input); ok && e.Steps[0].Kind != kVariable {
		inVal, inItems = input, items
	} else {
		s := newSeq(input)
		inVal, inItems = s, s.items
	}
	var resultSeq any = undefined
	isTuple := false
	var tupleBindings *seq
	last := len(e.Steps) - 1
	for i, step := range e.Steps {
		if step.Tuple {
			isTuple = true
		}
		var err error
		if i == 0 && step.ConsArray {
			resultSeq, err = ev.eval(step, inVal, en)
		} else if isTuple {
			tupleBindings, err = ev.evalTupleStep(step, inItems, tupleBindings, en)
		} else {
			resultSeq, err = ev.evalStep(step, inItems, en, i == last)
		}
		if err != nil {
			return nil, err
		}
		if !isTuple {
			if resultSeq == undefined {
				break
			}
			if n, ok := seqLen(resultSeq); ok && n == 0 {
				break
			}
		}
		if !step.HasFocus {
			inVal = resultSeq
			inItems, _ = arrayItems(resultSeq)
		}
	}
	if isTuple {
		if e.Tuple {
			resultSeq = tupleBindings
		} else {
			rs := newSeqCap(len(tupleBindings.items))
			for _, t := range tupleBindings.items {
				rs.push(t.(tuple)["@"])
			}
			resultSeq = rs
		}
	}
	if e.KeepSingletonArray {
		if s, ok := resultSeq.(*seq); ok && s.cons && !s.sequence {
			resultSeq = newSeq(resultSeq)
		}
		if s, ok := resultSeq.(*seq); ok {
			s.keepSingleton = true
		}
	}
	if e.Group != nil {
		var in any = resultSeq
		if isTuple {
			in = tupleBindings
		}
		return ev.evalGroup(e.Group.Pairs, e.Group.Pos, in, en)
	}
	return resultSeq, nil
}

func (ev *evaluator) evalStep(e *node, input []any, en *env, lastStep bool) (any, error) {
	if e.Kind == kSort {
		res, err := ev.evalSort(e, input, false, en)
		if err != nil {
			return nil, err
		}
		if e.Stages != nil {
			return ev.evalStages(e.Stages, res, en)
		}
		return res, nil
	}
	results := make([]any, 0, len(input))
	total := 0 // items of the flattened result so far
	for _, item := range input {
		res, err := ev.eval(e, item, en)
		if err != nil {
			return nil, err
		}
		for _, st := range e.Stages {
			if st.Kind != kFilterStage {
				continue
			}
			res, err = ev.evalFilter(st.Expression, res, en)
			if err != nil {
				return nil, err
			}
		}
		if res != undefined {
			results = append(results, res)
			// A path maps each step over the items before it: $x.$x.$x
			// over a thousand items asks for a billion. Stop as soon as
			// the flattened result passes the bound.
			if s, ok := res.(*seq); ok && s.cons {
				total++
			} else if items, ok := arrayItems(res); ok {
				total += len(items)
			} else {
				total++
			}
			if total > maxItems {
				return nil, memoryExceeded()
			}
		}
	}
	if err := ev.chargeItems(total); err != nil {
		return nil, err
	}
	if lastStep && len(results) == 1 && isArray(results[0]) && !isSequence(results[0]) {
		return results[0], nil
	}
	out := &seq{sequence: true, items: make([]any, 0, len(results))}
	for _, res := range results {
		switch r := res.(type) {
		case []any:
			out.items = append(out.items, r...)
		case *seq:
			if r.cons {
				out.items = append(out.items, r)
			} else {
				out.items = append(out.items, r.items...)
			}
		default:
			out.items = append(out.items, res)
		}
	}
	return out, nil
}

func (ev *evaluator) evalStages(stages []*node, input any, en *env) (any, error) {
	result := input
	for _, st := range stages {
		switch st.Kind {
		case kFilterStage:
			r, err := ev.evalFilter(st.Expression, result, en)
			if err != nil {
				return nil, err
			}
			result = r
		case kIndexStage:
			items, _ := arrayItems(result)
			for i, it := range items {
				if t, ok := it.(tuple); ok {
					t[st.Str()] = float64(i)
				}
			}
		}
	}
	return result, nil
}

func (ev *evaluator) evalTupleStep(e *node, input []any, bindings *seq, en *env) (*seq, error) {
	if e.Kind == kSort {
		var result *seq
		if bindings != nil {
			r, err := ev.evalSort(e, bindings.items, true, en)
			if err != nil {
				return nil, err
			}
			items, _ := arrayItems(r)
			result = &seq{sequence: true, tupleStream: true, items: items}
		} else {
			sorted, err := ev.evalSort(e, input, false, en)
			if err != nil {
				return nil, err
			}
			items, _ := arrayItems(sorted)
			result = &seq{sequence: true, tupleStream: true, items: make([]any, 0, len(items))}
			for i, v := range items {
				t := tuple{"@": v}
				if e.Index != "" {
					t[e.Index] = float64(i)
				}
				result.push(t)
			}
		}
		return ev.tupleStages(e, result, en)
	}
	result := &seq{sequence: true, tupleStream: true}
	var tb []any
	if bindings == nil {
		tb = make([]any, len(input))
		for i, it := range input {
			tb[i] = tuple{"@": it}
		}
	} else {
		tb = bindings.items
	}
	for _, b := range tb {
		bt := b.(tuple)
		stepEnv := frameFromTuple(en, bt)
		res, err := ev.eval(e, bt["@"], stepEnv)
		if err != nil {
			return nil, err
		}
		if res == undefined {
			continue
		}
		resItems, isArr := arrayItems(res)
		if !isArr {
			resItems = []any{res}
		}
		resTuples := false
		if s, ok := res.(*seq); ok && s.tupleStream {
			resTuples = true
		}
		for bb, r := range resItems {
			t := make(tuple, len(bt)+2)
			for k, v := range bt {
				t[k] = v
			}
			if resTuples {
				for k, v := range r.(tuple) {
					t[k] = v
				}
			} else {
				if e.Focus != "" {
					t[e.Focus] = r
					t["@"] = bt["@"]
				} else {
					t["@"] = r
				}
				if e.Index != "" {
					t[e.Index] = float64(bb)
				}
				if e.Ancestor != nil {
					t[e.Ancestor.Label] = bt["@"]
				}
			}
			result.push(t)
		}
	}
	return ev.tupleStages(e, result, en)
}

// tupleStages applies step e's stages (its filters and index bindings)
// to the tuple stream result it made.
func (ev *evaluator) tupleStages(e *node, result *seq, en *env) (*seq, error) {
	if e.Stages == nil {
		return result, nil
	}
	r, err := ev.evalStages(e.Stages, result, en)
	if err != nil {
		return nil, err
	}
	return asTupleSeq(r), nil
}

func asTupleSeq(v any) *seq {
	if s, ok := v.(*seq); ok {
		s.tupleStream = true
		return s
	}
	items, _ := arrayItems(v)
	return &seq{sequence: true, tupleStream: true, items: items}
}

func (ev *evaluator) evalFilter(pred *node, input any, en *env) (any, error) {
	results := newSeq()
	isTuples := false
	if s, ok := input.(*seq); ok && s.tupleStream {
		results.tupleStream = true
		isTuples = true
	}
	items, ok := arrayItems(input)
	if !ok {
		items = []any{input}
	}
	if pred.Kind == kNumber {
		index := int(math.Floor(pred.Value.(float64)))
		if index < 0 {
			index += len(items)
		}
		if index >= 0 && index < len(items) {
			item := items[index]
			if item != undefined {
				if isArray(item) {
					return item, nil
				}
				results.push(item)
			}
		}
		return results, nil
	}
	for index, item := range items {
		context, fenv := item, en
		if isTuples {
			t := item.(tuple)
			context = t["@"]
			fenv = frameFromTuple(en, t)
		}
		res, err := ev.eval(pred, context, fenv)
		if err != nil {
			return nil, err
		}
		num, err := isNumeric(res)
		if err != nil {
			return nil, err
		}
		if num {
			res = []any{res}
		}
		if nums, ok, err := arrayOfNumbers(res); err != nil {
			return nil, err
		} else if ok {
			for _, n := range nums {
				ii := int(math.Floor(n))
				if ii < 0 {
					ii += len(items)
				}
				if ii == index {
					results.push(item)
				}
			}
		} else {
			b, err := toBoolean(res)
			if err != nil {
				return nil, err
			}
			if b == true {
				results.push(item)
			}
		}
	}
	return results, nil
}

// arrayOfNumbers mirrors utils.isArrayOfNumbers.
func arrayOfNumbers(v any) ([]float64, bool, error) {
	items, ok := arrayItems(v)
	if !ok {
		return nil, false, nil
	}
	out := make([]float64, len(items))
	for i, it := range items {
		ok, err := isNumeric(it)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, nil
		}
		out[i], _ = toFloat(it)
	}
	return out, true, nil
}

func arrayOfStrings(v any) bool {
	items, ok := arrayItems(v)
	if !ok {
		return false
	}
	for _, it := range items {
		if _, ok := it.(string); !ok {
			return false
		}
	}
	return true
}

// toBoolean is fn.boolean: the effective boolean value, or undefined.
func toBoolean(v any) (any, error) {
	switch x := v.(type) {
	case undefinedType:
		return undefined, nil
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		return x != "", nil
	case *sfnrt.Object:
		return x.Len() > 0, nil
	case tuple:
		return len(x) > 0, nil
	}
	if isNumber(v) {
		ok, err := isNumeric(v)
		if err != nil {
			return nil, err
		}
		f, _ := toFloat(v)
		return ok && f != 0, nil
	}
	if items, ok := arrayItems(v); ok {
		switch len(items) {
		case 0:
			return false, nil
		case 1:
			return toBoolean(items[0])
		}
		for _, it := range items {
			b, err := toBoolean(it)
			if err != nil {
				return nil, err
			}
			if b == true {
				return true, nil
			}
		}
		return false, nil
	}
	return false, nil
}

func truthy(v any) (bool, error) {
	b, err := toBoolean(v)
	return b == true, err
}

func (ev *evaluator) evalBinary(e *node, input any, en *env) (any, error) {
	lhs, err := ev.eval(e.LHS, input, en)
	if err != nil {
		return nil, err
	}
	op := e.Str()
	if op == "and" || op == "or" {
		l, err := truthy(lhs)
		if err != nil {
			return nil, annotate(err, e.Pos, op)
		}
		if op == "and" && !l {
			return false, nil
		}
		if op == "or" && l {
			return true, nil
		}
		rhs, err := ev.eval(e.RHS, input, en)
		if err != nil {
			return nil, err
		}
		r, err := truthy(rhs)
		if err != nil {
			return nil, annotate(err, e.Pos, op)
		}
		return r, nil
	}
	rhs, err := ev.eval(e.RHS, input, en)
	if err != nil {
		return nil, err
	}
	var res any
	switch op {
	case "+", "-", "*", "/", "%":
		res, err = numericOp(lhs, rhs, op)
	case "=", "!=":
		if lhs == undefined || rhs == undefined {
			return false, nil
		}
		eq := ev.deepEqual(lhs, rhs)
		if op == "=" {
			return eq, nil
		}
		return !eq, nil
	case "<", "<=", ">", ">=":
		res, err = compareOp(lhs, rhs, op)
	case "&":
		var ls, rs string
		if lhs != undefined {
			ls, err = fnString(lhs, false)
		}
		if err == nil && rhs != undefined {
			rs, err = fnString(rhs, false)
		}
		if err == nil {
			err = ev.chargeString(len(ls) + len(rs))
		}
		res = ls + rs
	case "..":
		res, err = ev.rangeOp(lhs, rhs)
	case "in":
		if lhs == undefined || rhs == undefined {
			return false, nil
		}
		items, ok := arrayItems(rhs)
		if !ok {
			items = []any{rhs}
		}
		for _, it := range items {
			if strictEqual(it, lhs) {
				return true, nil
			}
		}
		return false, nil
	default:
		res = undefined
	}
	if err != nil {
		return nil, annotate(err, e.Pos, op)
	}
	return res, nil
}

// annotate sets the position and token of a JSONata error, as the
// reference implementation does where it catches errors around operators.
func annotate(err error, pos int, token string) error {
	if je, ok := err.(*Error); ok {
		je.Position, je.hasPos = pos, true
		je.Token, je.hasToken = token, true
	}
	return err
}

func numericOp(lhs, rhs any, op string) (any, error) {
	if lhs != undefined {
		ok, err := isNumeric(lhs)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errVal("T2001", lhs)
		}
	}
	if rhs != undefined {
		ok, err := isNumeric(rhs)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errVal("T2002", rhs)
		}
	}
	if lhs == undefined || rhs == undefined {
		return undefined, nil
	}
	a, _ := toFloat(lhs)
	b, _ := toFloat(rhs)
	switch op {
	case "+":
		return a + b, nil
	case "-":
		return a - b, nil
	case "*":
		return a * b, nil
	case "/":
		return a / b, nil
	}
	return math.Mod(a, b), nil
}

func jsType(v any) string {
	switch v.(type) {
	case undefinedType:
		return "undefined"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	if isNumber(v) {
		return "number"
	}
	if isFunction(v) {
		return "function"
	}
	return "object"
}

func compareOp(lhs, rhs any, op string) (any, error) {
	lt, rt := jsType(lhs), jsType(rhs)
	lc := lt == "undefined" || lt == "string" || lt == "number"
	rc := rt == "undefined" || rt == "string" || rt == "number"
	if !lc || !rc {
		v := rhs
		if !(lt == "string" || lt == "number") {
			v = lhs
		}
		return nil, errVal("T2010", v)
	}
	if lt == "undefined" || rt == "undefined" {
		return undefined, nil
	}
	if lt != rt {
		return nil, &Error{Code: "T2009", Position: -1, Value: lhs, Value2: rhs}
	}
	var c int
	if lt == "string" {
		a, b := lhs.(string), rhs.(string)
		switch {
		case a < b:
			c = -1
		case a > b:
			c = 1
		}
	} else {
		a, _ := toFloat(lhs)
		b, _ := toFloat(rhs)
		if math.IsNaN(a) || math.IsNaN(b) {
			return false, nil
		}
		switch {
		case a < b:
			c = -1
		case a > b:
			c = 1
		}
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

func (ev *evaluator) rangeOp(lhs, rhs any) (any, error) {
	if lhs != undefined && !isInteger(lhs) {
		return nil, errVal("T2003", lhs)
	}
	if rhs != undefined && !isInteger(rhs) {
		return nil, errVal("T2004", rhs)
	}
	if lhs == undefined || rhs == undefined {
		return undefined, nil
	}
	a, _ := toFloat(lhs)
	b, _ := toFloat(rhs)
	if a > b {
		return undefined, nil
	}
	size := b - a + 1
	if size > 1e7 {
		return nil, errVal("D2014", size)
	}
	if err := ev.chargeItems(int(size)); err != nil {
		return nil, err
	}
	out := &seq{sequence: true, items: make([]any, int(size))}
	for i := range out.items {
		out.items[i] = a + float64(i)
	}
	return out, nil
}

func (ev *evaluator) evalUnary(e *node, input any, en *env) (any, error) {
	switch e.Str() {
	case "-":
		v, err := ev.eval(e.Expression, input, en)
		if err != nil {
			return nil, err
		}
		if v == undefined {
			return undefined, nil
		}
		ok, err := isNumeric(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{Code: "D1002", Position: e.Pos, hasPos: true, Token: "-", hasToken: true, Value: v}
		}
		f, _ := toFloat(v)
		return -f, nil
	case "[":
		result := make([]any, 0, len(e.Expressions))
		for _, item := range e.Expressions {
			v, err := ev.eval(item, input, en)
			if err != nil {
				return nil, err
			}
			if v == undefined {
				continue
			}
			if item.Kind == kUnary && item.Value == "[" {
				result = append(result, v)
			} else if items, ok := arrayItems(v); ok {
				result = append(result, items...)
			} else {
				result = append(result, v)
			}
			if len(result) > maxItems {
				return nil, memoryExceeded()
			}
		}
		if err := ev.chargeItems(len(result)); err != nil {
			return nil, err
		}
		if e.ConsArray {
			return &seq{items: result, cons: true}, nil
		}
		return result, nil
	case "{":
		return ev.evalGroup(e.Pairs, e.Pos, input, en)
	}
	return undefined, nil
}

// lookupField is fn.lookup: a member of an object, mapped over arrays.
func lookupField(input any, key string) any {
	switch x := input.(type) {
	case *sfnrt.Object:
		if v, ok := x.Get(key); ok {
			return v
		}
		return undefined
	case []any, *seq:
		items, _ := arrayItems(x)
		result := newSeqCap(len(items))
		for _, it := range items {
			res := lookupField(it, key)
			if res == undefined {
				continue
			}
			if ri, ok := arrayItems(res); ok {
				result.items = append(result.items, ri...)
			} else {
				result.push(res)
			}
		}
		return result
	case tuple:
		if v, ok := x[key]; ok {
			return v
		}
	}
	return undefined
}

// evalWildcard, evalDescendants and flatten walk values that may share
// arrays (a DAG expands here), so they count steps and items.
func (ev *evaluator) evalWildcard(input any) any {
	results := newSeq()
	plain := false
	if s, ok := input.(*seq); ok && s.outerWrapper && len(s.items) > 0 {
		input = s.items[0]
	}
	add := func(value any) {
		if isArray(value) {
			flat := ev.flatten(value, nil)
			results.items = append(results.items, flat...)
			plain = true
		} else {
			results.push(value)
		}
	}
	switch x := input.(type) {
	case *sfnrt.Object:
		for _, m := range x.Members() {
			add(m.Value)
		}
	case []any, *seq:
		items, _ := arrayItems(x)
		for _, it := range items {
			add(it)
		}
	}
	if plain {
		return results.items
	}
	return results
}

func (ev *evaluator) flatten(v any, out []any) []any {
	ev.mustStep()
	if items, ok := arrayItems(v); ok {
		ev.enter()
		for _, it := range items {
			out = ev.flatten(it, out)
		}
		ev.leave()
		return out
	}
	if len(out) >= maxItems {
		panic(limitPanic{memoryExceeded()})
	}
	ev.mustCharge(itemBytes)
	return append(out, v)
}

func (ev *evaluator) evalDescendants(input any) any {
	if input == undefined {
		return undefined
	}
	rs := newSeq()
	ev.recurseDescendants(input, rs, 0)
	if len(rs.items) == 1 {
		return rs.items[0]
	}
	return rs
}

func (ev *evaluator) recurseDescendants(input any, rs *seq, depth int) {
	if depth > maxValueDepth {
		return
	}
	ev.mustStep()
	items, isArr := arrayItems(input)
	if !isArr {
		if len(rs.items) >= maxItems {
			panic(limitPanic{memoryExceeded()})
		}
		ev.mustCharge(itemBytes)
		rs.push(input)
	}
	if isArr {
		for _, it := range items {
			ev.recurseDescendants(it, rs, depth+1)
		}
	} else if o, ok := input.(*sfnrt.Object); ok {
		for _, m := range o.Members() {
			ev.recurseDescendants(m.Value, rs, depth+1)
		}
	}
}

func (ev *evaluator) evalCondition(e *node, input any, en *env) (any, error) {
	c, err := ev.eval(e.Cond, input, en)
	if err != nil {
		return nil, err
	}
	t, err := truthy(c)
	if err != nil {
		return nil, err
	}
	if t {
		return ev.eval(e.Then, input, en)
	}
	if e.Else != nil {
		return ev.eval(e.Else, input, en)
	}
	return undefined, nil
}

type groupEntry struct {
	data      any
	exprIndex int
	list      []any // data as a list of its own once a second value is added
	listed    bool
}

// add appends v to the entry's data as fn.append does (appendValues),
// in place once the entry holds a list of its own: a copy per value made
// grouping many items under one key quadratic, all inside one step.
func (g *groupEntry) add(v any) {
	if v == undefined {
		return
	}
	if !g.listed {
		if g.data == undefined {
			g.data = v
			return
		}
		first, ok := arrayItems(g.data)
		if !ok {
			first = []any{g.data}
		}
		g.list = append(make([]any, 0, len(first)+1), first...)
		g.listed = true
	}
	if items, ok := arrayItems(v); ok {
		g.list = append(g.list, items...)
	} else {
		g.list = append(g.list, v)
	}
}

// value is the entry's data.
func (g *groupEntry) value() any {
	if g.listed {
		return g.list
	}
	return g.data
}

func (ev *evaluator) evalGroup(pairs [][2]*node, pos int, input any, en *env) (any, error) {
	result := sfnrt.NewObject(len(pairs))
	reduce := false
	if s, ok := input.(*seq); ok && s.tupleStream {
		reduce = true
	}
	items, ok := arrayItems(input)
	if !ok {
		items = []any{input}
	}
	if len(items) == 0 && !reduce {
		items = []any{undefined}
	}
	groups := map[string]*groupEntry{}
	var order []string
	for _, item := range items {
		genv := en
		ctx := item
		if reduce {
			t := item.(tuple)
			genv = frameFromTuple(en, t)
			ctx = t["@"]
		}
		for pi, pair := range pairs {
			key, err := ev.eval(pair[0], ctx, genv)
			if err != nil {
				return nil, err
			}
			if key == undefined {
				continue
			}
			ks, ok := key.(string)
			if !ok {
				return nil, &Error{Code: "T1003", Position: pos, hasPos: true, Value: key}
			}
			if g, ok := groups[ks]; ok {
				if g.exprIndex != pi {
					return nil, &Error{Code: "D1009", Position: pos, hasPos: true, Value: ks}
				}
				g.add(item)
			} else {
				groups[ks] = &groupEntry{data: item, exprIndex: pi}
				order = append(order, ks)
			}
		}
	}
	for _, key := range order {
		g := groups[key]
		ctx := g.value()
		genv := en
		if reduce {
			t := reduceTupleStream(ctx)
			ctx = t["@"]
			delete(t, "@")
			genv = frameFromTuple(en, t)
		}
		v, err := ev.eval(pairs[g.exprIndex][1], ctx, genv)
		if err != nil {
			return nil, err
		}
		if v != undefined {
			result.Set(key, v)
		}
	}
	return result, nil
}

func reduceTupleStream(ts any) tuple {
	if t, ok := ts.(tuple); ok {
		c := make(tuple, len(t))
		for k, v := range t {
			c[k] = v
		}
		return c
	}
	items, _ := arrayItems(ts)
	result := tuple{}
	if len(items) == 0 {
		return result
	}
	for k, v := range items[0].(tuple) {
		result[k] = v
	}
	lists := map[string]*groupEntry{}
	for _, it := range items[1:] {
		for k, v := range it.(tuple) {
			g := lists[k]
			if g == nil {
				prev, ok := result[k]
				if !ok {
					prev = undefined
				}
				g = &groupEntry{data: prev}
				lists[k] = g
			}
			g.add(v)
		}
	}
	for k, g := range lists {
		result[k] = g.value()
	}
	return result
}

// appendValues is fn.append: undefined is ignored, non-arrays are wrapped,
// and the result is a new plain array.
func appendValues(a, b any) any {
	if a == undefined {
		return b
	}
	if b == undefined {
		return a
	}
	ai, ok := arrayItems(a)
	if !ok {
		ai = []any{a}
	}
	bi, ok := arrayItems(b)
	if !ok {
		bi = []any{b}
	}
	out := make([]any, 0, len(ai)+len(bi))
	out = append(out, ai...)
	return append(out, bi...)
}

func (ev *evaluator) evalSort(e *node, input []any, isTuple bool, en *env) (any, error) {
	var sortErr error
	less := func(a, b any) bool { // returns true when a and b must swap
		if sortErr != nil {
			return false
		}
		comp := 0
		for _, term := range e.Terms {
			if comp != 0 {
				break
			}
			ctxA, envA := a, en
			if isTuple {
				ctxA = a.(tuple)["@"]
				envA = frameFromTuple(en, a.(tuple))
			}
			aa, err := ev.eval(term.Expr, ctxA, envA)
			if err != nil {
				sortErr = err
				return false
			}
			ctxB, envB := b, en
			if isTuple {
				ctxB = b.(tuple)["@"]
				envB = frameFromTuple(en, b.(tuple))
			}
			bb, err := ev.eval(term.Expr, ctxB, envB)
			if err != nil {
				sortErr = err
				return false
			}
			at, bt := jsType(aa), jsType(bb)
			if at == "undefined" {
				if bt == "undefined" {
					comp = 0
				} else {
					comp = 1
				}
				continue
			}
			if bt == "undefined" {
				comp = -1
				continue
			}
			if !(at == "string" || at == "number") || !(bt == "string" || bt == "number") {
				v := bb
				if !(at == "string" || at == "number") {
					v = aa
				}
				sortErr = &Error{Code: "T2008", Position: e.Pos, hasPos: true, Value: v}
				return false
			}
			if at != bt {
				sortErr = &Error{Code: "T2007", Position: e.Pos, hasPos: true, Value: aa, Value2: bb}
				return false
			}
			c := 0
			if at == "string" {
				x, y := aa.(string), bb.(string)
				if x < y {
					c = -1
				} else if x > y {
					c = 1
				}
			} else {
				x, _ := toFloat(aa)
				y, _ := toFloat(bb)
				if x < y {
					c = -1
				} else if x > y {
					c = 1
				}
			}
			if c == 0 {
				continue
			}
			comp = c
			if term.Descending {
				comp = -comp
			}
		}
		return comp == 1
	}
	if len(input) <= 1 {
		return input, nil
	}
	out := mergeSort(input, func(a, b any) (bool, error) { r := less(a, b); return r, sortErr })
	if sortErr != nil {
		return nil, sortErr
	}
	return out, nil
}

// mergeSort is the reference implementation's stable merge sort: swap is
// called with (left, right) heads and returns true when right goes first.
// Once swap has failed the sort stops (its result is not used): sorting
// on past a failed comparison costs n log n for nothing.
func mergeSort(arr []any, swap func(a, b any) (bool, error)) []any {
	failed := false
	return mergeSortUntil(arr, swap, &failed)
}

func mergeSortUntil(arr []any, swap func(a, b any) (bool, error), failed *bool) []any {
	if len(arr) <= 1 || *failed {
		return arr
	}
	mid := len(arr) / 2
	left := mergeSortUntil(append([]any(nil), arr[:mid]...), swap, failed)
	right := mergeSortUntil(append([]any(nil), arr[mid:]...), swap, failed)
	if *failed {
		return arr
	}
	out := make([]any, 0, len(arr))
	i, j := 0, 0
	for i < len(left) && j < len(right) {
		s, err := swap(left[i], right[j])
		if err != nil {
			*failed = true
			return out
		}
		if s {
			out = append(out, right[j])
			j++
		} else {
			out = append(out, left[i])
			i++
		}
	}
	out = append(out, left[i:]...)
	return append(out, right[j:]...)
}
