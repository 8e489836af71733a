package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// A poolCtx ends when cancelled or when its parent ends, through Done,
// Err and the contexts derived from it.
func TestPoolCtx(t *testing.T) {
	t.Run("cancel", func(t *testing.T) {
		c := &poolCtx{parent: context.Background()}
		if c.Err() != nil {
			t.Fatal("ended before cancel")
		}
		child, stop := context.WithTimeout(c, time.Hour)
		defer stop()
		done := c.Done()
		c.cancel(&errCanceled)
		second := errors.New("second")
		c.cancel(&second) // no effect
		waitDone(t, done, "Done")
		waitDone(t, child.Done(), "a derived context's Done")
		if !errors.Is(c.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
			t.Errorf("Err = %v, derived %v; want context.Canceled", c.Err(), child.Err())
		}
	})
	t.Run("parent", func(t *testing.T) {
		parent, cancelParent := context.WithCancel(context.Background())
		c := &poolCtx{parent: parent}
		defer c.release()
		child, stop := context.WithCancel(c)
		defer stop()
		cancelParent()
		waitDone(t, c.Done(), "Done")
		waitDone(t, child.Done(), "a derived context's Done")
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err = %v", c.Err())
		}
	})
	t.Run("parent deadline before Done", func(t *testing.T) {
		parent, stopParent := context.WithTimeout(context.Background(), time.Millisecond)
		defer stopParent()
		c := &poolCtx{parent: parent}
		defer c.release()
		// Wait for the parent itself to end rather than for a time that
		// a loaded machine may not give its timer.
		<-parent.Done()
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err = %v, want the parent's", c.Err())
		}
		waitDone(t, c.Done(), "Done made after the parent ended")
	})
	t.Run("after func stop", func(t *testing.T) {
		c := &poolCtx{parent: context.Background()}
		ran := make(chan struct{})
		stop := c.AfterFunc(func() { close(ran) })
		if !stop() {
			t.Error("stop did not find the callback")
		}
		c.cancel(&errCanceled)
		select {
		case <-ran:
			t.Error("a stopped callback ran")
		case <-time.After(10 * time.Millisecond):
		}
	})
	t.Run("released unwatched", func(t *testing.T) {
		// release without the lock: what asks later still sees the end.
		c := &poolCtx{parent: context.Background()}
		c.release()
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err = %v, want context.Canceled", c.Err())
		}
		waitDone(t, c.Done(), "Done made after release")
		ran := make(chan struct{})
		c.AfterFunc(func() { close(ran) })
		waitDone(t, ran, "an AfterFunc registered after release")
	})
	t.Run("released watched", func(t *testing.T) {
		c := &poolCtx{parent: context.Background()}
		done := c.Done()
		ran := make(chan struct{})
		c.AfterFunc(func() { close(ran) })
		c.release()
		waitDone(t, done, "Done made before release")
		waitDone(t, ran, "an AfterFunc registered before release")
		c.cancel(&errCanceled) // no second close
	})
}

// Done (with AfterFunc) racing release: whichever comes first, the
// channel is closed once and every callback runs. Run with -race.
func TestPoolCtxReleaseRacesDone(t *testing.T) {
	for range 5000 {
		c := &poolCtx{parent: context.Background()}
		ran := make(chan struct{})
		got := make(chan (<-chan struct{}), 1)
		var ready sync.WaitGroup
		ready.Add(2)
		go func() {
			ready.Done()
			ready.Wait() // both sides start together
			c.AfterFunc(func() { close(ran) })
			got <- c.Done()
		}()
		ready.Done()
		ready.Wait()
		c.release()
		waitDone(t, <-got, "Done")
		waitDone(t, ran, "AfterFunc")
	}
}

func waitDone(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s not closed", what)
	}
}
