package ir

// A Template is a payload template (Parameters, ResultSelector,
// ItemSelector, Assign in JSONPath states, Arguments/Output in JSONata
// states): TObject, TArray, TLiteral, TPath, TIntrinsic or TExpr.
type Template interface{ isTemplate() }

// TObject builds an object; its fields are evaluated in order.
type TObject struct {
	Pos    Pos
	Fields []TField
}

// A TField is one member of a TObject. Key is the output key (".$"
// removed).
type TField struct {
	Key   string
	Value Template
}

// TArray builds an array.
type TArray struct {
	Pos   Pos
	Items []Template
}

// TLiteral is a constant.
type TLiteral struct {
	Pos   Pos
	Value Value
}

// TPath is a "key.$": "$..." member: its value is selected by Path.
// Field is the key as written, for AWS's error messages.
type TPath struct {
	Pos   Pos
	Field string
	Path  *Path
}

// TIntrinsic is a "key.$": "States.X(...)" member.
type TIntrinsic struct {
	Pos   Pos
	Field string
	Call  *Call
}

// TExpr is a JSONata "{% ... %}" string.
type TExpr struct {
	Expr *Expr
}

func (*TObject) isTemplate()    {}
func (*TArray) isTemplate()     {}
func (*TLiteral) isTemplate()   {}
func (*TPath) isTemplate()      {}
func (*TIntrinsic) isTemplate() {}
func (*TExpr) isTemplate()      {}
