package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// The runtime packages generated code imports (docs/architecture.md,
// "The runtime by audience"), and the names they are imported as.
const (
	rtAPI  = "github.com/sfn-compile/sfn-compile/runtime/sfnrt"
	rtImpl = "github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	rtCLI  = "github.com/sfn-compile/sfn-compile/runtime/sfncli"
	// rtCrypto links the cryptography of task tokens and hashes; a
	// machine that uses either imports it for its side effect (see
	// gen.needsCrypto).
	rtCrypto = "github.com/sfn-compile/sfn-compile/runtime/sfncrypto"
)

// importRuntime names the runtime packages in f's import block as their
// package clauses do.
func importRuntime(f *jen.File) {
	f.ImportName(rtAPI, "sfnrt")
	f.ImportName(rtImpl, "sfnimpl")
	f.ImportName(rtCLI, "sfncli")
}

// A runtimeName is an exported name of a runtime package that generated
// code refers to: a key of runtimeNames, always spelled as a constant.
// Its own type keeps a name assembled at run time of the generator (a
// string expression) from reaching rt without a conversion, which
// rt_test.go forbids outside the tables below; the same test resolves
// every name in its package with go/types, so that a runtime rename
// fails codegen's tests, not a user's build.
type runtimeName string

// runtimeNames is every runtime name generated code refers to, by the
// package that exports it, as protobuf-go's internal_gengo lists its
// runtime dependencies. intrinsicFuncs (intrinsic_table_gen.go), the
// function tables below and the typed codecs' helpers name entries of
// it.
var runtimeNames = map[runtimeName]string{
	// The application API: what a generated package shows its users
	// (New returns an *sfnrt.Machine) and the values handlers exchange.
	"AsError":                 rtAPI,
	"ErrNoChoiceMatched":      rtAPI,
	"ErrQueryEvaluationError": rtAPI,
	"ErrRuntime":              rtAPI,
	"Error":                   rtAPI,
	"IsNumber":                rtAPI,
	"ItemIterator":            rtAPI,
	"Machine":                 rtAPI,
	"Member":                  rtAPI,
	"MustParseJSON":           rtAPI,
	"NewError":                rtAPI,
	"NewObject":               rtAPI,
	"ObjectOf":                rtAPI,
	"Object":                  rtAPI,
	"ParseTimestamp":          rtAPI,
	"ToJSON":                  rtAPI,

	// What only generated code calls.
	"AtaAdd":               rtImpl,
	"AtaBinary":            rtImpl,
	"AtaCall":              rtImpl,
	"AtaGreater":           rtImpl,
	"AtaGreaterEq":         rtImpl,
	"AtaLess":              rtImpl,
	"AtaLessEq":            rtImpl,
	"AtaLookup":            rtImpl,
	"AtaMergeMember":       rtImpl,
	"AtaString":            rtImpl,
	"AtaSub":               rtImpl,
	"Batch":                rtImpl,
	"BatcherConfig":        rtImpl,
	"BooleanEquals":        rtImpl,
	"CanSetPath":           rtImpl,
	"DecodeAny":            rtImpl,
	"DecodeBool":           rtImpl,
	"DecodeFloat":          rtImpl,
	"DecodeInt":            rtImpl,
	"DecodeJSON":           rtImpl,
	"DecodeString":         rtImpl,
	"DecodeUint":           rtImpl,
	"DistributedMapConfig": rtImpl,
	"Elem":                 rtImpl,
	"EncodeAny":            rtImpl,
	"EncodeFloat":          rtImpl,
	"EncodeFloatAt":        rtImpl,
	"EncodeJSON":           rtImpl,
	"EncodeString":         rtImpl,
	"EncodeUint":           rtImpl,
	"End":                  rtImpl,
	"FastSteps":            rtImpl,
	"FieldHint":            rtImpl,
	"Frame":                rtImpl,
	"FromItem":             rtImpl,
	"GrowBound":            rtImpl,
	"IntOf":                rtImpl,
	"IsTimestamp":          rtImpl,
	"ItemReaderConfig":     rtImpl,
	"JSONPath":             rtImpl,
	"MapConfig":            rtImpl,
	"Matches":              rtImpl,
	"MathAddInt":           rtImpl,
	"NewObjectRoom":        rtImpl,
	"NewObjectStrings":     rtImpl,
	"NumericCompare":       rtImpl,
	"NumericCompareInt":    rtImpl,
	"Operand":              rtImpl,
	"PredAnd":              rtImpl,
	"PredCompare":          rtImpl,
	"PredExists":           rtImpl,
	"PredNot":              rtImpl,
	"PredOr":               rtImpl,
	"Program":              rtImpl,
	"ResultWriterConfig":   rtImpl,
	"Retrier":              rtImpl,
	"RetryTaskInline":      rtImpl,
	"RunTaskInline":        rtImpl,
	"Seg":                  rtImpl,
	"SegDescent":           rtImpl,
	"SegField":             rtImpl,
	"SegFilter":            rtImpl,
	"SegIndex":             rtImpl,
	"SegSlice":             rtImpl,
	"SegUnion":             rtImpl,
	"SegWildcard":          rtImpl,
	"SetPath":              rtImpl,
	"SliceItems":           rtImpl,
	"StateInfo":            rtImpl,
	"StatesArray":          rtImpl,
	"StatesArrayContains":  rtImpl,
	"StatesArrayGetItem":   rtImpl,
	"StatesArrayLength":    rtImpl,
	"StatesArrayPartition": rtImpl,
	"StatesArrayRange":     rtImpl,
	"StatesArrayUnique":    rtImpl,
	"StatesBase64Decode":   rtImpl,
	"StatesBase64Encode":   rtImpl,
	"StatesFormat":         rtImpl,
	"StatesHash":           rtImpl,
	"StatesJsonMerge":      rtImpl,
	"StatesJsonToString":   rtImpl,
	"StatesMathAdd":        rtImpl,
	"StatesMathRandom":     rtImpl,
	"StatesStringSplit":    rtImpl,
	"StatesStringToJson":   rtImpl,
	"StatesUUID":           rtImpl,
	"StatesVars":           rtImpl,
	"StringAt":             rtImpl,
	"StringCompare":        rtImpl,
	"StringMatches":        rtImpl,
	"SupportsGenVersion3":  rtImpl,
	"TaskFunc":             rtImpl,
	"TaskInfo":             rtImpl,
	"Text":                 rtImpl,
	"TimestampCompare":     rtImpl,
	"ValidUTF8":            rtImpl,

	// The ordinary path of the states fused code runs, as data that
	// Frame.RunSpec runs (spec.go).
	"Arg":                            rtImpl,
	"Call":                           rtImpl,
	"Choice":                         rtImpl,
	"PathSpec":                       rtImpl,
	"Placement":                      rtImpl,
	"Rule":                           rtImpl,
	"RuleAnd":                        rtImpl,
	"RuleBooleanEquals":              rtImpl,
	"RuleIsBoolean":                  rtImpl,
	"RuleIsNull":                     rtImpl,
	"RuleIsNumeric":                  rtImpl,
	"RuleIsPresent":                  rtImpl,
	"RuleIsString":                   rtImpl,
	"RuleIsTimestamp":                rtImpl,
	"RuleNot":                        rtImpl,
	"RuleNumericEquals":              rtImpl,
	"RuleNumericGreaterThan":         rtImpl,
	"RuleNumericGreaterThanEquals":   rtImpl,
	"RuleNumericLessThan":            rtImpl,
	"RuleNumericLessThanEquals":      rtImpl,
	"RuleOr":                         rtImpl,
	"RuleStringEquals":               rtImpl,
	"RuleStringGreaterThan":          rtImpl,
	"RuleStringGreaterThanEquals":    rtImpl,
	"RuleStringLessThan":             rtImpl,
	"RuleStringLessThanEquals":       rtImpl,
	"RuleStringMatches":              rtImpl,
	"RuleTimestampEquals":            rtImpl,
	"RuleTimestampGreaterThan":       rtImpl,
	"RuleTimestampGreaterThanEquals": rtImpl,
	"RuleTimestampLessThan":          rtImpl,
	"RuleTimestampLessThanEquals":    rtImpl,
	"Selection":                      rtImpl,
	"SpecChoice":                     rtImpl,
	"SpecPass":                       rtImpl,
	"SpecSucceed":                    rtImpl,
	"StateSpec":                      rtImpl,
	"Template":                       rtImpl,
	"TemplateArray":                  rtImpl,
	"TemplateCall":                   rtImpl,
	"TemplateObject":                 rtImpl,
	"TemplatePath":                   rtImpl,

	// A generated main.
	"Main": rtCLI,
}

