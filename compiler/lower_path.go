package compiler

import (
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file lowers the string mini-languages: JSONPath paths, reference
// paths, intrinsic calls and JSONata "{% %}" expressions.

// strOffset returns the source offset of byte i of the string n's value,
// or the string's own offset when escapes make the mapping unknown.
func strOffset(n *node, i int) int {
	if n.raw && i >= 0 && i <= len(n.s) {
		return n.off + 1 + i
	}
	return n.off
}

// path parses the string n as a path of the given kind; field names the
// field for messages. When anyRoot is false, only "$" (the state's data)
// may start the path, as in ResultPath.
func (c *compiler) path(n *node, field string, kind PathKind, anyRoot bool) *ir.Path {
	s, ok := c.str(n)
	if !ok {
		return nil
	}
	p, serr := ParsePath(s, kind)
	if serr != nil {
		what := "JSONPath"
		if kind == PathReference {
			what = "Reference Path"
		}
		c.errorf(strOffset(n, serr.Offset), n.ptr(), codeSchema, "The value for the field '%s' must be a valid %s: %s", field, what, serr.Msg)
		return nil
	}
	if p == nil {
		c.errAt(n, codeSchema, "The value for the field '%s' must be a valid JSONPath", field)
		return nil
	}
	if !anyRoot && p.Root != ir.RootInput {
		c.errAt(n, codeSchema, "The value for the field '%s' must be a path starting with '$' (not the context object or a variable)", field)
		return nil
	}
	rebasePath(p, n)
	return p
}

// optPath lowers an InputPath/OutputPath/ResultPath/ItemsPath field: null
// or a path.
func (c *compiler) optPath(n *node, field string, kind PathKind, anyRoot bool) ir.OptionalPath {
	if n.kind == kindNull {
		return ir.OptionalPath{Null: true}
	}
	return ir.OptionalPath{Path: c.path(n, field, kind, anyRoot)}
}

// call parses the string n as an intrinsic function call.
func (c *compiler) call(n *node, field string) *ir.Call {
	call, serr := ParseIntrinsic(n.s)
	if serr != nil {
		c.errorf(strOffset(n, serr.Offset), n.ptr(), codeSchema, "The value for the field '%s' must be a valid intrinsic function call: %s", field, serr.Msg)
		return nil
	}
	if call == nil {
		c.errAt(n, codeSchema, "The value for the field '%s' must be a valid intrinsic function call", field)
		return nil
	}
	rebaseCall(call, n)
	return call
}

// rebaseCall turns the positions ParseIntrinsic gives (byte offsets in
// the string) into positions in the definition.
func rebaseCall(call *ir.Call, n *node) {
	call.Pos = ir.Pos{Pointer: n.ptr(), Offset: strOffset(n, call.Pos.Offset)}
	for _, a := range call.Args {
		switch a := a.(type) {
		case ir.ArgPath:
			rebasePath(a.Path, n)
		case ir.ArgCall:
			if a.Call != nil {
				rebaseCall(a.Call, n)
			}
		}
	}
}

// rebasePath turns the positions ParsePath gives (byte offsets in the
// string) into positions in the definition, for p and the paths of its
// filters.
func rebasePath(p *ir.Path, n *node) {
	if p == nil {
		return
	}
	p.Pos = ir.Pos{Pointer: n.ptr(), Offset: strOffset(n, p.Pos.Offset)}
	for _, seg := range p.Segments {
		if f, ok := seg.(ir.Filter); ok {
			rebaseFilter(f.Expr, n)
		}
	}
}

func rebaseFilter(e ir.FilterExpr, n *node) {
	switch e := e.(type) {
	case ir.FilterCompare:
		rebasePath(e.Left.Path, n)
		rebasePath(e.Right.Path, n)
	case ir.FilterExists:
		rebasePath(e.Operand.Path, n)
	case ir.FilterAnd:
		rebaseFilter(e.Left, n)
		rebaseFilter(e.Right, n)
	case ir.FilterOr:
		rebaseFilter(e.Left, n)
		rebaseFilter(e.Right, n)
	case ir.FilterNot:
		rebaseFilter(e.Expr, n)
	}
}

// pathOrCall lowers the value of a "key.$" template member, or of
// ErrorPath/CausePath: an intrinsic call or a path.
func (c *compiler) pathOrCall(n *node, field string, kind PathKind) (*ir.Path, *ir.Call) {
	if n.kind != kindString {
		c.errAt(n, codeSchema, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", field)
		return nil, nil
	}
	if IsIntrinsic(n.s) {
		return nil, c.call(n, field)
	}
	p, serr := ParsePath(n.s, kind)
	if serr != nil || p == nil {
		msg := "The value for the field '" + field + "' must be a valid JSONPath or a valid intrinsic function call"
		off := n.off
		if serr != nil && strings.HasPrefix(n.s, "$") {
			// A path with a mistake: say what is wrong with it.
			off = strOffset(n, serr.Offset)
			msg += ": " + serr.Msg
		}
		c.errorf(off, n.ptr(), codeSchema, "%s", msg)
		return nil, nil
	}
	rebasePath(p, n)
	return p, nil
}

// isExpr reports whether s is a JSONata expression string "{% ... %}".
func isExpr(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// expr lowers the JSONata expression string n ("{% ... %}").
func (c *compiler) expr(n *node) *ir.Expr {
	src := strings.TrimSpace(n.s[2 : len(n.s)-2])
	if src == "" {
		c.errAt(n, codeSchema, "The JSONata expression is empty")
		return nil
	}
	return &ir.Expr{Pos: n.pos(), Source: src}
}

// looksDynamic reports whether a literal string looks like it was meant as
// a path or an intrinsic call (for the NO_DOLLAR and NO_PATH warnings).
func looksDynamic(s string) bool {
	return s == "$" || s == "$$" || strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$[") ||
		strings.HasPrefix(s, "$$.") || IsIntrinsic(s)
}
