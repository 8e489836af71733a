package codegen

import "github.com/dave/jennifer/jen"

// rtPath is the import path of the runtime that generated code uses; every
// reference to it goes through rt so that a rename changes one line.
const rtPath = "github.com/sfn-compile/sfn-compile/runtime/sfnrt"

// rt refers to the runtime's exported name.
func rt(name string) *jen.Statement { return jen.Qual(rtPath, name) }
