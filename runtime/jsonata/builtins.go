package jsonata

import (
	"math"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// A Function is one function of the library ($sum, $string, ...): each is
// a package variable of its own (FnSum, FnString, ...; "Fn" and the name
// with its first letter upper-cased), built with no init code, so that a
// program links the code of only the functions it refers to. Generated
// code refers to those its expressions name (see Library).
type Function struct{ b builtin }

// A Library is the set of functions an expression can call by name: a
// $name that no binding or variable holds is looked up in it. Generated
// code gives the expressions of a machine a Library of the functions
// they name, statically initialised, with a compiler of regular
// expressions where they may need one:
//
//	var ataLibrary = jsonata.Library{
//		Functions: []*jsonata.Function{&jsonata.FnMerge},
//		Regexp:    jsonata.CompileRegexp,
//	}
//
// An expression reaches a function only by a name it spells (the engine
// has no $eval), with two exceptions the compiler accounts for: the
// transform operator (| ... |) calls $clone, and a call of a field
// name, such as string(x), fails with an error that depends on whether
// the library defines $string (see syntax.LibraryNames).
type Library struct {
	Functions []*Function
	// Regexp compiles regular expressions: CompileRegexp where the
	// expressions hold a regex literal, a signature or a transform, or
	// name a function (each checks its arguments against its signature);
	// nil leaves package regexp out of the program (syntax.NeedsRegexp).
	Regexp syntax.Compiler
	index  lazy.Value[map[string]*builtin]
}

// lookup returns the function bound to name, or nil.
func (l *Library) lookup(name string) *builtin {
	if len(l.Functions) <= 8 {
		// Most machines name a few functions: a scan, with no map.
		for _, f := range l.Functions {
			if f.b.name == name {
				return &f.b
			}
		}
		return nil
	}
	return l.index.Get(l.buildIndex)[name]
}

func (l *Library) buildIndex() map[string]*builtin {
	m := make(map[string]*builtin, len(l.Functions))
	for _, f := range l.Functions {
		m[f.b.name] = &f.b
	}
	return m
}

// fullLibrary holds every function: expressions parsed by Parse,
// MustParse and Lazy (the tests, the differential harness, programs that
// use the engine on its own) see the whole language. Only they refer to
// it, so a generated program, which parses with its own Library
// (LazyIn), does not link it.
var fullLibrary = Library{Regexp: CompileRegexp, Functions: []*Function{
	&FnAbs, &FnAppend, &FnAssert, &FnAverage, &FnBase64decode, &FnBase64encode, &FnBoolean,
	&FnCeil, &FnClone, &FnContains, &FnCount, &FnDecodeUrl, &FnDecodeUrlComponent,
	&FnDistinct, &FnEach, &FnEncodeUrl, &FnEncodeUrlComponent, &FnError, &FnExists,
	&FnFilter, &FnFloor, &FnFormatBase, &FnFormatInteger, &FnFormatNumber, &FnFromMillis,
	&FnHash, &FnJoin, &FnKeys, &FnLength, &FnLookup, &FnLowercase, &FnMap, &FnMatch, &FnMax,
	&FnMerge, &FnMillis, &FnMin, &FnNot, &FnNow, &FnNumber, &FnPad, &FnParse,
	&FnParseInteger, &FnPartition, &FnPower, &FnRandom, &FnRange, &FnReduce, &FnReplace,
	&FnReverse, &FnRound, &FnShuffle, &FnSift, &FnSingle, &FnSort, &FnSplit, &FnSpread,
	&FnSqrt, &FnString, &FnSubstring, &FnSubstringAfter, &FnSubstringBefore, &FnSum,
	&FnToMillis, &FnTrim, &FnType, &FnUppercase, &FnUuid, &FnZip,
}}

// signature returns the built-in's signature, or nil where it has none.
// The library's functions hold theirs as text, parsed (and its regular
// expressions compiled by compile, the Library's Regexp) on first use:
// parsing at init would run code in every program that links the engine,
// for functions most never call.
func (b *builtin) signature(compile syntax.Compiler) *signature {
	if b.sig != nil || b.sigText == "" {
		return b.sig
	}
	if s := b.parsedSig.Load(); s != nil {
		return s
	}
	s := mustSignature(b.sigText, compile) // the same pointer to every caller (sigCache)
	if s.Regex != nil {
		b.parsedSig.Store(s)
	}
	return s
}

// CompileRegexp compiles the regular expressions of regex literals and
// signatures (package regexp): generated code sets it as the Regexp of a
// Library whose expressions need them (see Library).
func CompileRegexp(expr string) (syntax.Matcher, error) { return syntax.CompileRegexp(expr) }

// fnString is $string: JSON for non-strings, "" for functions.
func fnString(v any, pretty bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case undefinedType:
		return "", nil
	}
	if isFunction(v) {
		return "", nil
	}
	if isNumber(v) {
		f, _ := toFloat(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return "", errVal("D3001", f)
		}
	}
	if s, ok := v.(*seq); ok && s.outerWrapper && len(s.items) > 0 {
		v = s.items[0]
	}
	s, ok := stringify(v, pretty)
	if !ok {
		return "", memoryExceeded()
	}
	return s, nil
}
