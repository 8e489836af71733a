package compiler

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

//go:generate go run ../internal/genintrinsics -root ..

// maxIntrinsicDepth is how deeply intrinsic calls may nest: AWS allows
// up to 10 intrinsic functions nested within a field.
const maxIntrinsicDepth = 10

// An intrinsicSig is a function's arity and argument kinds. With max -1
// the function is variadic and the last kind repeats. The table of them,
// intrinsicSigs, the argument kinds and hashAlgorithms are written from
// internal/genintrinsics/data.go, the one table of the intrinsics.
type intrinsicSig struct {
	min, max int
	args     []intrinsicArgKind
}

// IsIntrinsic reports whether src looks like an intrinsic function call:
// "States.", a name and "(", with white space allowed before the name
// and before the parenthesis. Whether the call is well formed is for
// ParseIntrinsic to say. A string that is neither a path nor an
// intrinsic is not a valid ".$" value.
func IsIntrinsic(src string) bool {
	i := skipIntrinsicSpace(src, 0)
	if !strings.HasPrefix(src[i:], "States.") {
		return false
	}
	i += len("States.")
	j := i
	for j < len(src) && pathWordByte(src[j]) {
		j++
	}
	if j == i {
		return false
	}
	j = skipIntrinsicSpace(src, j)
	return j < len(src) && src[j] == '('
}

// ParseIntrinsic parses an intrinsic function call such as
// "States.Format('Hello {}', $.name)", as written in a ".$" value once
// the JSON string has been decoded. White space (space, tab, newline,
// carriage return) is allowed around the call and between its tokens.
//
// Arguments are single-quoted strings, JSON numbers, true, false, null,
// paths ($..., $$..., $name..., parsed as ParsePath with PathFull) and
// nested calls, up to 10 calls deep. In a string, \' \{ \} and \\ are
// the only escapes; any other backslash is an error. The string value
// stored in ArgLiteral has the escapes resolved, except for the first
// argument of States.Format when it is a literal: there \{ \} and \\ are
// kept as written (only \' is resolved), so that the template stays
// unambiguous and the runtime reads escapes the same way whether the
// template came from a literal or a path.
//
// The function name, the number of arguments and the types of literal
// arguments are checked: a string where a function takes a string, an
// integer where it takes an integer, no literal where it takes an array
// or an object, one of MD5, SHA-1, SHA-256, SHA-384, SHA-512 for the
// algorithm of States.Hash, and the literal false as the third argument
// of States.JsonMerge. Values that depend on the input, and the number
// of {} in a States.Format template, are checked at run time.
//
// Pos.Offset of the returned call, nested calls and path arguments is
// the byte offset in src where each starts.
func ParseIntrinsic(src string) (*ir.Call, *SyntaxError) {
	p := &intrinsicParser{src: src}
	p.skipSpace()
	call, err := p.parseCall(1)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(src) {
		return nil, p.errorf(p.pos, "unexpected %s after the end of the call", p.describe(p.pos))
	}
	return call, nil
}

func skipIntrinsicSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

type intrinsicParser struct {
	src string
	pos int
}

func (p *intrinsicParser) errorf(off int, format string, args ...any) *SyntaxError {
	off = max(0, min(off, len(p.src)))
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *intrinsicParser) skipSpace() { p.pos = skipIntrinsicSpace(p.src, p.pos) }

func (p *intrinsicParser) peek() byte {
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *intrinsicParser) describe(off int) string {
	if off >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[off:])
	return fmt.Sprintf("%q", r)
}

