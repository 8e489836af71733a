// Package sfncli is the command line of a state machine built by
// sfn-compile: a generated main package calls Main with its machine, and
// the programs that add flags or verbs of their own (Lambda invocation,
// AWS service integrations, durable executions) call MainWith with
// MainOptions. Its names are aliases of runtime/internal/engine's and
// functions that forward to it, written by internal/genrtapi
// (cli_gen.go).
package sfncli
