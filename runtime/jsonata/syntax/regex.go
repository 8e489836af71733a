package syntax

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Regexp is a regular expression literal (/source/flags): its
// JavaScript source translated to Go's RE2 syntax. Lookaround and
// back-references have no RE2 form: Err then says why, and the literal
// fails when it is evaluated.
type Regexp struct {
	Source string
	Flags  string
	Re     Matcher
	Mid    Matcher // for testing a match at a position > 0 (^ cannot match there)
	Err    error
}

// A Matcher is a compiled regular expression, a *regexp.Regexp. Regex
// literals and function signatures hold one as an interface, and the
// parser compiles them with the Compiler it is given (ParseWith), so
// that a program whose expressions need no regular expression links no
// package regexp (about 100 KB of code among what every start-up runs).
type Matcher interface {
	FindStringSubmatch(s string) []string
	FindStringIndex(s string) []int
	FindAllStringSubmatchIndex(s string, n int) [][]int
	MatchString(s string) bool
}

// A Compiler compiles a regular expression of Go's syntax (package
// regexp's): CompileRegexp.
type Compiler func(expr string) (Matcher, error)

// CompileRegexp is regexp.Compile, the Compiler of Parse.
func CompileRegexp(expr string) (Matcher, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return re, nil
}

// ErrNoRegexp is the error of a regular expression met by a parser given
// no Compiler: the compiler links one into every program whose
// expressions need it (see NeedsRegexp), so this is a programming error.
var ErrNoRegexp = errors.New("jsonata: this program was built without regular expressions")

func compileRegex(source, flags string, compile Compiler) (*Regexp, error) {
	body, err := translateRegex(source)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	multi := strings.Contains(flags, "m")
	if multi {
		prefix += "m"
	}
	full := body
	if prefix != "" {
		full = "(?" + prefix + ")" + body
	}
	if compile == nil {
		return nil, ErrNoRegexp
	}
	re, err := compile(full)
	if err != nil {
		return nil, errors.New("unsupported regular expression /" + source + "/: " + err.Error())
	}
	r := &Regexp{Source: source, Flags: flags, Re: re, Mid: re}
	if !multi && strings.Contains(source, "^") {
		midBody := strings.ReplaceAll(body, "\x00CARET\x00", `[^\x00-\x{10FFFF}]`)
		if m, err := compile("(?" + prefix + "s:)" + midBody); err == nil && prefix != "" {
			r.Mid = m
		} else if m, err := compile(midBody); err == nil {
			r.Mid = m
		}
	}
	if strings.Contains(full, "\x00CARET\x00") {
		full = strings.ReplaceAll(full, "\x00CARET\x00", "^")
		midIsRe := r.Mid == re
		if r.Re, err = compile(full); err != nil {
			return nil, errors.New("unsupported regular expression /" + source + "/: " + err.Error())
		}
		if midIsRe {
			r.Mid = r.Re
		}
	}
	return r, nil
}

// translateRegex rewrites JavaScript-only syntax; a bare ^ outside a class
// is marked so that a variant that cannot match mid-string can be built.
func translateRegex(src string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			e := src[i]
			switch {
			case e == 'u' && i+4 < len(src)+0 && isHex(src[i+1:min(i+5, len(src))]) && i+4 < len(src):
				b.WriteString(`\x{` + src[i+1:i+5] + `}`)
				i += 4
			case e == 'x' && i+2 < len(src) && isHex(src[i+1:i+3]):
				b.WriteString(`\x` + src[i+1:i+3])
				i += 2
			case e == 'c' && i+1 < len(src) && isLetter(src[i+1]):
				b.WriteString(`\x{` + strconv.FormatInt(int64(src[i+1]%32), 16) + `}`)
				i++
			case e == '0' && (i+1 >= len(src) || src[i+1] < '0' || src[i+1] > '9'):
				b.WriteString(`\x00`)
			case e >= '1' && e <= '9':
				if inClass {
					b.WriteString(`\x{` + strconv.FormatInt(int64(e-'0'), 16) + `}`)
				} else {
					return "", errors.New("back-references are not supported in regular expressions")
				}
			case strings.IndexByte("dDwWsSbBtnrfv", e) >= 0:
				b.WriteByte('\\')
				b.WriteByte(e)
			case isLetter(e) || e >= utf8.RuneSelf:
				r, sz := utf8.DecodeRuneInString(src[i:])
				b.WriteString(quoteMeta(string(r)))
				i += sz - 1
			default:
				b.WriteString(quoteMeta(string(e)))
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			if strings.HasPrefix(src[i:], "[^]") {
				b.WriteString(`[\s\S]`)
				i += 2
			} else if strings.HasPrefix(src[i:], "[]") {
				b.WriteString(`[^\x00-\x{10FFFF}]`)
				i++
			} else {
				inClass = true
				b.WriteByte(c)
				if i+1 < len(src) && src[i+1] == '^' {
					b.WriteByte('^')
					i++
				}
				if i+1 < len(src) && src[i+1] == ']' {
					b.WriteString(`\]`)
					i++
				}
			}
		case c == '(' && strings.HasPrefix(src[i:], "(?=") || strings.HasPrefix(src[i:], "(?!") ||
			strings.HasPrefix(src[i:], "(?<=") || strings.HasPrefix(src[i:], "(?<!"):
			return "", errors.New("lookaround assertions are not supported in regular expressions")
		case c == '^':
			b.WriteString("\x00CARET\x00")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// quoteMeta is regexp.QuoteMeta, which would link package regexp into
// every program with a JSONata expression (see Matcher).
func quoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
