package codegen

import (
	"fmt"
	"go/types"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Typed Task handlers (Options.Handlers). Each Task state calls the
// method of the user's type named after it; the method may take a
// context.Context and an input of any type, and returns an error, or an
// output of any type and an error. The generated adapter decodes the
// state's effective input into the input type as encoding/json.Unmarshal
// would decode its JSON text, and returns the runtime value of the JSON
// text json.Marshal writes for the output. An input or output of type
// any is the runtime value itself (sfnrt's value model), as with the
// untyped Handlers interface. (A field of type any, inside the input or
// output, holds what encoding/json decodes: map[string]any, float64.)
//
// The codecs go from runtime values straight to Go values for plain
// types (see plain); what is not plain, and every case a plain codec
// reports as unusual, takes the JSON round trip, which defines the
// result and gives encoding/json's own errors.

// handlerSig is how the Task state's method of the handler type is called.
type handlerSig struct {
	ctx bool       // takes a context.Context first
	in  types.Type // its input, or nil
	out types.Type // its output, or nil when it returns only an error
	// The generated adapter's methods (see adapter), unless raw: call, an
	// sfnrt.TaskFunc, and run, which takes the decoded input.
	call, run string
}

// raw reports whether the method exchanges runtime values: the untyped
// form func(context.Context, any) (any, error).
func (s *handlerSig) raw() bool {
	return s.ctx && s.in != nil && s.out != nil && isAny(s.in) && isAny(s.out)
}

// handlerSigs reads the method of the handler type for each Task state.
// Every problem is reported, one per line.
func (g *gen) handlerSigs() error {
	h := g.opts.Handlers
	if h == nil {
		return nil
	}
	if g.opts.ImportPath != "" && h.Obj().Pkg() != nil && h.Obj().Pkg().Path() == g.opts.ImportPath {
		return handlersErrorf("codegen: handler type %s is in the generated package %s: put the handlers in a package of their own", h.Obj().Name(), g.opts.ImportPath)
	}
	if !g.nameable(h) {
		return handlersErrorf("codegen: handler type %s is not exported from package %s", h.Obj().Name(), h.Obj().Pkg().Path())
	}
	// The methods of *T hold those of T; an interface type has its own.
	var mset *types.MethodSet
	if types.IsInterface(h) {
		mset = types.NewMethodSet(h)
	} else {
		mset = types.NewMethodSet(types.NewPointer(h))
	}
	var problems []string
	for _, t := range g.tasks {
		name := g.method[t.Name]
		sel := mset.Lookup(h.Obj().Pkg(), name)
		if sel == nil {
			problems = append(problems, fmt.Sprintf("%s has no method %s for Task state %q; add: func (%s) %s(ctx context.Context, input any) (any, error)",
				h.Obj().Name(), name, t.Name, h.Obj().Name(), name))
			continue
		}
		sig, err := g.readSig(sel.Obj().(*types.Func))
		if err != "" {
			problems = append(problems, fmt.Sprintf("%s.%s (Task state %q): %s", h.Obj().Name(), name, t.Name, err))
			continue
		}
		if !sig.raw() {
			sig.call = g.names.unique("call" + name)
			if sig.in != nil {
				sig.run = g.names.unique("run" + name)
			}
		}
		g.sigs[t.Name] = sig
	}
	if len(problems) > 0 {
		return handlersErrorf("codegen: %s", strings.Join(problems, "\n"))
	}
	return nil
}

// A HandlersError says that Options.Handlers does not fit the machine: a
// problem of the user's code, which a command line reports as bad input
// rather than as a failure of the generator.
type HandlersError struct{ msg string }

func (e *HandlersError) Error() string { return e.msg }

func handlersErrorf(format string, args ...any) error {
	return &HandlersError{fmt.Sprintf(format, args...)}
}

// readSig checks a handler method's signature.
func (g *gen) readSig(f *types.Func) (*handlerSig, string) {
	const want = "want func([context.Context,] [INPUT]) ([OUTPUT,] error)"
	sig := f.Type().(*types.Signature)
	if sig.Variadic() {
		return nil, "variadic; " + want
	}
	s := &handlerSig{}
	params := sig.Params()
	i := 0
	if params.Len() > 0 && isContext(params.At(0).Type()) {
		s.ctx = true
		i++
	}
	switch params.Len() - i {
	case 0:
	case 1:
		s.in = params.At(i).Type()
		if !g.nameable(s.in) {
			return nil, fmt.Sprintf("input type %s cannot be named in the generated package (unexported, a non-empty interface, or a struct with unexported fields)", s.in)
		}
	default:
		return nil, "too many parameters; " + want
	}
	res := sig.Results()
	if res.Len() == 0 || res.Len() > 2 || !isError(res.At(res.Len()-1).Type()) {
		return nil, "results must end in error; " + want
	}
	if res.Len() == 2 {
		s.out = res.At(0).Type()
		if !g.nameable(s.out) {
			return nil, fmt.Sprintf("output type %s cannot be named in the generated package (unexported, a non-empty interface, or a struct with unexported fields)", s.out)
		}
	}
	return s, ""
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// isAny reports whether t is the empty interface, unnamed.
func isAny(t types.Type) bool {
	i, ok := types.Unalias(t).(*types.Interface)
	return ok && i.Empty()
}

// typeCode renders t as Go source in the generated package; nameable
// reports whether it can.
func (g *gen) typeCode(t types.Type) *jen.Statement {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return jen.Id(t.Name())
	case *types.Named:
		obj := t.Obj()
		var c *jen.Statement
		if obj.Pkg() == nil {
			c = jen.Id(obj.Name()) // error
		} else {
			c = jen.Qual(obj.Pkg().Path(), obj.Name())
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			var codes []jen.Code
			for i := 0; i < args.Len(); i++ {
				codes = append(codes, g.typeCode(args.At(i)))
			}
			c = c.Types(codes...)
		}
		return c
	case *types.Pointer:
		return jen.Op("*").Add(g.typeCode(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(g.typeCode(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(g.typeCode(t.Elem()))
	case *types.Map:
		return jen.Map(g.typeCode(t.Key())).Add(g.typeCode(t.Elem()))
	case *types.Interface:
		return jen.Any()
	case *types.Struct:
		// An anonymous struct, field by field, each tag as a raw string
		// when it can be one (types are identical when their tags are
		// equal, however written).
		var fields []jen.Code
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			c := jen.Add(g.typeCode(f.Type()))
			if !f.Embedded() {
				c = jen.Id(f.Name()).Add(c)
			}
			switch tag := t.Tag(i); {
			case tag == "":
			case strconv.CanBackquote(tag):
				c = c.Op("`" + tag + "`")
			default:
				c = c.Add(jen.Lit(tag))
			}
			fields = append(fields, c)
		}
		return jen.Struct(fields...)
	}
	panic(fmt.Sprintf("codegen: type %s cannot be named", t))
}

// nameable reports whether typeCode can render t.
func (g *gen) nameable(t types.Type) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return t.Info()&types.IsUntyped == 0 && t.Kind() != types.UnsafePointer
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && !obj.Exported() && obj.Pkg().Path() != g.opts.ImportPath {
			return false
		}
		if obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() && obj.Pkg() != nil {
			return false // declared inside a function
		}
		args := t.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			if !g.nameable(args.At(i)) {
				return false
			}
		}
		return true
	case *types.Pointer:
		return g.nameable(t.Elem())
	case *types.Slice:
		return g.nameable(t.Elem())
	case *types.Array:
		return g.nameable(t.Elem())
	case *types.Map:
		return g.nameable(t.Key()) && g.nameable(t.Elem())
	case *types.Interface:
		return t.Empty()
	case *types.Struct:
		// An unexported field's name belongs to its package: a struct
		// with one written elsewhere is another type.
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			if !f.Exported() && (f.Pkg() == nil || f.Pkg().Path() != g.opts.ImportPath) || !g.nameable(f.Type()) {
				return false
			}
		}
		return true
	}
	return false
}

