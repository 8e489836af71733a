// Package s3batch is the state machine of the S3 store's end-to-end test,
// generated from batch.asl.json: Distributed Maps over a bucket's objects,
// a CSV and a JSONL object, with Go handlers and ResultWriters.
package s3batch

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg s3batch -o batch_gen.go batch.asl.json
