package aslgen

import "fmt"

// This file holds the grammar of what goes inside fields: JSON literals,
// JSONPath paths, payload templates, intrinsic calls, Choice rules and
// JSONata expressions.

// literal is a JSON value. Production 0 is the smallest.
func (g *gen) literal(depth int) any {
	if depth >= maxTemplate {
		return "x"
	}
	switch g.pick(8) {
	case 1:
		return g.pick(100) - 10
	case 2:
		return 1.5
	case 3:
		return g.chance(2)
	case 4:
		return nil
	case 5:
		return []any{g.literal(depth + 1), g.literal(depth + 1)}
	case 6:
		return obj{"k": g.literal(depth + 1)}
	case 7:
		return "{}"
	}
	return "x"
}

// refPath is a reference path: a definite path from the input, the
// context object or a variable in scope.
func (g *gen) refPath(sc *scope) string {
	switch g.pick(7) {
	case 1:
		return "$.a"
	case 2:
		return "$.a.b"
	case 3:
		return "$['a b'][0]"
	case 4:
		return oneOf(g, "$$.Execution.Id", "$$.State.Name", "$$.Execution.Input.a", "$$.State.EnteredTime")
	case 5, 6:
		if vs := sc.varsOrNil(); len(vs) > 0 {
			v := "$" + oneOf(g, vs...)
			if g.chance(2) {
				v += ".x"
			}
			return v
		}
	}
	return "$"
}

// fullPath is any JSONPath a ".$" field accepts: reference paths and
// the indefinite forms.
func (g *gen) fullPath(sc *scope, item bool) string {
	if item && g.chance(3) {
		return oneOf(g, "$$.Map.Item.Value", "$$.Map.Item.Index")
	}
	switch g.pick(9) {
	case 1:
		return "$.items[*]"
	case 2:
		return "$..a"
	case 3:
		return "$.items[?(@.x > 1)]"
	case 4:
		return "$.items[0:2]"
	case 5:
		return "$['a','b']"
	case 6:
		return "$.items[-1].name"
	case 7:
		return `$.items[?(@.s == 'v' && @.n >= 2 || !(@.t))]`
	}
	return g.refPath(sc)
}

// template is a JSONPath payload template (Parameters, ResultSelector,
// ItemSelector): an object whose ".$" keys select or compute values.
// item says whether $$.Map.Item is available.
func (g *gen) template(sc *scope, depth int, item bool) obj {
	return g.templateObject(sc, depth, item)
}

func (g *gen) templateObject(sc *scope, depth int, item bool) obj {
	o := obj{}
	n := 1 + g.pick(3)
	for i := range n {
		g.templateField(o, fmt.Sprintf("f%d", i), sc, depth, item)
	}
	return o
}

// templateField adds one member named key to o.
func (g *gen) templateField(o obj, key string, sc *scope, depth int, item bool) {
	if depth >= maxTemplate {
		o[key] = "x"
		return
	}
	switch g.pick(6) {
	case 1:
		o[key+".$"] = g.fullPath(sc, item)
	case 2:
		o[key+".$"] = g.intrinsic(sc, 0, item)
	case 3:
		o[key] = g.templateObject(sc, depth+1, item)
	case 4:
		o[key] = []any{g.literal(depth + 1), g.templateObject(sc, depth+1, item)}
	case 5:
		o[key] = g.literal(depth + 1)
	default:
		o[key] = "x"
	}
}

// intrinsic is a call to one of the intrinsic functions with arguments
// of the kinds it takes.
func (g *gen) intrinsic(sc *scope, depth int, item bool) string {
	str := func() string { return g.argString(sc, depth, item) }
	num := func() string { return g.argNumber(sc, depth, item, true) }
	arr := func() string { return g.argArray(sc, depth, item) }
	anyArg := func() string { return g.argAny(sc, depth, item) }
	switch g.pick(18) {
	case 1:
		return "States.StringToJson(" + oneOf(g, `'{"a": 1}'`, "'[1,2]'", str()) + ")"
	case 2:
		return "States.JsonToString(" + anyArg() + ")"
	case 3:
		return "States.Array(" + anyArg() + ", " + anyArg() + ")"
	case 4:
		return "States.ArrayPartition(" + arr() + ", " + oneOf(g, "2", "1") + ")"
	case 5:
		return "States.ArrayContains(" + arr() + ", " + anyArg() + ")"
	case 6:
		return "States.ArrayRange(" + num() + ", " + num() + ", " + oneOf(g, "1", "2") + ")"
	case 7:
		return "States.ArrayGetItem(" + arr() + ", " + num() + ")"
	case 8:
		return "States.ArrayLength(" + arr() + ")"
	case 9:
		return "States.ArrayUnique(" + arr() + ")"
	case 10:
		return "States.Base64Encode(" + str() + ")"
	case 11:
		return "States.Base64Decode(" + oneOf(g, "'YWJj'", str()) + ")"
	case 12:
		return "States.Hash(" + str() + ", " + oneOf(g, "'MD5'", "'SHA-1'", "'SHA-256'", "'SHA-384'", "'SHA-512'") + ")"
	case 13:
		return "States.JsonMerge(" + g.argObject(sc, depth, item) + ", " + g.argObject(sc, depth, item) + ", false)"
	case 14:
		r := "States.MathRandom(" + num() + ", " + num()
		if g.chance(2) {
			r += ", " + num()
		}
		return r + ")"
	case 15:
		return "States.MathAdd(" + g.argNumber(sc, depth, item, false) + ", " + num() + ")"
	case 16:
		return "States.StringSplit(" + str() + ", " + oneOf(g, "','", "' '") + ")"
	case 17:
		return "States.UUID()"
	}
	args := ""
	for range g.pick(3) {
		args += ", " + anyArg()
	}
	return "States.Format(" + oneOf(g, "'x'", "'{} and {}'", `'a\{b\}'`, "'it\\'s {}'") + args + ")"
}

