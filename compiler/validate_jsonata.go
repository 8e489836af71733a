package compiler

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata"
)

// This file checks JSONata expressions at compile time, as AWS does when a
// state machine is created: every "{% %}" expression must parse, and
// $states.errorOutput may only be read where AWS provides it (a
// Catcher's Output and Assign). It also records the workflow variables an
// expression reads, for the checks of validate_vars.go.

// checkExpr parses src, the text of the expression string n from byte
// base of n's value on. It reports a syntax error at its position and
// returns false; otherwise it checks and records what the expression
// reads.
func (c *compiler) checkExpr(n *node, src string, base int) bool {
	e, err := parseJSONata(src)
	if err != nil {
		var se *jsonata.SyntaxError
		if errors.As(err, &se) {
			off := min(max(se.Offset, 0), len(src))
			c.errorf(c.strOffset(n, base+off), n.ptr(), codeInvalidJSONata, "%s", se.Msg)
		} else {
			c.errAt(n, codeInvalidJSONata, "%v", err)
		}
		return false
	}
	names := e.VarNames()
	if len(names) == 0 {
		return true
	}
	// Locate the first reference to each free variable, mapping all the
	// offsets in one pass.
	refs := scanVarRefs(src)
	first := make(map[string]int, len(refs)) // name -> index into offs
	var offs []int
	for _, r := range refs {
		if _, ok := first[r.name]; !ok {
			first[r.name] = len(offs)
			offs = append(offs, base+r.off)
		}
	}
	offs = c.strOffsets(n, offs)
	ptr := n.ptr()
	for _, name := range names {
		if name != reservedStates {
			off := n.off
			if k, ok := first[name]; ok {
				off = offs[k]
			}
			c.readVar(name, off, ptr)
			continue
		}
		if c.inCatcher {
			continue
		}
		for _, r := range refs {
			if r.name == reservedStates && r.member == "errorOutput" {
				c.errorf(c.strOffset(n, base+r.off), n.ptr(), codeUnsupportedJSONata,
					"$states.errorOutput is only available in the Output and Assign fields of a Catcher")
				break
			}
		}
	}
	return true
}

// reservedStates is the name of the reserved variable $states.
const reservedStates = "states"

// parseJSONata parses an expression, turning a panic of the parser into an
// error so that no input can crash the compiler.
func parseJSONata(src string) (e *jsonata.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, fmt.Errorf("internal error of the JSONata parser: %v", r)
		}
	}()
	return jsonata.Parse(src)
}

// A jsonataRef is a variable reference $name in the text of a JSONata
// expression, with the name of the member it selects, if any
// ($states.errorOutput has member "errorOutput").
type jsonataRef struct {
	name   string
	off    int // byte offset of the '$'
	member string
}

// scanVarRefs lists the $name references in a JSONata expression, in
// order, skipping string literals, `quoted names` and comments. It follows
// the tokenizer of package jsonata: a name runs up to white space or an
// operator character. It only locates references: which of them are free
// variables is what (*jsonata.Expr).VarNames says.
func scanVarRefs(s string) []jsonataRef {
	var out []jsonataRef
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == '"' || c == '\'':
			i = skipQuoted(s, i)
		case c == '`':
			j := strings.IndexByte(s[i+1:], '`')
			if j < 0 {
				return out
			}
			i += j + 2
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return out
			}
			i += j + 4
		case c == '$':
			j := i + 1
			for j < len(s) && !jsonataSpace(s[j]) && !jsonataOp(s[j]) {
				j++
			}
			r := jsonataRef{name: s[i+1 : j], off: i}
			r.member, _ = memberAfter(s, j)
			if r.name != "" && r.name != "$" {
				out = append(out, r)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// memberAfter returns the name selected by ".name" (or ".`name`") at
// s[i:], allowing white space around the dot.
func memberAfter(s string, i int) (string, bool) {
	i = skipJSONataSpace(s, i)
	if i >= len(s) || s[i] != '.' || (i+1 < len(s) && s[i+1] == '.') {
		return "", false
	}
	i = skipJSONataSpace(s, i+1)
	if i < len(s) && s[i] == '`' {
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			return "", false
		}
		return s[i+1 : i+1+j], true
	}
	j := i
	for j < len(s) && !jsonataSpace(s[j]) && !jsonataOp(s[j]) {
		j++
	}
	return s[i:j], j > i
}

// skipQuoted returns the offset after the string literal that starts at
// s[i] (a quote), or len(s) when it is not terminated.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(s)
}

func skipJSONataSpace(s string, i int) int {
	for i < len(s) && jsonataSpace(s[i]) {
		i++
	}
	return i
}

func jsonataSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v':
		return true
	}
	return false
}

// jsonataOp reports the single-character operators of JSONata, which end
// a name.
func jsonataOp(c byte) bool {
	return strings.IndexByte(".[]{}(),@#;:?+-*/%|=<>^&!~", c) >= 0
}
