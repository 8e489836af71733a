package main

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	tests := []struct {
		name     string
		terminal bool
		quiet    bool
		delay    time.Duration
		err      error
		want     string // a regexp of the whole output
	}{
		{"slow step on a terminal", true, false, 0, nil, `^building x \(first build\)\.\.\. done in \d+\.\ds\n$`},
		{"slow step that fails", true, false, 0, errors.New("boom"), `^building x \(first build\)\.\.\. failed\n$`},
		{"quick step", true, false, time.Hour, nil, `^$`},
		{"-q", true, true, 0, nil, `^$`},
		{"not a terminal", false, false, 0, nil, `^$`},
	}
	for _, tt := range tests {
		progressDelay = tt.delay
		var b bytes.Buffer
		e := &env{quiet: tt.quiet}
		if tt.terminal {
			e.progress = &b
		}
		s := e.begin("building %s (first build)...", "x")
		if tt.delay == 0 && e.progress != nil && !e.quiet {
			waitShown(t, s)
		}
		s.end(tt.err)
		if !regexp.MustCompile(tt.want).Match(b.Bytes()) {
			t.Errorf("%s: got %q, want %s", tt.name, b.String(), tt.want)
		}
	}
}

// waitShown waits until the step's timer has printed its line.
func waitShown(t *testing.T, s *step) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		s.mu.Lock()
		shown := s.shown
		s.mu.Unlock()
		if shown {
			return
		}
	}
	t.Fatal("the progress line was not printed")
}
