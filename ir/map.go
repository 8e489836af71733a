package ir

// A Map state runs its item processor once for each item of an array.
type Map struct {
	Common
	Processor   *Machine
	Distributed bool   // ProcessorConfig.Mode DISTRIBUTED
	ExecType    string // ProcessorConfig.ExecutionType, distributed only
	ItemsPath   OptionalPath
	Items       Template // JSONata Items; nil when absent
	// ItemSelector (or the legacy Parameters) builds each iteration's input;
	// $$.Map.Item.Index and .Value are readable in it.
	ItemSelector Template

	MaxConcurrency             *Seconds // reuses Seconds: literal, Path or Expr; nil = 0 (unbounded)
	ToleratedFailureCount      *Seconds
	ToleratedFailurePercentage *Percentage
	ItemBatcher                *ItemBatcher
	Label                      string

	ResultSelector Template
	ResultPath     OptionalPath
	Retry          []Retrier
	Catch          []Catcher
}

func (*Map) isState() {}

// Percentage is a tolerated failure percentage, literal or by path.
type Percentage struct {
	Pos     Pos
	Literal float64
	Path    *Path
	Expr    *Expr
}

// An ItemBatcher groups items into batches for each iteration.
type ItemBatcher struct {
	Pos                   Pos
	MaxItemsPerBatch      *Seconds
	MaxInputBytesPerBatch *Seconds
	BatchInput            Template
}
