// Package graph draws a state machine as a graph, the way the Step
// Functions console shows a workflow, and overlays what an execution did
// on it.
//
// Render turns the typed IR of a definition (ir.Machine) into one of four
// formats: Graphviz DOT and Mermaid text, an SVG image, or a
// self-contained HTML page (inline SVG, a legend, the definition's
// Comment). SVG and HTML are laid out here, in Go, with nothing to
// install: a layered (Sugiyama-style) layout with longest-path layering,
// barycentric ordering and Parallel branches and Map item processors
// drawn as nested boxes.
//
// Every state is a node styled by its kind; Start and End are marked.
// Every transition is an edge: Next, Choice rules (labelled with a
// readable form of the rule), Default, and Catch (labelled with the error
// names, drawn dashed). Retry is listed on the state.
//
// With Options.History (ParseHistory reads the events that `sfn-compile
// run --history` and built binaries write, or GetExecutionHistory's
// output), the states entered and the transitions taken are highlighted,
// the failed state is marked with its error and cause, and retry counts,
// Map iteration counts and durations are shown on the states.
//
// Output is deterministic byte for byte, so it can be committed and
// diffed.
package graph
