package fuse

// A Plan is the fused path of one program: what codegen emits.
type Plan struct {
	// States holds what fused code does with each state, by index.
	States []State
	// Funcs holds the states of each fused function, in index order:
	// one function, unless the code is split (see budget.go).
	Funcs [][]int
}

// State is what fused code does with one state.
type State struct {
	// Fused: fused code runs the state. The ordinary path runs it where
	// fused code hands it over, and runs every other state.
	Fused bool
	// Input is how fused code holds the state's input (Fused only).
	Input *Shape
	// Vars are the workflow variables fused code holds in locals where
	// the state starts (Fused only; nil for none).
	Vars *Vars
	// Entry: fused code starts from the state, on any input: the
	// program's start, and the states the ordinary code or another fused
	// function hands over to.
	Entry bool
	// Func is the index in Funcs of the function that runs the state.
	Func int
}

// plan returns the plan the analysis found.
func (a *analysis) plan() *Plan {
	p := &Plan{States: make([]State, len(a.m.States))}
	var all []int
	for _, i := range a.reached() {
		fn, inFn := a.fn[i]
		if !a.fusable[i] || a.fn != nil && !inFn {
			continue
		}
		p.States[i] = State{Fused: true, Input: a.in[i], Vars: a.vars[i], Entry: a.entry[i], Func: fn}
		all = append(all, i)
	}
	if a.fn == nil {
		p.Funcs = [][]int{all}
		return p
	}
	for _, i := range all {
		f := p.States[i].Func
		for len(p.Funcs) <= f {
			p.Funcs = append(p.Funcs, nil)
		}
		p.Funcs[f] = append(p.Funcs[f], i)
	}
	return p
}

// Fused returns the states fused code runs, in index order.
func (p *Plan) Fused() []int {
	var states []int
	for i, s := range p.States {
		if s.Fused {
			states = append(states, i)
		}
	}
	return states
}

// Split reports whether fused code is split into more than one function.
func (p *Plan) Split() bool { return len(p.Funcs) > 1 }

// Leaves reports whether a transition from state i to state j (End, or
// any state) leaves fused code, or its function: the value is built and
// handed over.
func (p *Plan) Leaves(i, j int) bool {
	return j == End || !p.States[j].Fused || p.States[i].Func != p.States[j].Func
}
