package ir

// A Choice state picks the Next of the first rule that matches.
type Choice struct {
	Common
	Choices []ChoiceBranch
	Default StateName // empty when absent
}

func (*Choice) isState() {}

// A ChoiceBranch is a top-level Choice rule with its target.
type ChoiceBranch struct {
	Pos    Pos
	Rule   Rule
	Next   StateName
	Assign Template // nil when absent
	Output Template // JSONata
}

// A Rule is a Choice condition: *Compare, *And, *Or, *Not or *Condition.
type Rule interface{ isRule() }

// Operator is a comparison operator name as ASL spells it, without the
// Path suffix: "StringEquals", "NumericLessThan", "IsPresent", ...
type Operator string

// Compare tests Variable against an operand: a literal (Value) or, for
// the …Path operators, the value at OperandPath.
type Compare struct {
	Pos         Pos
	Variable    *Path
	Op          Operator
	Value       Value // literal operand; Bool for the Is* tests
	OperandPath *Path // non-nil for …Path operators
}

// And holds when every rule holds.
type And struct {
	Pos   Pos
	Rules []Rule
}

// Or holds when any rule holds.
type Or struct {
	Pos   Pos
	Rules []Rule
}

// Not holds when its rule does not.
type Not struct {
	Pos  Pos
	Rule Rule
}

// Condition is a JSONata rule: its expression (or literal boolean) must
// yield true.
type Condition struct {
	Pos     Pos
	Expr    *Expr // nil when Literal is used
	Literal bool
}

func (*Compare) isRule()   {}
func (*And) isRule()       {}
func (*Or) isRule()        {}
func (*Not) isRule()       {}
func (*Condition) isRule() {}
