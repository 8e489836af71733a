package ir

// An Expr is a JSONata expression, the text between {% and %}, as the
// compiler lowered it: Root is a tree of the forms codegen compiles to
// Go, or AtaEngine where the expression needs the engine.
type Expr struct {
	Pos Pos
	// Source is the text, trimmed: AWS's error messages quote it, and
	// the engine, which evaluates what Root does not decide, parses it
	// with the parser the compiler used (package jsonata/syntax).
	// Codegen interprets nothing in it.
	Source string
	Root   AtaNode
	// Reads are the workflow variables the expression reads (its free
	// variables but $states), each once, where it first reads it.
	Reads []VarRead
	// Functions are the built-in functions the engine may call when it
	// evaluates the expression (sorted; syntax.LibraryNames): the program
	// links only the functions its expressions may call. Set by the
	// compiler with Root; an Expr without Root may call any.
	Functions []string
	// Regexp is whether the engine may compile a regular expression when
	// it evaluates the expression (syntax.NeedsRegexp: a regex literal, a
	// signature, a function named): the program links package regexp only
	// then.
	Regexp bool
}

// A VarRead is a workflow variable an expression reads.
type VarRead struct {
	Name string
	Pos  Pos
}

// An AtaNode is a node of a lowered JSONata expression: AtaNumber,
// AtaString, AtaBool, AtaNull, AtaPath, AtaNegate, AtaBinary, AtaCond,
// AtaCall, AtaMergeMember, or AtaEngine. Offset is where the JSONata
// parser placed the node in Expr.Source (the byte offset after its
// token, as the reference implementation reports positions).
//
// The native forms only ever agree with the engine: generated code
// checks the kinds of the values it meets and hands the whole
// expression to the engine where they are not the simple ones (an
// undefined value, an array a path maps over, mixed types...).
type AtaNode interface{ isAtaNode() }

// AtaNumber is a number literal (JSONata numbers are doubles).
type AtaNumber struct {
	Offset int
	Value  float64
}

// AtaString is a string literal, its escapes decoded.
type AtaString struct {
	Offset int
	Value  string
}

// AtaBool is true or false.
type AtaBool struct {
	Offset int
	Value  bool
}

// AtaNull is null.
type AtaNull struct{ Offset int }

// AtaPath reads a variable and selects members of it by name:
// $states.input.a.b has Root AtaInput and Keys [a b], $v.x Root
// AtaVariable, Var "v" and Keys [x].
type AtaPath struct {
	Offset int
	Root   AtaRoot
	Var    string // the workflow variable, for Root AtaVariable
	Keys   []string
}

// An AtaRoot is where an AtaPath starts.
type AtaRoot uint8

const (
	AtaVariable    AtaRoot = iota // a workflow variable
	AtaInput                      // $states.input
	AtaContext                    // $states.context
	AtaResult                     // $states.result (bound in a Task's, Map's, Parallel's Output and Assign)
	AtaErrorOutput                // $states.errorOutput (bound in a Catcher)
)

var ataRootNames = [...]string{AtaVariable: "variable", AtaInput: "$states.input", AtaContext: "$states.context",
	AtaResult: "$states.result", AtaErrorOutput: "$states.errorOutput"}

// String names the root as JSONata writes it ("variable" for a workflow
// variable).
func (r AtaRoot) String() string {
	if int(r) < len(ataRootNames) {
		return ataRootNames[r]
	}
	return "?"
}

// AtaNegate is -X.
type AtaNegate struct {
	Offset int
	X      AtaNode
}

// AtaBinary is Left Op Right.
type AtaBinary struct {
	Offset      int
	Op          AtaOp
	Left, Right AtaNode
}

// An AtaOp is a binary operator of JSONata.
type AtaOp uint8

const (
	AtaAdd    AtaOp = iota + 1 // +
	AtaSub                     // -
	AtaMul                     // *
	AtaDiv                     // /
	AtaMod                     // %
	AtaConcat                  // &
	AtaEq                      // =
	AtaNe                      // !=
	AtaLt                      // <
	AtaLe                      // <=
	AtaGt                      // >
	AtaGe                      // >=
	AtaAnd                     // and
	AtaOr                      // or
)

var ataOpSymbols = [...]string{AtaAdd: "+", AtaSub: "-", AtaMul: "*", AtaDiv: "/", AtaMod: "%", AtaConcat: "&",
	AtaEq: "=", AtaNe: "!=", AtaLt: "<", AtaLe: "<=", AtaGt: ">", AtaGe: ">=", AtaAnd: "and", AtaOr: "or"}

// String returns the operator as JSONata writes it.
func (op AtaOp) String() string {
	if int(op) < len(ataOpSymbols) {
		return ataOpSymbols[op]
	}
	return "?"
}

// AtaOpOf returns the operator JSONata writes as symbol, or false.
func AtaOpOf(symbol string) (AtaOp, bool) {
	for op, s := range ataOpSymbols {
		if s == symbol && s != "" {
			return AtaOp(op), true
		}
	}
	return 0, false
}

// AtaCond is Cond ? Then : Else.
type AtaCond struct {
	Offset           int
	Cond, Then, Else AtaNode
}

// AtaCall calls one of the built-in functions compiled natively.
type AtaCall struct {
	Offset int
	Func   AtaFunc
	Args   []AtaNode
}

// An AtaFunc is a built-in function that codegen compiles natively.
type AtaFunc uint8

const (
	AtaUppercase AtaFunc = iota + 1 // $uppercase(s)
	AtaLowercase                    // $lowercase(s)
	AtaExists                       // $exists(x)
	AtaNot                          // $not(b)
	AtaAbs                          // $abs(n)
	AtaFloor                        // $floor(n)
	AtaCeil                         // $ceil(n)
)

var ataFuncNames = [...]string{AtaUppercase: "uppercase", AtaLowercase: "lowercase", AtaExists: "exists",
	AtaNot: "not", AtaAbs: "abs", AtaFloor: "floor", AtaCeil: "ceil"}

// String returns the function's name, without the $.
func (f AtaFunc) String() string {
	if int(f) < len(ataFuncNames) {
		return ataFuncNames[f]
	}
	return "?"
}

// Arity is the number of arguments the native form takes (every one
// of them one).
func (f AtaFunc) Arity() int { return 1 }

// AtaFuncOf returns the natively compiled function named name, or false.
func AtaFuncOf(name string) (AtaFunc, bool) {
	for f, s := range ataFuncNames {
		if s == name && s != "" {
			return AtaFunc(f), true
		}
	}
	return 0, false
}

// AtaMergeMember is $merge([Base, {Key: Value}]), the JSONata form of
// ResultPath: Base with one member set.
type AtaMergeMember struct {
	Offset int
	Base   AtaNode
	Key    string
	Value  AtaNode
}

// AtaEngine is an expression the engine evaluates: one with a form the
// native code does not compile (a predicate, a lambda, a function
// other than the native ones...). It is always the whole expression,
// never part of a native tree: the engine evaluates whole expressions.
type AtaEngine struct{ Offset int }

func (*AtaNumber) isAtaNode()      {}
func (*AtaString) isAtaNode()      {}
func (*AtaBool) isAtaNode()        {}
func (*AtaNull) isAtaNode()        {}
func (*AtaPath) isAtaNode()        {}
func (*AtaNegate) isAtaNode()      {}
func (*AtaBinary) isAtaNode()      {}
func (*AtaCond) isAtaNode()        {}
func (*AtaCall) isAtaNode()        {}
func (*AtaMergeMember) isAtaNode() {}
func (*AtaEngine) isAtaNode()      {}
