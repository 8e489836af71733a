package engine

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
)

// A JSONPath is a compiled path's steps, applied to a root value the
// caller chose: the state input ($), the context object ($$) or a
// variable ($name). Generated code builds JSONPath values directly; no
// path text is parsed at run time. Source is the path as written, for
// error messages.
//
// Evaluation follows Jayway JsonPath, which AWS Step Functions runs, quirks
// included:
//
//   - A field step on a non-object, an index on a non-array and a missing
//     member select nothing; so does everything under a wildcard, slice or
//     filter that is missing. Evaluation never fails.
//   - A union of several names as the last step selects one new object
//     holding those of the members that exist (Jayway's "merge"), not the
//     members one by one; elsewhere it selects each member in turn.
//   - A slice [a:b] does not turn a negative a or b into an offset from the
//     end (only [a:] and [:b] do): [-2:3] on four elements selects
//     elements 2, 3, 0, 1, 2, and [1:-1] selects nothing. A step is
//     ignored, as in Jayway.
//   - A filter applies to each element of an array, and to an object
//     itself (the object is selected when the predicate holds).
//   - A deep scan ..x visits each object and array before its members, in
//     document order. When the step after the scan is not the last one,
//     an array that the step applies to has the rest of the path applied
//     to each of its elements, skipping the step itself.
type JSONPath struct {
	Source string
	Segs   []Seg
}

// A Seg is one step of a JSONPath: SegField, SegIndex, SegWildcard,
// SegSlice, SegUnion, SegDescent or SegFilter.
type Seg interface{ isSeg() }

// SegField selects an object member: .name or ['name'].
type SegField struct{ Name string }

// SegIndex selects an array element; a negative index counts from the end.
type SegIndex struct{ Index int }

// SegWildcard selects every member of an object or element of an array:
// .* or [*].
type SegWildcard struct{}

// SegSlice selects array elements [Start:End]; a bound is open unless its
// Has flag is set. Step is accepted but ignored, as Jayway ignores it.
type SegSlice struct {
	Start, End, Step          int
	HasStart, HasEnd, HasStep bool
}

// SegUnion selects several members, ['a','b'], or several elements, [0,2].
// When Names is non-empty the step applies to objects and Indexes is
// ignored; otherwise it applies to arrays. A union of one name or one
// index is the same as SegField or SegIndex.
type SegUnion struct {
	Names   []string
	Indexes []int
}

// SegDescent searches recursively: ..name, ..*, ..[n], ..[?(…)]. Then is
// the step applied at every level.
type SegDescent struct{ Then Seg }

// SegFilter keeps the array elements, or the object, for which Pred holds:
// [?(…)].
type SegFilter struct{ Pred Pred }

func (SegField) isSeg()    {}
func (SegIndex) isSeg()    {}
func (SegWildcard) isSeg() {}
func (SegSlice) isSeg()    {}
func (SegUnion) isSeg()    {}
func (SegDescent) isSeg()  {}
func (SegFilter) isSeg()   {}

// A Pred is a filter predicate: PredCompare, PredExists, PredAnd, PredOr or
// PredNot.
type Pred interface{ isPred() }

// PredCompare compares two operands. Op is one of:
//
//	==, !=        equality; numbers by value, a string equals a number
//	              whose text it is ('1' == 1), arrays and objects by value;
//	              a missing operand equals nothing (so != holds)
//	===, !==      equality that also requires the same JSON type
//	<, <=, >, >=  two numbers by value or two strings by UTF-16 code
//	              units; any other pair is false
//	=~            regular expression match of the whole string; the
//	              pattern is a literal operand (normally Right), written as
//	              in the path, "/pattern/flags" (flags i, m, s), or a
//	              *regexp.Regexp. Numbers and booleans match by their text;
//	              other values as the empty string.
//	in, nin       membership in an array (Right); false (in) when Right is
//	              not an array
//	subsetof, anyof, noneof, contains, size, empty
//	              as Jayway defines them
//
// Unknown operators are false.
type PredCompare struct {
	Op          string
	Left, Right Operand
}

