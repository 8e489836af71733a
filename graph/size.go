package graph

import (
	"math"
	"strings"
)

// maxCause is the longest line of an error cause drawn on a state; the
// cause is wrapped at causeWidth pixels, on three lines at most.
const (
	maxCause   = 56
	causeWidth = 260.0
)

// svgLines returns the lines of text drawn in a state (or in the header
// of a Parallel or Map).
func (md *model) svgLines(s *state) []textLine {
	lines := []textLine{{text: string(s.name), class: "name", size: nameSize, bold: true}}
	kind := s.kind
	if s.compound() {
		kind = s.kind + " state"
	}
	lines = append(lines, textLine{text: kind, class: "kind", size: smallSize})
	for _, d := range s.details {
		lines = append(lines, textLine{text: d, class: "detail", size: smallSize})
	}
	for _, r := range s.retry {
		lines = append(lines, textLine{text: r, class: "retry", size: smallSize})
	}
	for _, r := range md.runLines(s, true) {
		class := "run"
		if s.run.status == failed && (r[0] == "✖"[0]) {
			class = "error"
		}
		lines = append(lines, textLine{text: truncate(r, maxDetail+8), class: class, size: smallSize, bold: class == "error"})
	}
	if md.run != nil && (s.run.status == failed || s.run.status == caught) && s.run.hasCause && s.run.cause != "" {
		cause := wrap(truncate(clean(s.run.cause), 3*maxCause), smallSize, causeWidth)
		if len(cause) > 3 {
			cause = append(cause[:2], truncate(strings.Join(cause[2:], " "), maxCause))
		}
		for _, l := range cause {
			lines = append(lines, textLine{text: l, class: "cause", size: smallSize})
		}
	}
	return lines
}

func linesSize(lines []textLine) (w, h float64) {
	for i, l := range lines {
		w = math.Max(w, textWidth(l.text, l.size, l.bold))
		if i == 0 {
			h += nameLineH
		} else {
			h += smallLineH
		}
	}
	return w, h
}

// sizeState sets the size of a state's node; a Parallel or Map is laid
// out inside first.
func (md *model) sizeState(n *lnode) {
	s := n.st
	n.lines = md.svgLines(s)
	tw, th := linesSize(n.lines)
	w := math.Max(minNodeW, math.Ceil(tw+2*padX))
	h := math.Ceil(th + 2*padY)
	if s.kind == "Choice" {
		w += 2 * choiceInset
	}
	if !s.compound() {
		n.w, n.h = w, h
		return
	}
	c := &compound{hw: w, hh: h}
	total, tallest := 0.0, 0.0
	for i, mc := range s.children {
		box := md.layoutMachine(mc, false)
		cb := &childBox{box: box}
		cb.w = math.Max(box.w+2*cpad, textWidth(mc.label, smallSize, false)+2*cpad)
		cb.h = childTitle + box.h + cpad
		if i > 0 {
			total += childGap
		}
		total += cb.w
		tallest = math.Max(tallest, cb.h)
		c.children = append(c.children, cb)
	}
	inner := math.Max(c.hw, total)
	n.w = inner + 2*cpad
	x := cpad + (inner-total)/2
	y := cpad + c.hh + forkGap
	for _, cb := range c.children {
		cb.x, cb.y = x, y
		cb.h = tallest
		x += cb.w + childGap
	}
	c.joinY = y + tallest + joinGap
	n.h = c.joinY + joinH + cpad
	n.inner = c
}
