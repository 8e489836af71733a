package server

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// dyingBuilder builds every revision into a program that says why it
// cannot run and exits: a worker that can never start.
type dyingBuilder struct{ path string }

func (b dyingBuilder) Build(context.Context, []byte, string) (string, error) { return b.path, nil }

// A revision whose workers keep dying refuses executions with their last
// words, rather than queueing them for a worker that never comes.
func TestFailingWorkersRefuseExecutions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the dying worker is a shell script")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "worker")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'cannot open the store: disk on fire' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DataDir: dir, Builder: dyingBuilder{bin}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	post(s, "AWSStepFunctions.CreateStateMachine", "", `{"name": "m", "roleArn": "arn:aws:iam::1:role/r", "definition": "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}"}`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, _, out := post(s, "AWSStepFunctions.StartExecution", "", `{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"}`)
		if status == 500 {
			if !strings.Contains(out, `"InternalFailure"`) || !strings.Contains(out, "disk on fire") {
				t.Errorf("answer: %s", out)
			}
			return
		}
		if status != 200 {
			t.Fatalf("status %d: %s", status, out)
		}
		if time.Now().After(deadline) {
			t.Fatal("executions still accepted after 30 s of dying workers")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