// PredExists holds when the operand's path selects something: [?(@.tags)].
// A member that is null, false or an empty array exists. For an
// indefinite path every object it passes through must have the named
// members (Jayway evaluates existence with REQUIRE_PROPERTIES).
type PredExists struct{ Operand Operand }

// PredAnd holds when both sides hold; Right is not evaluated otherwise.
type PredAnd struct{ Left, Right Pred }

// PredOr holds when either side holds; Right is not evaluated when Left
// holds.
type PredOr struct{ Left, Right Pred }

// PredNot negates a predicate, as in [?(!@.tags)].
type PredNot struct{ Pred Pred }

func (PredCompare) isPred() {}
func (PredExists) isPred()  {}
func (PredAnd) isPred()     {}
func (PredOr) isPred()      {}
func (PredNot) isPred()     {}

// An Operand is one side of a filter comparison: a path relative to the
// current node (@…, Current set) or to the root ($…), or, when Path is
// nil, the literal value Literal. A definite path yields its node or
// nothing; an indefinite one yields the array of its matches.
type Operand struct {
	Path    *JSONPath
	Current bool
	Literal any
}

// Definite reports whether the path selects at most one node: it has only
// SegField and SegIndex steps (or unions of a single name or index).
func (p *JSONPath) Definite() bool {
	if p == nil {
		return true
	}
	for _, s := range p.Segs {
		if !segDefinite(normSeg(s)) {
			return false
		}
	}
	return true
}

// Get returns the node a definite path selects, or ok=false when the path
// does not exist in root (a member is missing, an index is out of range,
// or a step meets a value of the wrong type). A nil path is $, the root.
// Get is only for definite paths: on an indefinite one it returns
// ok=false. It does not allocate.
func (p *JSONPath) Get(root any) (v any, ok bool) {
	if p == nil {
		return root, true
	}
	v = root
	for _, s := range p.Segs {
		switch s := s.(type) {
		case SegField:
			if v, ok = Field(v, s.Name); !ok {
				return nil, false
			}
		case SegIndex:
			if v, ok = Elem(v, s.Index); !ok {
				return nil, false
			}
		default:
			switch s := normSeg(s).(type) {
			case SegField:
				v, ok = Field(v, s.Name)
			case SegIndex:
				v, ok = Elem(v, s.Index)
			case SegUnion:
				switch {
				case len(s.Names) == 1:
					v, ok = Field(v, s.Names[0])
				case len(s.Names) == 0 && len(s.Indexes) == 1:
					v, ok = Elem(v, s.Indexes[0])
				default:
					ok = false
				}
			default:
				ok = false
			}
			if !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// Select returns every node the path matches in root, in Jayway's order
// (document order; a deep scan visits a node before its members). The
// result is nil when nothing matches. The nodes are shared with root.
func (p *JSONPath) Select(root any) []any {
	if p == nil {
		return []any{root}
	}
	e := evaluator{root: root}
	e.seq(p.Segs, root, true)
	return e.out
}

// Eval applies AWS's rule for a path's value: a definite path yields its
// node, or ok=false when it does not exist (AWS then fails the state); an
// indefinite path yields the []any of its matches, possibly empty, and
// ok=true.
func (p *JSONPath) Eval(root any) (v any, ok bool) {
	if p.Definite() {
		return p.Get(root)
	}
	out := p.Select(root)
	if out == nil {
		out = []any{}
	}
	return out, true
}

// Normalized returns the path as Jayway prints it in its messages, which
// AWS quotes: "$.a.b[0]" is "$['a']['b'][0]", a wildcard "[*]", a slice
// "[1:3]", a deep scan "..", a filter "[?]". AWS reports a missing path
// as "Invalid path '<Source>' : No results for path: <Normalized>".
func (p *JSONPath) Normalized() string {
	var b strings.Builder
	b.WriteByte('$')
	if p != nil {
		for _, s := range p.Segs {
			writeSeg(&b, normSeg(s))
		}
	}
	return b.String()
}

func writeSeg(b *strings.Builder, s Seg) {
	switch s := s.(type) {
	case SegField:
		b.WriteString("['")
		b.WriteString(s.Name)
		b.WriteString("']")
	case SegIndex:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.Index))
		b.WriteByte(']')
	case SegWildcard:
		b.WriteString("[*]")
	case SegSlice:
		b.WriteByte('[')
		if s.HasStart {
			b.WriteString(strconv.Itoa(s.Start))
		}
		b.WriteByte(':')
		if s.HasEnd {
			b.WriteString(strconv.Itoa(s.End))
		}
		b.WriteByte(']')
	case SegUnion:
		b.WriteByte('[')
		if len(s.Names) > 0 {
			for i, n := range s.Names {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('\'')
				b.WriteString(n)
				b.WriteByte('\'')
			}
		} else {
			for i, n := range s.Indexes {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.Itoa(n))
			}
		}
		b.WriteByte(']')
	case SegDescent:
		b.WriteString("..")
		writeSeg(b, normSeg(s.Then))
	case SegFilter:
		b.WriteString("[?]")
	}
}

