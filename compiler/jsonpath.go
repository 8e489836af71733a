package compiler

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A SyntaxError is a malformed path or intrinsic call; Offset is the byte
// offset in the source string.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error reports the message with its offset.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s (at offset %d)", e.Msg, e.Offset)
}

// A PathKind says which JSONPath subset a field accepts.
type PathKind int

// Path kinds.
const (
	// PathFull is a Path: InputPath, OutputPath, ItemsPath, ".$" values.
	PathFull PathKind = iota
	// PathReference is a Reference Path: ResultPath, Choice Variable, …Path
	// fields: only .name, ['name'] and [n].
	PathReference
)

// maxPathNesting bounds the recursion of the filter and literal parsers, so
// that hostile input cannot exhaust the stack.
const maxPathNesting = 64

// ParsePath parses src as a JSONPath of the given kind, in the Jayway
// flavour AWS uses:
//
//   - the root is $ (the input), $$ (the context object) or $name (a
//     variable; name made of letters, digits and underscores);
//   - .name (any characters except '.', '[', '(' and space, as in Jayway),
//     ['name'] and ["name"] (a backslash escapes the enclosing quote and
//     is otherwise itself), [n] with n negative from the end;
//   - for PathFull also .* and [*], ..name, ..* and ..[n] (descent),
//     [start:end:step], [0,2] and ['a','b'] (unions) and [?(expr)]
//     filters.
//
// A filter expression combines comparisons with &&, || and !, and
// parentheses. Operands are @-paths (relative to the current node),
// $-paths (relative to the document the whole path is applied to),
// strings in single or double quotes, numbers, true, false, null, and
// JSON array or object literals (strings in them may use single quotes).
// Operators are ==, !=, <, <=, >, >=, ===, !==, =~ and Jayway's word
// operators in, nin, subsetof, anyof, noneof, contains, size and empty
// (any case; stored in lower case). The other side of =~ is a
// /regex/flags literal, stored as written (an ir.String such as
// "/^a.*$/i"), after checking that Go's regexp compiles it with the flags
// i, m, s (u is accepted and ignored); Jayway matches it against the
// whole string. A lone path is an existence test: [?(@.tags)]. After '..'
// any selector may follow: a name, '*' or anything in brackets.
//
// Jayway functions (length(), min(), ...), the operators all, exists,
// type and matches, script expressions [(...)] and the regex flags d, x
// and U are rejected with a message that names them.
//
// Trailing white space (space, tab, newline) is ignored, as Jayway
// trims the path; leading white space is an error. Path.Source
// is src exactly; the Pos.Offset of paths nested in filters is their
// byte offset in src (the returned path's own offset is 0).
func ParsePath(src string, kind PathKind) (*ir.Path, *SyntaxError) {
	p := &pathParser{src: src, end: len(strings.TrimRight(src, " \t\n\r")), kind: kind}
	path, err := p.parseTop()
	if err != nil {
		return nil, err
	}
	return path, nil
}

// parsePathAt parses src[start:end] as a path (used for intrinsic
// arguments); offsets in the result and in errors are relative to src.
func parsePathAt(src string, start, end int, kind PathKind) (*ir.Path, *SyntaxError) {
	p := &pathParser{src: src, pos: start, end: end, kind: kind}
	return p.parseTop()
}

type pathParser struct {
	src   string
	pos   int
	end   int // parsing stops here (exclusive)
	kind  PathKind
	depth int
}

func (p *pathParser) errorf(off int, format string, args ...any) *SyntaxError {
	if off < 0 {
		off = 0
	}
	if off > len(p.src) {
		off = len(p.src)
	}
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *pathParser) atEnd() bool { return p.pos >= p.end }

func (p *pathParser) peek() byte {
	if p.pos >= p.end {
		return 0
	}
	return p.src[p.pos]
}

func (p *pathParser) peekAt(i int) byte {
	if p.pos+i >= p.end {
		return 0
	}
	return p.src[p.pos+i]
}

