package integrations

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// startExecution runs states:startExecution between machines linked into
// one program (Options.Machines). Without .sync the parent goes on once the
// child has started, with {ExecutionArn, StartDate}; with .sync or .sync:2
// it waits for the child's outcome, shaped as DescribeExecution, its Output
// a JSON string with .sync and parsed JSON with .sync:2. The child's input
// holds AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID, the parent's ARN,
// when the parent passes its context ($$.Execution.Id) there, as AWS
// documents; a failed child fails the parent's Task with
// States.TaskFailed.
func (inv *Invoker) startExecution(ctx context.Context, r Resource, input any) (any, error) {
	obj, ok := input.(*sfnrt.Object)
	if !ok {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The parameters of arn:aws:states:::states:startExecution must be a JSON object, got "+sfnrt.TypeName(input))
	}
	arnV, _ := obj.Get("StateMachineArn")
	arn, _ := arnV.(string)
	if arn == "" {
		return nil, sfnrt.NewError(sfnrt.ErrRuntime, "The field 'StateMachineArn' is required for arn:aws:states:::states:startExecution")
	}
	name := arn[strings.LastIndexByte(arn, ':')+1:]
	m := inv.machines[name]
	if m == nil {
		return nil, sfnrt.NewError("StepFunctions.StateMachineDoesNotExistException", "State Machine Does Not Exist: '"+arn+"' (machines linked in: "+strings.Join(machineNames(inv.machines), ", ")+")")
	}
	var childInput any = sfnrt.NewObject(0)
	if in, ok := obj.Get("Input"); ok {
		if s, ok := in.(string); ok {
			v, err := sfnrt.ParseJSON([]byte(s))
			if err != nil {
				return nil, sfnrt.NewError("StepFunctions.InvalidExecutionInputException", "Invalid State Machine Execution Input: '"+err.Error()+"'")
			}
			in = v
		}
		childInput = in
	}
	opts := sfnrt.Options{}
	if n, ok := obj.Get("Name"); ok {
		opts.Name, _ = n.(string)
	}
	if parent := sfnrt.ExecutionOf(ctx); parent != nil {
		// The child runs in the parent's account and region, its Task
		// states answered as the parent's are.
		opts.Tasks = parent.Tasks()
		if p := strings.Split(parent.StateMachineID, ":"); len(p) > 4 {
			opts.Region, opts.Account = p[3], p[4]
		}
	}
	if opts.Name == "" {
		opts.Name = newUUID()
	}
	if r.Pattern == "" {
		// Request-response: the parent goes on while the child runs; a
		// program that exits ends the child with it.
		start := time.Now()
		opts.StartTime = start
		go m.Start(context.WithoutCancel(ctx), childInput, opts)
		return sfnrt.ObjectOf(
			sfnrt.Member{Key: "ExecutionArn", Value: executionArn(m, opts)},
			sfnrt.Member{Key: "StartDate", Value: start.UnixMilli()},
		), nil
	}
	res := m.Start(ctx, childInput, opts)
	if res.Status != sfnrt.StatusSucceeded && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out := syncResult(res, r.Pattern == ".sync:2")
	if res.Status != sfnrt.StatusSucceeded {
		return nil, sfnrt.NewError(sfnrt.ErrTaskFailed, sfnrt.ToJSON(out))
	}
	return out, nil
}

// executionArn is the ARN of the STANDARD execution opts names.
func executionArn(m *sfnrt.Machine, opts sfnrt.Options) string {
	region, account := opts.Region, opts.Account
	if region == "" {
		region = "us-east-1"
	}
	if account == "" {
		account = "123456789012"
	}
	return "arn:aws:states:" + region + ":" + account + ":execution:" + m.Name + ":" + opts.Name
}

// syncResult is the result of a startExecution.sync Task: the child's
// DescribeExecution as the AWS SDK for Java shows it, PascalCase members
// and dates in epoch milliseconds; its Output is the JSON text, or with
// .sync:2 (parsed) the JSON value itself.
func syncResult(res *sfnrt.Result, parsed bool) *sfnrt.Object {
	o := sfnrt.NewObject(12)
	if res.HasCause {
		o.Set("Cause", res.Cause)
	}
	if res.HasError {
		o.Set("Error", res.Error)
	}
	o.Set("ExecutionArn", res.ExecutionArn())
	o.Set("Input", inputText(res.Input, parsed))
	o.Set("InputDetails", sfnrt.ObjectOf(sfnrt.Member{Key: "Included", Value: true}))
	o.Set("Name", res.Name())
	if res.Status == sfnrt.StatusSucceeded {
		if parsed {
			o.Set("Output", res.Output)
		} else {
			o.Set("Output", sfnrt.ToJSON(res.Output))
		}
		o.Set("OutputDetails", sfnrt.ObjectOf(sfnrt.Member{Key: "Included", Value: true}))
	}
	o.Set("StartDate", res.StartDate.UnixMilli())
	o.Set("StateMachineArn", res.MachineArn())
	o.Set("Status", res.Status)
	if !res.StopDate.IsZero() {
		o.Set("StopDate", res.StopDate.UnixMilli())
	}
	return o
}

// inputText is the child's input in a .sync result: JSON text, or with
// .sync:2 the value.
func inputText(v any, parsed bool) any {
	if parsed {
		return v
	}
	return sfnrt.ToJSON(v)
}

// newUUID returns a random version 4 UUID, the default execution name.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func machineNames(m map[string]*sfnrt.Machine) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}
