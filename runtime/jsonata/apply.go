package jsonata

import (
	"strconv"
	"sync/atomic"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// A lambda is a user-defined function (function($x){...}), a partial
// application, or a tail-call thunk.
type lambda struct {
	input  any
	env    *env
	params []string
	sig    *signature
	body   *node
	thunk  bool
	native *builtin // partial application of a built-in: body is native
}

// A builtin is a function implemented in Go: the library functions, regex
// matchers and transformers.
type builtin struct {
	name    string
	sig     *signature // nil for the library's functions, which hold theirs as sigText (see signature)
	sigText string
	// parsedSig is sigText parsed, on first use.
	parsedSig atomic.Pointer[signature]
	arity     int // JavaScript's implementation.length (used by HOFs)
	nparams   int // declared parameters (used by partial application)
	fn        func(c *call, args []any) (any, error)
	regex     *jsRegexp // set for regex literals
}

// call is the context a built-in runs in (the reference implementation's
// `this` focus): the evaluator, the caller's environment and input.
type call struct {
	ev    *evaluator
	env   *env
	input any
}

// placeholder marks a '?' argument of a partial application.
type placeholder struct{}

func isFunction(v any) bool {
	switch v.(type) {
	case *lambda, *builtin:
		return true
	}
	return false
}

func functionArity(f any) int {
	switch x := f.(type) {
	case *lambda:
		return len(x.params)
	case *builtin:
		return x.arity
	}
	return 0
}

func (ev *evaluator) evalFunction(e *node, input any, en *env, applyTo []any) (any, error) {
	proc, err := ev.eval(e.Procedure, input, en)
	if err != nil {
		return nil, err
	}
	if err := notAFunction(e, proc, en, "T1005"); err != nil {
		return nil, err
	}
	args := make([]any, 0, len(e.Args)+len(applyTo))
	args = append(args, applyTo...)
	for _, a := range e.Args {
		v, err := ev.eval(a, input, en)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	procName := ""
	if e.Procedure.Kind == kPath {
		procName, _ = e.Procedure.Steps[0].Value.(string)
	} else {
		procName, _ = e.Procedure.Value.(string)
	}
	res, err := ev.apply(proc, args, input, en, procName, e.Pos)
	if err != nil {
		if je, ok := err.(*Error); ok {
			if !je.hasPos {
				je.Position, je.hasPos = e.Pos, true
			}
			if !je.hasToken {
				je.Token, je.hasToken = procName, true
			}
		}
		return nil, err
	}
	return res, nil
}

// apply invokes proc, running the trampoline for tail calls.
func (ev *evaluator) apply(proc any, args []any, input any, en *env, token string, pos int) (any, error) {
	result, err := ev.applyInner(proc, args, input, en, token, pos)
	for err == nil {
		l, ok := result.(*lambda)
		if !ok || !l.thunk {
			break
		}
		next, e2 := ev.eval(l.body.Procedure, l.input, l.env)
		if e2 != nil {
			return nil, e2
		}
		tok := ""
		if l.body.Procedure.Kind == kVariable {
			tok = l.body.Procedure.Str()
		}
		targs := make([]any, len(l.body.Args))
		for i, a := range l.body.Args {
			targs[i], e2 = ev.eval(a, l.input, l.env)
			if e2 != nil {
				return nil, e2
			}
		}
		result, err = ev.applyInner(next, targs, input, en, tok, l.body.Procedure.Pos)
	}
	return result, err
}

func (ev *evaluator) applyInner(proc any, args []any, input any, en *env, token string, pos int) (res any, err error) {
	defer func() {
		if err != nil && proc != nil && proc != undefined {
			if je, ok := err.(*Error); ok {
				if !je.hasToken && token != "" {
					je.Token, je.hasToken = token, true
				}
				if pos >= 0 {
					je.Position, je.hasPos = pos, true
				}
			}
		}
	}()
	switch p := proc.(type) {
	case *lambda:
		if p.sig != nil {
			if args, err = validateArgs(p.sig, args, input, ev.lib.Regexp); err != nil {
				return nil, err
			}
		}
		return ev.applyProcedure(p, args)
	case *builtin:
		if sig := p.signature(ev.lib.Regexp); sig != nil {
			if args, err = validateArgs(sig, args, input, ev.lib.Regexp); err != nil {
				return nil, err
			}
		}
		res, err := p.fn(&call{ev: ev, env: en, input: input}, args)
		if err == nil {
			err = ev.chargeResult(res)
		}
		return res, err
	}
	return nil, &Error{Code: "T1006", Position: -1}
}

// chargeResult charges what a built-in returns, most often a new array or
// string ($map, $split, $string, $replace...): counting it here bounds a
// loop of calls that each stay under the per-value limits.
func (ev *evaluator) chargeResult(v any) error {
	switch x := v.(type) {
	case string:
		return ev.chargeString(len(x))
	case []any:
		return ev.chargeItems(len(x))
	case *seq:
		return ev.chargeItems(len(x.items))
	case *sfnrt.Object:
		return ev.charge(x.Len() * memberBytes)
	}
	return nil
}

func (ev *evaluator) applyProcedure(p *lambda, args []any) (any, error) {
	f := newFrame(p.env)
	for i, name := range p.params {
		if i < len(args) {
			f.bind(name, args[i])
		} else {
			f.bind(name, undefined)
		}
	}
	if p.native != nil {
		nargs := make([]any, p.native.nparams)
		for i := range nargs {
			nargs[i] = f.lookup(nativeParam(i))
		}
		for len(nargs) > 0 && nargs[len(nargs)-1] == undefined {
			nargs = nargs[:len(nargs)-1]
		}
		if sig := p.native.signature(ev.lib.Regexp); sig != nil {
			var err error
			if nargs, err = validateArgs(sig, nargs, undefined, ev.lib.Regexp); err != nil {
				return nil, err
			}
		}
		res, err := p.native.fn(&call{ev: ev, env: f, input: undefined}, nargs)
		if err == nil {
			err = ev.chargeResult(res)
		}
		return res, err
	}
	return ev.eval(p.body, p.input, f)
}

// callFunction applies a function value to arguments from a built-in
// (the closures the reference implementation wraps function arguments in).
func (c *call) callFunction(f any, args ...any) (any, error) {
	ev := c.ev
	if ev.calls++; ev.calls > maxCallDepth {
		ev.calls--
		return nil, stackOverflow(-1)
	}
	res, err := ev.apply(f, args, undefined, c.env, "", -1)
	ev.calls--
	return res, err
}

// callHOF calls the function argument of $map, $filter, $single, $sift or
// $each on one item, with as many of (value, index or key, whole) as it
// accepts.
func (c *call) callHOF(f, value, key, whole any) (any, error) {
	return c.callFunction(f, hofArgs(f, value, key, whole)...)
}

// passes calls a predicate argument ($filter, $single, $sift) as callHOF
// does and reads its answer as a boolean the way JSONata does.
func (c *call) passes(f, value, key, whole any) (bool, error) {
	r, err := c.callHOF(f, value, key, whole)
	if err != nil {
		return false, err
	}
	return truthy(r)
}

// hofArgs supplies as many of (value, index/key, whole) as f accepts.
func hofArgs(f any, a1, a2, a3 any) []any {
	n := functionArity(f)
	args := []any{a1}
	if n >= 2 {
		args = append(args, a2)
	}
	if n >= 3 {
		args = append(args, a3)
	}
	return args
}

func partialApplyProcedure(p *lambda, args []any, en *env) *lambda {
	parent := p.env
	if parent == nil {
		parent = en
	}
	f := newFrame(parent)
	var unbound []string
	for i, name := range p.params {
		var a any = undefined
		if i < len(args) {
			a = args[i]
		}
		if _, ok := a.(placeholder); ok {
			unbound = append(unbound, name)
		} else {
			f.bind(name, a)
		}
	}
	return &lambda{input: p.input, env: f, params: unbound, body: p.body, native: p.native}
}

func (ev *evaluator) evalPartial(e *node, input any, en *env) (any, error) {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if a.Kind == kOperator && a.Value == "?" {
			args[i] = placeholder{}
			continue
		}
		v, err := ev.eval(a, input, en)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	proc, err := ev.eval(e.Procedure, input, en)
	if err != nil {
		return nil, err
	}
	if err := notAFunction(e, proc, en, "T1007"); err != nil {
		return nil, err
	}
	switch p := proc.(type) {
	case *lambda:
		return partialApplyProcedure(p, args, en), nil
	case *builtin:
		params := make([]string, p.nparams)
		for i := range params {
			params[i] = nativeParam(i)
		}
		tmpl := &lambda{env: en, params: params, native: p, input: undefined}
		return partialApplyProcedure(tmpl, args, en), nil
	}
	tok := ""
	if e.Procedure.Kind == kPath {
		tok, _ = e.Procedure.Steps[0].Value.(string)
	} else {
		tok, _ = e.Procedure.Value.(string)
	}
	return nil, &Error{Code: "T1008", Position: e.Pos, hasPos: true, Token: tok, hasToken: true}
}

// chainAST is the function that ~> builds from two functions. It is
// parsed on the first such chain, not by the package's init: start-up
// is paid by every program with a JSONata state, and most never chain
// functions.
var chainNode lazy.Value[*node]

func chainAST() *node { return chainNode.Get(buildChainAST) }

func buildChainAST() *node {
	n, err := syntax.ParseWith("function($f, $g) { function($x){ $g($f($x)) } }", nil) // no regular expression
	if err != nil {
		panic(err) // a constant that parses: TestBuiltins composes with ~>
	}
	return n
}

func (ev *evaluator) evalApply(e *node, input any, en *env) (any, error) {
	lhs, err := ev.eval(e.LHS, input, en)
	if err != nil {
		return nil, err
	}
	if e.RHS.Kind == kFunction {
		return ev.evalFunction(e.RHS, input, en, []any{lhs})
	}
	fn, err := ev.eval(e.RHS, input, en)
	if err != nil {
		return nil, err
	}
	if !isFunction(fn) {
		return nil, &Error{Code: "T2006", Position: e.Pos, hasPos: true, Value: fn}
	}
	if isFunction(lhs) {
		chain, err := ev.eval(chainAST(), nil, en)
		if err != nil {
			return nil, err
		}
		return ev.apply(chain, []any{lhs, fn}, nil, en, "", -1)
	}
	return ev.apply(fn, []any{lhs}, nil, en, "", -1)
}

// makeTransformer returns the function of a transform (| ... |). Its
// signature is text, parsed when it is called as the library's are (see
// builtin.signature; sigCache keeps one parse).
func (ev *evaluator) makeTransformer(e *node, en *env) any {
	return &builtin{name: "transform", sigText: "<(oa):o>", arity: 1, nparams: 1, fn: func(c *call, args []any) (any, error) {
		obj := argAt(args, 0)
		if obj == undefined {
			return undefined, nil
		}
		cloneFn := en.lookup("clone")
		if !isFunction(cloneFn) {
			return nil, &Error{Code: "T2013", Position: e.Pos, hasPos: true}
		}
		result, err := ev.apply(cloneFn, []any{obj}, nil, en, "", -1)
		if err != nil {
			return nil, err
		}
		matches, err := ev.eval(e.Pattern, result, en)
		if err != nil {
			return nil, err
		}
		if matches == undefined {
			return result, nil
		}
		items, ok := arrayItems(matches)
		if !ok {
			items = []any{matches}
		}
		for _, match := range items {
			update, err := ev.eval(e.Update, match, en)
			if err != nil {
				return nil, err
			}
			mo, isObj := match.(*sfnrt.Object)
			if update != undefined {
				uo, ok := update.(*sfnrt.Object)
				if !ok {
					return nil, &Error{Code: "T2011", Position: e.Update.Pos, hasPos: true, Value: update}
				}
				if isObj {
					for _, m := range uo.Members() {
						mo.Set(m.Key, m.Value)
					}
				}
			}
			if e.Delete != nil {
				dels, err := ev.eval(e.Delete, match, en)
				if err != nil {
					return nil, err
				}
				if dels != undefined {
					val := dels
					di, ok := arrayItems(dels)
					if !ok {
						di = []any{dels}
					}
					if !arrayOfStrings(di) {
						return nil, &Error{Code: "T2012", Position: e.Delete.Pos, hasPos: true, Value: val}
					}
					if isObj {
						for _, d := range di {
							mo.Delete(d.(string))
						}
					}
				}
			}
		}
		return result, nil
	}}
}

// nativeParam names the i'th parameter of a partially applied built-in.
func nativeParam(i int) string { return "\x00" + strconv.Itoa(i) }

// notAFunction is the error (code: T1005 for a call, T1007 for a partial
// application) of invoking a path that names a variable bound to a value
// that is not a function, as jsonata-js reports it; nil otherwise.
func notAFunction(e *node, proc any, en *env, code string) error {
	if proc == undefined && e.Procedure.Kind == kPath {
		if name, ok := e.Procedure.Steps[0].Value.(string); ok {
			if v := en.lookup(name); v != undefined && v != nil && v != false {
				return &Error{Code: code, Position: e.Pos, hasPos: true, Token: name, hasToken: true}
			}
		}
	}
	return nil
}