func (p *pathParser) skipSpace() {
	for p.pos < p.end {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// describe renders the character at off for an error message.
func (p *pathParser) describe(off int) string {
	if off >= p.end {
		return "end of path"
	}
	r, _ := utf8.DecodeRuneInString(p.src[off:p.end])
	return fmt.Sprintf("%q", r)
}

func (p *pathParser) enter() *SyntaxError {
	p.depth++
	if p.depth > maxPathNesting {
		return p.errorf(p.pos, "path expression nested too deeply (more than %d levels)", maxPathNesting)
	}
	return nil
}

func (p *pathParser) leave() { p.depth-- }

// parseTop parses a whole path from p.pos to p.end.
func (p *pathParser) parseTop() (*ir.Path, *SyntaxError) {
	start := p.pos
	if p.atEnd() || p.peek() != '$' {
		if p.atEnd() {
			return nil, p.errorf(p.pos, "empty path: a path must start with '$'")
		}
		return nil, p.errorf(p.pos, "a path must start with '$', found %s", p.describe(p.pos))
	}
	path := &ir.Path{Source: p.src[start:p.end], Pos: ir.Pos{Offset: start}}
	if start == 0 {
		path.Source = p.src
	}
	p.pos++
	switch c := p.peek(); {
	case c == '$':
		path.Root = ir.RootContext
		p.pos++
	case pathVarRune(p.src, p.pos, p.end):
		path.Root = ir.RootVariable
		nameStart := p.pos
		for pathVarRune(p.src, p.pos, p.end) {
			_, size := utf8.DecodeRuneInString(p.src[p.pos:p.end])
			p.pos += size
		}
		path.Variable = p.src[nameStart:p.pos]
	default:
		path.Root = ir.RootInput
	}
	segs, err := p.parseSegments(false)
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.errorf(p.pos, "unexpected %s in path: expected '.' or '['", p.describe(p.pos))
	}
	path.Segments = segs
	return path, nil
}

func pathVarRune(s string, i, end int) bool {
	if i >= end {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:end])
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// parseSegments reads segments while the next character starts one ('.'
// or '['). In a filter, dot names also stop at operators and parentheses.
func (p *pathParser) parseSegments(inFilter bool) ([]ir.Segment, *SyntaxError) {
	var segs []ir.Segment
	for !p.atEnd() {
		segStart := p.pos
		var seg ir.Segment
		var err *SyntaxError
		switch p.peek() {
		case '.':
			seg, err = p.parseDot(inFilter)
		case '[':
			seg, err = p.parseBracket()
		default:
			return segs, nil
		}
		if err != nil {
			return nil, err
		}
		if p.kind == PathReference {
			if err := p.checkReference(seg, segStart); err != nil {
				return nil, err
			}
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

func (p *pathParser) checkReference(seg ir.Segment, off int) *SyntaxError {
	var what string
	switch s := seg.(type) {
	case ir.Field, ir.Index:
		return nil
	case ir.Wildcard:
		what = "a wildcard '*'"
	case ir.Slice:
		what = "an array slice"
	case ir.Union:
		what = "a union"
		if len(s.Names) == 0 {
			what = "an index union"
		}
	case ir.Descent:
		what = "a deep scan '..'"
	case ir.Filter:
		what = "a filter '[?(...)]'"
	default:
		what = "this selector"
	}
	return p.errorf(off, "must be a reference path (only .name, ['name'] and [index]): %s is not allowed", what)
}

// parseDot parses a segment starting with '.': .name, .*, ..x, .[...].
func (p *pathParser) parseDot(inFilter bool) (ir.Segment, *SyntaxError) {
	dot := p.pos
	p.pos++
	if p.peek() == '.' {
		p.pos++
		if p.atEnd() {
			return nil, p.errorf(dot, "a path must not end with '..'")
		}
		var then ir.Segment
		var err *SyntaxError
		switch c := p.peek(); c {
		case '.':
			return nil, p.errorf(p.pos, "unexpected '.' after '..'")
		case '*':
			p.pos++
			then = ir.Wildcard{}
		case '[':
			then, err = p.parseBracket()
			if err != nil {
				return nil, err
			}
		default:
			then, err = p.parseDotName(inFilter)
			if err != nil {
				return nil, err
			}
		}
		return ir.Descent{Then: then}, nil
	}
	if p.atEnd() {
		return nil, p.errorf(dot, "a path must not end with '.'")
	}
	switch p.peek() {
	case '*':
		p.pos++
		return ir.Wildcard{}, nil
	case '[':
		// Jayway accepts $.['a'] as $['a'].
		return p.parseBracket()
	}
	return p.parseDotName(inFilter)
}

// parseDotName reads a member name written after '.'.
func (p *pathParser) parseDotName(inFilter bool) (ir.Segment, *SyntaxError) {
	start := p.pos
	for !p.atEnd() {
		c := p.peek()
		if c == '.' || c == '[' || c == '(' {
			break
		}
		if c == ' ' {
			if inFilter {
				break
			}
			return nil, p.errorf(p.pos, "unexpected space in path: write names containing spaces in brackets, as ['my name']")
		}
		if inFilter && strings.IndexByte(")<>=!~&|,]\t\n\r", c) >= 0 {
			break
		}
		p.pos++
	}
	name := p.src[start:p.pos]
	if p.peek() == '(' {
		if name == "" {
			return nil, p.errorf(p.pos, "unexpected '(' in path")
		}
		return nil, p.errorf(start, "JSONPath functions such as %s() are not supported", name)
	}
	if name == "" {
		return nil, p.errorf(start, "expected a name after '.', found %s", p.describe(start))
	}
	return ir.Field{Name: name}, nil
}

// parseBracket parses a segment in square brackets.
func (p *pathParser) parseBracket() (ir.Segment, *SyntaxError) {
	open := p.pos
	p.pos++
	p.skipSpace()
	if p.atEnd() {
		return nil, p.errorf(open, "unclosed '['")
	}
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return p.parseBracketNames(open)
	case c == '*':
		p.pos++
		p.skipSpace()
		if p.peek() != ']' {
			return nil, p.errorf(p.pos, "expected ']' after '[*', found %s", p.describe(p.pos))
		}
		p.pos++
		return ir.Wildcard{}, nil
	case c == '?':
		return p.parseFilter(open)
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		return p.parseBracketNumbers(open)
	case c == '(':
		return nil, p.errorf(p.pos, "script expressions '[(...)]' are not supported")
	case c == ']':
		return nil, p.errorf(open, "empty brackets '[]' in path")
	default:
		return nil, p.errorf(p.pos, "unexpected %s after '[': expected a quoted name, an index, a slice, '*' or a filter '?(...)'", p.describe(p.pos))
	}
}

// parseBracketNames parses ['a'] or ['a','b'].
func (p *pathParser) parseBracketNames(open int) (ir.Segment, *SyntaxError) {
	var names []string
	for {
		p.skipSpace()
		c := p.peek()
		if c != '\'' && c != '"' {
			return nil, p.errorf(p.pos, "expected a quoted name, found %s", p.describe(p.pos))
		}
		name, err := p.parseBracketKey()
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ']':
			p.pos++
			if len(names) == 1 {
				return ir.Field{Name: names[0]}, nil
			}
			return ir.Union{Names: names}, nil
		default:
			if p.atEnd() {
				return nil, p.errorf(open, "unclosed '['")
			}
			return nil, p.errorf(p.pos, "expected ',' or ']' after a quoted name, found %s", p.describe(p.pos))
		}
	}
}

// parseBracketKey reads the quoted name of a bracket step (['name'] or
// ["name"]) at p.pos, after the caller has seen its opening quote. A
// backslash before the enclosing quote escapes it; any other backslash
// is the character itself: AWS evaluates $['a\"b'] as the member a\"b.
func (p *pathParser) parseBracketKey() (string, *SyntaxError) {
	open := p.pos
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for !p.atEnd() {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < p.end && p.src[p.pos+1] == q:
			b.WriteByte(q)
			p.pos += 2
			continue
		case c == '\\' && p.pos+1 < p.end:
			// Jayway's scanner steps over the escaped character, so
			// a backslash pair never ends the key: keep both.
			b.WriteString(p.src[p.pos : p.pos+2])
			p.pos += 2
			continue
		case c == q:
			p.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", p.errorf(open, "unterminated quoted string")
}

// parseQuoted reads a string in single or double quotes at p.pos and
// returns it unescaped the way Jayway does.
func (p *pathParser) parseQuoted() (string, *SyntaxError) {
	open := p.pos
	q := p.src[p.pos]
	p.pos++
	start := p.pos
	for {
		if p.atEnd() {
			return "", p.errorf(open, "unterminated quoted string")
		}
		c := p.src[p.pos]
		if c == '\\' {
			p.pos += 2
			continue
		}
		if c == q {
			break
		}
		p.pos++
	}
	raw := p.src[start:p.pos]
	p.pos++
	s, bad := jaywayUnescape(raw)
	if bad >= 0 {
		return "", p.errorf(start+bad, "invalid \\u escape: expected four hexadecimal digits")
	}
	return s, nil
}

// jaywayUnescape resolves backslash escapes as Jayway's Utils.unescape
// does. It returns the offset of a malformed \u escape, or -1.
func jaywayUnescape(s string) (string, int) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, -1
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			b.WriteByte('\\')
			break
		}
		i++
		switch s[i] {
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'b':
			b.WriteByte('\b')
		case 'u':
			if i+5 > len(s) {
				return "", i - 1
			}
			v, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", i - 1
			}
			b.WriteRune(rune(v))
			i += 4
		default:
			// \\, \', \" and any other escaped character stand for
			// themselves. Copy the whole UTF-8 sequence.
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size - 1
		}
	}
	return b.String(), -1
}

