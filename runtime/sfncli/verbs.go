package sfncli

import (
	"fmt"
	"io"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// durableVerbs are the commands of a binary built with sfn-compile build
// --durable (package durable's Main). A binary built without it answers
// them with how to get them rather than with a flag error.
var durableVerbs = map[string]bool{
	"worker": true, "start-execution": true, "describe-execution": true, "list-executions": true,
	"get-execution-history": true, "stop-execution": true, "redrive-execution": true,
	"send-task-success": true, "send-task-failure": true, "send-task-heartbeat": true,
	"describe-map-run": true, "list-map-runs": true,
}

// refuseDurableVerb reports (and returns the usage exit code) when args
// start with a durable verb.
func refuseDurableVerb(m *sfnrt.Machine, args []string, stderr io.Writer) (int, bool) {
	if len(args) == 0 || !durableVerbs[args[0]] {
		return 0, false
	}
	if args[0] == "describe-map-run" || args[0] == "list-map-runs" {
		// What a user of an in-memory binary wants instead: the Map
		// Runs of the run they make.
		fmt.Fprintf(stderr, "%s: %s reads the Map Runs of durable executions from their store: build the binary with sfn-compile build --durable and pass --store (see docs/durable.md); an in-memory run writes its Map Runs with --map-runs FILE\n", m.Name, args[0])
		return cliExitUsage, true
	}
	fmt.Fprintf(stderr, "%s: %s needs durable executions: build the binary with sfn-compile build --durable (see docs/durable.md)\n", m.Name, args[0])
	return cliExitUsage, true
}