// A direction is the way a codec goes.
type direction int

const (
	decode direction = iota // runtime value -> Go value
	encode                  // Go value -> runtime value
)

// plain reports whether the generated codec handles t in direction d
// without the JSON round trip: booleans, strings, integers, float64,
// pointers, slices (not of bytes), maps with string keys, the empty
// interface and structs of such fields, none with JSON or text
// (un)marshaling methods, embedded fields, the ",string" or ",omitzero"
// options, two fields of one JSON name, or a type that contains itself.
func (g *gen) plain(t types.Type, d direction) bool {
	return g.plainIn(t, d, map[*types.Named]bool{})
}

func (g *gen) plainIn(t types.Type, d direction, open map[*types.Named]bool) bool {
	t = types.Unalias(t)
	if !g.nameable(t) {
		return false
	}
	if n, ok := t.(*types.Named); ok {
		if open[n] {
			return false // recursive: a cycle in the data would not end
		}
		if hasCodecMethods(n, d) {
			return false
		}
		if _, ok := n.Underlying().(*types.Interface); ok {
			return false // a named interface: only any is plain
		}
		open[n] = true
		defer delete(open, n)
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Kind() == types.Bool, u.Kind() == types.String, u.Kind() == types.Float64:
			return true
		case u.Info()&types.IsInteger != 0:
			return true
		}
		return false // float32, complex
	case *types.Pointer:
		return g.plainIn(u.Elem(), d, open)
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			return false // base64
		}
		return g.plainIn(u.Elem(), d, open)
	case *types.Map:
		k, ok := types.Unalias(u.Key()).(*types.Basic)
		if !ok {
			if n, named := types.Unalias(u.Key()).(*types.Named); !named || n.NumMethods() > 0 {
				return false
			}
			k, ok = u.Key().Underlying().(*types.Basic)
		}
		if !ok || k.Kind() != types.String {
			return false
		}
		return g.plainIn(u.Elem(), d, open)
	case *types.Interface:
		return u.Empty() || d == encode
	case *types.Struct:
		fields, ok := jsonFields(u)
		if !ok {
			return false
		}
		for _, f := range fields {
			if !g.plainIn(f.v.Type(), d, open) {
				return false
			}
		}
		return true
	}
	return false
}

