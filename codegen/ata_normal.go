package codegen

import "github.com/sfn-compile/sfn-compile/ir"

// Normal inputs. Natively compiled JSONata normalises what it reads from
// $states.input as the engine's export would (integral doubles within
// ±2^53 as integers, -0 as 0): a walk of the whole input for $merge at
// every state. The walk finds nothing to change in a value that JSONata
// made, and the compiler sees which states only ever receive such values:
// those every predecessor hands the value of a JSONata Output (an
// expression's result is exported; a template's literals are checked), or
// its own input when it has normal input and no Output of its own (a
// JSONata Choice, Pass or Wait). A branch's start state receives the
// JSONata Parallel's Arguments, or its input where it has none: normal
// when that is. A machine's start state, an item processor's, and
// anything fed by a Task, Parallel or Map result, a JSONPath state or a
// catcher without Output, does not: its native code normalises as before.

// normalInputs returns, for every state of the definition, whether its
// input is always normal. Names are unique across the whole definition,
// nested machines included, so one map serves them all.
func (g *gen) normalInputs() map[ir.StateName]bool {
	if g.normalIn != nil {
		return g.normalIn
	}
	g.normalIn = machineNormalInputs(g.progs[0].m)
	return g.normalIn
}

// machineNormalInputs returns normalInputs for m, the top-level machine,
// and the machines nested in it.
func machineNormalInputs(m *ir.Machine) map[ir.StateName]bool {
	out := map[ir.StateName]bool{}
	nestedNormalInputs(m, false, out)
	return out
}

// nestedNormalInputs adds to out the states of m, whose start state's
// input is normal where startNormal holds, and of the machines nested in
// it.
func nestedNormalInputs(m *ir.Machine, startNormal bool, out map[ir.StateName]bool) {
	normal := statesNormalInputs(m, startNormal)
	for _, s := range m.States {
		name := s.Base().Name
		out[name] = normal[name]
		switch s := s.(type) {
		case *ir.Parallel:
			// Each branch starts with the Parallel's effective input.
			branchIn := false
			if s.QueryLanguage == ir.JSONata {
				if s.Parameters != nil {
					branchIn = normalTemplate(s.Parameters)
				} else {
					branchIn = normal[name]
				}
			}
			for _, b := range s.Branches {
				nestedNormalInputs(b, branchIn, out)
			}
		case *ir.Map:
			nestedNormalInputs(s.Processor, false, out)
		}
	}
}

// statesNormalInputs is the greatest fixed point: every state but the
// start (unless startNormal) is assumed normal, and an edge that may
// carry another value clears its target until nothing changes.
func statesNormalInputs(m *ir.Machine, startNormal bool) map[ir.StateName]bool {
	normal := make(map[ir.StateName]bool, len(m.States))
	for _, s := range m.States {
		normal[s.Base().Name] = startNormal || s.Base().Name != m.StartAt
	}
	for changed := true; changed; {
		changed = false
		for _, s := range m.States {
			for _, e := range outputEdges(s, normal[s.Base().Name]) {
				if !e.normal && normal[e.to] {
					normal[e.to], changed = false, true
				}
			}
		}
	}
	return normal
}

type outputEdge struct {
	to     ir.StateName
	normal bool // the value handed over is always normal
}

// outputEdges lists where s hands over and whether what it hands over is
// normal, given whether its own input is (in).
func outputEdges(s ir.State, in bool) []outputEdge {
	c := s.Base()
	ata := c.QueryLanguage == ir.JSONata
	// The state's output when it ends normally.
	var out bool
	switch {
	case !ata:
	case c.Output != nil:
		out = normalTemplate(c.Output)
	default:
		switch s.(type) {
		case *ir.Pass, *ir.Wait, *ir.Choice:
			out = in // the input, unchanged
		}
	}
	var edges []outputEdge
	if c.Next != "" {
		edges = append(edges, outputEdge{c.Next, out})
	}
	if ch, ok := s.(*ir.Choice); ok {
		for _, br := range ch.Choices {
			o := out
			if ata && br.Output != nil {
				o = normalTemplate(br.Output)
			}
			edges = append(edges, outputEdge{br.Next, o})
		}
		if ch.Default != "" {
			edges = append(edges, outputEdge{ch.Default, out})
		}
	}
	for _, cat := range ir.Catchers(s) {
		edges = append(edges, outputEdge{cat.Next, ata && cat.Output != nil && normalTemplate(cat.Output)})
	}
	return edges
}

// normalTemplate reports whether a JSONata template's value is always
// normal: expressions' results are, literals are when they hold no
// number written with a fraction or exponent (2.0 stays a double).
func normalTemplate(t ir.Template) bool {
	switch t := t.(type) {
	case *ir.TExpr:
		return true
	case *ir.TLiteral:
		return normalLiteral(t.Value)
	case *ir.TObject:
		for _, f := range t.Fields {
			if !normalTemplate(f.Value) {
				return false
			}
		}
		return true
	case *ir.TArray:
		for _, it := range t.Items {
			if !normalTemplate(it) {
				return false
			}
		}
		return true
	}
	return false
}

func normalLiteral(v ir.Value) bool {
	switch v := v.(type) {
	case ir.Number:
		return !v.IsFloat
	case ir.Array:
		for _, e := range v {
			if !normalLiteral(e) {
				return false
			}
		}
	case ir.Object:
		for _, m := range v {
			if !normalLiteral(m.Value) {
				return false
			}
		}
	}
	return true
}
