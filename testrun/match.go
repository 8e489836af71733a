package testrun

import (
	"sort"
	"strings"
	"unicode"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A matcher compares expected values with actual ones, treating the
// case's nondeterministic placeholders as wildcards. Indexed placeholders
// bind to the first value they match; bindings can be undone, so that a
// failed attempt (a multiset candidate) leaves no trace.
type matcher struct {
	placeholders []string // longest first
	wild         map[string]bool
	indexed      map[string]bool
	bound        map[string]any
	trail        []string // bound names, in binding order
	segCache     map[string][]segment
}

// A segment is a piece of an expected string: literal text or a
// placeholder.
type segment struct {
	text string
	wild bool
}

func newMatcher(placeholders []string) *matcher {
	m := &matcher{
		wild:     map[string]bool{},
		indexed:  map[string]bool{},
		bound:    map[string]any{},
		segCache: map[string][]segment{},
	}
	for _, p := range placeholders {
		if p == "" || m.wild[p] {
			continue
		}
		m.wild[p] = true
		m.indexed[p] = isIndexed(p)
		m.placeholders = append(m.placeholders, p)
	}
	sort.SliceStable(m.placeholders, func(i, j int) bool { return len(m.placeholders[i]) > len(m.placeholders[j]) })
	return m
}

// isIndexed reports whether a placeholder stands for one value within a
// case: "<uuid:1>", "<ArnPart_0idx>", "<json-input:2>". Unindexed ones
// such as "date" or "<region>" match anything every time.
func isIndexed(p string) bool {
	if len(p) < 3 || p[0] != '<' || p[len(p)-1] != '>' {
		return false
	}
	inner := p[1 : len(p)-1]
	return strings.HasSuffix(inner, "idx") || unicode.IsDigit(rune(inner[len(inner)-1]))
}

// mark returns the current binding state, for undo.
func (m *matcher) mark() int { return len(m.trail) }

// undo forgets the bindings made since mark.
func (m *matcher) undo(mark int) {
	for _, name := range m.trail[mark:] {
		delete(m.bound, name)
	}
	m.trail = m.trail[:mark]
}

func (m *matcher) bind(name string, v any) {
	m.bound[name] = v
	m.trail = append(m.trail, name)
}

// match reports whether got matches want, binding indexed placeholders on
// success; on failure it binds nothing.
func (m *matcher) match(want, got any) bool {
	mark := m.mark()
	if m.matchValue(want, got) {
		return true
	}
	m.undo(mark)
	return false
}

func (m *matcher) matchValue(want, got any) bool {
	switch w := want.(type) {
	case string:
		if m.wild[w] {
			return m.matchWhole(w, got)
		}
		g, ok := got.(string)
		if !ok {
			return false
		}
		return m.matchString(w, g)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !m.matchValue(w[i], g[i]) {
				return false
			}
		}
		return true
	case *sfnrt.Object:
		g, ok := got.(*sfnrt.Object)
		if !ok || g.Len() != w.Len() {
			return false
		}
		for _, mem := range w.Members() {
			gv, ok := g.Get(mem.Key)
			if !ok || !m.matchValue(mem.Value, gv) {
				return false
			}
		}
		return true
	}
	return sfnrt.Equal(want, got)
}

// matchWhole matches a placeholder that is a whole value: any value.
func (m *matcher) matchWhole(p string, got any) bool {
	if !m.indexed[p] {
		return true
	}
	if b, ok := m.bound[p]; ok {
		if sfnrt.Equal(b, got) {
			return true
		}
		// Bound inside a string: compare with the text.
		bs, bok := b.(string)
		gs, gok := got.(string)
		return bok && gok && bs == gs
	}
	m.bind(p, got)
	return true
}

// segments splits want at its placeholders (leftmost, longest first).
func (m *matcher) segments(want string) []segment {
	if segs, ok := m.segCache[want]; ok {
		return segs
	}
	var segs []segment
	lit := 0
	for i := 0; i < len(want); {
		found := ""
		for _, p := range m.placeholders {
			if strings.HasPrefix(want[i:], p) {
				found = p
				break
			}
		}
		if found == "" {
			i++
			continue
		}
		if lit < i {
			segs = append(segs, segment{text: want[lit:i]})
		}
		segs = append(segs, segment{text: found, wild: true})
		i += len(found)
		lit = i
	}
	if lit < len(want) {
		segs = append(segs, segment{text: want[lit:]})
	}
	m.segCache[want] = segs
	return segs
}

// matchString matches a string that may contain placeholders.
func (m *matcher) matchString(want, got string) bool {
	if len(m.placeholders) == 0 || want == got && !m.hasIndexed(want) {
		return want == got
	}
	segs := m.segments(want)
	budget := 200000
	mark := m.mark()
	if m.glob(segs, got, &budget) {
		return true
	}
	m.undo(mark)
	return false
}

func (m *matcher) hasIndexed(want string) bool {
	for _, s := range m.segments(want) {
		if s.wild && m.indexed[s.text] {
			return true
		}
	}
	return false
}

// glob matches got against segs, trying the shortest text for each
// placeholder first. budget bounds the backtracking.
func (m *matcher) glob(segs []segment, got string, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	if len(segs) == 0 {
		return got == ""
	}
	s := segs[0]
	if !s.wild {
		return strings.HasPrefix(got, s.text) && m.glob(segs[1:], got[len(s.text):], budget)
	}
	if m.indexed[s.text] {
		if b, ok := m.bound[s.text]; ok {
			bs, isStr := b.(string)
			if !isStr {
				bs = sfnrt.ToJSON(b)
			}
			return strings.HasPrefix(got, bs) && m.glob(segs[1:], got[len(bs):], budget)
		}
	}
	for i := 0; i <= len(got); i++ {
		if len(segs) > 1 && !segs[1].wild && !strings.HasPrefix(got[i:], segs[1].text) {
			continue
		}
		mark := m.mark()
		if m.indexed[s.text] {
			m.bind(s.text, got[:i])
		}
		if m.glob(segs[1:], got[i:], budget) {
			return true
		}
		m.undo(mark)
		if *budget < 0 {
			return false
		}
	}
	return false
}
