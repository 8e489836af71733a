// Package integrations runs the Task states of a compiled state machine
// that call AWS services through Step Functions' service integrations,
// with aws-sdk-go-v2, and the HTTP Task and nested executions, so that a
// definition written for AWS runs unchanged: Parameters in AWS's casing,
// results and error names as Step Functions returns them.
//
// Built in:
//
//   - AWS SDK integrations arn:aws:states:::aws-sdk:SERVICE:ACTION for
//     s3, dynamodb, sqs, sns and eventbridge; any other service is one
//     line of Go away: Register("ec2", "Ec2", ec2.NewFromConfig);
//   - the optimized integrations dynamodb:getItem|putItem|updateItem|
//     deleteItem, sqs:sendMessage, sns:publish, events:putEvents, and
//     s3:getObject|putObject (the forms Distributed Map reads and writes);
//   - arn:aws:states:::http:invoke, with connections from a local file
//     (see Connections);
//   - arn:aws:states:::states:startExecution[.sync|.sync:2] between the
//     machines of Options.Machines.
//
// Resource ARNs may name a region and an account
// (arn:aws:states:eu-west-1:123456789012:aws-sdk:s3:getObject): the call
// goes to that region. Each service's endpoint comes from Options.Endpoints
// (--endpoint s3=http://127.0.0.1:7070 on the command line), else from the
// SDK's own configuration (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the
// shared config file), else AWS's regional endpoint.
//
// The sfnrt runtime stays free of the AWS SDK: it reaches this package
// through its TaskInvoker interface, and only programs whose machines use
// integrations link it.
package integrations

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Options configure an Invoker.
type Options struct {
	// Config is the AWS configuration of the SDK clients. Default: the
	// standard configuration chain (environment, shared files, IAM role)
	// with the SDK's retries turned off, so that the machine's Retry
	// fields decide as on AWS, and its log output off, so that nothing
	// but the machine's own output reaches stderr.
	Config *aws.Config
	// Endpoints maps a service, as resources name it (s3, dynamodb, sqs,
	// sns, events or eventbridge, or a registered one), to the base URL
	// its client calls, e.g. a local server's.
	Endpoints map[string]string
	// Connections resolve the Authentication.ConnectionArn of HTTP Tasks.
	Connections Connections
	// HTTPClient sends the requests of HTTP Tasks and OAuth token
	// requests. Default: a client with a 60-second timeout, AWS's. HTTP
	// Tasks' results name headers as the server wrote them where the
	// client's transport is net/http's (*http.Transport; see
	// http_headers.go), in net/http's canonical form otherwise.
	HTTPClient *http.Client
	// TraceHTTP, when set, gets each HTTP Task's request and the response
	// to it, as TestState's TRACE inspection data shows them (see
	// HTTPExchange); what the connection adds to the request (its
	// authorization, header, query and body parameters) is left out
	// unless TraceSecrets, as TestState's revealSecrets.
	TraceHTTP    func(HTTPExchange)
	TraceSecrets bool
	// Machines are the state machines that states:startExecution Tasks
	// may start, by name (the last part of a StateMachineArn).
	Machines map[string]*sfnrt.Machine
	// Next answers the Task states that are not integrations this
	// package runs. Default: they fail with States.Runtime, naming the
	// ways to bind them.
	Next sfnrt.TaskInvoker
}

// An Invoker is an sfnrt.TaskInvoker that runs service integrations.
type Invoker struct {
	cfg         aws.Config
	endpoints   map[string]string
	connections Connections
	httpClient  *http.Client
	taskClient  *http.Client // HTTP Tasks' (http_headers.go)
	machines    map[string]*sfnrt.Machine
	next        sfnrt.TaskInvoker

	traceHTTP    func(HTTPExchange)
	traceSecrets bool

	clients sync.Map // clientKey -> SDK client
	tokens  tokenCache
}

// clientKey identifies the client of a service in a region.
type clientKey struct{ service, region string }

