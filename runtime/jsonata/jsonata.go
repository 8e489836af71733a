// Package jsonata is a JSONata 2.x expression engine for AWS Step Functions
// states that use QueryLanguage "JSONata": the language of the reference
// implementation (npm jsonata 2.x), without $eval, plus the functions
// Step Functions adds ($partition, $range, $hash, $random with a seed,
// $uuid, $parse).
//
// It sits beside package sfnrt in the runtime and, like it, imports only
// the standard library, sfnrt (for the value model) and its parser,
// package syntax, which the compiler shares. Generated code parses each
// {% %} expression once (Lazy: on its first evaluation) and evaluates it
// with the state's $states object and the workflow variables bound.
//
// Values in and out are the runtime's JSON values (see sfnrt): nil, bool,
// string, int64, float64, json.Number, []any and *sfnrt.Object. JSONata
// computes with doubles; results that are integral and within ±2^53 come
// back as int64, other numbers as float64.
package jsonata

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/internal/engine"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// An Expr is a parsed JSONata expression. It is immutable and may be
// evaluated concurrently.
type Expr struct {
	src  string
	ast  *node
	vars []string
	lib  *Library
}

// Vars supplies the values of $name variables. Lookup reports false for
// an unbound name, which the expression sees as undefined.
type Vars interface {
	Lookup(name string) (any, bool)
}

// MapVars is a Vars backed by a map.
type MapVars map[string]any

// Lookup returns m[name].
func (m MapVars) Lookup(name string) (any, bool) {
	v, ok := m[name]
	return v, ok
}

// Parse parses an expression (the text between {% and %}), which may call
// every function of the library. A syntax error is a *SyntaxError with the
// byte offset of the problem.
func Parse(src string) (*Expr, error) { return ParseIn(&fullLibrary, src) }

// ParseIn is Parse for an expression whose $name calls find the
// functions of lib (see Library); a function lib lacks is an unbound
// name, undefined. A nil lib has no functions.
func ParseIn(lib *Library, src string) (*Expr, error) {
	if lib == nil {
		lib = &Library{}
	}
	ast, err := syntax.ParseWith(src, lib.Regexp)
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, ast: ast, vars: syntax.VarNames(syntax.FreeVars(ast)), lib: lib}, nil
}

// MustParse is Parse for expressions known to be valid; it panics on a
// syntax error.
func MustParse(src string) *Expr { return mustParseIn(&fullLibrary, src) }

func mustParseIn(lib *Library, src string) *Expr {
	e, err := ParseIn(lib, src)
	if err != nil {
		panic(fmt.Sprintf("jsonata: %q: %v", src, err))
	}
	return e
}

// A LazyExpr is an expression parsed when it is first evaluated.
// Generated code declares one for each {% %} expression: most of them
// compile to Go and reach the engine only for values the Go code does not
// decide, so a program need not parse them all before it starts. The
// compiler has parsed the text with this engine's parser, so the parse
// cannot fail.
type LazyExpr struct {
	src  string
	lib  *Library
	once sync.Once
	e    *Expr
}

// Lazy returns src to be parsed (MustParse) on its first evaluation.
func Lazy(src string) *LazyExpr { return &LazyExpr{src: src, lib: &fullLibrary} }

// LazyIn is Lazy for an expression that calls the functions of lib: the
// compiler gives each machine the functions its expressions name, so
// that its program links no others.
func LazyIn(lib *Library, src string) *LazyExpr { return &LazyExpr{src: src, lib: lib} }

// Expr returns the parsed expression, parsing it the first time.
func (l *LazyExpr) Expr() *Expr {
	l.once.Do(func() { l.e = mustParseIn(l.lib, l.src) })
	return l.e
}

// EvalContext is l.Expr().EvalContext.
func (l *LazyExpr) EvalContext(ctx context.Context, input any, vars Vars) (v any, defined bool, err error) {
	return l.Expr().EvalContext(ctx, input, vars)
}

