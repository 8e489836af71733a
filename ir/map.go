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
	ItemReader                 *ItemReader   // distributed only; nil: the items are the input's
	ResultWriter               *ResultWriter // distributed only
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

// An ItemReader reads a Distributed Map's items from Amazon S3.
type ItemReader struct {
	Pos      Pos
	Resource string   // arn:aws:states:::s3:listObjectsV2 or arn:aws:states:::s3:getObject
	Args     Template // Parameters (JSONPath) or Arguments (JSONata): Bucket, Key or Prefix
	// ReaderConfig; InputType is empty for listObjectsV2.
	InputType    string   // JSON, JSONL, CSV or MANIFEST
	CSVHeaders   []string // GIVEN headers; nil: the first row (FIRST_ROW)
	CSVDelimiter string   // COMMA, PIPE, SEMICOLON, SPACE or TAB; empty: COMMA
	MaxItems     *Seconds // MaxItems or MaxItemsPath; nil: all items
}

// A ResultWriter exports a Distributed Map's results to Amazon S3, or only
// shapes the state's result (WriterConfig alone).
type ResultWriter struct {
	Pos            Pos
	Export         bool     // Resource arn:aws:states:::s3:putObject
	Args           Template // Parameters or Arguments: Bucket and Prefix
	Transformation string   // NONE, COMPACT or FLATTEN; empty: the default
	OutputType     string   // JSON or JSONL; empty: JSON
}