// parseBracketNumbers parses [n], [n,m,...] and [start:end:step].
func (p *pathParser) parseBracketNumbers(open int) (ir.Segment, *SyntaxError) {
	var nums []*int
	colons := 0
	commas := 0
	for {
		p.skipSpace()
		var n *int
		if c := p.peek(); c == '-' || (c >= '0' && c <= '9') {
			v, err := p.parseInt()
			if err != nil {
				return nil, err
			}
			n = &v
		}
		nums = append(nums, n)
		p.skipSpace()
		switch c := p.peek(); c {
		case ':':
			if commas > 0 {
				return nil, p.errorf(p.pos, "cannot mix ',' and ':' in brackets")
			}
			colons++
			if colons > 2 {
				return nil, p.errorf(p.pos, "a slice has at most three parts [start:end:step]")
			}
			p.pos++
		case ',':
			if colons > 0 {
				return nil, p.errorf(p.pos, "cannot mix ',' and ':' in brackets")
			}
			if n == nil {
				return nil, p.errorf(p.pos, "expected an index before ','")
			}
			commas++
			p.pos++
		case ']':
			p.pos++
			if colons > 0 {
				s := ir.Slice{Start: nums[0], End: nums[1]}
				if len(nums) > 2 {
					s.Step = nums[2]
					if s.Step != nil && *s.Step == 0 {
						return nil, p.errorf(open, "slice step must not be zero")
					}
				}
				return s, nil
			}
			if n == nil {
				return nil, p.errorf(p.pos-1, "expected an index before ']'")
			}
			if len(nums) == 1 {
				return ir.Index{Index: *nums[0]}, nil
			}
			idx := make([]int, len(nums))
			for i, v := range nums {
				idx[i] = *v
			}
			return ir.Union{Indexes: idx}, nil
		default:
			if p.atEnd() {
				return nil, p.errorf(open, "unclosed '['")
			}
			return nil, p.errorf(p.pos, "unexpected %s in array index: expected a number, ',', ':' or ']'", p.describe(p.pos))
		}
	}
}