// normSeg turns pointers to steps into steps, so that &SegField{…} works
// like SegField{…}; a nil pointer becomes nil.
func normSeg(s Seg) Seg {
	switch x := s.(type) {
	case *SegField:
		if x != nil {
			return *x
		}
	case *SegIndex:
		if x != nil {
			return *x
		}
	case *SegWildcard:
		if x != nil {
			return *x
		}
	case *SegSlice:
		if x != nil {
			return *x
		}
	case *SegUnion:
		if x != nil {
			return *x
		}
	case *SegDescent:
		if x != nil {
			return *x
		}
	case *SegFilter:
		if x != nil {
			return *x
		}
	default:
		return s
	}
	return nil
}

func normPred(p Pred) Pred {
	switch x := p.(type) {
	case *PredCompare:
		if x != nil {
			return *x
		}
	case *PredExists:
		if x != nil {
			return *x
		}
	case *PredAnd:
		if x != nil {
			return *x
		}
	case *PredOr:
		if x != nil {
			return *x
		}
	case *PredNot:
		if x != nil {
			return *x
		}
	default:
		return p
	}
	return nil
}

// segDefinite reports whether a step selects at most one node (Jayway's
// isTokenDefinite).
func segDefinite(s Seg) bool {
	switch s := s.(type) {
	case SegField, SegIndex:
		return true
	case SegUnion:
		if len(s.Names) > 0 {
			return len(s.Names) == 1
		}
		return len(s.Indexes) == 1
	}
	return false
}

// An evaluator walks a path over a document as Jayway's path tokens do.
type evaluator struct {
	root any // the document $ refers to inside filters
	// strict is Jayway's REQUIRE_PROPERTIES, used for existence checks: a
	// missing member anywhere, or a value of the wrong type after a
	// definite prefix, fails the whole evaluation.
	strict  bool
	failed  bool
	discard bool // count matches instead of collecting them
	n       int
	out     []any
}

func (e *evaluator) fail() { e.failed = true }

// seq applies segs to v; upDef says whether every step before segs[0] was
// definite (Jayway's isUpstreamDefinite).
func (e *evaluator) seq(segs []Seg, v any, upDef bool) {
	if e.failed {
		return
	}
	if len(segs) == 0 {
		e.n++
		if !e.discard {
			e.out = append(e.out, v)
		}
		return
	}
	e.step(normSeg(segs[0]), segs[1:], v, upDef)
}

