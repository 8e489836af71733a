// Package engine is the implementation of the sfn-compile runtime: the
// value model, JSON, JSONPath, intrinsic functions, the executor and the
// Map and Parallel scheduling, history, mocks and the built binary's
// command line. It holds the runtime's unsafe code (room.go, gocodec.go)
// and every package-level mutable variable (pools, caches, the callback
// registry, the wall clock read).
//
// Nothing outside the runtime imports it: applications use runtime/sfnrt
// (and runtime/sfncli, runtime/sfnmock), generated code
// runtime/sfnimpl, which alias its names (see docs/architecture.md, "The
// runtime by audience").
package engine
