// Package ir is the typed intermediate representation of a state machine:
// what an Amazon States Language definition means, after the compiler has
// decoded, validated and lowered it. Code generation reads only this.
//
// Every mini-language of ASL (JSONPath paths, reference paths, payload
// templates, intrinsic calls, Choice rules and their operators, JSONata
// expressions) is parsed into typed nodes here; nothing reaches codegen
// as a string to interpret. A JSONata expression keeps its text beside
// its nodes (Expr.Source) for AWS's error messages and for the engine,
// which parses it with the parser the compiler lowered it from.
//
// Adding a state kind: declare its struct in a file of its own here, with
// the isState marker; lower it in compiler/lower_<kind>.go; generate it in
// codegen/<kind>.go and add the case to the dispatch in codegen/gen.go; add
// a txtar case under testdata/compile and an execution case.
package ir