// step applies one step s to v, then rest to what it selects.
func (e *evaluator) step(s Seg, rest []Seg, v any, upDef bool) {
	if e.failed {
		return
	}
	nextDef := upDef && segDefinite(s)
	switch s := s.(type) {
	case SegField:
		e.field(s.Name, rest, v, upDef, nextDef)
	case SegIndex:
		if a, ok := e.array(v, upDef); ok {
			e.index(a, s.Index, rest, nextDef)
		}
	case SegWildcard:
		switch x := v.(type) {
		case *Object:
			for _, m := range x.Members() {
				e.seq(rest, m.Value, false)
			}
		case []any:
			for _, el := range x {
				e.seq(rest, el, false)
			}
		}
	case SegSlice:
		if a, ok := e.array(v, upDef); ok {
			e.slice(a, s, rest)
		}
	case SegUnion:
		if len(s.Names) > 0 {
			e.names(s.Names, rest, v, upDef, nextDef)
			return
		}
		if a, ok := e.array(v, upDef); ok {
			for _, i := range s.Indexes {
				e.index(a, i, rest, nextDef)
			}
		}
	case SegDescent:
		e.scan(normSeg(s.Then), rest, v)
	case SegFilter:
		switch x := v.(type) {
		case *Object:
			if e.accept(s.Pred, x) {
				e.seq(rest, x, false)
			}
		case []any:
			for _, el := range x {
				if e.accept(s.Pred, el) {
					e.seq(rest, el, false)
				}
			}
		}
	}
}

func (e *evaluator) field(name string, rest []Seg, v any, upDef, nextDef bool) {
	o, ok := v.(*Object)
	if !ok {
		if e.strict && upDef {
			e.fail()
		}
		return
	}
	x, ok := o.Get(name)
	if !ok {
		if e.strict {
			e.fail()
		}
		return
	}
	e.seq(rest, x, nextDef)
}

func (e *evaluator) names(names []string, rest []Seg, v any, upDef, nextDef bool) {
	if len(names) == 1 {
		e.field(names[0], rest, v, upDef, nextDef)
		return
	}
	o, ok := v.(*Object)
	if !ok {
		if e.strict && upDef {
			e.fail()
		}
		return
	}
	if len(rest) == 0 {
		// Jayway merges the members a final multi-name step selects.
		merged := NewObject(len(names))
		for _, n := range names {
			if x, ok := o.Get(n); ok {
				merged.Set(n, x)
			} else if e.strict {
				e.fail()
				return
			}
		}
		e.seq(nil, merged, false)
		return
	}
	for _, n := range names {
		x, ok := o.Get(n)
		if !ok {
			if e.strict {
				e.fail()
				return
			}
			continue
		}
		e.seq(rest, x, false)
	}
}

// array returns v as an array; in strict mode a non-array after a definite
// prefix fails the evaluation (Jayway's checkArrayModel).
func (e *evaluator) array(v any, upDef bool) ([]any, bool) {
	a, ok := v.([]any)
	if !ok && e.strict && upDef {
		e.fail()
	}
	return a, ok
}

// index applies rest to element i of a (negative counts from the end);
// an index out of range selects nothing.
func (e *evaluator) index(a []any, i int, rest []Seg, nextDef bool) {
	if i < 0 {
		i += len(a)
	}
	if i < 0 || i >= len(a) {
		return
	}
	e.seq(rest, a[i], nextDef)
}

// slice follows Jayway's ArraySliceToken exactly.
func (e *evaluator) slice(a []any, s SegSlice, rest []Seg) {
	n := len(a)
	switch {
	case s.HasStart && s.HasEnd:
		from, to := s.Start, min(n, s.End)
		if from >= to || n == 0 {
			return
		}
		// Indexes below -n are out of range even after adding n.
		for i := max(from, -n); i < to; i++ {
			e.index(a, i, rest, false)
		}
	case s.HasStart:
		from := s.Start
		if from < 0 {
			from += n
		}
		for i := max(from, 0); i < n; i++ {
			e.seq(rest, a[i], false)
		}
	case s.HasEnd:
		to := s.End
		if to < 0 {
			to += n
		}
		for i := 0; i < min(to, n); i++ {
			e.seq(rest, a[i], false)
		}
	default:
		for _, el := range a {
			e.seq(rest, el, false)
		}
	}
}

