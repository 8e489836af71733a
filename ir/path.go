package ir

// A PathRoot is what a path starts from.
type PathRoot int

// Path roots.
const (
	RootInput    PathRoot = iota // $: the state's input (or result, as the field defines)
	RootContext                  // $$: the context object
	RootVariable                 // $name: a workflow variable
)

// A Path is a parsed JSONPath (Jayway flavour, as AWS uses). Source keeps
// the text as written for AWS's error messages; it is never re-parsed.
type Path struct {
	Pos      Pos
	Source   string
	Root     PathRoot
	Variable string // RootVariable only: the variable's name
	Segments []Segment
}

// Definite reports whether the path names at most one node: only field
// names and indexes. Indefinite paths yield a list.
func (p *Path) Definite() bool {
	for _, s := range p.Segments {
		switch s.(type) {
		case Field, Index:
		default:
			return false
		}
	}
	return true
}

// A Segment is one step of a path: Field, Index, Wildcard, Slice, Union,
// Descent or Filter.
type Segment interface{ isSegment() }

// Field selects an object member: .name or ['name'].
type Field struct{ Name string }

// Index selects an array element; negative counts from the end.
type Index struct{ Index int }

// Wildcard selects every member or element: .* or [*].
type Wildcard struct{}

// Slice selects array elements [Start:End:Step]; nil bounds are open.
type Slice struct{ Start, End, Step *int }

// Union selects several members or elements: ['a','b'] or [0,2].
type Union struct {
	Names   []string
	Indexes []int
}

// Descent searches recursively: ..name, ..* or ..[n]. Then is the
// selector applied at every level (Field, Wildcard or Index).
type Descent struct{ Then Segment }

// Filter keeps the array elements (or object members) for which Expr
// holds: [?(...)].
type Filter struct{ Expr FilterExpr }

func (Field) isSegment()    {}
func (Index) isSegment()    {}
func (Wildcard) isSegment() {}
func (Slice) isSegment()    {}
func (Union) isSegment()    {}
func (Descent) isSegment()  {}
func (Filter) isSegment()   {}

// A FilterExpr is a filter predicate: FilterCompare, FilterExists,
// FilterAnd, FilterOr or FilterNot.
type FilterExpr interface{ isFilterExpr() }

// FilterOperand is one side of a comparison: a path relative to the
// current node (@...) or to the root ($...), or a literal.
type FilterOperand struct {
	Path    *Path // Root RootInput; for @-paths Current is true
	Current bool  // the path starts at @
	Literal Value // when Path is nil
}

// FilterCompare compares two operands with Op: ==, !=, <, <=, >, >=, =~
// (regular expression, Literal a string), in, nin.
type FilterCompare struct {
	Op          string
	Left, Right FilterOperand
}

// FilterExists holds when the @-path exists: [?(@.tags)].
type FilterExists struct{ Operand FilterOperand }

// FilterAnd, FilterOr and FilterNot combine predicates.
type FilterAnd struct{ Left, Right FilterExpr }
type FilterOr struct{ Left, Right FilterExpr }
type FilterNot struct{ Expr FilterExpr }

func (FilterCompare) isFilterExpr() {}
func (FilterExists) isFilterExpr()  {}
func (FilterAnd) isFilterExpr()     {}
func (FilterOr) isFilterExpr()      {}
func (FilterNot) isFilterExpr()     {}