// New returns an Invoker. Without o.Config it loads the default AWS
// configuration.
func New(ctx context.Context, o Options) (*Invoker, error) {
	inv := &Invoker{endpoints: o.Endpoints, connections: o.Connections, httpClient: o.HTTPClient, machines: o.Machines, next: o.Next,
		traceHTTP: o.TraceHTTP, traceSecrets: o.TraceSecrets}
	if o.Config != nil {
		inv.cfg = o.Config.Copy()
	} else {
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
			config.WithLogger(logging.Nop{}))
		if err != nil {
			return nil, fmt.Errorf("loading the AWS configuration: %w", err)
		}
		inv.cfg = cfg
	}
	inv.taskClient = newHTTPTaskClient(inv.httpClient)
	if inv.httpClient == nil {
		inv.httpClient = &http.Client{Timeout: httpTimeout}
	}
	for name := range o.Endpoints {
		if lookupService(name) == nil && name != "lambda" {
			return nil, fmt.Errorf("endpoint for unknown service %q: want lambda or one of %s", name, strings.Join(serviceNames(), ", "))
		}
	}
	return inv, nil
}

// InvokeTask runs the integration named by resource with the Task's
// effective parameters, input.
func (inv *Invoker) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	r, ok := ParseResource(resource)
	if !ok {
		return inv.pass(ctx, state, resource, input, attempt, "")
	}
	return inv.run(ctx, state, resource, r, input, attempt)
}

// run runs the integration r, whose ARN is resource.
func (inv *Invoker) run(ctx context.Context, state, resource string, r Resource, input any, attempt int) (any, error) {
	if r.Pattern == ".waitForTaskToken" {
		if r.Service == "http" {
			return inv.pass(ctx, state, resource, input, attempt, "the HTTP Task has no .waitForTaskToken pattern")
		}
		// The request (its Parameters carry $$.Task.Token) goes as in
		// request-response; the runtime then waits for SendTaskSuccess or
		// SendTaskFailure with that token, whose outcome is the Task's
		// result, not this response.
		r.Pattern = ""
		return inv.run(ctx, state, resource, r, input, attempt)
	}
	switch {
	case r.SDK:
		svc := lookupService(r.Service)
		if svc == nil {
			return inv.pass(ctx, state, resource, input, attempt,
				"the AWS SDK integration of service '"+r.Service+"' is not linked in: register its client in Go with integrations.Register(\""+r.Service+"\", ...), or")
		}
		return inv.callSDK(ctx, svc, r, input)
	case r.Service == "http" && r.Action == "invoke" && r.Pattern == "":
		return inv.httpInvoke(ctx, input)
	case r.Service == "states" && r.Action == "startExecution":
		return inv.startExecution(ctx, r, input)
	}
	if h := optimized[r.Service+":"+r.Action]; h != nil && r.Pattern == "" {
		return h(ctx, inv, r, input)
	}
	return inv.pass(ctx, state, resource, input, attempt, "")
}

// Runs reports whether an Invoker runs resource itself, rather than
// passing it on to Options.Next: an AWS SDK integration of a linked
// service, a built-in optimized integration, the HTTP Task, or a nested
// execution, with the .waitForTaskToken pattern where AWS offers it (the
// runtime waits for the token once the request is sent).
func Runs(resource string) bool {
	r, ok := ParseResource(resource)
	switch {
	case !ok:
		return false
	case r.SDK:
		return Linked(r.Service)
	case r.Service == "http" && r.Action == "invoke":
		return r.Pattern == ""
	case r.Service == "states" && r.Action == "startExecution":
		return true
	}
	return optimized[r.Service+":"+r.Action] != nil && (r.Pattern == "" || r.Pattern == ".waitForTaskToken")
}

// pass hands a Task this package does not run to the next invoker, or
// fails it with the ways to bind it.
func (inv *Invoker) pass(ctx context.Context, state, resource string, input any, attempt int, why string) (any, error) {
	if inv.next != nil {
		return inv.next.InvokeTask(ctx, state, resource, input, attempt)
	}
	return nil, Unbound(state, resource, why)
}

// Unbound is the error of a Task state that nothing runs: it names the
// ways to bind one. why, when set, says why the resource is not run,
// and leads into the list.
func Unbound(state, resource, why string) *sfnrt.Error {
	msg := "No handler is bound to Task state '" + state + "' (resource " + resource + "): "
	if why != "" {
		msg += why + " "
	}
	return sfnrt.NewError(sfnrt.ErrRuntime, msg+sfncli.BindingHelp)
}