// scan is Jayway's ScanPathToken.walk: then is the step after "..".
func (e *evaluator) scan(then Seg, rest []Seg, v any) {
	if e.failed {
		return
	}
	switch x := v.(type) {
	case *Object:
		if e.scanMatch(then, x) {
			e.step(then, rest, x, false)
		}
		for _, m := range x.Members() {
			e.scan(then, rest, m.Value)
		}
	case []any:
		if e.scanMatch(then, x) {
			if len(rest) == 0 {
				e.step(then, rest, x, false)
			} else {
				for _, el := range x {
					e.seq(rest, el, false)
				}
			}
		}
		for _, el := range x {
			e.scan(then, rest, el)
		}
	}
}

// scanMatch is Jayway's scan predicate: whether the step after ".."
// applies to a node met during the walk.
func (e *evaluator) scanMatch(then Seg, v any) bool {
	switch t := then.(type) {
	case SegField:
		return e.hasMembers(v, t.Name)
	case SegUnion:
		if len(t.Names) == 1 {
			return e.hasMembers(v, t.Names[0])
		}
		if len(t.Names) > 1 {
			_, ok := v.(*Object)
			return ok
		}
		_, ok := v.([]any)
		return ok
	case SegIndex, SegSlice:
		_, ok := v.([]any)
		return ok
	case SegWildcard:
		return true
	case SegFilter:
		return e.accept(t.Pred, v)
	}
	return false
}

func (e *evaluator) hasMembers(v any, name string) bool {
	o, ok := v.(*Object)
	if !ok {
		return false
	}
	if e.strict {
		return true
	}
	_, ok = o.Get(name)
	return ok
}

// ---- filters

// undefinedNode is the value of an operand whose path selects nothing
// (Jayway's UndefinedNode): it equals nothing, not even itself.
type undefinedNode struct{}

// accept reports whether predicate p holds for item.
func (e *evaluator) accept(p Pred, item any) bool {
	switch p := normPred(p).(type) {
	case PredAnd:
		return e.accept(p.Left, item) && e.accept(p.Right, item)
	case PredOr:
		return e.accept(p.Left, item) || e.accept(p.Right, item)
	case PredNot:
		return !e.accept(p.Pred, item)
	case PredExists:
		return e.exists(p.Operand, item)
	case PredCompare:
		return e.compare(p, item)
	}
	return false
}

// exists evaluates an existence check as Jayway does: with
// REQUIRE_PROPERTIES, true unless the evaluation fails. A literal operand
// always exists.
func (e *evaluator) exists(op Operand, item any) bool {
	if op.Path == nil {
		return true
	}
	doc := e.root
	if op.Current {
		doc = item
	}
	if op.Path.Definite() {
		_, ok := op.Path.Get(doc)
		return ok
	}
	sub := evaluator{root: e.root, strict: true, discard: true}
	sub.seq(op.Path.Segs, doc, true)
	return !sub.failed
}

// operand returns the value of an operand for item: the literal, the node
// of a definite path (undefinedNode{} when missing) or the []any of an
// indefinite path's matches.
func (e *evaluator) operand(op Operand, item any) any {
	if op.Path == nil {
		return normLiteral(op.Literal)
	}
	doc := e.root
	if op.Current {
		doc = item
	}
	if op.Path.Definite() {
		v, ok := op.Path.Get(doc)
		if !ok {
			return undefinedNode{}
		}
		return v
	}
	sub := evaluator{root: e.root}
	sub.seq(op.Path.Segs, doc, true)
	if sub.out == nil {
		return []any{}
	}
	return sub.out
}

