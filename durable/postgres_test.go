package durable

import (
	"testing"

	"github.com/sfn-compile/sfn-compile/internal/testservers"
)

// Three workers share a PostgreSQL store; one at a time is killed and
// restarted.
func TestChaosPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills worker processes for a while")
	}
	url := testservers.Postgres(t)
	executions, items, kills := chaosSize()
	chaos(t, url, executions, items, kills, 3)
}
