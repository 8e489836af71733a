package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/compiler"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/server"
)

const serveHelp = `Serves the AWS Step Functions API (the protocol of the AWS CLI, boto3
and the SDKs: point them at it with --endpoint-url) over compiled state
machines. Each definition is validated at CreateStateMachine and built
in the background into the build cache (see sfn-compile cache). State
machines, versions, aliases and tags are kept under --data, so that a
restart keeps them. Standard executions run durably on --store (by
default an SQLite file under --data): each revision's binary, built with
--durable, runs as a worker process on the store, so a restart loses no
execution and servers sharing a PostgreSQL store share the work (see
docs/durable.md). The server binds to loopback unless --addr says
otherwise; it accepts any request signature. Stops on SIGINT or SIGTERM.`

// cmdServe runs the API server until it is interrupted.
func cmdServe(e *env, args []string) int {
	fs := newFlags("serve")
	addr := fs.String("addr", "127.0.0.1:8083", "listen on `HOST:PORT` (port 0: a free one)")
	data := fs.String("data", defaultDataDir(), "keep the state machines in `DIR`; empty: in memory only")
	mock := fs.String("mock-config", os.Getenv("SFN_MOCK_CONFIG"), "Step Functions Local MockConfigFile `FILE` (default $SFN_MOCK_CONFIG): executions of\nSTATE_MACHINE_ARN#TestCase answer Task states from that test case")
	lambdaEndpoint := fs.String("lambda-endpoint", "", "base `URL` of the Lambda API for Task states that invoke Lambda (default: from the AWS configuration)")
	connections := fs.String("connections", "", "JSON `FILE` of the connections that HTTP Tasks name in Authentication.ConnectionArn, for\nexecutions and TestState (as run's --connections)")
	waitScale := fs.String("wait-time-scale", os.Getenv(sfncli.WaitTimeScaleEnv), "multiply the time of Wait states and retry back-offs by `SCALE` (default $WAIT_TIME_SCALE,\nas Step Functions Local: 0 ends them at once, 0.1 waits a tenth); Task timeouts keep their time")
	store := fs.String("store", "", "run Standard executions on the durable store `URL` (sqlite:PATH or postgres://...;\nGetActivityTask serves its Activity Task states; default: executions.db under --data, else $SFN_STORE or the user's state dir)")
	addrFile := fs.String("addr-file", "", "once listening, write the address to `FILE` (for scripts that start the server on port 0)")
	pos, code, ok := parseFlags(e, fs, synopsis("serve"), args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageErrorf(e, "serve", "unexpected argument %q", pos[0])
	}
	var scale *float64
	if *waitScale != "" {
		f, err := sfncli.ParseWaitTimeScale(*waitScale)
		if err != nil {
			return usageErrorf(e, "serve", "--wait-time-scale: %v", err)
		}
		scale = &f
	}
	if *mock != "" {
		abs, err := filepath.Abs(*mock)
		if err != nil {
			return usageErrorf(e, "serve", "--mock-config: %v", err)
		}
		if _, err := os.Stat(abs); err != nil {
			return usageErrorf(e, "serve", "--mock-config: %v", err)
		}
		*mock = abs
	}
	if *connections != "" {
		// Absolute: the binaries that read it run in other directories
		// (they check what it holds, as run's binaries do).
		abs, err := filepath.Abs(*connections)
		if err == nil {
			_, err = os.Stat(abs)
		}
		if err != nil {
			return usageErrorf(e, "serve", "--connections: %v", err)
		}
		*connections = abs
	}
	if *data == "" && *store == "" {
		// In memory: the executions still need a store.
		url, err := server.DefaultStore()
		if err != nil {
			return usageErrorf(e, "serve", "--store: %v", err)
		}
		*store = url
	}
	if err := server.CheckStore(*store); err != nil {
		return usageErrorf(e, "serve", "--store: %v", err)
	}
	s, err := server.New(server.Config{DataDir: *data, Store: *store, Builder: cacheBuilder{}, MockConfig: *mock, LambdaEndpoint: *lambdaEndpoint, Connections: *connections, WaitTimeScale: scale})
	if err != nil {
		return failf(e, "serve", "%v", err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageErrorf(e, "serve", "%v", err)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
		fmt.Fprintf(e.stderr, "sfn-compile serve: warning: listening on %s, beyond this machine: the API has no authentication\n", ln.Addr())
	}
	if *addrFile != "" {
		if err := writeAtomic(*addrFile, []byte(ln.Addr().String()+"\n")); err != nil {
			ln.Close()
			return failf(e, "serve", "%v", err)
		}
	}
	fmt.Fprintf(e.stderr, "sfn-compile serve: listening on http://%s (state machines in %s)\n", ln.Addr(), dataDisplay(*data))
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return failf(e, "serve", "%v", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return failf(e, "serve", "%v", err)
	}
	return exitOK
}

// defaultDataDir is where serve keeps its state machines by default:
// $XDG_DATA_HOME/sfn-compile, else ~/.local/share/sfn-compile.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sfn-compile")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "sfn-compile")
	}
	return ""
}

func dataDisplay(dir string) string {
	if dir == "" {
		return "memory only"
	}
	return dir
}

// cacheBuilder builds the revisions of serve as run builds definitions:
// into the build cache, once per content. STANDARD revisions are built
// durable (build --durable): the server runs them as workers on its
// store.
type cacheBuilder struct{}

func (cacheBuilder) Build(_ context.Context, src []byte, machineType string) (string, error) {
	m, diags := compiler.Compile(src, compiler.Options{Filename: "definition", Type: machineType})
	if m == nil {
		return "", fmt.Errorf("the definition does not compile: %v", diags)
	}
	p, err := newProgram(&definition{path: "machine.asl.json", src: src, machine: m}, codegen.MainOptions{})
	if err == nil && machineType == "STANDARD" {
		err = p.useDurable(m, codegen.MainOptions{})
	}
	if err != nil {
		return "", err
	}
	return p.cached(&env{quiet: true})
}
