package server

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// A Builder builds the binary of a state machine revision: the command
// line supplies its build cache, so a definition already built (by run,
// or by an earlier server) is not built again.
type Builder interface {
	// Build returns the path of the binary of definition, compiled as
	// machineType (STANDARD or EXPRESS).
	Build(ctx context.Context, definition []byte, machineType string) (string, error)
}

// Config configures a Server.
type Config struct {
	// DataDir keeps the registry of state machines (one file of a fixed
	// name), so that a restart keeps them. "" keeps it in memory only.
	DataDir string
	// Builder builds each revision in the background; nil builds none.
	Builder Builder
	// Partition, Region and Account make up the ARNs the server hands
	// out; empty ones are those of Step Functions Local (aws, us-east-1,
	// 123456789012).
	Partition, Region, Account string
	// MockConfig is a Step Functions Local MockConfigFile: an execution
	// of "ARN#TestCase" answers Task states from that test case.
	MockConfig string
	// LambdaEndpoint is the base URL of the Lambda API that Task states
	// invoking Lambda call (Step Functions Local's LAMBDA_ENDPOINT); ""
	// leaves it to the AWS configuration of the server's environment.
	LambdaEndpoint string
	// Connections is a connections file (runtime/integrations'
	// Connections: EventBridge connections by ARN, as CreateConnection
	// takes them) for the HTTP Tasks of executions and TestState; ""
	// none, and HTTP Tasks fail with States.Runtime.
	Connections string
	// WaitTimeScale, when set, multiplies the time of Wait states and
	// retry back-offs (Step Functions Local's WAIT_TIME_SCALE: 0 ends
	// them at once); Task timeouts keep their time.
	WaitTimeScale *float64
	// Store is the durable store of Standard executions (sqlite:PATH or
	// postgres://...); "" is an SQLite file in DataDir (with neither, the
	// server keeps no Standard executions; see DefaultStore). Servers
	// sharing a PostgreSQL store share the work. GetActivityTask serves
	// the Activity Task states of its executions.
	Store string
	// Now is the clock of creation and update dates; nil: time.Now.
	Now func() time.Time
}

// A Server answers the Step Functions API. It is an http.Handler.
type Server struct {
	cfg     Config
	console http.Handler // the web console: requests that are not API calls

	mu  sync.Mutex // guards reg and the registry file
	reg *registry

	builds   *builds
	pools    *pools
	standard *standard     // Standard executions, on the durable store
	tasks    *tasks        // activity tasks (activities.go)
	async    chan struct{} // asynchronous Express executions running or waiting (express_async.go)
}

// New returns a server over the registry in cfg.DataDir (created when
// absent).
func New(cfg Config) (*Server, error) {
	if cfg.Partition == "" {
		cfg.Partition = "aws"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	reg, err := loadRegistry(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, reg: reg, builds: newBuilds(cfg.Builder), async: make(chan struct{}, maxAsyncExpress), pools: newPools(cfg.MockConfig, cfg.LambdaEndpoint, cfg.Connections, cfg.WaitTimeScale)}
	build := func(ctx context.Context, definition string) (string, error) {
		return s.builds.binary(ctx, definition, "STANDARD")
	}
	if s.standard, err = newStandard(cfg, s.pools.env, build); err != nil {
		return nil, err
	}
	s.tasks = &tasks{standard: s.standard}
	s.console = consoleHandler{s}
	for _, m := range reg.Machines {
		s.builds.start(m.Definition, m.Type)
	}
	// A restart loses no execution, nor does the death of another server
	// on the same store: the revisions that have executions running get
	// their workers (standard.go).
	s.standard.startAdopting()
	return s, nil
}

// Close ends the worker processes and waits for the builds under way.
func (s *Server) Close() {
	s.pools.close()
	s.standard.close()
	s.builds.wait()
}

// now returns the server's clock, to the millisecond as the API's dates.
func (s *Server) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }
