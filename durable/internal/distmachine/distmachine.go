// Package distmachine is the Distributed Map the durable package's tests
// run over workers: a child execution of two Tasks per item.
package distmachine

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg distmachine -o machine_gen.go distmap.asl.json
