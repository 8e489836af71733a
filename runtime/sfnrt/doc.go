// Package sfnrt is the runtime of state machines compiled by sfn-compile.
// Generated packages import it; application code meets it through them:
// a generated package's New returns an *sfnrt.Machine, whose Start runs
// an execution and returns a *Result, and Task handlers exchange JSON
// values with it.
//
// Most of the exported surface exists for generated code and may change
// with it; the parts meant for applications are the value model (see
// value.go: nil, bool, string, int64, float64, json.Number, []any and
// *Object), ParseJSON and ToJSON, ToGo and FromGo, Error and NewError,
// Heartbeat, Machine, Options, Result, Checkpoint, TaskInvoker,
// LoadMockConfig and Main, and for Distributed Maps ObjectStore (with
// MemStore), MapRun and the item readers (NewJSONItems, NewJSONLItems,
// NewCSVItems, NewManifestItems).
//
// The package imports only the standard library, so a generated program
// builds offline. Generated code refers to SupportsGenVersion1: a build
// error there means the generated package and this runtime come from
// different releases (re-run go generate, or update the module).
package sfnrt
