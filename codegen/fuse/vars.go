package fuse

import (
	"sort"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// Workflow variables in fused code. A JSONata Pass or Choice that
// assigns a variable fused code can follow (see FusableAta) keeps its new
// value in a Go local instead of the execution's scope, as a state's
// input is kept: the states that read it next, where fused code runs them,
// read the local. Vars is how fused code holds the variables at a state:
// the ones it holds, each with its shape; every other variable is read
// from the scope, where the ordinary code would read it. Fused code
// stores the ones it holds in the scope wherever it hands over.

// Vars are the workflow variables fused code holds in locals where a
// state starts, by name (sorted). The zero value (or nil) holds none.
type Vars struct {
	Names  []string
	Shapes []*Shape // Int, Const or Any: values, not objects to build
}

// Key identifies v: two states whose inputs and variables have the same
// keys are entered alike.
func (v *Vars) Key() string {
	if v == nil || len(v.Names) == 0 {
		return ""
	}
	var b strings.Builder
	for i, n := range v.Names {
		b.WriteString("$" + strconv.Quote(n) + ":" + v.Shapes[i].Key() + ",")
	}
	return b.String()
}

// Len is the number of variables v holds.
func (v *Vars) Len() int {
	if v == nil {
		return 0
	}
	return len(v.Names)
}

// JoinVars holds what both a and b hold: the variables held in both,
// their shapes joined. A variable one of them does not hold is stored in
// the scope on the way (fused code emits the store), so it is read from
// there.
func JoinVars(a, b *Vars) *Vars {
	if a.Len() == 0 || b.Len() == 0 {
		return nil
	}
	j := &Vars{}
	for i, n := range a.Names {
		k := sort.SearchStrings(b.Names, n)
		if k < len(b.Names) && b.Names[k] == n {
			j.Names = append(j.Names, n)
			j.Shapes = append(j.Shapes, Join(a.Shapes[i], b.Shapes[k]))
		}
	}
	if len(j.Names) == 0 {
		return nil
	}
	return j
}

// FusableAta reports whether s is a JSONata Pass, Choice or Succeed: fused
// code may run it, its Transfer finding out whether its expressions are
// of the forms fused code compiles (static: literals, paths on
// $states.input and variables, integer arithmetic, comparisons).
func FusableAta(s ir.State) bool {
	if s.Base().QueryLanguage != ir.JSONata {
		return false
	}
	switch s.(type) {
	case *ir.Pass, *ir.Succeed, *ir.Choice:
		return true
	}
	return false
}
