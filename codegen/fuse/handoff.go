package fuse

import (
	"sort"

	"github.com/sfn-compile/sfn-compile/ir"
)

// End stands for the end of the program as a Flow's target.
const End = -1

// A Flow is a transition of a state: to state To (or End), with a value
// of shape Out.
type Flow struct {
	To  int
	Out *Shape
	// Vars are the workflow variables fused code holds on the way (see
	// vars.go): nil for none.
	Vars *Vars
}

// A Transfer runs one state on an input of shape in, with the variables
// vars held in locals, as fused code would: it returns where the state
// goes and with what, the size of its code (see budget.go), and false
// where fused code cannot run it on such an input. The emitter provides
// it: one code path per state kind finds the flows and emits the code,
// so the two cannot disagree.
type Transfer func(state int, in *Shape, vars *Vars) (flows []Flow, cost int, ok bool)

// Fusable reports whether s is of a kind and mode that fused code runs.
// Whether its paths and templates are supported is found out by its
// Transfer.
func Fusable(s ir.State) bool {
	if FusableAta(s) {
		return true
	}
	c := s.Base()
	if c.QueryLanguage != ir.JSONPath || c.Assign != nil {
		return false
	}
	switch s := s.(type) {
	case *ir.Pass, *ir.Succeed:
		return true
	case *ir.Choice:
		for _, br := range s.Choices {
			if br.Assign != nil {
				return false
			}
		}
		return true
	}
	return false
}

// analysis finds the plan of one program.
type analysis struct {
	m        *ir.Machine
	transfer Transfer
	index    map[ir.StateName]int

	fusable []bool         // states fused code may run
	in      map[int]*Shape // input of each state fused code reaches
	vars    map[int]*Vars  // the variables fused code holds there
	entry   map[int]bool   // states fused code starts from, on any input
	cost    map[int]int    // the size of each state's code, as last found
	fn      map[int]int    // once split, the function of each state
}

// Analyze plans the fused path of m, or returns nil when fusing gains
// nothing there (no transition between two fused states).
func Analyze(m *ir.Machine, transfer Transfer) *Plan {
	a := &analysis{m: m, transfer: transfer, index: map[ir.StateName]int{}, fusable: make([]bool, len(m.States)), cost: map[int]int{}}
	for i, s := range m.States {
		a.index[s.Base().Name] = i
		a.fusable[i] = Fusable(s)
	}
	if !a.shapes() {
		return nil
	}
	dropped, funcs := Budget(a.reached(), a.cost)
	for _, i := range dropped {
		a.fusable[i] = false
	}
	if funcs != nil {
		a.fn = map[int]int{}
		for f, states := range funcs {
			for _, i := range states {
				a.fn[i] = f
			}
		}
	}
	if len(dropped) > 0 || funcs != nil {
		// States left out hand over, and transitions between functions
		// start the target from any input: find the shapes again.
		if !a.shapes() {
			return nil
		}
	}
	return a.plan()
}

// crosses reports whether a transition from state i to state j leaves
// i's function. A state that Budget placed in none (had finding the
// shapes again reached one more) is treated as in a function of its own:
// fused code hands it over, and the ordinary code runs it.
func (a *analysis) crosses(i, j int) bool {
	if a.fn == nil {
		return false
	}
	fi, iok := a.fn[i]
	fj, jok := a.fn[j]
	return !iok || !jok || fi != fj
}

// shapes finds the input of every state fused code reaches, dropping from
// fusable the states it cannot run, and reports whether any transition
// between two fused states is left.
func (a *analysis) shapes() bool {
restart:
	a.entry = map[int]bool{}
	a.in = map[int]*Shape{}
	a.vars = map[int]*Vars{}
	if start := a.index[a.m.StartAt]; a.fusable[start] {
		a.entry[start] = true
	}
	for i, s := range a.m.States {
		for _, t := range ir.Successors(s) {
			// Fused code starts where the ordinary code hands over, and
			// where code of another fused function does.
			if j := a.index[t]; a.fusable[j] && (!a.fusable[i] || a.crosses(i, j)) {
				a.entry[j] = true
			}
		}
	}
	var work []int
	for i := range a.entry {
		a.in[i] = AnyShape
		work = append(work, i)
	}
	sort.Ints(work)
	joins := map[int]int{}
	fused, dropped := false, false
	for len(work) > 0 {
		i := work[0]
		work = work[1:]
		if !a.fusable[i] {
			continue
		}
		flows, cost, ok := a.transfer(i, a.in[i], a.vars[i])
		a.cost[i] = cost
		if !ok || cost > MaxStateCost {
			// Its successors become entries: start again once every
			// state that cannot be fused this time is known.
			a.fusable[i], dropped = false, true
			continue
		}
		for _, fl := range flows {
			if fl.To == End || !a.fusable[fl.To] {
				continue
			}
			fused = true
			next, vars := Join(a.in[fl.To], fl.Out), fl.Vars
			if a.in[fl.To] != nil {
				vars = JoinVars(a.vars[fl.To], fl.Vars)
			}
			if joins[fl.To]++; joins[fl.To] > WidenAfter || next.Nodes(MaxShapeNodes+1) > MaxShapeNodes {
				next, vars = AnyShape, nil
			}
			if a.in[fl.To] == nil || next.Key() != a.in[fl.To].Key() || vars.Key() != a.vars[fl.To].Key() {
				a.in[fl.To], a.vars[fl.To] = next, vars
				work = append(work, fl.To)
			}
		}
	}
	if dropped {
		goto restart
	}
	return fused
}

// reached returns the states fused code reaches, in index order.
func (a *analysis) reached() []int {
	states := make([]int, 0, len(a.in))
	for i := range a.in {
		states = append(states, i)
	}
	sort.Ints(states)
	return states
}
