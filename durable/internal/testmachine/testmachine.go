// Package testmachine is the state machine the durable package's tests
// run: Tasks, a random value, a Parallel, a Map, a Wait and a callback.
package testmachine

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg testmachine -o machine_gen.go chaos.asl.json