// parseInt reads an optionally negative decimal integer that fits in 32
// bits (Jayway indexes are Java ints).
func (p *pathParser) parseInt() (int, *SyntaxError) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := p.pos
	for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
		p.pos++
	}
	if p.pos == digits {
		return 0, p.errorf(start, "expected digits after '-'")
	}
	v, err := strconv.ParseInt(p.src[start:p.pos], 10, 32)
	if err != nil {
		return 0, p.errorf(start, "array index %s is out of range", p.src[start:p.pos])
	}
	return int(v), nil
}

// parseFilter parses [?( expr )]; p.pos is at '?'.
func (p *pathParser) parseFilter(open int) (ir.Segment, *SyntaxError) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++ // '?'
	p.skipSpace()
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "expected '(' after '[?', found %s", p.describe(p.pos))
	}
	paren := p.pos
	p.pos++
	expr, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		if p.atEnd() {
			return nil, p.errorf(paren, "unclosed '(' in filter")
		}
		return nil, p.errorf(p.pos, "unexpected %s in filter: expected an operator, '&&', '||' or ')'", p.describe(p.pos))
	}
	p.pos++
	p.skipSpace()
	if p.peek() != ']' {
		if p.atEnd() {
			return nil, p.errorf(open, "unclosed '['")
		}
		return nil, p.errorf(p.pos, "expected ']' after filter, found %s", p.describe(p.pos))
	}
	p.pos++
	return ir.Filter{Expr: expr}, nil
}

