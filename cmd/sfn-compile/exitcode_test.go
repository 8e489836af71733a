package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
)

// A panic in sfn-compile exits 4 with a report, not with the Go runtime's
// 2, which means an invalid definition.
func TestPanicExitsCrash(t *testing.T) {
	defer func(saved []verb) { verbs = saved }(verbs)
	verbs = append(verbs[:len(verbs):len(verbs)], verb{"boom", "", "panics", func(*env, []string) int { panic("kaboom") }})
	var stdout, stderr bytes.Buffer
	code := run([]string{"boom"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitCrash {
		t.Errorf("exit %d, want %d", code, exitCrash)
	}
	for _, want := range []string{`^sfn-compile: internal error: kaboom\n`, `\ngoroutine \d+`, `\nThis is a bug in sfn-compile \S+: please report it with the output above\.\n$`} {
		if !regexp.MustCompile(want).MatchString(stderr.String()) {
			t.Errorf("stderr does not match %s:\n%s", want, stderr.String())
		}
	}
}

// crashWatch tells a Go crash report from an execution's own errors.
func TestCrashWatch(t *testing.T) {
	tests := []struct {
		name, stderr string
		want         bool
	}{
		{"panic", "panic: runtime error: index out of range [3] with length 2\n\ngoroutine 1 [running]:\nmain.main()\n", true},
		{"fatal error", "fatal error: concurrent map writes\n\ngoroutine 7 [running]:\n", true},
		{"in pieces", "pan", true},
		{"failed execution", "States.TaskFailed: panic: not really\n", false},
		{"cause naming goroutines", "Boom: goroutine 5 [running]\n", false},
		{"panic line without trace", "panic: truncated\n", false},
	}
	for _, tt := range tests {
		c := &crashWatch{w: io.Discard}
		if tt.name == "in pieces" {
			for _, piece := range []string{"pan", "ic: x\n\ngorou", "tine 1 [running]:\n"} {
				c.Write([]byte(piece))
			}
		} else {
			c.Write([]byte(tt.stderr))
		}
		if c.crashed != tt.want {
			t.Errorf("%s: crashed %v, want %v", tt.name, c.crashed, tt.want)
		}
	}
}

// Every verb's help has an example, and writes its long flags with two
// dashes as the synopses and the README do.
func TestVerbHelp(t *testing.T) {
	oneDash := regexp.MustCompile(`(?m)^  -[a-z][a-z]`)
	for _, v := range verbs {
		for _, h := range []string{"-h", "--help"} {
			var stdout, stderr bytes.Buffer
			code := run([]string{v.name, h}, strings.NewReader(""), &stdout, &stderr)
			out := stdout.String()
			if code != exitOK || stderr.Len() != 0 {
				t.Errorf("%s %s: exit %d, stderr %q", v.name, h, code, stderr.String())
			}
			if !strings.HasPrefix(out, "usage: sfn-compile "+v.name) || !strings.Contains(out, "\nExample:\n\n\t") {
				t.Errorf("%s %s: no usage line or example:\n%s", v.name, h, out)
			}
			if oneDash.MatchString(out) {
				t.Errorf("%s %s: a long flag with one dash:\n%s", v.name, h, out)
			}
		}
	}
}

// FuzzCrashWatch: crashWatch passes the stream through unchanged and
// reaches the same verdict however the stream is cut into writes.
func FuzzCrashWatch(f *testing.F) {
	f.Add("panic: x\n\ngoroutine 1 [running]:\n", uint8(3))
	f.Add("fatal error: all goroutines are asleep\ngoroutine 1 [chan receive]:\n", uint8(1))
	f.Add("States.TaskFailed: panic: no\n", uint8(7))
	f.Fuzz(func(t *testing.T, stderr string, cut uint8) {
		var whole, pieces bytes.Buffer
		one := &crashWatch{w: &whole}
		one.Write([]byte(stderr))
		many := &crashWatch{w: &pieces}
		step := int(cut)%17 + 1
		for i := 0; i < len(stderr); i += step {
			many.Write([]byte(stderr[i:min(i+step, len(stderr))]))
		}
		if whole.String() != stderr || pieces.String() != stderr {
			t.Errorf("the stream changed on its way through")
		}
		if one.crashed != many.crashed {
			t.Errorf("crashed %v in one write, %v in writes of %d bytes", one.crashed, many.crashed, step)
		}
	})
}
