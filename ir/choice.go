package ir

import "strconv"

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

// An Operator is a Choice comparison operator, without the Path suffix
// (a …Path operator is the same Operator with Compare.OperandPath set).
// It is a family (what the values must be) and a relation (how they are
// compared), so that code generation switches on both instead of taking
// the name apart.
type Operator uint8

// The operators, in the order asl-reference §4.1 lists them.
const (
	OpInvalid Operator = iota
	StringEquals
	StringLessThan
	StringGreaterThan
	StringLessThanEquals
	StringGreaterThanEquals
	StringMatches
	NumericEquals
	NumericLessThan
	NumericGreaterThan
	NumericLessThanEquals
	NumericGreaterThanEquals
	BooleanEquals
	TimestampEquals
	TimestampLessThan
	TimestampGreaterThan
	TimestampLessThanEquals
	TimestampGreaterThanEquals
	IsNull
	IsPresent
	IsNumeric
	IsString
	IsBoolean
	IsTimestamp
	numOperators
)

// A Family is what an operator compares: the type its operands must
// have, or, for the type tests, the test itself.
type Family uint8

// Operator families.
const (
	FamilyString Family = iota + 1
	FamilyNumeric
	FamilyBoolean
	FamilyTimestamp
	FamilyTypeTest // IsNull, IsPresent, ...: Relation is RelNone
)

// A Relation is how an operator compares its two values.
type Relation uint8

// Relations.
const (
	RelNone Relation = iota // the type tests
	RelEquals
	RelLessThan
	RelGreaterThan
	RelLessThanEquals
	RelGreaterThanEquals
	RelMatches // StringMatches: a wildcard pattern
)

// operators lists, per Operator, its ASL name, family and relation.
var operators = [numOperators]struct {
	name   string
	family Family
	rel    Relation
}{
	StringEquals:               {"StringEquals", FamilyString, RelEquals},
	StringLessThan:             {"StringLessThan", FamilyString, RelLessThan},
	StringGreaterThan:          {"StringGreaterThan", FamilyString, RelGreaterThan},
	StringLessThanEquals:       {"StringLessThanEquals", FamilyString, RelLessThanEquals},
	StringGreaterThanEquals:    {"StringGreaterThanEquals", FamilyString, RelGreaterThanEquals},
	StringMatches:              {"StringMatches", FamilyString, RelMatches},
	NumericEquals:              {"NumericEquals", FamilyNumeric, RelEquals},
	NumericLessThan:            {"NumericLessThan", FamilyNumeric, RelLessThan},
	NumericGreaterThan:         {"NumericGreaterThan", FamilyNumeric, RelGreaterThan},
	NumericLessThanEquals:      {"NumericLessThanEquals", FamilyNumeric, RelLessThanEquals},
	NumericGreaterThanEquals:   {"NumericGreaterThanEquals", FamilyNumeric, RelGreaterThanEquals},
	BooleanEquals:              {"BooleanEquals", FamilyBoolean, RelEquals},
	TimestampEquals:            {"TimestampEquals", FamilyTimestamp, RelEquals},
	TimestampLessThan:          {"TimestampLessThan", FamilyTimestamp, RelLessThan},
	TimestampGreaterThan:       {"TimestampGreaterThan", FamilyTimestamp, RelGreaterThan},
	TimestampLessThanEquals:    {"TimestampLessThanEquals", FamilyTimestamp, RelLessThanEquals},
	TimestampGreaterThanEquals: {"TimestampGreaterThanEquals", FamilyTimestamp, RelGreaterThanEquals},
	IsNull:                     {"IsNull", FamilyTypeTest, RelNone},
	IsPresent:                  {"IsPresent", FamilyTypeTest, RelNone},
	IsNumeric:                  {"IsNumeric", FamilyTypeTest, RelNone},
	IsString:                   {"IsString", FamilyTypeTest, RelNone},
	IsBoolean:                  {"IsBoolean", FamilyTypeTest, RelNone},
	IsTimestamp:                {"IsTimestamp", FamilyTypeTest, RelNone},
}

// ParseOperator returns the Operator ASL spells name (without the Path
// suffix), or false.
func ParseOperator(name string) (Operator, bool) {
	for op := StringEquals; op < numOperators; op++ {
		if operators[op].name == name {
			return op, true
		}
	}
	return OpInvalid, false
}

// String returns the operator's name as ASL spells it.
func (op Operator) String() string {
	if op < numOperators && operators[op].name != "" {
		return operators[op].name
	}
	return "Operator(" + strconv.Itoa(int(op)) + ")"
}

// Family returns what op compares; 0 for an invalid Operator.
func (op Operator) Family() Family {
	if op < numOperators {
		return operators[op].family
	}
	return 0
}

// Relation returns how op compares.
func (op Operator) Relation() Relation {
	if op < numOperators {
		return operators[op].rel
	}
	return RelNone
}

// String returns the family's prefix in ASL's operator names ("String",
// "Numeric", ...); the type tests have none.
func (f Family) String() string {
	switch f {
	case FamilyString:
		return "String"
	case FamilyNumeric:
		return "Numeric"
	case FamilyBoolean:
		return "Boolean"
	case FamilyTimestamp:
		return "Timestamp"
	}
	return ""
}

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
