package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/codegen"
	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
)

// cmdRun compiles a definition, builds it (once per content: binaries
// are cached) and executes the binary with the flags given, which are
// those of every built binary (sfncli.MainArgs). The exit code is the
// binary's: 0 succeeded, 1 failed, 2 bad flag or input; 2 also for an
// invalid definition.
func cmdRun(e *env, args []string) int {
	fs := sfncli.NewFlagSet("sfn-compile run")
	addIntegrationFlags(fs)
	var with repeated
	fs.Var(&with, "with", "link the state machine of `DEFINITION` too, for states:startExecution Tasks to start by its name (repeatable)")
	addQuiet(e, fs)
	store := fs.String("store", "", "run the execution durably on the store `URL` (sqlite:PATH or postgres://...; see docs/durable.md)")
	fs.SetOutput(io.Discard)
	pos, code, ok := parseFlags(e, fs, synopsis("run"), args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageErrorf(e, "run", "want one DEFINITION, got %d arguments", len(pos))
	}
	typ := fs.Lookup("type").Value.String()
	t, ok := machineType(typ)
	if !ok {
		return usageErrorf(e, "run", "invalid --type %q: want STANDARD or EXPRESS", typ)
	}
	durable := *store != ""
	if durable {
		if t == "EXPRESS" {
			return usageErrorf(e, "run", "--store is for STANDARD machines: Express executions stay in memory, as on AWS")
		}
		var other []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "store", "input", "skip-waits", "describe", "map-runs", "type", "q":
			default:
				if !integrationFlags[f.Name] {
					other = append(other, "--"+f.Name)
				}
			}
		})
		if len(other) > 0 {
			return usageErrorf(e, "run", "with --store, %s do not apply (--input, --skip-waits, --describe, --map-runs and the integrations' flags do)", strings.Join(other, ", "))
		}
	}
	d, ok := compile(e, "run", pos[0], t, false)
	if !ok {
		return exitUsage
	}
	others, ok := compileWith(e, "run", with, t)
	if !ok {
		return exitUsage
	}
	p, err := newProgram(d, codegen.MainOptions{}, others...)
	if err == nil && durable {
		err = p.useDurable(d.machine, codegen.MainOptions{})
	}
	if err != nil {
		return failf(e, "run", "%v", err)
	}
	bin, err := p.cached(e)
	if err != nil {
		return failf(e, "run", "%v", err)
	}

	var forward []string
	fs.Visit(func(f *flag.Flag) {
		if durable {
			// durable.Main's run takes these, and the integrations'
			// flags when it links runtime/integrations (useDurable);
			// in memory, a binary without them is not given them either.
			switch f.Name {
			case "store", "input", "skip-waits", "describe", "map-runs":
			default:
				if !integrationFlags[f.Name] || !callsAWS(d.machine) && !usesObjectStore(d.machine) {
					return
				}
			}
		} else if f.Name == "q" || f.Name == "with" || !p.accepts(f.Name) {
			return
		}
		if r, ok := f.Value.(*repeated); ok {
			for _, v := range *r {
				forward = append(forward, "--"+f.Name+"="+v)
			}
			return
		}
		forward = append(forward, "--"+f.Name+"="+f.Value.String())
	})
	cmd := exec.Command(bin, forward...)
	crash := &crashWatch{w: e.stderr}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, crash
	// An interrupt reaches the binary too, which aborts the execution
	// and reports it: wait for that rather than die first.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	defer signal.Stop(interrupts)
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 2 && crash.crashed:
		// The Go runtime's exit code for a panic or fatal error is 2,
		// which would read as bad flags.
		fmt.Fprintf(e.stderr, "sfn-compile run: the binary of %s crashed: a bug in sfn-compile %s, please report it with the output above\n", d.display, version())
		return exitCrash
	case errors.As(err, &exitErr) && exitErr.ExitCode() > 0:
		return exitErr.ExitCode()
	case errors.As(err, &exitErr):
		// Killed by a signal (out of memory, kill -9): it ended
		// without an outcome, which no other code means.
		fmt.Fprintf(e.stderr, "sfn-compile run: the binary of %s was stopped: %v\n", d.display, err)
		return exitCrash
	}
	return failf(e, "run", "%v", err)
}

// crashWatch passes a binary's stderr on and notes whether it holds the
// report of a Go panic or fatal error: a line that starts with "panic: " or
// "fatal error: ", later followed by a line that starts with "goroutine ".
type crashWatch struct {
	w       io.Writer
	line    []byte // the current line's start, up to 16 bytes
	panic   bool   // a panic or fatal error line was seen
	crashed bool   // ... and a goroutine trace after it
}

func (c *crashWatch) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.endLine()
			c.line = c.line[:0]
			continue
		}
		if len(c.line) < 16 {
			c.line = append(c.line, b)
		}
	}
	return c.w.Write(p)
}

func (c *crashWatch) endLine() {
	l := string(c.line)
	switch {
	case strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: "):
		c.panic = true
	case c.panic && strings.HasPrefix(l, "goroutine "):
		c.crashed = true
	}
}

// cached returns the path of the program's binary in the cache, building
// it when it is not there.
func (p *program) cached(e *env) (string, error) {
	root, err := cacheRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "bin")
	bin := filepath.Join(dir, p.key()[:32])
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	now := time.Now()
	if _, err := os.Stat(bin); err == nil {
		os.Chtimes(bin, now, now) // keep it from being trimmed
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, filepath.Base(bin))
	// The binary runs here: build for this machine whatever GOOS and
	// GOARCH say.
	s := e.begin("building %s (first build of this definition; later runs are cached)...", p.name)
	err = p.build(out, []string{"GOOS=" + runtime.GOOS, "GOARCH=" + runtime.GOARCH})
	s.end(err)
	if err != nil {
		return "", err
	}
	if err := os.Rename(out, bin); err != nil {
		if _, statErr := os.Stat(bin); statErr == nil {
			return bin, nil // built at the same time by another run
		}
		return "", err
	}
	trimCache(dir, now)
	return bin, nil
}
