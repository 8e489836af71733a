package main

import (
	"flag"
	"fmt"
	"io"
	"sync"
	"time"
)

// progressDelay is how long a step runs before it says what it is doing:
// quick steps stay silent.
var progressDelay = time.Second

// A step is a slow piece of work that reports itself on a terminal.
type step struct {
	mu      sync.Mutex
	w       io.Writer
	start   time.Time
	timer   *time.Timer
	running bool // begun on a terminal and not ended
	shown   bool // the line is printed
}

// begin starts a step that prints msg ("building order...") on the
// progress writer once it has taken progressDelay, unless -q. end then
// completes the line.
func (e *env) begin(format string, args ...any) *step {
	s := &step{w: e.progress, start: time.Now()}
	if e.progress == nil || e.quiet {
		return s
	}
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = true
	s.timer = time.AfterFunc(progressDelay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.running {
			fmt.Fprint(s.w, msg)
			s.shown = true
		}
	})
	return s
}

// end completes the step's line, if it was printed, with how it went.
func (s *step) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	s.timer.Stop()
	s.running = false
	if !s.shown {
		return
	}
	if err != nil {
		fmt.Fprintln(s.w, " failed")
		return
	}
	fmt.Fprintf(s.w, " done in %.1fs\n", time.Since(s.start).Seconds())
}

// addQuiet adds -q to a verb's flags.
func addQuiet(e *env, fs *flag.FlagSet) {
	fs.BoolVar(&e.quiet, "q", e.quiet, "print no progress lines (printed on a terminal for steps over a second)")
}
