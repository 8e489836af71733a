package main

// The runtime's exported names by audience (docs/architecture.md, "The
// runtime by audience"). Every exported name of runtime/internal/engine
// is in exactly one package: a name listed here goes to that public
// package, any other to runtime/sfnimpl, the package for generated code.
// Moving a name into sfnrt is a change to the application API: the test
// of api.golden shows it for review.

// application lists sfnrt's names: what a program that runs a generated
// machine, or a Task handler it binds, needs.
var application = []string{
	// The value model and JSON.
	"Object", "Member", "NewObject", "ObjectOf", "ParseJSON", "MustParseJSON", "ParseNumber",
	"ToJSON", "AppendJSON", "AppendString", "SyntaxError", "Equal", "TypeName",
	"Field", "Int", "Float", "IsNumber", "IsInteger", "CompareNumbers", "ToGo", "FromGo",
	"FormatTimestamp", "ParseTimestamp",
	// Running a machine.
	"Machine", "Options", "Result", "StartError", "Checkpoint", "Version", "CheckName", "CheckErrorCause",
	"StatusSucceeded", "StatusFailed", "StatusTimedOut", "StatusAborted",
	"Event", "EventStream", "NewEventStream", "History",
	"Clock", "RealClock", "FakeClock", "NewFakeClock", "ScaledClock",
	"Driver", "ChildDriver", "ChildGroup", "ChildItem", "ChildOutcome", "ChildResults", "AdoptionOrder", "MapChild", "MapChildOutcome", "Draws", "DrawsFrom",
	// Errors: Error, its constructors, the States.* names.
	"Error", "NewError", "AsError", "APIError", "CallbackFailure",
	// Task states: invoking them, callbacks, heartbeats.
	"TaskInvoker", "TaskCall", "TaskCallFrom", "ExecutionOf", "Execution", "Heartbeat",
	"TaskToken", "NewTaskToken", "ParseTaskToken", "IsCallbackResource",
	"SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat",
	// Activity Task states: handing them to workers.
	"IsActivityResource", "ActivityTask", "ActivityDispatcher", "ActivityStarted",
	"ActivityQueue", "ActivityPollTime",
	// The Distributed Map: where its items and results are stored.
	"ObjectStore", "ObjectInfo", "ObjectPage", "MemStore", "ErrNoObjectStore",
	"MapRun", "MapRunCounts", "MapRunDescription", "MapRunListItem", "MapItem",
	"ItemIterator", "NewJSONItems", "NewJSONLItems", "NewCSVItems", "NewManifestItems",
}

// applicationPrefixes adds every name that starts with one of them to
// sfnrt: the error names (ErrRuntime, ...), the quotas (MaxPayloadBytes,
// ...), the Map Run statuses, the history's event types.
var applicationPrefixes = []string{"Err", "Max", "MapRun", "Event", "Status", "Resource"}

// excluded are engine names no generated package forwards: tuning knobs
// that are package state (runtime/sfnimpl has a setter for each), and
// what the runtime's hand-written packages built on the engine use
// from it (runtime/sfncli, the command line: it re-exports BindingHelp;
// runtime/jsonata, whose deep equality is the engine's walk of JSON
// equality under a rule of its own, and whose string length is Java's),
// and the hook through which runtime/sfncrypto, beside the engine, links
// the cryptography into the programs that need it.
var excluded = []string{"MaxResultFileBytes", "Intrinsics", "BindingHelp", "WriteJSON", "InputTooLarge",
	"EqualBy", "EqualItems", "EqualityRule", "UTF16Len", "Crypto", "RegisterCrypto"}
