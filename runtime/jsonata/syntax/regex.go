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
	Re     *regexp.Regexp
	Mid    *regexp.Regexp // for testing a match at a position > 0 (^ cannot match there)
	Err    error
}

func compileRegex(source, flags string) (*Regexp, error) {
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
	re, err := regexp.Compile(full)
	if err != nil {
		return nil, errors.New("unsupported regular expression /" + source + "/: " + err.Error())
	}
	r := &Regexp{Source: source, Flags: flags, Re: re, Mid: re}
	if !multi && strings.Contains(source, "^") {
		midBody := strings.ReplaceAll(body, "\x00CARET\x00", `[^\x00-\x{10FFFF}]`)
		if m, err := regexp.Compile("(?" + prefix + "s:)" + midBody); err == nil && prefix != "" {
			r.Mid = m
		} else if m, err := regexp.Compile(midBody); err == nil {
			r.Mid = m
		}
	}
	if strings.Contains(full, "\x00CARET\x00") {
		full = strings.ReplaceAll(full, "\x00CARET\x00", "^")
		r.Re = regexp.MustCompile(full)
		if r.Mid == re {
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
				b.WriteString(regexp.QuoteMeta(string(r)))
				i += sz - 1
			default:
				b.WriteString(regexp.QuoteMeta(string(e)))
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
