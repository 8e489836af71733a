package syntax

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// isOpChar reports whether c is a one-character operator (a stop
// character for names).
func isOpChar(c byte) bool {
	switch c {
	case '.', '[', ']', '{', '}', '(', ')', ',', '@', '#', ';', ':', '?', '+', '-', '*', '/', '%',
		'|', '=', '<', '>', '^', '&', '!', '~':
		return true
	}
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
}

type tokenType int

const (
	tokName tokenType = iota
	tokVariable
	tokOperator
	tokString
	tokNumber
	tokValue
	tokRegex
)

type token struct {
	typ   tokenType
	value any // string, float64, bool, nil, *Regexp
	pos   int
}

type lexer struct {
	src     string
	pos     int
	compile Compiler // for regex literals; nil: they fail (see ErrNoRegexp)
}

func (l *lexer) errAt(code string, pos int, tok string) *SyntaxError {
	return newSyntaxError(code, pos, tok, tok != "", nil)
}

func (l *lexer) at(i int) byte {
	if i < len(l.src) && i >= 0 {
		return l.src[i]
	}
	return 0
}

// next returns the next token, or nil at the end of the input. prefix
// is true where an operand cannot start (so '/' is division).
func (l *lexer) next(prefix bool) (*token, error) {
	for {
		for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
			l.pos++
		}
		if l.pos >= len(l.src) {
			return nil, nil
		}
		if l.src[l.pos] == '/' && l.at(l.pos+1) == '*' {
			start := l.pos
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				l.pos = len(l.src)
				return nil, l.errAt("S0106", start, "")
			}
			l.pos += 2 + end + 2
			continue
		}
		break
	}
	c := l.src[l.pos]
	start := l.pos
	_ = start
	mk := func(t tokenType, v any) *token { return &token{typ: t, value: v, pos: l.pos} }
	if !prefix && c == '/' {
		l.pos++
		re, err := l.scanRegex()
		if err != nil {
			return nil, err
		}
		return mk(tokRegex, re), nil
	}
	two := ""
	if l.pos+1 < len(l.src) {
		two = l.src[l.pos : l.pos+2]
	}
	switch two {
	case "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??":
		l.pos += 2
		return mk(tokOperator, two), nil
	}
	if isOpChar(c) {
		l.pos++
		return mk(tokOperator, string(c)), nil
	}
	if c == '"' || c == '\'' {
		return l.scanString(c)
	}
	if c >= '0' && c <= '9' {
		i := l.pos
		if c == '0' {
			i++
		} else {
			for i < len(l.src) && l.src[i] >= '0' && l.src[i] <= '9' {
				i++
			}
		}
		if l.at(i) == '.' && l.at(i+1) >= '0' && l.at(i+1) <= '9' {
			i += 2
			for i < len(l.src) && l.src[i] >= '0' && l.src[i] <= '9' {
				i++
			}
		}
		if e := l.at(i); e == 'e' || e == 'E' {
			j := i + 1
			if s := l.at(j); s == '+' || s == '-' {
				j++
			}
			if d := l.at(j); d >= '0' && d <= '9' {
				for j < len(l.src) && l.src[j] >= '0' && l.src[j] <= '9' {
					j++
				}
				i = j
			}
		}
		text := l.src[l.pos:i]
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, l.errAt("S0102", l.pos, text)
		}
		l.pos = i
		return mk(tokNumber, f), nil
	}
	if c == '`' {
		end := strings.IndexByte(l.src[l.pos+1:], '`')
		if end < 0 {
			l.pos = len(l.src)
			return nil, l.errAt("S0105", l.pos, "")
		}
		name := l.src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return mk(tokName, name), nil
	}
	i := l.pos
	for i < len(l.src) && !isSpace(l.src[i]) && !isOpChar(l.src[i]) {
		i++
	}
	if c == '$' {
		name := l.src[l.pos+1 : i]
		l.pos = i
		return mk(tokVariable, name), nil
	}
	name := l.src[l.pos:i]
	l.pos = i
	switch name {
	case "or", "in", "and":
		return mk(tokOperator, name), nil
	case "true":
		return mk(tokValue, true), nil
	case "false":
		return mk(tokValue, false), nil
	case "null":
		return mk(tokValue, nil), nil
	}
	return mk(tokName, name), nil
}

func (l *lexer) scanString(quote byte) (*token, error) {
	l.pos++
	var b strings.Builder
	var pending []uint16 // UTF-16 code units from \u escapes
	flush := func() {
		if len(pending) > 0 {
			b.WriteString(fromUTF16(pending))
			pending = pending[:0]
		}
	}
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == '\\' {
			l.pos++
			e := l.at(l.pos)
			var r byte
			switch e {
			case '"', '\\', '/':
				r = e
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			case 'u':
				hex := ""
				if l.pos+5 <= len(l.src) {
					hex = l.src[l.pos+1 : l.pos+5]
				}
				v, err := strconv.ParseUint(hex, 16, 16)
				if err != nil || len(hex) != 4 || strings.ContainsAny(hex, "+-") {
					return nil, l.errAt("S0104", l.pos, "")
				}
				pending = append(pending, uint16(v))
				l.pos += 5
				continue
			default:
				tok := ""
				if l.pos < len(l.src) {
					_, sz := utf8.DecodeRuneInString(l.src[l.pos:])
					tok = l.src[l.pos : l.pos+sz]
				}
				return nil, l.errAt("S0103", l.pos, tok)
			}
			flush()
			b.WriteByte(r)
			l.pos++
			continue
		}
		if c == quote {
			flush()
			l.pos++
			return &token{typ: tokString, value: b.String(), pos: l.pos}, nil
		}
		flush()
		b.WriteByte(c)
		l.pos++
	}
	return nil, l.errAt("S0101", l.pos, "")
}

func (l *lexer) scanRegex() (*Regexp, error) {
	start := l.pos
	depth := 0
	isClosing := func(p int) bool {
		if l.src[p] == '/' && depth == 0 {
			n := 0
			for p-(n+1) >= 0 && l.src[p-(n+1)] == '\\' {
				n++
			}
			return n%2 == 0
		}
		return false
	}
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isClosing(l.pos) {
			pattern := l.src[start:l.pos]
			if pattern == "" {
				return nil, l.errAt("S0301", l.pos, "")
			}
			l.pos++
			fs := l.pos
			for l.pos < len(l.src) && (l.src[l.pos] == 'i' || l.src[l.pos] == 'm') {
				l.pos++
			}
			flags := l.src[fs:l.pos]
			re, err := compileRegex(pattern, flags, l.compile)
			if err != nil {
				// Reported when the literal is evaluated, as the
				// reference implementation reports it.
				re = &Regexp{Source: pattern, Flags: flags, Err: err}
			}
			return re, nil
		}
		if (c == '(' || c == '[' || c == '{') && l.at(l.pos-1) != '\\' {
			depth++
		}
		if (c == ')' || c == ']' || c == '}') && l.at(l.pos-1) != '\\' {
			depth--
		}
		l.pos++
	}
	return nil, l.errAt("S0302", l.pos, "")
}

// fromUTF16 decodes code units, replacing lone surrogates.
func fromUTF16(u []uint16) string { return string(utf16.Decode(u)) }
