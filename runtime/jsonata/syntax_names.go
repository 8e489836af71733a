package jsonata

import "github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"

// The evaluator walks the tree of package syntax, the one parser of the
// compiler and the engine; these are its short names here.
type (
	node      = syntax.Node
	slot      = syntax.Slot
	signature = syntax.Signature
	jsRegexp  = syntax.Regexp
)

const (
	kEnd         = syntax.End
	kName        = syntax.Name
	kVariable    = syntax.Variable
	kOperator    = syntax.Operator
	kString      = syntax.String
	kNumber      = syntax.Number
	kValue       = syntax.Value
	kRegex       = syntax.Regex
	kPath        = syntax.Path
	kBinary      = syntax.Binary
	kUnary       = syntax.Unary
	kWildcard    = syntax.Wildcard
	kDescendant  = syntax.Descendant
	kParent      = syntax.Parent
	kCondition   = syntax.Condition
	kBlock       = syntax.Block
	kBind        = syntax.Bind
	kFunction    = syntax.Function
	kPartial     = syntax.Partial
	kLambda      = syntax.Lambda
	kApply       = syntax.Apply
	kTransform   = syntax.Transform
	kSort        = syntax.Sort
	kFilterStage = syntax.FilterStage
	kIndexStage  = syntax.IndexStage
)
