package sfncompile

import _ "embed"

// GoSum is the module's go.sum. sfn-compile writes it next to the programs
// it builds that link the Lambda packages (runtime/awslambda,
// runtime/lambdahandler), whose go.mod requires the versions of the AWS
// SDK and aws-lambda-go in the embedded go.mod: the go command then
// verifies what it downloads against the checksums this module was
// tested with.
//
//go:embed go.sum
var GoSum []byte