func (p *pathParser) parseOr() (ir.FilterExpr, *SyntaxError) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if p.peek() != '|' || p.peekAt(1) != '|' {
			return left, nil
		}
		p.pos += 2
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = ir.FilterOr{Left: left, Right: right}
	}
}

func (p *pathParser) parseAnd() (ir.FilterExpr, *SyntaxError) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if p.peek() != '&' || p.peekAt(1) != '&' {
			return left, nil
		}
		p.pos += 2
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		left = ir.FilterAnd{Left: left, Right: right}
	}
}

func (p *pathParser) parseUnary() (ir.FilterExpr, *SyntaxError) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipSpace()
	switch p.peek() {
	case '!':
		if p.peekAt(1) == '=' {
			break
		}
		p.pos++
		e, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return ir.FilterNot{Expr: e}, nil
	case '(':
		open := p.pos
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			if p.atEnd() {
				return nil, p.errorf(open, "unclosed '(' in filter")
			}
			return nil, p.errorf(p.pos, "unexpected %s in filter: expected an operator, '&&', '||' or ')'", p.describe(p.pos))
		}
		p.pos++
		return e, nil
	}
	return p.parseComparison()
}

// A filterOperand is a parsed filter operand; regex marks a /pattern/ literal.
type filterOperand struct {
	ir.FilterOperand
	regex bool
	off   int
}

func (p *pathParser) parseComparison() (ir.FilterExpr, *SyntaxError) {
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	op, err := p.parseOperator()
	if err != nil {
		return nil, err
	}
	if op == "" {
		if left.Path == nil {
			return nil, p.errorf(p.pos, "expected a comparison operator after the literal, found %s", p.describe(p.pos))
		}
		return ir.FilterExists{Operand: left.FilterOperand}, nil
	}
	p.skipSpace()
	right, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	switch op {
	case "=~":
		if left.regex && !right.regex {
			left, right = right, left
		}
		if !right.regex {
			return nil, p.errorf(right.off, "the right side of '=~' must be a regular expression /.../")
		}
		if left.regex {
			return nil, p.errorf(left.off, "'=~' compares a value with a regular expression, not two regular expressions")
		}
	default:
		for _, o := range []filterOperand{left, right} {
			if o.regex {
				return nil, p.errorf(o.off, "a regular expression can only be used with '=~'")
			}
		}
		if right.Path != nil {
			break
		}
		switch op {
		case "in", "nin", "subsetof", "anyof", "noneof":
			if _, ok := right.Literal.(ir.Array); !ok {
				return nil, p.errorf(right.off, "the right side of '%s' must be an array or a path", op)
			}
		case "size":
			if _, ok := right.Literal.(ir.Number); !ok {
				return nil, p.errorf(right.off, "the right side of 'size' must be a number or a path")
			}
		case "empty":
			if _, ok := right.Literal.(ir.Bool); !ok {
				return nil, p.errorf(right.off, "the right side of 'empty' must be true, false or a path")
			}
		}
	}
	return ir.FilterCompare{Op: op, Left: left.FilterOperand, Right: right.FilterOperand}, nil
}

