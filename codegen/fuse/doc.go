// Package fuse plans the fused path of a program (sfnimpl.Program.Fast):
// which states fused code runs, how it holds each state's input, where
// it starts and hands over, and how its code is split into functions of
// bounded size. It reads only package ir; codegen emits what the plan
// says.
//
// Pass, Choice and Succeed states in JSONPath mode mostly move values
// around: a template picks members of the input, an intrinsic adds two
// integers, a rule compares them. Run state by state, each of them
// builds an object that the next one takes apart again. Fused, the
// compiler follows each value from state to state instead: a member it
// knows stays in a Go local (an integer unboxed), an object whose keys it
// knows is not built until a value leaves the fused code, and a path into
// it is a local read. The states become labelled blocks of a function
// that jump to one another.
//
// Fused code never fails. Wherever a state could fail (a path that
// selects nothing, an intrinsic out of range, a payload that may be too
// large, a deadline) it hands the state, unrun, with its input built, to
// the ordinary code, which runs it and reports exactly what it reports
// on every other path. Values are immutable and these states have no
// effects, so stopping before a state loses nothing.
//
// JSONata Pass, Choice and Succeed states are fused too, where their
// Assign, Condition and Output are static: a workflow variable that a
// fused state assigns is held in a Go local like a member of the input,
// and the states fused code runs next read the local (Vars, vars.go);
// fused code stores the variables it holds in the execution's scope
// wherever it hands over. The limits on variables (256 KiB an Assign,
// 10 MiB an execution, scaled by the payload limit) are kept by bounds,
// as the payload limit is.
//
// One file per concern: shape.go (how a value is held), handoff.go
// (where fused code starts and what each state's input is: the
// analysis), bounds.go (JSON size bounds, which let fused code skip the
// payload checks), budget.go (the size of the code it may emit), vars.go
// (the workflow variables held in locals), plan.go (the result).
package fuse
