package jsonata

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A jsRegexp is a JavaScript regular expression translated to Go's RE2
// syntax. Lookaround and back-references have no RE2 form; such a regex
// fails when it is evaluated.
type jsRegexp struct {
	source string
	flags  string
	re     *regexp.Regexp
	mid    *regexp.Regexp // for testing a match at a position > 0 (^ cannot match there)
}

func compileJSRegex(source, flags string) (*jsRegexp, error) {
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
	r := &jsRegexp{source: source, flags: flags, re: re, mid: re}
	if !multi && strings.Contains(source, "^") {
		midBody := strings.ReplaceAll(body, "\x00CARET\x00", `[^\x00-\x{10FFFF}]`)
		if m, err := regexp.Compile("(?" + prefix + "s:)" + midBody); err == nil && prefix != "" {
			r.mid = m
		} else if m, err := regexp.Compile(midBody); err == nil {
			r.mid = m
		}
	}
	if strings.Contains(full, "\x00CARET\x00") {
		full = strings.ReplaceAll(full, "\x00CARET\x00", "^")
		r.re = regexp.MustCompile(full)
		if r.mid == re {
			r.mid = r.re
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

// A regexMatch is one match: byte offsets in the subject, the matched
// text and the capture groups (undefined for groups that did not take
// part).
type regexMatch struct {
	start, end int
	text       string
	groups     []any
	next       func() (*regexMatch, error)
}

// matches returns the matches of r in s in the order the reference
// implementation's matcher yields them, failing with D1004 where it would
// find an empty match it cannot advance past.
func (r *jsRegexp) first(s string) (*regexMatch, error) {
	all, err := r.findAll(s)
	if err != nil {
		return nil, err
	}
	return r.build(s, all, 0), nil
}

// findAll finds every match in s at once, as the reference
// implementation's matcher does; past maxItems matches (a one-character
// pattern over a long string) it is the memory error, found before the
// matches are materialised.
func (r *jsRegexp) findAll(s string) ([][]int, error) {
	all := r.re.FindAllStringSubmatchIndex(s, maxItems+1)
	if len(all) > maxItems {
		return nil, memoryExceeded()
	}
	return all, nil
}

func (r *jsRegexp) build(s string, all [][]int, k int) *regexMatch {
	if k >= len(all) {
		return nil
	}
	loc := all[k]
	m := &regexMatch{start: loc[0], end: loc[1], text: s[loc[0]:loc[1]]}
	for g := 1; g < len(loc)/2; g++ {
		if loc[2*g] < 0 {
			m.groups = append(m.groups, undefined)
		} else {
			m.groups = append(m.groups, s[loc[2*g]:loc[2*g+1]])
		}
	}
	m.next = func() (*regexMatch, error) {
		last := m.end
		if last >= len(s) {
			return nil, nil
		}
		if m.start == m.end {
			// the same empty match would be found again
			return nil, &Error{Code: "D1004", Position: -1, Value: r.source}
		}
		if loc := r.mid.FindStringIndex(s[last:]); loc != nil && loc[0] == 0 && loc[1] == 0 {
			return nil, &Error{Code: "D1004", Position: -1, Value: r.source}
		}
		n := r.build(s, all, k+1)
		if n != nil && n.start == n.end {
			return nil, &Error{Code: "D1004", Position: -1, Value: r.source}
		}
		return n, nil
	}
	return m
}

func evalRegex(e *node) (any, error) {
	lit := e.value.(*regexLit)
	if lit.err != nil {
		return nil, &Error{Code: "X1000", Position: e.pos, hasPos: true, Message: lit.err.Error()}
	}
	return regexBuiltin(lit.re), nil
}

func regexBuiltin(r *jsRegexp) *builtin {
	b := &builtin{name: "regex", arity: 2, nparams: 2, regex: r}
	b.fn = func(c *call, args []any) (any, error) {
		s, ok := argAt(args, 0).(string)
		if !ok {
			return undefined, nil
		}
		from := 0
		if f, ok := toFloat(argAt(args, 1)); ok && f > 0 {
			from = byteOffsetFromUTF16(s, int(f))
		}
		all, err := r.findAll(s)
		if err != nil {
			return nil, err
		}
		k := 0
		for k < len(all) && all[k][0] < from {
			k++
		}
		m := r.build(s, all, k)
		if m == nil {
			return undefined, nil
		}
		return matchObject(s, m), nil
	}
	return b
}

// matchObject is the object a regex matcher returns when called from an
// expression: {match, start, end, groups, next}.
func matchObject(s string, m *regexMatch) *sfnrt.Object {
	o := sfnrt.NewObject(5)
	o.Set("match", m.text)
	o.Set("start", float64(utf16Offset(s, m.start)))
	o.Set("end", float64(utf16Offset(s, m.end)))
	groups := make([]any, len(m.groups))
	copy(groups, m.groups)
	o.Set("groups", groups)
	o.Set("next", &builtin{name: "next", fn: func(c *call, args []any) (any, error) {
		n, err := m.next()
		if err != nil || n == nil {
			return undefined, err
		}
		return matchObject(s, n), nil
	}})
	return o
}

func byteOffsetFromUTF16(s string, u int) int {
	n := 0
	for i, r := range s {
		if n >= u {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}

// firstMatch runs a matcher (a regex or a function returning match
// objects) against s.
func (c *call) firstMatch(matcher any, s string) (*regexMatch, error) {
	if b, ok := matcher.(*builtin); ok && b.regex != nil {
		return b.regex.first(s)
	}
	res, err := c.callFunction(matcher, s)
	if err != nil {
		return nil, err
	}
	return c.toMatch(res, s)
}

func (c *call) toMatch(res any, s string) (*regexMatch, error) {
	if res == undefined || res == nil {
		return nil, nil
	}
	o, ok := res.(*sfnrt.Object)
	if !ok {
		return nil, &Error{Code: "T1010", Position: -1}
	}
	start, _ := o.Get("start")
	groups, _ := o.Get("groups")
	nextFn, _ := o.Get("next")
	if !isNumber(start) && !isArray(groups) && !isFunction(nextFn) {
		return nil, &Error{Code: "T1010", Position: -1}
	}
	m := &regexMatch{}
	if t, ok := o.Get("match"); ok {
		m.text, _ = t.(string)
	}
	if f, ok := toFloat(start); ok {
		m.start = byteOffsetFromUTF16(s, int(f))
	}
	if endV, ok := o.Get("end"); ok {
		if f, ok := toFloat(endV); ok {
			m.end = byteOffsetFromUTF16(s, int(f))
		}
	} else {
		m.end = m.start + len(m.text)
	}
	m.groups, _ = arrayItems(groups)
	m.next = func() (*regexMatch, error) {
		if !isFunction(nextFn) {
			return nil, nil
		}
		r, err := c.callFunction(nextFn)
		if err != nil {
			return nil, err
		}
		return c.toMatch(r, s)
	}
	return m, nil
}
