package fuse

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Kind is how fused code holds a value.
type Kind int

// The ways fused code holds a value.
const (
	Any   Kind = iota // in an `any` local: anything
	Int               // an int64 local or literal: an integer of the runtime (int64)
	Const             // a literal of the definition
	Obj               // an object not built yet: its keys and the values of its members
)

// A Shape is how fused code holds a value: a state's input, or what a
// state passes on.
type Shape struct {
	Kind  Kind
	Lit   ir.Value // Const
	Keys  []string // Obj, distinct
	Elems []*Shape // Obj: the members' values, by key
}

// AnyShape holds anything.
var AnyShape = &Shape{Kind: Any}

// MaxShapeNodes is the largest shape a state's input takes; a larger one
// is held as any. States that nest their input in their output double its
// shape at every step of a cycle, and code follows shapes.
const MaxShapeNodes = 64

// WidenAfter is how many times the input of one state is widened (joined
// with another) before it is held as any: the analysis ends after a
// bounded number of steps whatever the cycles of the definition.
const WidenAfter = 8

// LiteralShape is the shape of a literal: integers unboxed.
func LiteralShape(v ir.Value) *Shape {
	if n, ok := v.(ir.Number); ok && !n.IsFloat {
		if _, err := strconv.ParseInt(n.Text, 10, 64); err == nil {
			return &Shape{Kind: Int}
		}
	}
	return &Shape{Kind: Const, Lit: v}
}

// Key identifies s: two values with the same key are held alike.
func (s *Shape) Key() string {
	switch s.Kind {
	case Int:
		return "I"
	case Const:
		return "C" + LiteralKey(s.Lit)
	case Obj:
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range s.Keys {
			b.WriteString(strconv.Quote(k) + ":" + s.Elems[i].Key() + ",")
		}
		b.WriteByte('}')
		return b.String()
	}
	return "A"
}

// Join is the shape that holds both a and b (a nil: none yet).
func Join(a, b *Shape) *Shape {
	switch {
	case a == nil:
		return b
	case a.Key() == b.Key():
		return a
	case a.Kind == Obj && b.Kind == Obj && strings.Join(a.Keys, "\x00") == strings.Join(b.Keys, "\x00"):
		j := &Shape{Kind: Obj, Keys: a.Keys, Elems: make([]*Shape, len(a.Elems))}
		for i := range a.Elems {
			j.Elems[i] = Join(a.Elems[i], b.Elems[i])
		}
		return j
	}
	return AnyShape
}

// Nodes counts the values in s as a tree, up to limit.
func (s *Shape) Nodes(limit int) int {
	n := 1
	for _, e := range s.Elems {
		if n >= limit {
			break
		}
		n += e.Nodes(limit - n)
	}
	return n
}

// LiteralKey identifies a literal: two literals with the same key are the
// same value, written alike.
func LiteralKey(v ir.Value) string {
	var b strings.Builder
	var walk func(v ir.Value)
	walk = func(v ir.Value) {
		switch v := v.(type) {
		case ir.Array:
			b.WriteByte('[')
			for _, e := range v {
				walk(e)
				b.WriteByte(',')
			}
			b.WriteByte(']')
		case ir.Object:
			b.WriteByte('{')
			for _, m := range v {
				b.WriteString(strconv.Quote(m.Key) + ":")
				walk(m.Value)
				b.WriteByte(',')
			}
			b.WriteByte('}')
		default:
			fmt.Fprintf(&b, "%T:%v", v, v)
		}
	}
	walk(v)
	return b.String()
}
