package compiler

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// This file lowers the string mini-languages: JSONPath paths, reference
// paths, intrinsic calls and JSONata "{% %}" expressions.

// strOffset returns the source offset of byte i of the string n's value.
// Escapes are accounted for: a byte produced by an escape such as \n or
// \u00e9 maps to the escape's backslash. An i outside the value gives the
// string's own offset.
func (c *compiler) strOffset(n *node, i int) int {
	return c.strOffsets(n, []int{i})[0]
}

// strOffsets is strOffset for several offsets at once, in one pass over
// the string's source.
func (c *compiler) strOffsets(n *node, is []int) []int {
	out := make([]int, len(is))
	var todo []int // indexes into is of the offsets to map, by offset
	for k, i := range is {
		switch {
		case i < 0 || i > len(n.s):
			out[k] = n.off
		case n.raw:
			out[k] = n.off + 1 + i
		default:
			todo = append(todo, k)
		}
	}
	if len(todo) > 0 {
		sort.Slice(todo, func(a, b int) bool { return is[todo[a]] < is[todo[b]] })
		srcOffsets(c.src, n.off, is, todo, out)
	}
	return out
}

// srcOffsets maps bytes of the decoded value of the JSON string whose
// opening quote is at src[quote] to their offsets in src: out[k] =
// the offset of is[k], for each k of todo, which lists them by ascending
// is[k]. It decodes escapes exactly as the decoder does (decode.go), so
// that a lone surrogate counts as the three bytes of U+FFFD.
func srcOffsets(src []byte, quote int, is, todo, out []int) {
	d := &decoder{src: src}
	pos, dec := quote+1, 0
	for pos < len(src) && len(todo) > 0 && src[pos] != '"' {
		start := pos
		size := 1 // bytes this piece of source decodes to
		switch {
		case src[pos] != '\\':
			_, size = utf8.DecodeRune(src[pos:])
			pos += size
		case pos+1 < len(src) && src[pos+1] == 'u':
			r, ok := d.hex4(pos + 2)
			if !ok {
				pos = len(src) // not a string the decoder accepted
				break
			}
			pos += 6
			if utf16.IsSurrogate(r) {
				r2, ok := d.hex4(pos + 2)
				if ok && pos+1 < len(src) && src[pos] == '\\' && src[pos+1] == 'u' && utf16.DecodeRune(r, r2) != utf8.RuneError {
					r = utf16.DecodeRune(r, r2)
					pos += 6
				} else {
					r = utf8.RuneError
				}
			}
			size = utf8.RuneLen(r)
		default:
			pos += 2
		}
		// Offsets inside what this piece decodes to map to its start.
		for len(todo) > 0 && is[todo[0]] < dec+size {
			out[todo[0]] = start
			todo = todo[1:]
		}
		dec += size
	}
	for _, k := range todo {
		out[k] = min(pos, len(src))
	}
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
		c.errorf(c.strOffset(n, serr.Offset), n.ptr(), codeSchema, "The value for the field '%s' must be a valid %s: %s", field, what, serr.Msg)
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
	c.rebasePath(p, n)
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
		c.errorf(c.strOffset(n, serr.Offset), n.ptr(), codeSchema, "The value for the field '%s' must be a valid intrinsic function call: %s", field, serr.Msg)
		return nil
	}
	if call == nil {
		c.errAt(n, codeSchema, "The value for the field '%s' must be a valid intrinsic function call", field)
		return nil
	}
	c.rebaseCall(call, n)
	return call
}

// rebaseCall turns the positions ParseIntrinsic gives (byte offsets in
// the string) into positions in the definition.
func (c *compiler) rebaseCall(call *ir.Call, n *node) {
	call.Pos = ir.Pos{Pointer: n.ptr(), Offset: c.strOffset(n, call.Pos.Offset)}
	for _, a := range call.Args {
		switch a := a.(type) {
		case ir.ArgPath:
			c.rebasePath(a.Path, n)
		case ir.ArgCall:
			if a.Call != nil {
				c.rebaseCall(a.Call, n)
			}
		}
	}
}

// rebasePath turns the positions ParsePath gives (byte offsets in the
// string) into positions in the definition, for p and the paths of its
// filters, and records the variables they read.
func (c *compiler) rebasePath(p *ir.Path, n *node) {
	if p == nil {
		return
	}
	p.Pos = ir.Pos{Pointer: n.ptr(), Offset: c.strOffset(n, p.Pos.Offset)}
	if p.Root == ir.RootVariable {
		c.readVar(p.Variable, p.Pos.Offset, p.Pos.Pointer)
	}
	for _, seg := range p.Segments {
		if f, ok := seg.(ir.Filter); ok {
			c.rebaseFilter(f.Expr, n)
		}
	}
}

func (c *compiler) rebaseFilter(e ir.FilterExpr, n *node) {
	switch e := e.(type) {
	case ir.FilterCompare:
		c.rebasePath(e.Left.Path, n)
		c.rebasePath(e.Right.Path, n)
	case ir.FilterExists:
		c.rebasePath(e.Operand.Path, n)
	case ir.FilterAnd:
		c.rebaseFilter(e.Left, n)
		c.rebaseFilter(e.Right, n)
	case ir.FilterOr:
		c.rebaseFilter(e.Left, n)
		c.rebaseFilter(e.Right, n)
	case ir.FilterNot:
		c.rebaseFilter(e.Expr, n)
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
			off = c.strOffset(n, serr.Offset)
			msg += ": " + serr.Msg
		}
		c.errorf(off, n.ptr(), codeSchema, "%s", msg)
		return nil, nil
	}
	c.rebasePath(p, n)
	return p, nil
}

// isExpr reports whether s is a JSONata expression string "{% ... %}".
func isExpr(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// expr lowers the JSONata expression string n ("{% ... %}"): it parses
// the expression, reporting a syntax error at its position in the
// definition, records the variables it reads (validate_jsonata.go) and
// lowers it (lower_jsonata.go).
func (c *compiler) expr(n *node) *ir.Expr {
	inner := n.s[2 : len(n.s)-2]
	src := strings.TrimSpace(inner)
	if src == "" {
		c.errAt(n, codeSchema, "The JSONata expression is empty")
		return nil
	}
	base := 2 + len(inner) - len(strings.TrimLeftFunc(inner, unicode.IsSpace))
	tree, reads := c.checkExpr(n, src, base)
	if tree == nil {
		return nil
	}
	return &ir.Expr{Pos: n.pos(), Source: src, Root: lowerAta(tree), Reads: reads, Functions: syntax.LibraryNames(tree), Regexp: syntax.NeedsRegexp(tree)}
}

// looksDynamic reports whether a literal string looks like it was meant as
// a path or an intrinsic call (for the NO_DOLLAR and NO_PATH warnings).
func looksDynamic(s string) bool {
	return s == "$" || s == "$$" || strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$[") ||
		strings.HasPrefix(s, "$$.") || IsIntrinsic(s)
}
