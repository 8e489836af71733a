package compiler

import (
	"errors"
	"fmt"

	"github.com/sfn-compile/sfn-compile/ir"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// This file checks JSONata expressions at compile time, as AWS does when a
// state machine is created: every "{% %}" expression must parse, and
// $states.errorOutput may only be read where AWS provides it (a
// Catcher's Output and Assign). It also records the workflow variables an
// expression reads, for the checks of validate_vars.go and for the IR.

// checkExpr parses src, the text of the expression string n from byte
// base of n's value on, with the parser the engine evaluates with. It
// reports a syntax error at its position and returns nil; otherwise it
// checks and records what the expression reads and returns the tree
// with the workflow variables read.
func (c *compiler) checkExpr(n *node, src string, base int) (*syntax.Node, []ir.VarRead) {
	tree, err := parseJSONata(src)
	if err != nil {
		var se *syntax.SyntaxError
		if errors.As(err, &se) {
			off := min(max(se.Offset, 0), len(src))
			c.errorf(c.strOffset(n, base+off), n.ptr(), codeInvalidJSONata, "%s", se.Msg)
		} else {
			c.errAt(n, codeInvalidJSONata, "%v", err)
		}
		return nil, nil
	}
	refs := syntax.FreeVars(tree)
	if len(refs) == 0 {
		return tree, nil
	}
	// Map the offsets of every reference in one pass over the string.
	offs := make([]int, len(refs))
	for i, r := range refs {
		offs[i] = base + r.Offset
	}
	offs = c.strOffsets(n, offs)
	ptr := n.ptr()
	var reads []ir.VarRead
	seen := map[string]bool{}
	for i, r := range refs {
		if r.Name == reservedStates {
			if r.Member == "errorOutput" && !c.inCatcher && !seen[r.Name] {
				seen[r.Name] = true // one diagnostic an expression
				c.errorf(offs[i], ptr, codeUnsupportedJSONata,
					"$states.errorOutput is only available in the Output and Assign fields of a Catcher")
			}
			continue
		}
		if !seen[r.Name] {
			seen[r.Name] = true
			c.readVar(r.Name, offs[i], ptr)
			reads = append(reads, ir.VarRead{Name: r.Name, Pos: ir.Pos{Pointer: ptr, Offset: offs[i]}})
		}
	}
	return tree, reads
}

// reservedStates is the name of the reserved variable $states.
const reservedStates = "states"

// parseJSONata parses an expression, turning a panic of the parser into an
// error so that no input can crash the compiler.
func parseJSONata(src string) (tree *syntax.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("internal error of the JSONata parser: %v", r)
		}
	}()
	return syntax.Parse(src)
}
