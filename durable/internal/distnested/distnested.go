// Package distnested is a Distributed Map the durable package's tests
// run whose child executions run a Parallel.
package distnested

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg distnested -o machine_gen.go distnested.asl.json