// filterWordOps are Jayway's word operators (any case) that the runtime
// evaluates; unsupportedFilterOps are the ones it does not.
var (
	filterWordOps        = []string{"in", "nin", "subsetof", "anyof", "noneof", "contains", "size", "empty"}
	unsupportedFilterOps = []string{"all", "exists", "type", "matches"}
)

// parseOperator reads a relational operator, or returns "" if the
// comparison ends here (an existence test). Word operators are returned
// in lower case.
func (p *pathParser) parseOperator() (string, *SyntaxError) {
	start := p.pos
	c := p.peek()
	switch {
	case c != 0 && strings.IndexByte("<>=!~", c) >= 0:
		for c := p.peek(); c != 0 && strings.IndexByte("<>=!~", c) >= 0; c = p.peek() {
			p.pos++
		}
		op := p.src[start:p.pos]
		switch op {
		case "==", "!=", "<", "<=", ">", ">=", "=~", "===", "!==":
			return op, nil
		}
		return "", p.errorf(start, "unknown filter operator '%s'", op)
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		for c := p.peek(); c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'; c = p.peek() {
			p.pos++
		}
		op := strings.ToLower(p.src[start:p.pos])
		if slices.Contains(filterWordOps, op) {
			return op, nil
		}
		if slices.Contains(unsupportedFilterOps, op) {
			return "", p.errorf(start, "filter operator '%s' is not supported", p.src[start:p.pos])
		}
		return "", p.errorf(start, "unknown filter operator '%s'", p.src[start:p.pos])
	}
	return "", nil
}

func (p *pathParser) parseOperand() (filterOperand, *SyntaxError) {
	p.skipSpace()
	off := p.pos
	o := filterOperand{off: off}
	switch c := p.peek(); {
	case c == '@' || c == '$':
		path, err := p.parseFilterPath()
		if err != nil {
			return o, err
		}
		o.Path = path
		o.Current = c == '@'
		return o, nil
	case c == '\'' || c == '"':
		s, err := p.parseQuoted()
		if err != nil {
			return o, err
		}
		o.Literal = ir.String(s)
		return o, nil
	case c == '/':
		re, err := p.parseRegex()
		if err != nil {
			return o, err
		}
		o.Literal = ir.String(re)
		o.regex = true
		return o, nil
	case c == '[' || c == '{' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n':
		v, err := p.parseLiteral()
		if err != nil {
			return o, err
		}
		o.Literal = v
		return o, nil
	case p.atEnd():
		return o, p.errorf(off, "unexpected end of path in filter: expected a value")
	default:
		return o, p.errorf(off, "unexpected %s in filter: expected @, $, a string, a number, true, false, null, an array or a /regex/", p.describe(off))
	}
}

// parseFilterPath parses an @- or $-path inside a filter.
func (p *pathParser) parseFilterPath() (*ir.Path, *SyntaxError) {
	start := p.pos
	current := p.src[p.pos] == '@'
	p.pos++
	if !current && p.peek() == '$' {
		return nil, p.errorf(start, "context paths '$$' cannot be used inside a filter")
	}
	if !current && pathVarRune(p.src, p.pos, p.end) {
		return nil, p.errorf(start, "variables cannot be used inside a filter")
	}
	segs, err := p.parseSegments(true)
	if err != nil {
		return nil, err
	}
	if c := p.peek(); c == '@' || c == '$' || c == '*' || c == '(' {
		return nil, p.errorf(p.pos, "unexpected %s after path in filter", p.describe(p.pos))
	}
	return &ir.Path{
		Pos:      ir.Pos{Offset: start},
		Source:   p.src[start:p.pos],
		Root:     ir.RootInput,
		Segments: segs,
	}, nil
}

