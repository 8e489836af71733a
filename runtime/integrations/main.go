package integrations

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/awslambda"
	"github.com/sfn-compile/sfn-compile/runtime/integrations/s3store"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// Main is the main function of a binary that sfn-compile build makes for a
// state machine whose Task states call AWS: sfncli.Main with Lambda
// invocations and the integrations of this package answering the Task
// states that --mock-config does not, and these flags:
//
//	--endpoint SERVICE=URL  the endpoint of a service (s3, dynamodb, sqs,
//	                        sns, events, lambda, ...); repeatable
//	--lambda-endpoint URL   the same as --endpoint lambda=URL
//	--connections FILE      the connections of HTTP Tasks (see Connections;
//	                        default $SFN_CONNECTIONS)
//	--http-trace FILE       write each HTTP Task's request and response to
//	                        FILE, a JSON line each (see HTTPExchange): the
//	                        way sfn-compile serve's TestState gets them for
//	                        its TRACE inspection level
//	--http-trace-reveal-secrets
//	                        keep in them what the connection adds
//	                        (TestState's revealSecrets)
//
// Credentials and region come from the standard AWS configuration chain.
// machines are the other state machines linked in, which
// states:startExecution Tasks may start by name.
func Main(m *sfnrt.Machine, machines ...*sfnrt.Machine) {
	sfncli.MainWith(m, MainOptions(append([]*sfnrt.Machine{m}, machines...)...))
}

// ConnectionsEnv names the environment variable that gives --connections
// its default.
const ConnectionsEnv = "SFN_CONNECTIONS"

// MainOptions returns the sfncli.MainOptions of Main, for programs that
// run sfncli.MainArgsWith themselves.
func MainOptions(machines ...*sfnrt.Machine) sfncli.MainOptions {
	return mainOptions(false, machines)
}

// ObjectsMainOptions is MainOptions for a program whose Distributed Maps
// read items from or write results to Amazon S3: its ObjectStore
// (runtime/integrations/s3store) calls the same endpoint as the S3 Tasks,
// --endpoint s3=URL when given, else the AWS configuration's.
func ObjectsMainOptions(machines ...*sfnrt.Machine) sfncli.MainOptions {
	return mainOptions(true, machines)
}

func mainOptions(objects bool, machines []*sfnrt.Machine) sfncli.MainOptions {
	endpoints := endpointFlag{}
	var lambdaEndpoint, connections, httpTrace string
	var traceSecrets bool
	o := sfncli.MainOptions{
		Flags: func(fs *flag.FlagSet) {
			fs.Var(endpoints, "endpoint", "`SERVICE=URL`: the endpoint of a service's API, e.g. s3=http://127.0.0.1:7070 (repeatable; default: from the AWS configuration, e.g. AWS_ENDPOINT_URL_S3)")
			sfncli.URLVar(fs, &lambdaEndpoint, "lambda-endpoint", "base `URL` of the Lambda API for Task states that invoke Lambda (the same as --endpoint lambda=URL)")
			// The environment's default lets a server hand the file to
			// every binary it runs, whether or not it has the flag.
			fs.StringVar(&connections, "connections", os.Getenv(ConnectionsEnv), "JSON `FILE` of the connections that HTTP Tasks name in Authentication.ConnectionArn (default $"+ConnectionsEnv+")")
			fs.StringVar(&httpTrace, "http-trace", "", "write each HTTP Task's request and response to `FILE`, a JSON line each, as TestState's TRACE\ninspection data shows them; what the connection adds is left out unless --http-trace-reveal-secrets")
			fs.BoolVar(&traceSecrets, "http-trace-reveal-secrets", false, "keep in --http-trace what the connection adds to requests: its authorization, headers, query and body parameters")
		},
		Tasks: func(ctx context.Context) (sfnrt.TaskInvoker, error) {
			o := Options{Endpoints: map[string]string{}, Machines: map[string]*sfnrt.Machine{}}
			for k, v := range endpoints {
				o.Endpoints[k] = v
			}
			if lambdaEndpoint != "" {
				o.Endpoints["lambda"] = lambdaEndpoint
			}
			for _, m := range machines {
				o.Machines[m.Name] = m
			}
			if connections != "" {
				data, err := os.ReadFile(connections)
				if err != nil {
					return nil, fmt.Errorf("--connections: %w", err)
				}
				if o.Connections, err = ParseConnections(data); err != nil {
					return nil, fmt.Errorf("--connections: %w", err)
				}
			}
			if traceSecrets && httpTrace == "" {
				return nil, fmt.Errorf("--http-trace-reveal-secrets: give --http-trace FILE too")
			}
			if httpTrace != "" {
				trace, err := HTTPTraceFile(httpTrace)
				if err != nil {
					return nil, fmt.Errorf("--http-trace: %w", err)
				}
				o.TraceHTTP, o.TraceSecrets = trace, traceSecrets
			}
			return NewTasks(ctx, o)
		},
	}
	if objects {
		o.Objects = func(ctx context.Context) (sfnrt.ObjectStore, error) {
			store, err := s3store.New(ctx, s3store.Options{Endpoint: endpoints["s3"]})
			if err != nil {
				return nil, err
			}
			return store, nil
		}
	}
	return o
}

// NewTasks returns the TaskInvoker of a program whose Task states call
// AWS: Lambda invocations (runtime/awslambda, its endpoint
// o.Endpoints["lambda"]) and, for every other resource, an Invoker of o.
func NewTasks(ctx context.Context, o Options) (sfnrt.TaskInvoker, error) {
	inv, err := New(ctx, o)
	if err != nil {
		return nil, err
	}
	// Lambda first: it answers function ARNs and lambda:invoke, and
	// hands everything else to the integrations.
	return awslambda.New(ctx, awslambda.Options{Endpoint: o.Endpoints["lambda"], Next: inv})
}

// endpointFlag collects --endpoint SERVICE=URL flags.
type endpointFlag map[string]string

func (e endpointFlag) String() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k+"="+e[k])
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (e endpointFlag) Set(s string) error {
	service, url, ok := strings.Cut(s, "=")
	if !ok || service == "" || url == "" {
		return fmt.Errorf("want SERVICE=URL, got %q", s)
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("the endpoint of %s must be an http or https URL, got %q", service, url)
	}
	e[service] = url
	return nil
}
