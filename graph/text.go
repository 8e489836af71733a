package graph

import "unicode"

// Advance widths of Helvetica (Arial and Liberation Sans share them) for
// ASCII 32–126, in thousandths of an em: the SVG is laid out without
// fonts, from these.
var helvetica = [95]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0–9
	278, 278, 584, 584, 584, 556, 1015, // : … @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A–M
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N–Z
	278, 278, 278, 469, 556, 333, // [ … `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a–m
	556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n–z
	334, 260, 334, 584, // { … ~
}

var helveticaBold = [95]uint16{
	278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
	333, 333, 584, 584, 584, 611, 975,
	722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
	333, 278, 333, 584, 556, 333,
	556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889,
	611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500,
	389, 280, 389, 584,
}

// textWidth estimates the width of s in pixels at font size px.
func textWidth(s string, px float64, bold bool) float64 {
	table := &helvetica
	if bold {
		table = &helveticaBold
	}
	var w float64
	for _, r := range s {
		switch {
		case r >= 32 && r <= 126:
			w += float64(table[r-32])
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b':
		case isWide(r):
			w += 1000
		case r >= 0x2190 && r <= 0x2bff: // arrows, symbols, dingbats
			w += 900
		default:
			w += 620
		}
	}
	return w * px / 1000
}

// isWide reports whether r is drawn a full em wide (East Asian wide).
func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) ||
		(r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0xfe30 && r <= 0xfe4f) ||
		(r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) ||
		(r >= 0x1f300 && r <= 0x1faff) ||
		(r >= 0x20000 && r <= 0x3fffd))
}

// wrap breaks s into lines at most width pixels wide, at spaces when it
// can.
func wrap(s string, px, width float64) []string {
	var lines []string
	var line []rune
	lastSpace := -1
	for _, r := range s {
		line = append(line, r)
		if r == ' ' {
			lastSpace = len(line) - 1
		}
		if textWidth(string(line), px, false) <= width || len(line) == 1 {
			continue
		}
		if lastSpace > 0 {
			lines = append(lines, string(line[:lastSpace]))
			line = append([]rune(nil), line[lastSpace+1:]...)
		} else {
			lines = append(lines, string(line[:len(line)-1]))
			line = []rune{r}
		}
		lastSpace = -1
		for i, c := range line {
			if c == ' ' {
				lastSpace = i
			}
		}
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}
