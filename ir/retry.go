package ir

// A Retrier is one element of a Retry array.
type Retrier struct {
	Pos             Pos
	ErrorEquals     []ErrorName
	IntervalSeconds int64   // default 1
	MaxAttempts     int64   // default 3
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds int64   // 0 when not set
	JitterFull      bool    // JitterStrategy FULL
}

// A Catcher is one element of a Catch array.
type Catcher struct {
	Pos         Pos
	ErrorEquals []ErrorName
	Next        StateName
	ResultPath  OptionalPath // JSONPath
	Assign      Template     // nil when absent
	Output      Template     // JSONata
}
