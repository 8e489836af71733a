// Package atamachine is the JSONata state machine the durable package's
// tests run: $uuid(), $random(), $now() and $millis(), then a Wait, under
// the machine's TimeoutSeconds.
package atamachine

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg atamachine -o machine_gen.go draws.asl.json
