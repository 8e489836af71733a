package graph

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A Format is an output format of Render.
type Format string

// The output formats.
const (
	DOT     Format = "dot"     // Graphviz DOT text
	Mermaid Format = "mermaid" // a Mermaid flowchart, for Markdown
	SVG     Format = "svg"     // an SVG image, laid out here
	HTML    Format = "html"    // one self-contained page: inline SVG, legend, Comment
)

// Formats lists the output formats.
var Formats = []Format{DOT, Mermaid, SVG, HTML}

// ParseFormat returns the format called s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: want dot, mermaid, svg or html", s)
}

// FormatOf returns the format a file name's extension implies (.dot, .gv,
// .mmd, .mermaid, .svg, .html, .htm), or false.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".dot", ".gv":
		return DOT, true
	case ".mmd", ".mermaid":
		return Mermaid, true
	case ".svg":
		return SVG, true
	case ".html", ".htm":
		return HTML, true
	}
	return "", false
}

// Options controls Render.
type Options struct {
	Format Format
	// Title names the graph: the DOT graph, the SVG and HTML titles.
	// Default "state machine".
	Title string
	// History, when set, is overlaid on the graph.
	History *History
}

// Render draws m in opts.Format. The output depends only on m and opts.
func Render(m *ir.Machine, opts Options) ([]byte, error) {
	title := opts.Title
	if title == "" {
		title = "state machine"
	}
	md := buildModel(m, title)
	if opts.History != nil {
		md.overlay(opts.History)
	}
	switch opts.Format {
	case DOT:
		return md.dot(), nil
	case Mermaid:
		return md.mermaid(), nil
	case SVG:
		return md.svg(), nil
	case HTML:
		return md.html(), nil
	}
	return nil, fmt.Errorf("unknown format %q: want dot, mermaid, svg or html", opts.Format)
}

// UnknownStates returns the state names h mentions that m does not
// define, sorted: a history of another machine has many.
func (h *History) UnknownStates(m *ir.Machine) []string {
	md := buildModel(m, "")
	md.overlay(h)
	return md.run.unknown
}

// Colours. Kinds without a history; run statuses with one.
type palette struct{ fill, stroke, text string }

var kindColors = map[string]palette{
	"Task":     {"#e8f1fb", "#2c6cb0", "#1a202c"},
	"Pass":     {"#f3f4f6", "#6b7280", "#1a202c"},
	"Choice":   {"#fff5db", "#b7791f", "#1a202c"},
	"Wait":     {"#f2ecfb", "#6b46a8", "#1a202c"},
	"Succeed":  {"#e6f4ea", "#2f855a", "#1a202c"},
	"Fail":     {"#fdeaea", "#c53030", "#1a202c"},
	"Parallel": {"#eef2f7", "#4a5568", "#1a202c"},
	"Map":      {"#eef2f7", "#4a5568", "#1a202c"},
	"State":    {"#ffffff", "#4a5568", "#1a202c"},
}

var statusColors = map[runStatus]palette{
	notRun:    {"#ffffff", "#c4c9d0", "#8a94a3"},
	succeeded: {"#dcf3e3", "#2f855a", "#1a202c"},
	aborted:   {"#eceff3", "#718096", "#4a5568"},
	running:   {"#dbeafe", "#2b6cb0", "#1a202c"},
	caught:    {"#feebd3", "#dd6b20", "#1a202c"},
	failed:    {"#fcd9d9", "#c53030", "#1a202c"},
}

const (
	colorEdge     = "#4a5568"
	colorCatch    = "#c05621"
	colorTaken    = "#2f855a"
	colorUntaken  = "#cbd2d9"
	colorCluster  = "#8a94a3"
	colorStartEnd = "#2d3748"
)

// colors returns the palette of a state: by kind, or by run status.
func (md *model) colors(s *state) palette {
	if md.run != nil && s.run != nil {
		return statusColors[s.run.status]
	}
	return kindColors[s.kind]
}

// edgeColor returns the stroke colour and width of an edge.
func (md *model) edgeColor(e *edge) (string, float64) {
	if md.run != nil {
		switch {
		case e.taken && e.kind == edgeCatch:
			return statusColors[caught].stroke, 2.5
		case e.taken:
			return colorTaken, 2.5
		}
		return colorUntaken, 1.2
	}
	if e.kind == edgeCatch {
		return colorCatch, 1.3
	}
	return colorEdge, 1.3
}

// runLines returns the overlay lines of a state: how often it ran, its
// retries, Map iterations and duration, and its error.
func (md *model) runLines(s *state, short bool) []string {
	if md.run == nil || s.run == nil {
		return nil
	}
	sr := s.run
	if sr.entered == 0 && sr.child {
		return []string{"in child executions"}
	}
	if sr.entered == 0 {
		return []string{"not run"}
	}
	var parts []string
	if sr.entered > 1 {
		parts = append(parts, "×"+strconv.Itoa(sr.entered))
	}
	if sr.retries == 1 {
		parts = append(parts, "↻ 1 retry")
	} else if sr.retries > 1 {
		parts = append(parts, "↻ "+strconv.Itoa(sr.retries)+" retries")
	}
	if sr.timed && sr.duration >= time.Millisecond {
		parts = append(parts, formatDuration(sr.duration))
	}
	var lines []string
	if len(parts) > 0 {
		lines = append(lines, strings.Join(parts, " · "))
	}
	if s.kind == "Map" {
		line := plural(sr.iterations, "iteration")
		if sr.iterFailed > 0 {
			line += ", " + strconv.Itoa(sr.iterFailed) + " failed"
		}
		lines = append(lines, line)
	}
	switch sr.status {
	case failed:
		lines = append(lines, errLine("✖ "+ofEntries(sr.failedCount, sr.entered)+"failed", sr, short))
	case caught:
		lines = append(lines, errLine("⚠ "+ofEntries(sr.caughtCount, sr.entered)+"caught", sr, short))
	case running:
		lines = append(lines, "● running")
	case aborted:
		lines = append(lines, "■ aborted")
	}
	return lines
}

// ofEntries says how many of the entries of a state entered several
// times failed: "1 of 3 ".
func ofEntries(n, entered int) string {
	if entered <= 1 || n >= entered || n == 0 {
		return ""
	}
	return strconv.Itoa(n) + " of " + strconv.Itoa(entered) + " "
}

func errLine(head string, sr *stateRun, short bool) string {
	line := head
	if sr.hasErr && sr.err != "" {
		line += ": " + sr.err
	}
	if !short && sr.hasCause && sr.cause != "" {
		line += " — " + sr.cause
	}
	return line
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// summary is a line about the execution: its status, error and duration.
func (md *model) summary() string {
	r := md.run
	if r == nil {
		return ""
	}
	line := "Execution " + strings.ToLower(strings.ReplaceAll(r.status, "_", " "))
	if r.hasErr && r.err != "" {
		line += ": " + r.err
	}
	if r.cause != "" {
		line += " — " + r.cause
	}
	if r.timed {
		line += " (" + formatDuration(r.duration) + ")"
	}
	return line
}

// markupEscapes are the characters that both an HTML-like DOT label and
// SVG's XML must write as entities, in strings.NewReplacer's pairs.
var markupEscapes = []string{"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;"}

// clean replaces control characters (newlines in names or comments) with
// spaces, so that one text stays on one line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}
