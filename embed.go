// Package sfncompile holds the source of the sfn-compile runtime
// (the packages under runtime/ and the module's go.mod), embedded in the
// sfn-compile command so that its build and run verbs can compile a
// generated state machine offline, on a machine with nothing but a Go
// toolchain: the runtime imports only the standard library.
package sfncompile

import "embed"

// RuntimeSource holds go.mod and the Go files of the runtime packages
// (runtime/sfnrt and its siblings) and of package durable, tests
// included: sfn-compile leaves out *_test.go when it extracts them. The
// implementation behind runtime/sfnrt is runtime/internal/engine. A
// runtime package nested deeper needs its own pattern here
// (runtime/integrations/s3store, the Distributed Map's Amazon S3 store,
// has one; so has runtime/jsonata/syntax, the JSONata parser; so has
// durable/internal/stmtcache, its SQLite statement cache). Only the
// programs built with --durable (or run with --store) compile durable.
//
//go:embed go.mod runtime/*/*.go runtime/internal/*/*.go runtime/integrations/s3store/*.go runtime/jsonata/syntax/*.go durable/*.go durable/internal/stmtcache/*.go
var RuntimeSource embed.FS
