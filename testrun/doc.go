// Package testrun runs test cases of state machines: folders holding a
// definition (definition.asl.json), an execution input (input.json) and
// the outcome expected of it (expected.json), optionally with a Step
// Functions Local MockConfigFile (mock-config.json) answering Task states.
// It is the engine of "sfn-compile test" and of the project's conformance
// gate; it sits beside the CLI, above compiler and codegen, which never
// import it.
//
// Run compiles every definition found into one Go program (one generated
// package per distinct definition, a generated main), builds it once with
// the go command, runs all executions in parallel in that program on a
// fake clock, and compares each outcome with expected.json. Cases whose
// expected status is INVALID pass when the compiler rejects the
// definition.
//
// RunCases is the same comparison for an application's own generated
// package, run in-process from go test with real Task handlers.
//
// # expected.json
//
//	{
//	  "status": "SUCCEEDED",      // FAILED, TIMED_OUT, ABORTED or INVALID
//	  "output": {...},            // SUCCEEDED: the execution output
//	  "error": "States.Runtime",  // FAILED, TIMED_OUT: compared when present,
//	  "cause": "...",             // and must be absent when absent
//	  "states": [...],            // optional: the ...StateEntered and
//	                              // ...StateExited events, in order
//	  "machine_type": "EXPRESS",  // default STANDARD
//	  "nondeterministic": ["date", "<uuid:1>"],
//	  "mock": {"state_machine": "M", "test_case": "T"}
//	}
//
// Numbers compare as numbers and object keys in any order. Each string
// listed in nondeterministic is a wildcard wherever it occurs in output,
// error, cause and states: as a whole string value it matches any value,
// inside a string any substring. A placeholder with an index, such as
// <uuid:1> or <ArnPart_0idx>, stands for one value throughout a case.
// Within a Map or Parallel state the events of different iterations and
// branches may interleave in any order: they are compared as a multiset.
package testrun