// parseCall parses States.Name(args) at p.pos; depth is 1 for the
// outermost call.
func (p *intrinsicParser) parseCall(depth int) (*ir.Call, *SyntaxError) {
	start := p.pos
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return nil, p.errorf(start, "expected an intrinsic function call such as States.Format(...), found %s", p.describe(start))
	}
	if depth > maxIntrinsicDepth {
		return nil, p.errorf(start, "intrinsic functions can be nested at most %d deep", maxIntrinsicDepth)
	}
	p.pos += len("States.")
	nameEnd := p.pos
	for nameEnd < len(p.src) && pathWordByte(p.src[nameEnd]) {
		nameEnd++
	}
	name := ir.IntrinsicFunc(p.src[start:nameEnd])
	if nameEnd == p.pos {
		return nil, p.errorf(p.pos, "expected a function name after 'States.'")
	}
	sig, ok := intrinsicSigs[name]
	if !ok {
		return nil, p.errorf(start, "unknown intrinsic function %s", name)
	}
	p.pos = nameEnd
	p.skipSpace()
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "expected '(' after %s, found %s", name, p.describe(p.pos))
	}
	open := p.pos
	p.pos++
	call := &ir.Call{Pos: ir.Pos{Offset: start}, Func: name}
	var offs []int
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			offs = append(offs, p.pos)
			arg, err := p.parseArg(depth, name == "States.Format" && len(call.Args) == 0)
			if err != nil {
				return nil, err
			}
			call.Args = append(call.Args, arg)
			p.skipSpace()
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if p.peek() == ')' {
				p.pos++
				break
			}
			if p.pos >= len(p.src) {
				return nil, p.errorf(open, "missing ')' to close %s(", name)
			}
			return nil, p.errorf(p.pos, "expected ',' or ')' in the arguments of %s, found %s", name, p.describe(p.pos))
		}
	}
	if err := p.check(call, sig, offs, p.pos-1); err != nil {
		return nil, err
	}
	return call, nil
}

// check verifies the argument count and literal argument types; offs are
// the argument offsets and closing the offset of ')'.
func (p *intrinsicParser) check(call *ir.Call, sig intrinsicSig, offs []int, closing int) *SyntaxError {
	n := len(call.Args)
	if n < sig.min || (sig.max >= 0 && n > sig.max) {
		off := closing
		if sig.max >= 0 && n > sig.max {
			off = offs[sig.max]
		}
		return p.errorf(off, "%s takes %s, got %d", call.Func, arity(sig), n)
	}
	for i, arg := range call.Args {
		lit, ok := arg.(ir.ArgLiteral)
		if !ok {
			if k := sig.kind(i); k == argFalse {
				return p.errorf(offs[i], "argument %d of %s must be the literal false", i+1, call.Func)
			}
			continue
		}
		if msg := literalMismatch(sig.kind(i), lit.Value); msg != "" {
			return p.errorf(offs[i], "argument %d of %s %s, got %s", i+1, call.Func, msg, describeLiteral(lit.Value))
		}
	}
	return nil
}

func (s intrinsicSig) kind(i int) intrinsicArgKind {
	if len(s.args) == 0 {
		return argAny
	}
	if i >= len(s.args) {
		return s.args[len(s.args)-1]
	}
	return s.args[i]
}

func arity(s intrinsicSig) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case s.max < 0:
		return "at least " + plural(s.min)
	case s.min == s.max && s.min == 0:
		return "no arguments"
	case s.min == s.max:
		return plural(s.min)
	case s.max == s.min+1:
		return fmt.Sprintf("%d or %d arguments", s.min, s.max)
	default:
		return fmt.Sprintf("%d to %d arguments", s.min, s.max)
	}
}

// literalMismatch says what is wrong with literal v for kind k, or "".
func literalMismatch(k intrinsicArgKind, v ir.Value) string {
	switch k {
	case argString:
		if _, ok := v.(ir.String); !ok {
			return "must be a string"
		}
	case argInteger:
		if n, ok := v.(ir.Number); !ok || n.IsFloat {
			return "must be an integer"
		}
	case argNumber:
		if _, ok := v.(ir.Number); !ok {
			return "must be a number"
		}
	case argArray:
		return "must be an array (a path or an intrinsic call), not a literal"
	case argObject:
		return "must be an object (a path or an intrinsic call), not a literal"
	case argHashAlg:
		s, ok := v.(ir.String)
		if !ok {
			return "must be a hash algorithm (" + strings.Join(hashAlgorithms, ", ") + ")"
		}
		for _, a := range hashAlgorithms {
			if string(s) == a {
				return ""
			}
		}
		return "must be one of " + strings.Join(hashAlgorithms, ", ")
	case argFalse:
		if b, ok := v.(ir.Bool); !ok || bool(b) {
			return "must be the literal false"
		}
	}
	return ""
}