// normLiteral maps Go numeric types that are not runtime values to int64
// and float64, so that a literal written as 1 in Go code works.
func normLiteral(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

func (e *evaluator) compare(p PredCompare, item any) bool {
	if p.Op == "=~" {
		return e.regexMatch(p, item)
	}
	l := e.operand(p.Left, item)
	r := e.operand(p.Right, item)
	switch p.Op {
	case "==":
		return nodeEqual(l, r)
	case "!=":
		return !nodeEqual(l, r)
	case "===":
		return nodeKind(l) == nodeKind(r) && nodeEqual(l, r)
	case "!==":
		return !(nodeKind(l) == nodeKind(r) && nodeEqual(l, r))
	case "<", "<=", ">", ">=":
		c, ok := nodeOrder(l, r)
		if !ok {
			return false
		}
		switch p.Op {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c >= 0
	case "in":
		return nodeIn(l, r)
	case "nin":
		return !nodeIn(l, r)
	case "subsetof":
		la, ok1 := l.([]any)
		ra, ok2 := r.([]any)
		if !ok1 || !ok2 {
			return false
		}
		for _, x := range la {
			if !listContains(ra, x) {
				return false
			}
		}
		return true
	case "anyof", "noneof":
		la, ok1 := l.([]any)
		ra, ok2 := r.([]any)
		if !ok1 || !ok2 {
			return false
		}
		found := false
		for _, x := range la {
			if listContains(ra, x) {
				found = true
				break
			}
		}
		return found == (p.Op == "anyof")
	case "contains":
		switch x := l.(type) {
		case string:
			s, ok := r.(string)
			return ok && strings.Contains(x, s)
		case []any:
			return listContains(x, r)
		}
		return false
	case "size":
		if !IsNumber(r) {
			return false
		}
		want, _ := Float(r)
		switch x := l.(type) {
		case string:
			return float64(utf16Units(x)) == truncInt(want)
		case []any:
			return float64(len(x)) == truncInt(want)
		case *Object:
			return -1 == truncInt(want)
		}
		return false
	case "empty":
		want, ok := r.(bool)
		if !ok {
			return false
		}
		switch x := l.(type) {
		case string:
			return (len(x) == 0) == want
		case []any:
			return (len(x) == 0) == want
		case *Object:
			return (x.Len() == 0) == want
		}
		return false
	}
	return false
}

func truncInt(f float64) float64 {
	if f < 0 {
		return -float64(int64(-f))
	}
	return float64(int64(f))
}

func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// nodeKind names a filter value's Jayway node class, for === and !==.
func nodeKind(v any) int {
	switch v.(type) {
	case nil:
		return 1
	case bool:
		return 2
	case string:
		return 3
	case int64, float64, json.Number:
		return 4
	case []any, *Object:
		return 5
	}
	return 0
}

// nodeEqual is Jayway's EqualsEvaluator: left.equals(right).
func nodeEqual(l, r any) bool {
	switch x := l.(type) {
	case nil:
		return r == nil
	case bool:
		y, ok := r.(bool)
		return ok && x == y
	case string:
		switch y := r.(type) {
		case string:
			return x == y
		case int64, float64, json.Number:
			return x == javaNumberString(y)
		}
	case int64, float64, json.Number:
		switch y := r.(type) {
		case int64, float64, json.Number:
			return CompareNumbers(x, y) == 0
		case string:
			n, ok := parseBigDecimal(y)
			if !ok {
				return false
			}
			m, _ := parseBigDecimal(javaNumberString(x))
			return m != nil && m.Cmp(n) == 0
		}
	case []any, *Object:
		switch r.(type) {
		case []any, *Object:
			return Equal(l, r)
		}
	}
	return false
}

// nodeOrder orders two numbers or two strings; ok is false for any other
// pair.
func nodeOrder(l, r any) (int, bool) {
	if IsNumber(l) && IsNumber(r) {
		return CompareNumbers(l, r), true
	}
	ls, ok1 := l.(string)
	rs, ok2 := r.(string)
	if ok1 && ok2 {
		return compareUTF16(ls, rs), true
	}
	return 0, false
}

func nodeIn(l, r any) bool {
	a, ok := r.([]any)
	return ok && listContains(a, l)
}

// listContains is Jayway's ValueListNode.contains: x.equals(element).
func listContains(a []any, x any) bool {
	for _, el := range a {
		if nodeEqual(x, el) {
			return true
		}
	}
	return false
}

// regexMatch evaluates =~: the literal side is the pattern, the other side
// the input.
func (e *evaluator) regexMatch(p PredCompare, item any) bool {
	var pat any
	var in Operand
	switch {
	case p.Right.Path == nil:
		pat, in = p.Right.Literal, p.Left
	case p.Left.Path == nil:
		pat, in = p.Left.Literal, p.Right
	default:
		return false
	}
	re := compilePattern(pat)
	if re == nil {
		return false
	}
	var s string
	switch x := e.operand(in, item).(type) {
	case string:
		s = x
	case int64, float64, json.Number:
		s = javaNumberString(x)
	case bool:
		s = strconv.FormatBool(x)
	}
	return re.MatchString(s)
}

var patternCache sync.Map // pattern literal (string) -> *regexp.Regexp, or nil when invalid

// compilePattern turns a regular expression literal into a Go regexp that
// must match the whole input, as Java's Matcher.matches does. It returns
// nil for a pattern Go cannot compile (Java-only syntax such as
// look-around or back-references) or an unsupported flag (x).
func compilePattern(lit any) *regexp.Regexp {
	var key string
	switch x := lit.(type) {
	case string:
		key = x
	case *regexp.Regexp:
		if x == nil {
			return nil
		}
		key = "\x00go:" + x.String()
	default:
		return nil
	}
	if re, ok := patternCache.Load(key); ok {
		r, _ := re.(*regexp.Regexp)
		return r
	}
	var src, flags string
	if re, ok := lit.(*regexp.Regexp); ok {
		src = re.String()
	} else {
		src = key
		if strings.HasPrefix(key, "/") {
			if end := strings.LastIndexByte(key, '/'); end > 0 {
				src, flags = key[1:end], key[end+1:]
			}
		}
	}
	var goFlags string
	for _, f := range flags {
		switch f {
		case 'i', 'm', 's':
			if !strings.ContainsRune(goFlags, f) {
				goFlags += string(f)
			}
		case 'x':
			patternCache.Store(key, (*regexp.Regexp)(nil))
			return nil
		}
	}
	expr := `\A(?:` + src + `)\z`
	if goFlags != "" {
		expr = "(?" + goFlags + ")" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		re = nil
	}
	patternCache.Store(key, re)
	return re
}

// javaNumberString is the text Jayway gives a number in a filter: Java's
// Number.toString (Double.toString for fractions) read back as a
// BigDecimal and printed again, e.g. 1 -> "1", 1.5 -> "1.5", 1e10 ->
// "1.0E+10", 1e-5 -> "0.000010".
func javaNumberString(v any) string {
	switch n := v.(type) {
	case int64:
		return strconv.FormatInt(n, 10)
	case json.Number:
		return bigDecimalString(string(n))
	case float64:
		return bigDecimalString(string(appendFloat(nil, n)))
	}
	return ""
}

// bigDecimalString returns Java's new BigDecimal(s).toString() for the
// output of Double.toString.
func bigDecimalString(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil {
			return s
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	coeff := strings.TrimLeft(intPart+frac, "0")
	if coeff == "" {
		coeff = "0"
		neg = false
	}
	scale := len(frac) - exp
	adjusted := -scale + len(coeff) - 1
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case scale == 0:
		b.WriteString(coeff)
	case scale > 0 && adjusted >= -6:
		if len(coeff) > scale {
			b.WriteString(coeff[:len(coeff)-scale])
			b.WriteByte('.')
			b.WriteString(coeff[len(coeff)-scale:])
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", scale-len(coeff)))
			b.WriteString(coeff)
		}
	default:
		b.WriteString(coeff[:1])
		if len(coeff) > 1 {
			b.WriteByte('.')
			b.WriteString(coeff[1:])
		}
		if adjusted != 0 {
			b.WriteByte('E')
			if adjusted > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strconv.Itoa(adjusted))
		}
	}
	return b.String()
}

// parseBigDecimal reads s as Java's new BigDecimal(s) does: an optional
// sign, digits with an optional point (at least one digit), an optional
// exponent.
func parseBigDecimal(s string) (*big.Float, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && asciiDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && asciiDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return nil, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && asciiDigit(s[i]) {
			i++
		}
		if i == start || i-start > 9 {
			return nil, false
		}
	}
	if i != len(s) {
		return nil, false
	}
	f, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	return f, true
}
