package ir

// A Parallel state runs its branches at once on the same input; its result
// is the array of the branch outputs in branch order.
type Parallel struct {
	Common
	Branches       []*Machine
	Parameters     Template // Parameters or JSONata Arguments
	ResultSelector Template
	ResultPath     OptionalPath
	Retry          []Retrier
	Catch          []Catcher
}

func (*Parallel) isState() {}