func describeLiteral(v ir.Value) string {
	switch v := v.(type) {
	case ir.String:
		return fmt.Sprintf("the string '%s'", string(v))
	case ir.Number:
		return "the number " + v.Text
	case ir.Bool:
		return fmt.Sprint(bool(v))
	case ir.Null:
		return "null"
	}
	return "a literal"
}

// parseArg parses one argument. template is true for the first argument
// of States.Format.
func (p *intrinsicParser) parseArg(depth int, template bool) (ir.Arg, *SyntaxError) {
	start := p.pos
	c := p.peek()
	switch {
	case c == '\'':
		s, err := p.parseString(template)
		if err != nil {
			return nil, err
		}
		return ir.ArgLiteral{Value: ir.String(s)}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		end, ok := scanJSONNumber(p.src, p.pos)
		if !ok || (end < len(p.src) && (pathWordByte(p.src[end]) || p.src[end] == '.')) {
			return nil, p.errorf(start, "invalid number")
		}
		text := p.src[start:end]
		p.pos = end
		return ir.ArgLiteral{Value: ir.Number{Text: text, IsFloat: strings.ContainsAny(text, ".eE")}}, nil
	case c == '$':
		return p.parsePathArg()
	case strings.HasPrefix(p.src[p.pos:], "States."):
		call, err := p.parseCall(depth + 1)
		if err != nil {
			return nil, err
		}
		return ir.ArgCall{Call: call}, nil
	case pathWordByte(c):
		end := p.pos
		for end < len(p.src) && pathWordByte(p.src[end]) {
			end++
		}
		word := p.src[start:end]
		p.pos = end
		switch word {
		case "true":
			return ir.ArgLiteral{Value: ir.Bool(true)}, nil
		case "false":
			return ir.ArgLiteral{Value: ir.Bool(false)}, nil
		case "null":
			return ir.ArgLiteral{Value: ir.Null{}}, nil
		}
		return nil, p.errorf(start, "unexpected '%s': strings must be in single quotes, paths start with '$'", word)
	case c == '"':
		return nil, p.errorf(start, "strings in intrinsic functions must be in single quotes")
	case c == ')' || c == ',':
		return nil, p.errorf(start, "expected an argument, found %s", p.describe(start))
	case p.pos >= len(p.src):
		return nil, p.errorf(start, "unexpected end of input: expected an argument")
	default:
		return nil, p.errorf(start, "unexpected %s: expected a 'string', a number, true, false, null, a path or an intrinsic call", p.describe(start))
	}
}

// parseString reads a single-quoted string. With template, \{ \} and \\
// are kept escaped.
func (p *intrinsicParser) parseString(template bool) (string, *SyntaxError) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errorf(open, "unterminated string: missing closing '")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errorf(p.pos, "unterminated string: missing closing '")
			}
			e := p.src[p.pos+1]
			switch e {
			case '\'':
				b.WriteByte('\'')
			case '{', '}', '\\':
				if template {
					b.WriteByte('\\')
				}
				b.WriteByte(e)
			default:
				return "", p.errorf(p.pos, "invalid escape \\%s in string: only \\' \\{ \\} and \\\\ are allowed", p.escapedRune(p.pos+1))
			}
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *intrinsicParser) escapedRune(off int) string {
	r, _ := utf8.DecodeRuneInString(p.src[off:])
	return string(r)
}

// parsePathArg reads a path argument: from '$' up to ',', ')' or white
// space outside brackets and quotes.
func (p *intrinsicParser) parsePathArg() (ir.Arg, *SyntaxError) {
	start := p.pos
	end := start
	depth := 0
	var quote byte
scan:
	for end < len(p.src) {
		c := p.src[end]
		switch {
		case quote != 0:
			if c == '\\' {
				end++
			} else if c == quote {
				quote = 0
			}
		case depth > 0 && (c == '\'' || c == '"'):
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0 && (c == ',' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			break scan
		}
		end++
	}
	end = min(end, len(p.src))
	path, err := parsePathAt(p.src, start, end, PathFull)
	if err != nil {
		return nil, err
	}
	p.pos = end
	return ir.ArgPath{Path: path}, nil
}
