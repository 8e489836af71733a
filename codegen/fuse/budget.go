package fuse

// The Go compiler's time and memory grow faster than the size of a
// function (its register allocator and liveness analysis follow every
// local through every block), so fused code is split into functions of
// bounded size: a definition of 10,000 states in one function takes
// gigabytes to compile, in functions of MaxFuncCost it builds in time
// and memory proportional to its size. Costs are in the emitter's units
// (codegen's codeCost: about a statement each).
const (
	// MaxFuncCost bounds the code of one fused function: some sixty
	// Pass states.
	MaxFuncCost = 500
	// MaxStateCost bounds the code of one state in fused code: a larger
	// state (a template of thousands of fields) runs the ordinary way,
	// in its own function.
	MaxStateCost = MaxFuncCost
	// MaxProgramCost bounds the fused code of one program: fused code
	// doubles what the Go compiler holds in memory for a state, and past
	// some 2,000 Pass states the states run the ordinary way, so that a
	// definition of AWS's 1 MB builds within 1.5 GB.
	MaxProgramCost = 32 * MaxFuncCost
)

// Budget keeps states (in index order, each of cost[i]) within
// MaxProgramCost, dropping those past it, and groups the states kept into
// functions of at most MaxFuncCost each (a state costs at most
// MaxStateCost), in order. funcs is nil when the states kept fit one
// function.
func Budget(states []int, cost map[int]int) (dropped []int, funcs [][]int) {
	total := 0
	var kept []int
	for _, i := range states {
		if len(dropped) > 0 || total+cost[i] > MaxProgramCost {
			dropped = append(dropped, i)
			continue
		}
		kept = append(kept, i)
		total += cost[i]
	}
	if total <= MaxFuncCost {
		return dropped, nil
	}
	size := 0
	for _, i := range kept {
		if len(funcs) == 0 || size > 0 && size+cost[i] > MaxFuncCost {
			funcs, size = append(funcs, nil), 0
		}
		funcs[len(funcs)-1] = append(funcs[len(funcs)-1], i)
		size += cost[i]
	}
	return dropped, funcs
}
