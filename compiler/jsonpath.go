package compiler

import (
	"fmt"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A SyntaxError is a malformed path or intrinsic call; Offset is the byte
// offset in the source string.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error reports the message with its offset.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s (at offset %d)", e.Msg, e.Offset)
}

// A PathKind says which JSONPath subset a field accepts.
type PathKind int

// Path kinds.
const (
	// PathFull is a Path: InputPath, OutputPath, ItemsPath, ".$" values.
	PathFull PathKind = iota
	// PathReference is a Reference Path: ResultPath, Choice Variable, …Path
	// fields: only .name, ['name'] and [n].
	PathReference
)

// ParsePath parses src as a JSONPath of the given kind.
func ParsePath(src string, kind PathKind) (*ir.Path, *SyntaxError) {
	return nil, &SyntaxError{Offset: 0, Msg: "not implemented"}
}
