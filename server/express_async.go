package server

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// StartExecution of an EXPRESS machine is an asynchronous Express
// execution, as on AWS: the call answers at once with the execution's
// ARN (arn:PARTITION:states:REGION:ACCOUNT:express:MACHINE:NAME:ID, the
// ID telling apart executions of one name: Express executions are not
// idempotent) and its start date, and the execution runs on the
// machine's Express workers. Its outcome goes where AWS sends it, to the
// machine's CloudWatch Logs, which a local server has not: nothing keeps
// it. So, as on AWS (recorded by LocalStack's AWS-validated tests,
// test_sfn_api_express), DescribeExecution, GetExecutionHistory,
// StopExecution and DescribeStateMachineForExecution refuse an express
// execution's ARN as InvalidArn, and ListExecutions of an Express
// machine is StateMachineTypeNotSupported.

// maxAsyncExpress bounds the asynchronous Express executions a server
// runs or holds at once; past it StartExecution is throttled, as AWS's
// is past its rate.
var maxAsyncExpress = 10000

// expressExecutionTimeout is how long an Express execution may run (AWS's
// five minutes), with a margin for its worker's own timeout to fire
// first.
const expressExecutionTimeout = 5*time.Minute + 10*time.Second

// errExpressARN is AWS's answer to an express execution's ARN where only
// a Standard execution's is valid.
func errExpressARN() error {
	return errorf(codeInvalidArn, "Invalid Arn: 'Resource type not valid in this context: express'")
}

// isExpressExecutionARN reports whether arn is an express execution's.
func isExpressExecutionARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 7)
	return len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "express"
}

// startExpressExecution starts an asynchronous Express execution of the
// definition of machine m (a version's, when started through one) and
// answers with its ARN. The first execution of a revision waits for its
// build.
func (s *Server) startExpressExecution(r *http.Request, machineName, definition, testCase string, in *startExecutionInput) (any, error) {
	input, err := executionInput(in.Input)
	if err != nil {
		return nil, err
	}
	name := newID()
	if in.Name != nil {
		name = *in.Name
	}
	bin, err := s.builds.binary(r.Context(), definition, "EXPRESS")
	if err != nil {
		return nil, err
	}
	p, err := s.pools.get(workerKey{bin: bin, name: machineName, testCase: testCase})
	if err != nil {
		return nil, err
	}
	select {
	case s.async <- struct{}{}:
	default:
		return nil, errorf("ThrottlingException", "Rate exceeded")
	}
	start := s.now()
	go func() {
		defer func() { <-s.async }()
		ctx, cancel := context.WithTimeout(context.Background(), expressExecutionTimeout)
		defer cancel()
		p.run(ctx, input) // its outcome is for CloudWatch Logs, which this server has not
	}()
	arn := "arn:" + s.cfg.Partition + ":states:" + s.cfg.Region + ":" + s.cfg.Account + ":express:" + machineName + ":" + name + ":" + newID()
	return &startExecutionOutput{ExecutionArn: arn, StartDate: epoch(start)}, nil
}