// parseRegex reads /pattern/flags and returns it as written, after
// checking that Go's regexp accepts the pattern and the flags.
func (p *pathParser) parseRegex() (string, *SyntaxError) {
	open := p.pos
	p.pos++
	for {
		if p.atEnd() {
			return "", p.errorf(open, "unterminated regular expression: missing closing '/'")
		}
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < p.end {
			p.pos += 2
			continue
		}
		if c == '/' {
			break
		}
		p.pos++
	}
	pattern := p.src[open+1 : p.pos]
	p.pos++
	var flags []byte
	for {
		c := p.peek()
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		switch c {
		case 'i', 'm', 's':
			flags = append(flags, c)
		case 'u':
			// UNICODE_CASE: Go's case folding is already Unicode-aware.
		default:
			return "", p.errorf(p.pos, "regular expression flag '%c' is not supported (use i, m or s)", c)
		}
		p.pos++
	}
	goPattern := pattern
	if len(flags) > 0 {
		goPattern = "(?" + string(flags) + ")" + pattern
	}
	if _, err := regexp.Compile(goPattern); err != nil {
		return "", p.errorf(open, "invalid regular expression /%s/: %v", pattern, err)
	}
	return p.src[open:p.pos], nil
}

// parseLiteral reads a JSON literal in a filter: a number, true, false,
// null, an array or an object. Strings may use single or double quotes.
func (p *pathParser) parseLiteral() (ir.Value, *SyntaxError) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipSpace()
	start := p.pos
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		s, err := p.parseQuoted()
		if err != nil {
			return nil, err
		}
		return ir.String(s), nil
	case c == '[':
		p.pos++
		arr := ir.Array{}
		p.skipSpace()
		if p.peek() == ']' {
			p.pos++
			return arr, nil
		}
		for {
			v, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
			p.skipSpace()
			switch p.peek() {
			case ',':
				p.pos++
			case ']':
				p.pos++
				return arr, nil
			default:
				if p.atEnd() {
					return nil, p.errorf(start, "unclosed '[' in array literal")
				}
				return nil, p.errorf(p.pos, "expected ',' or ']' in array literal, found %s", p.describe(p.pos))
			}
		}
	case c == '{':
		p.pos++
		obj := ir.Object{}
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			return obj, nil
		}
		for {
			p.skipSpace()
			if q := p.peek(); q != '\'' && q != '"' {
				return nil, p.errorf(p.pos, "expected a quoted key in object literal, found %s", p.describe(p.pos))
			}
			key, err := p.parseQuoted()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.peek() != ':' {
				return nil, p.errorf(p.pos, "expected ':' after key in object literal, found %s", p.describe(p.pos))
			}
			p.pos++
			v, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			obj = append(obj, ir.ObjectMember{Key: key, Value: v})
			p.skipSpace()
			switch p.peek() {
			case ',':
				p.pos++
			case '}':
				p.pos++
				return obj, nil
			default:
				if p.atEnd() {
					return nil, p.errorf(start, "unclosed '{' in object literal")
				}
				return nil, p.errorf(p.pos, "expected ',' or '}' in object literal, found %s", p.describe(p.pos))
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := scanJSONNumber(p.src[:p.end], p.pos)
		if !ok {
			return nil, p.errorf(start, "invalid number")
		}
		text := p.src[p.pos:n]
		p.pos = n
		if pathWordByte(p.peek()) || p.peek() == '.' {
			return nil, p.errorf(start, "invalid number")
		}
		return ir.Number{Text: text, IsFloat: strings.ContainsAny(text, ".eE")}, nil
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		for pathWordByte(p.peek()) {
			p.pos++
		}
		switch w := p.src[start:p.pos]; w {
		case "true":
			return ir.Bool(true), nil
		case "false":
			return ir.Bool(false), nil
		case "null":
			return ir.Null{}, nil
		default:
			return nil, p.errorf(start, "unexpected word '%s' in filter: strings must be quoted", w)
		}
	default:
		if p.atEnd() {
			return nil, p.errorf(start, "unexpected end of path: expected a value")
		}
		return nil, p.errorf(start, "unexpected %s: expected a value", p.describe(start))
	}
}

func pathWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// scanJSONNumber matches a JSON number at s[i:] and returns its end.
func scanJSONNumber(s string, i int) (int, bool) {
	digits := func(j int) int {
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}
