// Package ir is the typed intermediate representation of a state machine:
// what an Amazon States Language definition means, after the compiler has
// decoded, validated and lowered it. Code generation reads only this.
//
// Every mini-language of ASL (JSONPath paths, reference paths, payload
// templates, intrinsic calls, Choice rules and their operators) is parsed
// into typed nodes here; nothing reaches codegen as a string to
// interpret, but JSONata: an Expr still carries its source, which codegen
// parses again (issue 18's first item lowers it into typed nodes too).
//
// Adding a state kind: declare its struct in a file of its own here, with
// the isState marker; lower it in compiler/lower_<kind>.go; generate it in
// codegen/<kind>.go and add the case to the dispatch in codegen/gen.go; add
// a txtar case under testdata/compile and an execution case.
package ir
