package server

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sfn-compile/sfn-compile/durable"
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

// askedBuilder builds every revision into bin and tells which
// definitions it was asked for.
type askedBuilder struct {
	bin   string
	asked chan string
}

func (b askedBuilder) Build(_ context.Context, def []byte, _ string) (string, error) {
	b.asked <- string(def)
	return b.bin, nil
}

// A data folder of a server from before the store kept revisions: its
// revisions.json goes into the store, and the revision with an execution
// queued gets its workers (its binary built) without any request.
func TestLegacyRevisionsGoToTheStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the worker is a shell script")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "worker")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec cat >/dev/null\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	const def = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`
	legacy := `[{"version": "rev-legacy", "machine": "m", "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
		"definition": ` + strconv.Quote(def) + `, "roleArn": "arn:aws:iam::1:role/r", "revisionId": "r1", "updated": "2026-01-02T03:04:05Z"}]`
	if err := os.WriteFile(filepath.Join(dir, legacyRevisionsFile), []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	store := "sqlite:" + filepath.Join(dir, "executions.db")
	c, err := durable.OpenClient(ctx, durable.ClientConfig{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Machine("m", "rev-legacy").StartExecution(ctx, "queued", `{}`); err != nil {
		t.Fatal(err)
	}
	b := askedBuilder{bin: bin, asked: make(chan string, 10)}
	s, err := New(Config{DataDir: dir, Builder: b})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	select {
	case got := <-b.asked:
		if got != def {
			t.Errorf("built %s, want the legacy revision's definition", got)
		}
	case <-ctx.Done():
		t.Fatal("the revision with a queued execution got no workers")
	}
	rec, ok, err := c.MachineVersion(ctx, "rev-legacy")
	if err != nil || !ok || !strings.Contains(string(rec), `"revisionId":"r1"`) {
		t.Errorf("the store's record: %s, %v, %v", rec, ok, err)
	}
}
