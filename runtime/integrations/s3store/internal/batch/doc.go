// Package batch is the state machine of the S3 store's end-to-end test,
// generated from batch.asl.json: Distributed Maps over a bucket's objects,
// a CSV and a JSONL object, with Go handlers and ResultWriters.
package batch

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg batch -o batch_gen.go batch.asl.json
