// Package distwriter is a Distributed Map the durable package's tests
// run: tolerated failures and a ResultWriter.
package distwriter

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg distwriter -o machine_gen.go distwriter.asl.json
