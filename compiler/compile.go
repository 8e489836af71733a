// Package compiler is the front end of sfn-compile: it decodes an Amazon
// States Language definition into a syntax tree with positions, validates
// it the way AWS Step Functions does, and lowers it to the typed IR of
// package ir, which codegen turns into Go.
//
// The pipeline is decode (decode.go) -> validate and lower (validate*.go,
// lower*.go, one lower_<kind>.go per state kind) -> whole-definition checks
// (validate_vars.go) -> ir.Machine. Validation does not stop at the first
// problem: Compile reports every diagnostic, sorted by position.
//
// The compiler imports the runtime's JSONata engine (package
// runtime/jsonata) only to parse "{% %}" expressions, as AWS does when a
// state machine is created; the runtime never imports the compiler.
package compiler

import (
	"fmt"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// maxDefinitionChars is AWS's hard limit on the size of a definition.
const maxDefinitionChars = 1 << 20

// maxValidatedBytes bounds the definitions that are validated at all: a
// larger one is only reported as too large, so that memory stays bounded.
const maxValidatedBytes = 2 * maxDefinitionChars

// Options configure a compilation.
type Options struct {
	// Filename names the definition in diagnostics.
	Filename string
	// Type is the state machine type, "STANDARD" (the default) or
	// "EXPRESS". Express machines may not use .sync, .waitForTaskToken or
	// activity resources.
	Type string
}

// Compile decodes, validates and lowers the definition src. It returns the
// machine, or nil when any diagnostic is an error, and all diagnostics,
// sorted by position and deduplicated.
func Compile(src []byte, opts Options) (*ir.Machine, []Diagnostic) {
	c := &compiler{src: src, opts: opts}
	m := c.compile()
	diags := finish(c.diags, src, opts.Filename)
	if hasErrors(diags) {
		return nil, diags
	}
	return m, diags
}

// A compiler holds the state of one compilation.
type compiler struct {
	src   []byte
	opts  Options
	diags []Diagnostic

	express bool
	topQL   ir.QueryLanguage
	// allNames holds every state name of the definition, including those of
	// nested branches and processors: names are unique across all of them.
	allNames map[string]bool
	// statesObjects are the "States" objects; their duplicate keys are
	// reported as duplicate state names rather than duplicate fields.
	statesObjects map[*node]bool

	// Workflow variables (validate_vars.go): the scope being lowered, all
	// scopes, the state being lowered and whether a Catcher's fields are.
	vscope    *varScope
	scopes    []*varScope
	state     string
	inCatcher bool
}

func (c *compiler) compile() *ir.Machine {
	switch c.opts.Type {
	case "", "STANDARD":
	case "EXPRESS":
		c.express = true
	default:
		c.errorf(0, "", codeSchema, "Unknown state machine type %q: expected STANDARD or EXPRESS", c.opts.Type)
	}
	if len(c.src) > maxValidatedBytes {
		c.errorf(0, "", codeTooLarge, "The definition has %d bytes; AWS accepts at most %d characters (it was not validated further)", len(c.src), maxDefinitionChars)
		return nil
	}
	if n := utf8.RuneCount(c.src); n > maxDefinitionChars {
		c.errorf(0, "", codeTooLarge, "The definition has %d characters; AWS accepts at most %d", n, maxDefinitionChars)
	}
	root, derr := decode(c.src)
	if derr != nil {
		code := derr.code
		if len(c.src) == 0 || isBlank(c.src) {
			code = codeMissingDesc
		}
		c.errorf(derr.off, derr.ptr, code, "%s", derr.msg)
		return nil
	}
	if root.kind != kindObject {
		c.errAt(root, codeInvalidJSON, "The definition must be a JSON object, not %s", article(root.kind))
		return nil
	}
	c.allNames = map[string]bool{}
	c.statesObjects = map[*node]bool{}
	m := c.lowerTop(root)
	c.checkDuplicateKeys(root)
	c.checkVariables()
	return m
}

func isBlank(src []byte) bool {
	for _, b := range src {
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return false
		}
	}
	return true
}

// errorf records an error at a byte offset and pointer.
func (c *compiler) errorf(off int, ptr ir.Pointer, code, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Offset: off, Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...), Severity: Error})
}

// warnf records a warning at a byte offset and pointer.
func (c *compiler) warnf(off int, ptr ir.Pointer, code, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Offset: off, Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...), Severity: Warning})
}

// errAt records an error at the value n.
func (c *compiler) errAt(n *node, code, format string, args ...any) {
	c.errorf(n.off, n.ptr(), code, format, args...)
}

// warnAt records a warning at the value n.
func (c *compiler) warnAt(n *node, code, format string, args ...any) {
	c.warnf(n.off, n.ptr(), code, format, args...)
}

// errKey records an error at the key of m.
func (c *compiler) errKey(m *member, code, format string, args ...any) {
	c.errorf(m.keyOff, m.val.ptr(), code, format, args...)
}

// checkDuplicateKeys reports keys written twice in one object. Duplicate
// state names are reported by the state-name check instead.
func (c *compiler) checkDuplicateKeys(n *node) {
	switch n.kind {
	case kindArray:
		for _, it := range n.items {
			c.checkDuplicateKeys(it)
		}
	case kindObject:
		if !c.statesObjects[n] {
			seen := make(map[string]bool, len(n.members))
			for i := range n.members {
				m := &n.members[i]
				if seen[m.key] {
					c.errKey(m, codeDuplicateField, "Duplicate field '%s'", m.key)
				}
				seen[m.key] = true
			}
		}
		for _, m := range n.members {
			c.checkDuplicateKeys(m.val)
		}
	}
}
