// Package sfnrt is the API of the runtime of state machines compiled by
// sfn-compile, for the applications that run them. A generated package's
// New returns an *sfnrt.Machine, whose Start runs an execution and
// returns a *Result; Task handlers exchange JSON values with it.
//
// The API:
//   - the value model: a JSON value is nil, bool, string, int64, float64,
//     json.Number, []any or *Object; ParseJSON and ToJSON convert it from
//     and to JSON text, ToGo and FromGo from and to Go values, Equal
//     compares two;
//   - running a machine: Machine, Options, Result, Checkpoint, the
//     history's Events, Clock, Driver (durable executions);
//   - errors: Error, NewError, AsError and the States.* error names;
//   - Task states: TaskInvoker, TaskCall, Heartbeat, callbacks and their
//     tokens (SendTaskSuccess, ...);
//   - the Distributed Map: ObjectStore (with MemStore), MapRun and the
//     item readers (NewJSONItems, NewJSONLItems, NewCSVItems,
//     NewManifestItems);
//   - the service quotas (MaxPayloadBytes, ...).
//
// The command line of a built machine is package sfncli, mock
// configurations package sfnmock. What generated code calls besides is
// package sfnimpl, which makes no compatibility promise. The
// implementation of all four is runtime/internal/engine: the names here
// are aliases of its types and functions that forward to it, written by
// internal/genrtapi (api_gen.go); api.golden records this API, so that a
// change to it is a reviewed diff.
//
// The package imports only the standard library, so a generated program
// builds offline.
package sfnrt

//go:generate go run ../../internal/genrtapi -root ../..
