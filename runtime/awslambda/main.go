package awslambda

import (
	"context"
	"flag"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Main is the main function of a binary that sfn-compile build makes for a
// state machine whose Task states invoke Lambda functions: sfncli.Main with
// an Invoker answering the Task states that --mock-config does not, and
// one more flag,
//
//	--lambda-endpoint URL  the Lambda API endpoint (default: the AWS
//	                       configuration's, e.g. AWS_ENDPOINT_URL_LAMBDA)
//
// Credentials and region come from the standard AWS configuration chain.
func Main(m *sfnrt.Machine) { sfncli.MainWith(m, MainOptions()) }

// MainOptions returns the sfncli.MainOptions of Main, for programs that run
// sfncli.MainArgsWith themselves.
func MainOptions() sfncli.MainOptions {
	var endpoint string
	return sfncli.MainOptions{
		Flags: func(fs *flag.FlagSet) {
			sfncli.URLVar(fs, &endpoint, "lambda-endpoint", "base `URL` of the Lambda API for Task states that invoke Lambda (default: from the AWS configuration)")
		},
		Tasks: func(ctx context.Context) (sfnrt.TaskInvoker, error) {
			inv, err := New(ctx, Options{Endpoint: endpoint})
			if err != nil {
				return nil, err
			}
			return inv, nil
		},
	}
}
