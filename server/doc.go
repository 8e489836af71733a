// Package server serves the AWS Step Functions API over compiled state
// machines: the awsJson1_0 protocol that the AWS CLI, boto3 and the SDKs
// speak (POST /, X-Amz-Target: AWSStepFunctions.<Action>), with AWS's
// JSON shapes, error codes and limits.
//
// The server keeps a registry of state machines (persisted under a data
// folder, so a restart keeps it), validates definitions with the
// compiler and has each revision built in the background by a Builder,
// which the command line supplies (the CLI's build cache), so that the
// first execution of a revision waits for its build only once.
//
// Everything a request carries is checked before it is used: sizes
// against AWS's quotas, names against AWS's rules, ARNs by parsing. No
// name or ARN is ever used as a file path: the registry lives in one
// file of a fixed name.
package server