// String returns the source text of the expression.
func (e *Expr) String() string { return e.src }

// Eval evaluates e with input as the context value ($ and $$) and vars
// binding $name variables. defined is false when the expression yields
// nothing (JSONata's undefined), which AWS reports as
// States.QueryEvaluationError. err is a *Error for JSONata's runtime
// errors, or wraps ErrUnsupportedResult when the result is a function.
func (e *Expr) Eval(input any, vars Vars) (v any, defined bool, err error) {
	return e.EvalContext(context.Background(), input, vars)
}

// EvalContext is Eval that gives up with ctx's cause (context.Cause) once
// ctx is done, checked every thousand or so evaluation steps. ctx may be
// nil.
//
// Every evaluation is bounded as AWS bounds it (see budget.go): past the
// depth, time or memory limit, err is a *Error whose message is AWS's
// ("Stack overflow error: ...", "Expression evaluation timeout: ...",
// "Expression evaluation memory limit exceeded: ...").
func (e *Expr) EvalContext(ctx context.Context, input any, vars Vars) (v any, defined bool, err error) {
	// The time is read when $now() or $millis() first asks for it (see
	// evaluator.timestamp).
	return e.evalAt(ctx, input, vars, time.Time{})
}

// EvalAt is Eval with the timestamp that $now() and $millis() report
// fixed to now (for replay and tests).
func (e *Expr) EvalAt(now time.Time, input any, vars Vars) (v any, defined bool, err error) {
	return e.evalAt(context.Background(), input, vars, now)
}

func (e *Expr) evalAt(ctx context.Context, input any, vars Vars, now time.Time) (v any, defined bool, err error) {
	st := &struct {
		ev   evaluator
		root env
	}{}
	ev, root := &st.ev, &st.root
	ev.ctx, ev.now, ev.lib = ctx, now, e.lib
	root.ev, root.vars, root.root = ev, vars, input
	var in any = input
	if items, ok := input.([]any); ok {
		in = &seq{items: []any{items}, sequence: true, outerWrapper: true}
	}
	defer func() {
		if r := recover(); r != nil {
			if lp, ok := r.(limitPanic); ok {
				v, defined, err = nil, false, lp.err
				return
			}
			v, defined, err = nil, false, fmt.Errorf("jsonata: internal error evaluating %q: %v", e.src, r)
		}
	}()
	res, err := ev.eval(e.ast, in, root)
	if err != nil {
		return nil, false, err
	}
	if res == undefined {
		return nil, false, nil
	}
	if isFunction(res) {
		return nil, false, fmt.Errorf("%w", ErrUnsupportedResult)
	}
	if s, ok := res.(*seq); ok && s.tupleStream {
		return nil, false, nil
	}
	return ev.export(res), true, nil
}

// VarNames returns the free variables the expression reads ($x), sorted
// and without duplicates. Variables bound inside the expression (by :=,
// function parameters, @ and #) are not free where they are in scope;
// the reserved $states is included when read.
func (e *Expr) VarNames() []string {
	if len(e.vars) == 0 {
		return nil
	}
	return append([]string(nil), e.vars...)
}

// Normalize returns v as an expression result would come back from Eval:
// integral numbers within ±2^53 as int64. Generated code applies it to
// the values it reads natively (simple paths), so that they agree with
// the engine.
func Normalize(v any) any {
	// Strings, integers and fractions, most of what generated code
	// reads, are normal: decided here, where the caller inlines it, with
	// no call.
	switch x := v.(type) {
	case string, int64, bool, nil:
		return v
	case float64:
		if x != math.Trunc(x) {
			return v // a fraction (or NaN): kept
		}
	}
	return normalizeValue(v)
}

// normalizeValue is Normalize past its inlined cases. A document the
// JSON decoder read without an integral float (an execution's input,
// most often) is normal as it stands: its walk is skipped.
func normalizeValue(v any) any {
	if engine.NoIntegralFloats(v) || isNormal(v) {
		return v
	}
	return (*evaluator)(nil).export(v)
}
