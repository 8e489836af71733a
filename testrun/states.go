package testrun

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// diffStates compares the state events of an execution with the expected
// ones. Events inside a Map or Parallel state are a multiset: the actual
// ones are first put in the expected order where they match, then both
// lists are aligned by event type and state name, so that a missing or an
// extra event shows as such and the others are compared field by field.
func (m *matcher) diffStates(d *diffs, want, got []any) {
	got = m.reorderRegions(want, got)
	pairs := align(want, got)
	for _, p := range pairs {
		switch {
		case p.w >= 0 && p.g >= 0:
			m.diff(d, fmt.Sprintf("states[%d](%s)", p.w, label(want[p.w])), want[p.w], got[p.g])
		case p.w >= 0:
			d.add("states[%d]: missing %s", p.w, show(want[p.w]))
		case p.after < 0:
			d.add("states: unexpected event before states[0]: %s", show(got[p.g]))
		default:
			d.add("states: unexpected event after states[%d]: %s", p.after, show(got[p.g]))
		}
	}
}

// label names an event by its type and state name.
func label(ev any) string {
	o, _ := ev.(*sfnrt.Object)
	t, _ := o.Get("type")
	n, _ := o.Get("name")
	ts, _ := t.(string)
	ns, _ := n.(string)
	return ts + " " + strconv.Quote(ns)
}

// A region is the span of a Map or Parallel state in an event list:
// its Entered event at start, its Exited event at end (len(list) when the
// state never exited).
type region struct {
	name       string
	start, end int
}

// regions returns the outermost Map and Parallel spans of list.
func regions(list []any) []region {
	var out []region
	for i := 0; i < len(list); i++ {
		o, _ := list[i].(*sfnrt.Object)
		t, _ := o.Get("type")
		n, _ := o.Get("name")
		typ, _ := t.(string)
		name, _ := n.(string)
		kind, ok := strings.CutSuffix(typ, "StateEntered")
		if !ok || kind != "Map" && kind != "Parallel" {
			continue
		}
		r := region{name: name, start: i, end: len(list)}
		depth := 0
		for j := i; j < len(list); j++ {
			oj, _ := list[j].(*sfnrt.Object)
			tj, _ := oj.Get("type")
			nj, _ := oj.Get("name")
			if s, _ := nj.(string); s != name {
				continue
			}
			switch tj {
			case kind + "StateEntered":
				depth++
			case kind + "StateExited":
				depth--
			}
			if depth == 0 {
				r.end = j
				break
			}
		}
		out = append(out, r)
		i = r.end
	}
	return out
}

// maxReorder bounds the events of one region put in order by matching.
const maxReorder = 4000

// reorderRegions returns got with the events inside each Map or Parallel
// span rearranged to follow the corresponding span of want where they
// match: the k-th span of a state in got corresponds to its k-th span in
// want. Matching binds nothing.
func (m *matcher) reorderRegions(want, got []any) []any {
	wr := regions(want)
	gr := regions(got)
	if len(wr) == 0 || len(gr) == 0 {
		return got
	}
	out := append([]any(nil), got...)
	seenW := map[string]int{}
	wantByName := map[string][]region{}
	for _, r := range wr {
		wantByName[r.name] = append(wantByName[r.name], r)
	}
	for _, r := range gr {
		k := seenW[r.name]
		seenW[r.name]++
		cands := wantByName[r.name]
		if k >= len(cands) {
			continue
		}
		w := cands[k]
		winner := want[w.start+1 : w.end]
		ginner := got[r.start+1 : r.end]
		if len(ginner) > maxReorder || len(winner) > maxReorder {
			continue
		}
		copy(out[r.start+1:r.end], m.followOrder(winner, ginner))
	}
	return out
}

// followOrder returns the events of got in the order of the want events
// they correspond to: first exact matches, then events with the same
// label; events corresponding to none come last, in their order.
func (m *matcher) followOrder(want, got []any) []any {
	assigned := make([]int, len(want))
	used := make([]bool, len(got))
	for i := range assigned {
		assigned[i] = -1
	}
	for pass := 0; pass < 2; pass++ {
		for i, wev := range want {
			if assigned[i] >= 0 {
				continue
			}
			for j, gev := range got {
				if used[j] {
					continue
				}
				var ok bool
				if pass == 0 {
					mark := m.mark()
					ok = m.match(wev, gev)
					m.undo(mark)
				} else {
					ok = label(wev) == label(gev)
				}
				if ok {
					assigned[i], used[j] = j, true
					break
				}
			}
		}
	}
	order := make([]any, 0, len(got))
	for _, j := range assigned {
		if j >= 0 {
			order = append(order, got[j])
		}
	}
	for j, gev := range got {
		if !used[j] {
			order = append(order, gev)
		}
	}
	return order
}

// A pair aligns want[w] with got[g]; -1 on the side that lacks the event.
// after is the want index an unexpected event follows (-1 before all).
type pair struct{ w, g, after int }

// maxAlignCells bounds the LCS table; longer lists align by position.
const maxAlignCells = 4_000_000

// align matches the events of want and got by label with a longest
// common subsequence.
func align(want, got []any) []pair {
	n, k := len(want), len(got)
	wl := make([]string, n)
	gl := make([]string, k)
	for i := range want {
		wl[i] = label(want[i])
	}
	for j := range got {
		gl[j] = label(got[j])
	}
	var pairs []pair
	if n*k > maxAlignCells {
		for i := 0; i < max(n, k); i++ {
			switch {
			case i < n && i < k:
				pairs = append(pairs, pair{i, i, i - 1})
			case i < n:
				pairs = append(pairs, pair{i, -1, i - 1})
			default:
				pairs = append(pairs, pair{-1, i, n - 1})
			}
		}
		return pairs
	}
	// lcs[i][j]: length of the LCS of wl[i:] and gl[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, k+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			if wl[i] == gl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < k {
		switch {
		case i < n && j < k && wl[i] == gl[j]:
			pairs = append(pairs, pair{i, j, i - 1})
			i++
			j++
		case j < k && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			pairs = append(pairs, pair{-1, j, i - 1})
			j++
		default:
			pairs = append(pairs, pair{i, -1, i - 1})
			i++
		}
	}
	return pairs
}
