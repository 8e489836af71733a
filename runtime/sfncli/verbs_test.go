package sfncli

import (
	"io"
	"strings"
	"testing"
)

// A binary built without --durable answers the durable verbs with how to
// get them.
func TestDurableVerbWithoutDurability(t *testing.T) {
	var stderr strings.Builder
	m := cliTestMachine()
	if code := MainArgs(m, []string{"start-execution", "--input", "{}"}, strings.NewReader(""), io.Discard, &stderr); code != cliExitUsage {
		t.Errorf("exit code %d, want %d", code, cliExitUsage)
	}
	if want := m.Name + ": start-execution needs durable executions: build the binary with sfn-compile build --durable (see docs/durable.md)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
