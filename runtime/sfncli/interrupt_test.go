package sfncli

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"testing"
	"time"
)

// TestInterruptContext: an interrupt, once the grace has passed, cancels
// the context with the cause signal.NotifyContext gives; the release
// cancels it too.
func TestInterruptContext(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no interrupt can be sent to a process on Windows")
	}
	// Our own handler keeps the test process alive whichever interrupt
	// comes before interruptContext installs its own.
	own := make(chan os.Signal, 16)
	signal.Notify(own, os.Interrupt)
	defer signal.Stop(own)
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}

	ctx, release := interruptContext(time.Millisecond)
	defer release()
	deadline := time.After(10 * time.Second)
	for ctx.Err() == nil {
		self.Signal(os.Interrupt)
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatal("an interrupt did not cancel the context")
		}
	}
	if got, want := context.Cause(ctx).Error(), "interrupt signal received"; got != want {
		t.Errorf("cause %q, want %q", got, want)
	}

	ctx, release = interruptContext(time.Hour)
	release()
	if ctx.Err() == nil {
		t.Error("release did not cancel the context")
	}
}