// callSDK runs an AWS SDK integration: the client's method named by the
// action, on the parameters decoded into its input struct; the result is
// its output struct as JSON.
func (inv *Invoker) callSDK(ctx context.Context, svc *service, r Resource, input any) (any, error) {
	out, err := inv.call(ctx, svc, r, input)
	if err != nil {
		return nil, taskError(ctx, svc, false, err)
	}
	res, _, err := encode(out)
	if err != nil {
		return nil, taskError(ctx, svc, false, err)
	}
	return res, nil
}

// call calls the SDK operation of r's action and returns its output
// struct (a pointer). A panic in the SDK client (or in this package's
// reflection over it) fails the Task with States.Runtime rather than
// reaching the user.
func (inv *Invoker) call(ctx context.Context, svc *service, r Resource, input any) (out reflect.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = reflect.Value{}, sfnrt.NewError(sfnrt.ErrRuntime, fmt.Sprintf("The AWS SDK client of %s failed on action %s: %v", svc.name, r.Action, p))
		}
	}()
	client, err := inv.client(svc, r.Region)
	if err != nil {
		return reflect.Value{}, err
	}
	action := r.Action
	m := client.MethodByName(strings.ToUpper(action[:1]) + action[1:])
	if !isOperation(m) {
		return reflect.Value{}, sfnrt.NewError(sfnrt.ErrRuntime, "The API action '"+action+"' of service '"+svc.name+"' is not supported by the linked AWS SDK client")
	}
	mt := m.Type()
	in := reflect.New(mt.In(1).Elem())
	if input != nil {
		if _, ok := input.(*sfnrt.Object); !ok {
			return reflect.Value{}, &paramError{"", "the parameters must be a JSON object, got " + sfnrt.TypeName(input)}
		}
		if err := decode(input, in.Elem(), ""); err != nil {
			return reflect.Value{}, err
		}
	}
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e, _ := res[1].Interface().(error); e != nil {
		return reflect.Value{}, e
	}
	return res[0], nil
}

// isOperation reports whether m is an SDK operation method:
// func(context.Context, *XInput, ...func(*Options)) (*XOutput, error).
func isOperation(m reflect.Value) bool {
	if !m.IsValid() {
		return false
	}
	mt := m.Type()
	return mt.NumIn() >= 2 && mt.In(0) == contextType && mt.In(1).Kind() == reflect.Pointer && mt.In(1).Elem().Kind() == reflect.Struct &&
		mt.NumOut() == 2 && mt.Out(0).Kind() == reflect.Pointer && mt.Out(1) == errorType
}

var (
	contextType = reflect.TypeOf((*context.Context)(nil)).Elem()
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
)

// errNoRegion fails the calls of an Invoker that knows no region for them.
var errNoRegion = errors.New("Unable to find a region via the region provider chain: set AWS_REGION, a region in the AWS config file, a region in the resource ARN, or an endpoint")

// client returns the client of a service in a region ("" for the
// configured one), built on first use.
func (inv *Invoker) client(svc *service, region string) (reflect.Value, error) {
	key := clientKey{svc.name, region}
	if c, ok := inv.clients.Load(key); ok {
		return c.(reflect.Value), nil
	}
	cfg := inv.cfg.Copy()
	if region != "" {
		cfg.Region = region
	}
	endpoint := inv.endpoint(svc)
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	if cfg.Region == "" {
		if endpoint == "" && !hasEnvEndpoint(svc) {
			return reflect.Value{}, errNoRegion
		}
		cfg.Region = "us-east-1" // a local server does not care
	}
	c := reflect.ValueOf(svc.newClient(cfg))
	actual, _ := inv.clients.LoadOrStore(key, c)
	return actual.(reflect.Value), nil
}

// endpoint is the endpoint configured for a service in Options.Endpoints.
func (inv *Invoker) endpoint(svc *service) string {
	for _, name := range svc.names() {
		if e := inv.endpoints[name]; e != "" {
			return e
		}
	}
	return ""
}
