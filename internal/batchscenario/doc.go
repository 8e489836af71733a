// Package batchscenario holds the batch scenario's end-to-end test, as a
// user runs it: a built sfn-compile runs machines over 10,000 objects in
// a real S3 server (versitygw), each read by a Lambda function under the
// Lambda runtime interface emulator. It is a package of its own so that
// its minutes count apart from cmd/sfn-compile's tests.
package batchscenario
