// Package fusedata is a JSONata machine whose states fused code runs
// (codegen/fast_ata.go), generated: its test runs each input with a
// history (the ordinary code, state by state) and without (fused), and
// requires both to end alike; FuzzFusedAta draws the inputs.
package fusedata

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg fusedata -o machine_gen.go fusedata.asl.json