// The runtime functions generated code picks by the IR's operator: the
// entries of a table share one signature, which TestRuntimeNames checks
// with go/types (runtimeFuncTables in rt_test.go), so that a runtime
// function that changes its signature fails codegen's tests.

// ataOpFuncs are the JSONata operators the runtime has a function of
// their own for, with a fast path for small integers (a counter's
// arithmetic and its bound's comparison): func(a, b any) (any, bool),
// ok false where the engine must decide. Any other operator goes to
// AtaBinary with its symbol.
var ataOpFuncs = map[ir.AtaOp]runtimeName{
	ir.AtaAdd: "AtaAdd",
	ir.AtaSub: "AtaSub",
	ir.AtaLt:  "AtaLess",
	ir.AtaLe:  "AtaLessEq",
	ir.AtaGt:  "AtaGreater",
	ir.AtaGe:  "AtaGreaterEq",
}

// compareFuncs are the runtime's orderings of the comparison families:
// func(v, operand any) (cmp int, ok bool), -1, 0 or +1, and ok false
// where the value is not of the family.
var compareFuncs = map[ir.Family]runtimeName{
	ir.FamilyString:    "StringCompare",
	ir.FamilyNumeric:   "NumericCompare",
	ir.FamilyTimestamp: "TimestampCompare",
}

// rt refers to a runtime name in its package.
func rt(name runtimeName) *jen.Statement {
	path, ok := runtimeNames[name]
	if !ok {
		// A programming error that TestRuntimeNames catches: every
		// name reaching here is a constant of codegen's source.
		panic(fmt.Sprintf("codegen: runtime name %s is not in rt.go's runtimeNames", name))
	}
	return jen.Qual(path, string(name))
}
