// Package sfncli is the command line of a state machine built by
// sfn-compile: a generated main package calls Main with its machine, and
// the programs that add flags or verbs of their own (Lambda invocation,
// AWS service integrations, durable executions) call MainWith with
// MainOptions. It runs machines through the application API
// (runtime/sfnrt) and answers --mock-config with runtime/sfnmock; the
// engine does not know it exists.
package sfncli
