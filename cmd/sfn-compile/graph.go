package main

import (
	"fmt"
	"os"

	"github.com/sfn-compile/sfn-compile/graph"
)

// cmdGraph draws a definition as a graph (DOT, Mermaid, SVG or a
// self-contained HTML page), optionally with an execution history
// overlaid on it.
func cmdGraph(e *env, args []string) int {
	fs := newFlags("graph")
	format := fs.String("format", "", "output `FORMAT`: dot, mermaid, svg or html (default: from the -o extension, else dot)")
	out := fs.String("o", "", "write to `FILE` (only when its content changes) instead of stdout")
	history := fs.String("history", "", "overlay the execution history `FILE` written by run --history (or GetExecutionHistory's JSON)")
	typ := fs.String("type", "STANDARD", "state machine type the definition is validated for: STANDARD or EXPRESS")
	pos, code, ok := parseFlags(e, fs, synopsis("graph"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "graph", "want one DEFINITION, got %d arguments", len(pos))
	}
	f := graph.DOT
	if *format != "" {
		var err error
		if f, err = graph.ParseFormat(*format); err != nil {
			return usageErrorf(e, "graph", "invalid --format %q: want dot, mermaid, svg or html", *format)
		}
	}
	// Without --format, the output's extension must name the format:
	// DOT in x.png would only fail later, in whatever opens it.
	if *format == "" && *out != "" {
		g, ok := graph.FormatOf(*out)
		if !ok {
			return usageErrorf(e, "graph", "-o %s: the extension names no format: want .dot or .gv, .mmd, .svg or .html, or say --format", *out)
		}
		f = g
	}
	t, ok := machineType(*typ)
	if !ok {
		return usageErrorf(e, "graph", "invalid --type %q: want STANDARD or EXPRESS", *typ)
	}
	var h *graph.History
	if *history != "" {
		data, err := os.ReadFile(*history)
		if err != nil {
			return usageErrorf(e, "graph", "%v", err)
		}
		if h, err = graph.ParseHistory(data); err != nil {
			return usageErrorf(e, "graph", "%s: %v", displayPath(*history), err)
		}
	}
	d, ok := compile(e, "graph", pos[0], t, true)
	if !ok {
		return exitUsage
	}
	if h != nil {
		if unknown := h.UnknownStates(d.machine); len(unknown) > 0 {
			fmt.Fprintf(e.stderr, "sfn-compile graph: warning: %s names states %s does not define: %q\n",
				displayPath(*history), d.display, unknown)
		}
	}
	src, err := graph.Render(d.machine, graph.Options{Format: f, Title: machineName(pos[0]), History: h})
	if err != nil {
		return failf(e, "graph", "%v", err)
	}
	if *out == "" {
		if _, err := e.stdout.Write(src); err != nil {
			return failf(e, "graph", "%v", err)
		}
		return exitOK
	}
	if err := writeIfChanged(*out, src); err != nil {
		return failf(e, "graph", "%v", err)
	}
	return exitOK
}