// hasCodecMethods reports whether *n has a method encoding/json would
// call instead of looking at n's structure.
func hasCodecMethods(n *types.Named, d direction) bool {
	names := []string{"MarshalJSON", "MarshalText"}
	if d == decode {
		names = []string{"UnmarshalJSON", "UnmarshalText"}
	}
	mset := types.NewMethodSet(types.NewPointer(n))
	for i := 0; i < mset.Len(); i++ {
		for _, name := range names {
			if mset.At(i).Obj().Name() == name {
				return true
			}
		}
	}
	return false
}

// A jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	v         *types.Var
	name      string // its JSON key
	omitEmpty bool
}

// jsonFields lists the fields of s that encoding/json reads and writes,
// in order; ok is false for the structs plain leaves to the round trip.
func jsonFields(s *types.Struct) (fields []jsonField, ok bool) {
	seen := map[string]bool{}
	for i := 0; i < s.NumFields(); i++ {
		v := s.Field(i)
		tag, hasTag := lookupTag(s.Tag(i), "json")
		if v.Embedded() {
			return nil, false
		}
		if tag == "-" || !v.Exported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := jsonField{v: v, name: name}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "string", "omitzero":
				return nil, false
			}
		}
		if !hasTag || !validTag(name) {
			f.name = v.Name()
		}
		if seen[f.name] {
			return nil, false // encoding/json drops both, or picks by depth
		}
		seen[f.name] = true
		fields = append(fields, f)
	}
	return fields, true
}

// lookupTag is reflect.StructTag.Lookup.
func lookupTag(tag, key string) (string, bool) {
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		if tag == "" {
			break
		}
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		qvalue := tag[:i+1]
		tag = tag[i+1:]
		if key == name {
			value, err := strconv.Unquote(qvalue)
			if err != nil {
				break
			}
			return value, true
		}
	}
	return "", false
}

// validTag is encoding/json's isValidTag: a tag name it uses as the key.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// handlerMethod is Task t's method in the generated Handlers interface.
func (g *gen) handlerMethod(t *ir.Task) jen.Code {
	sig, ok := g.sigs[t.Name]
	if !ok {
		return jen.Id(g.method[t.Name]).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("input").Any()).Params(jen.Any(), jen.Error())
	}
	var params, results []jen.Code
	if sig.ctx {
		params = append(params, jen.Id("ctx").Qual("context", "Context"))
	}
	if sig.in != nil {
		params = append(params, jen.Id("input").Add(g.typeCode(sig.in)))
	}
	if sig.out != nil {
		results = append(results, g.typeCode(sig.out))
	}
	results = append(results, jen.Error())
	return jen.Id(g.method[t.Name]).Params(params...).Params(results...)
}