func (g *gen) nested(depth int) bool { return depth < maxIntrinsicArg && g.chance(4) }

func (g *gen) argPath(sc *scope, item bool) string {
	if item && g.chance(3) {
		return "$$.Map.Item.Value"
	}
	return g.refPath(sc)
}

func (g *gen) argString(sc *scope, depth int, item bool) string {
	switch {
	case g.nested(depth):
		if g.chance(2) {
			return "States.Base64Encode(" + g.argString(sc, depth+1, item) + ")"
		}
		return "States.JsonToString(" + g.argAny(sc, depth+1, item) + ")"
	case g.chance(2):
		return g.argPath(sc, item)
	}
	return oneOf(g, "'s'", "''", `'q\'s'`, `'b\\s'`)
}

func (g *gen) argNumber(sc *scope, depth int, item, integer bool) string {
	switch {
	case g.nested(depth):
		return "States.ArrayLength(" + g.argArray(sc, depth+1, item) + ")"
	case g.chance(2):
		return g.argPath(sc, item)
	case integer:
		return oneOf(g, "1", "0", "-3", "10")
	}
	return oneOf(g, "1", "2.5", "-1e2")
}

func (g *gen) argArray(sc *scope, depth int, item bool) string {
	if g.nested(depth) {
		return oneOf(g, "States.Array(1, 2)", "States.ArrayRange(1, 5, 1)", "States.StringSplit('a,b', ',')")
	}
	return oneOf(g, "$.items", g.argPath(sc, item))
}

func (g *gen) argObject(sc *scope, depth int, item bool) string {
	if g.nested(depth) {
		return `States.StringToJson('{"a": 1}')`
	}
	return oneOf(g, "$.obj", g.argPath(sc, item))
}

func (g *gen) argAny(sc *scope, depth int, item bool) string {
	if g.nested(depth) {
		return g.intrinsic(sc, depth+1, item)
	}
	switch g.pick(4) {
	case 1:
		return g.argPath(sc, item)
	case 2:
		return oneOf(g, "1", "true", "null", "2.5")
	case 3:
		return g.argString(sc, depth, item)
	}
	return "'v'"
}

// ---- Choice rules (JSONPath)

var (
	comparisons = []string{"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"}
	typeTests   = []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
)

// rule fills r with a Choice rule: a comparison on a Variable, or And,
// Or and Not over nested rules.
func (g *gen) rule(r obj, sc *scope, depth int) {
	if depth < 2 {
		switch g.pick(6) {
		case 1, 2:
			var rs []any
			for range 1 + g.pick(3) {
				n := obj{}
				g.rule(n, sc, depth+1)
				rs = append(rs, n)
			}
			r[oneOf(g, "And", "Or")] = rs
			return
		case 3:
			n := obj{}
			g.rule(n, sc, depth+1)
			r["Not"] = n
			return
		}
	}
	r["Variable"] = g.refPath(sc)
	cmp := oneOf(g, comparisons...)
	switch g.pick(8) {
	case 1:
		r["Numeric"+cmp] = oneOf[any](g, 1, 2.5, -3)
	case 2:
		r["Timestamp"+cmp] = "2016-03-14T01:59:00Z"
	case 3:
		r["BooleanEquals"] = g.chance(2)
	case 4:
		r[oneOf(g, typeTests...)] = g.chance(2)
	case 5:
		r[oneOf(g, "String", "Numeric", "Timestamp")+cmp+"Path"] = g.refPath(sc)
	case 6:
		r["BooleanEqualsPath"] = g.refPath(sc)
	case 7:
		r["StringMatches"] = oneOf(g, "a*", `x\*y*`, "*")
	default:
		r["String"+cmp] = "s"
	}
}

