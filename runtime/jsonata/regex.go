package jsonata

import (
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

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
func regexFirst(r *jsRegexp, s string) (*regexMatch, error) {
	all, err := regexFindAll(r, s)
	if err != nil {
		return nil, err
	}
	return regexBuild(r, s, all, 0), nil
}

// findAll finds every match in s at once, as the reference
// implementation's matcher does; past maxItems matches (a one-character
// pattern over a long string) it is the memory error, found before the
// matches are materialised.
func regexFindAll(r *jsRegexp, s string) ([][]int, error) {
	all := r.Re.FindAllStringSubmatchIndex(s, maxItems+1)
	if len(all) > maxItems {
		return nil, memoryExceeded()
	}
	return all, nil
}

func regexBuild(r *jsRegexp, s string, all [][]int, k int) *regexMatch {
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
			return nil, &Error{Code: "D1004", Position: -1, Value: r.Source}
		}
		if loc := r.Mid.FindStringIndex(s[last:]); loc != nil && loc[0] == 0 && loc[1] == 0 {
			return nil, &Error{Code: "D1004", Position: -1, Value: r.Source}
		}
		n := regexBuild(r, s, all, k+1)
		if n != nil && n.start == n.end {
			return nil, &Error{Code: "D1004", Position: -1, Value: r.Source}
		}
		return n, nil
	}
	return m
}

func evalRegex(e *node) (any, error) {
	lit := e.Value.(*jsRegexp)
	if lit.Err != nil {
		return nil, &Error{Code: "X1000", Position: e.Pos, hasPos: true, Message: lit.Err.Error()}
	}
	return regexBuiltin(lit), nil
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
		all, err := regexFindAll(r, s)
		if err != nil {
			return nil, err
		}
		k := 0
		for k < len(all) && all[k][0] < from {
			k++
		}
		m := regexBuild(r, s, all, k)
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
		return regexFirst(b.regex, s)
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
