package fuse

import (
	"fmt"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Fused code skips the payload check of a state's output where a bound of
// its JSON size fits the payload limit. A bound is c + k*leaf: c bytes of
// what fused code makes (literals, integers, the braces and keys of the
// objects it builds) and k values taken from the input, each at most leaf
// bytes, leaf being bounded at run time (sfnimpl.Frame.FastBound) from the input.

// IntSize bounds the JSON size of an int64: 19 digits and a sign.
const IntSize = 20

// escapedByte bounds the JSON size of one byte of a string: \u00XX.
const escapedByte = 6

// numberSize bounds the JSON size of a number literal in its runtime form
// (a float64 prints in at most 24 characters), when its text is shorter.
const numberSize = 24

// keywordSize bounds the JSON size of null, true and false.
const keywordSize = 5

// Bound returns the JSON size bound of a value of shape s as c + k*leaf.
func (s *Shape) Bound() (c, k int) {
	switch s.Kind {
	case Int:
		return IntSize, 0
	case Const:
		return LiteralSize(s.Lit), 0
	case Obj:
		c = 2 + len(s.Keys) // braces, colons and commas
		for i, key := range s.Keys {
			ec, ek := s.Elems[i].Bound()
			c += escapedByte*len(key) + 2 + ec // the key, quoted
			k += ek
		}
		return c, k
	}
	return 0, 1
}

// LiteralSize bounds the JSON size of a literal in its runtime form.
func LiteralSize(v ir.Value) int {
	switch v := v.(type) {
	case ir.String:
		return escapedByte*len(v) + 2
	case ir.Number:
		return max(len(v.Text), numberSize)
	case ir.Array:
		n := 2 + len(v)
		for _, e := range v {
			n += LiteralSize(e)
		}
		return n
	case ir.Object:
		n := 2 + 2*len(v)
		for _, m := range v {
			n += escapedByte*len(m.Key) + 2 + LiteralSize(m.Value)
		}
		return n
	}
	return keywordSize
}

// LiteralBound is the largest bound of a literal in s's Result,
// Parameters and Choice rules: the least value of leaf, so that a bound
// of the values fused code holds covers them too.
func LiteralBound(s ir.State) int {
	n := 0
	var walk func(t ir.Template)
	walk = func(t ir.Template) {
		switch t := t.(type) {
		case *ir.TLiteral:
			n = max(n, LiteralSize(t.Value))
		case *ir.TObject:
			for _, f := range t.Fields {
				walk(f.Value)
			}
		}
	}
	var rule func(r ir.Rule)
	rule = func(r ir.Rule) {
		switch r := r.(type) {
		case *ir.Compare:
			if r.Value != nil {
				n = max(n, LiteralSize(r.Value))
			}
		case *ir.And:
			for _, s := range r.Rules {
				rule(s)
			}
		case *ir.Or:
			for _, s := range r.Rules {
				rule(s)
			}
		case *ir.Not:
			rule(r.Rule)
		}
	}
	switch s := s.(type) {
	case *ir.Pass:
		if s.Result != nil {
			n = max(n, LiteralSize(s.Result))
		}
		walk(s.Parameters)
	case *ir.Choice:
		for _, br := range s.Choices {
			rule(br.Rule)
		}
	}
	return n
}

// DescribeBound says what the bound c + k*leaf bounds, for a comment.
func DescribeBound(c, k int) string {
	values := "1 value"
	if k != 1 {
		values = fmt.Sprintf("%d values", k)
	}
	switch {
	case k == 0:
		return fmt.Sprintf("at most %d bytes of JSON", c)
	case c == 0:
		return fmt.Sprintf("at most %s taken from the input", values)
	}
	return fmt.Sprintf("at most %d bytes of JSON besides %s taken from the input", c, values)
}