// ---- JSONata

// An ataContext says which members of $states an expression may read.
type ataContext int

const (
	ataInput  ataContext = iota // $states.input and $states.context
	ataItem                     // also $states.context.Map.Item (ItemSelector)
	ataResult                   // also $states.result (Output, Assign after work)
	ataError                    // also $states.errorOutput (a Catcher)
)

// ataTemplate is a JSONata field: one expression, or JSON whose strings
// may hold expressions.
func (g *gen) ataTemplate(sc *scope, depth int, in ataContext) any {
	if g.chance(2) {
		return "{% " + g.ataExpr(sc, depth, in) + " %}"
	}
	return g.ataObject(sc, depth, in)
}

func (g *gen) ataObject(sc *scope, depth int, in ataContext) obj {
	o := obj{}
	for i := range 1 + g.pick(3) {
		o[fmt.Sprintf("f%d", i)] = g.ataValue(sc, depth+1, in)
	}
	return o
}

// ataValue is a JSON value whose strings may be expressions.
func (g *gen) ataValue(sc *scope, depth int, in ataContext) any {
	if depth >= maxTemplate {
		return "x"
	}
	switch g.pick(5) {
	case 1:
		return "{% " + g.ataExpr(sc, depth, in) + " %}"
	case 2:
		return g.ataObject(sc, depth+1, in)
	case 3:
		return []any{g.literal(depth + 1), "{% " + g.ataExpr(sc, depth+1, in) + " %}"}
	case 4:
		return g.literal(depth + 1)
	}
	return "x"
}

// ataSeconds is an expression for a whole number of seconds.
func (g *gen) ataSeconds(sc *scope) string {
	return "{% " + oneOf(g, "1", "$states.input.n", "$count($states.input.items)", "1 + 2", "$round(2.4)") + " %}"
}

// ataBool is a condition.
func (g *gen) ataBool(sc *scope) string {
	switch g.pick(5) {
	case 1:
		return g.ataExpr(sc, 1, ataInput) + oneOf(g, " = ", " != ", " < ", " >= ") + g.ataExpr(sc, 1, ataInput)
	case 2:
		return "$exists(" + g.ataExpr(sc, 1, ataInput) + ")"
	case 3:
		return "$states.input.flag and " + g.ataBool(sc)
	case 4:
		return "$not(" + g.ataBool(sc) + ")"
	}
	return "true"
}

// ataExpr is a JSONata expression. Production 0 is the smallest.
func (g *gen) ataExpr(sc *scope, depth int, in ataContext) string {
	if depth >= maxTemplate {
		return "1"
	}
	sub := func() string { return g.ataExpr(sc, depth+1, in) }
	switch g.pick(16) {
	case 1:
		return "'s'"
	case 2:
		return oneOf(g, "$states.input", "$states.input.a", "$states.input.a.b", "$states.input.items[0]", "$states.input.items[x > 1]")
	case 3:
		return oneOf(g, "$states.context.Execution.Id", "$states.context.State.Name", "$states.context.Execution.Input")
	case 4:
		return sub() + oneOf(g, " + ", " - ", " * ", " & ", " = ", " < ", " and ", " or ", " in ") + sub()
	case 5:
		return oneOf(g, "$count", "$string", "$exists", "$keys", "$number", "$sum", "$type", "$boolean") + "(" + sub() + ")"
	case 6:
		return g.ataBool(sc) + " ? " + sub() + " : " + sub()
	case 7:
		return `{"k": ` + sub() + `}`
	case 8:
		return "[" + sub() + ", " + sub() + "]"
	case 9:
		if vs := sc.varsOrNil(); len(vs) > 0 {
			return "$" + oneOf(g, vs...)
		}
	case 10:
		switch in {
		case ataResult:
			return oneOf(g, "$states.result", "$states.result.a")
		case ataError:
			return oneOf(g, "$states.errorOutput", "$states.errorOutput.Error")
		case ataItem:
			return oneOf(g, "$states.context.Map.Item.Value", "$states.context.Map.Item.Index")
		}
	case 11:
		return "$map(" + sub() + ", function($v) { $v })"
	case 12:
		return "(" + sub() + "; " + sub() + ")"
	case 13:
		return "($x := " + sub() + "; $x)"
	case 14:
		return "$uppercase($string(" + sub() + "))"
	case 15:
		return oneOf(g, "2.5", "-1", "true", "null", "$now()", "$millis()", "$uuid()")
	}
	return "1"
}
