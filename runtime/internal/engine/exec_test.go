package engine

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSetPath(t *testing.T) {
	in := MustParseJSON(`{"a":{"b":1},"list":[{"x":1}],"s":"str"}`)
	tests := []struct {
		steps []any
		want  string
		ok    bool
	}{
		{[]any{"c"}, `{"a":{"b":1},"list":[{"x":1}],"s":"str","c":"V"}`, true},
		{[]any{"a", "b"}, `{"a":{"b":"V"},"list":[{"x":1}],"s":"str"}`, true},
		{[]any{"new", "deep"}, `{"a":{"b":1},"list":[{"x":1}],"s":"str","new":{"deep":"V"}}`, true},
		{[]any{"list", 0, "y"}, `{"a":{"b":1},"list":[{"x":1,"y":"V"}],"s":"str"}`, true},
		{[]any{"s", "x"}, ``, false},
		{[]any{"list", 5}, ``, false},
	}
	before := ToJSON(in)
	for _, tt := range tests {
		got, ok := SetPath(in, "V", tt.steps...)
		if ok != tt.ok {
			t.Errorf("SetPath(%v) ok = %v, want %v", tt.steps, ok, tt.ok)
			continue
		}
		if ok && ToJSON(got) != tt.want {
			t.Errorf("SetPath(%v) = %s, want %s", tt.steps, ToJSON(got), tt.want)
		}
	}
	if ToJSON(in) != before {
		t.Errorf("SetPath modified its input: %s", ToJSON(in))
	}
}

// Retry delays are IntervalSeconds × BackoffRate^n capped by
// MaxDelaySeconds; FULL jitter stays inside [0, delay].
func TestRetryDelays(t *testing.T) {
	r := Retrier{ErrorEquals: []string{ErrALL}, IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 3, MaxDelaySeconds: 30}
	var got []time.Duration
	for n := 1; n <= 5; n++ {
		got = append(got, r.Delay(n))
	}
	want := []time.Duration{2 * time.Second, 6 * time.Second, 18 * time.Second, 30 * time.Second, 30 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}

	for _, jitter := range []bool{false, true} {
		clock := NewFakeClock(time.Unix(0, 0))
		x := &Execution{Clock: clock}
		x.Seed(1)
		f := &Frame{X: x}
		r := []Retrier{{ErrorEquals: []string{"Boom"}, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterFull: jitter}}
		var at []time.Duration
		_, err := f.Retry(context.Background(), r, func(ctx context.Context) (any, error) {
			at = append(at, clock.Now().Sub(time.Unix(0, 0)))
			return nil, NewError("Boom", "")
		})
		if AsError(err).Name != "Boom" || len(at) != 4 {
			t.Fatalf("jitter=%v: err %v after %d attempts, want Boom after 4", jitter, err, len(at))
		}
		for i := 1; i < len(at); i++ {
			gap, max := at[i]-at[i-1], r[0].Delay(i)
			if !jitter && gap != max || gap < 0 || gap > max {
				t.Errorf("jitter=%v: wait before retry %d = %v, want %s", jitter, i, gap, map[bool]string{false: max.String(), true: "within [0, " + max.String() + "]"}[jitter])
			}
		}
		if f.retryCount != 3 {
			t.Errorf("RetryCount = %d, want 3", f.retryCount)
		}
	}
}

// Each retrier counts its own attempts; the first matching retrier
// decides, and MaxAttempts 0 means that error is not retried at all.
func TestRetryPerRetrier(t *testing.T) {
	x := &Execution{Clock: NewFakeClock(time.Unix(0, 0))}
	f := &Frame{X: x}
	errs := []string{"A", "B", "A", "B", "B", "C"}
	i := 0
	r := []Retrier{
		{ErrorEquals: []string{"A", "B"}, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1},
		{ErrorEquals: []string{"C"}, IntervalSeconds: 1, MaxAttempts: 0, BackoffRate: 1},
		{ErrorEquals: []string{ErrALL}, IntervalSeconds: 1, MaxAttempts: 10, BackoffRate: 1},
	}
	_, err := f.Retry(context.Background(), r, func(ctx context.Context) (any, error) {
		e := errs[i]
		i++
		return nil, NewError(e, "")
	})
	// A,B,A use the first retrier's 3 attempts; the 4th error (B) exhausts it.
	if got := AsError(err).Name; got != "B" || i != 4 {
		t.Errorf("ended with %s after %d calls, want B after 4", got, i)
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		equals []string
		name   string
		want   bool
	}{
		{[]string{ErrALL}, "Custom", true},
		{[]string{ErrALL}, ErrRuntime, false},
		{[]string{ErrRuntime}, ErrRuntime, false},
		{[]string{ErrTaskFailed}, "Custom", true},
		{[]string{ErrTaskFailed}, ErrTimeout, false},
		{[]string{"A", "B"}, "B", true},
		{[]string{"A"}, "B", false},
	}
	for _, tt := range tests {
		if got := Matches(tt.equals, tt.name); got != tt.want {
			t.Errorf("Matches(%v, %q) = %v, want %v", tt.equals, tt.name, got, tt.want)
		}
	}
}

// runAll never runs more than limit jobs at once, keeps results in order,
// and leaves no goroutine behind after a failure.
func TestRunAllBoundedAndClean(t *testing.T) {
	before := runtime.NumGoroutine()
	var running, peak atomic.Int64
	out, err := runAll(context.Background(), 200, 7, func(ctx context.Context, i int) (any, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(100 * time.Microsecond)
		running.Add(-1)
		return int64(i), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 7 || p < 2 {
		t.Errorf("peak concurrency %d, want 2..7", p)
	}
	for i, v := range out {
		if v != int64(i) {
			t.Fatalf("result %d = %v: order not kept", i, v)
		}
	}
	_, err = runAll(context.Background(), 1000, 10, func(ctx context.Context, i int) (any, error) {
		if i == 3 {
			return nil, NewError("Boom", "")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
			return nil, nil
		}
	})
	if AsError(err).Name != "Boom" {
		t.Errorf("err = %v, want Boom", err)
	}
	// A worker may still be between its wg.Done and its exit.
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines: %d before, %d after", before, after)
	}
}

// A fake clock lets a machine-level timeout fire during a long sleep
// without waiting in real time.
func TestFakeClockTimeout(t *testing.T) {
	c := NewFakeClock(time.Unix(0, 0))
	ctx, cancel := c.WithTimeout(context.Background(), 5*time.Second, NewError(ErrTimeout, ""))
	defer cancel()
	start := time.Now()
	if err := c.Sleep(ctx, time.Hour); err == nil {
		t.Fatal("sleep past the deadline did not fail")
	}
	if got := c.Now().Sub(time.Unix(0, 0)); got != 5*time.Second {
		t.Errorf("clock stopped at %v, want 5s", got)
	}
	if e, ok := context.Cause(ctx).(*Error); !ok || e.Name != ErrTimeout {
		t.Errorf("cause = %v", context.Cause(ctx))
	}
	if time.Since(start) > time.Second {
		t.Error("fake sleep took real time")
	}
}

func TestFloatFormat(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 1.5: "1.5", 0.001: "0.001", 1e7: "1.0E7", 1.25e-5: "1.25E-5", -2.5: "-2.5"} {
		if got := ToJSON(f); got != want {
			t.Errorf("ToJSON(%v) = %s, want %s", f, got, want)
		}
	}
}

// A state output over the payload limit fails the execution with
// States.DataLimitExceeded; a negative limit lifts it.
func TestPayloadLimit(t *testing.T) {
	big := make([]any, 0, 3000)
	for i := 0; i < 3000; i++ {
		big = append(big, "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")
	}
	m := &Machine{Name: "m", Program: &Program{
		States: []StateInfo{{Name: "Big", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			return End, big, nil
		},
	}}
	res := m.Start(context.Background(), nil, Options{})
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded {
		t.Errorf("default limit: %s %s: %s", res.Status, res.Error, res.Cause)
	}
	res = m.Start(context.Background(), nil, Options{PayloadLimit: -1})
	if res.Status != StatusSucceeded {
		t.Errorf("no limit: %s %s: %s", res.Status, res.Error, res.Cause)
	}
	for _, v := range []any{nil, true, int64(-12345), 1.5, "a\"b\n\u00e9\x01", big[:3], ObjectOf(Member{"k", []any{int64(1), nil}})} {
		if got, want := jsonSize(v, 1<<30), len(AppendJSON(nil, v)); got != want {
			t.Errorf("jsonSize(%s) = %d, want %d", ToJSON(v), got, want)
		}
	}
}

// A Task with HeartbeatSeconds fails with States.HeartbeatTimeout when its
// handler goes quiet for longer, and succeeds while it keeps beating.
func TestHeartbeat(t *testing.T) {
	run := func(beat bool) error {
		clock := NewFakeClock(time.Unix(0, 0))
		f := &Frame{X: &Execution{Clock: clock}, State: "T"}
		_, err := f.RunTask(context.Background(), "arn:aws:states:::lambda:invoke", 0, 5, nil, func(ctx context.Context, in any) (any, error) {
			for i := 0; i < 4; i++ {
				clock.Advance(3 * time.Second) // 12 s of work in all
				if beat {
					Heartbeat(ctx)
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
			}
			return "done", nil
		})
		return err
	}
	if err := run(true); err != nil {
		t.Errorf("beating handler failed: %v", err)
	}
	if err := run(false); AsError(err).Name != ErrHeartbeatTimeout {
		t.Errorf("quiet handler: err = %v, want %s", err, ErrHeartbeatTimeout)
	}
}

// echoProgram is a one-state machine that returns its input, recording
// the peak number of goroutines it saw.
func echoProgram(peak *atomic.Int64) *Program {
	return &Program{
		States: []StateInfo{{Name: "Echo", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if n := int64(runtime.NumGoroutine()); n > peak.Load() {
				peak.Store(n)
			}
			return End, in, nil
		},
	}
}

// A 100,000-item Map runs on a bounded pool: goroutines stay bounded by
// the worker count, not by the items, and results keep item order.
func TestMapManyItemsBoundedGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	items := make([]any, 100000)
	for i := range items {
		items[i] = int64(i)
	}
	var peak atomic.Int64
	x := &Execution{Clock: RealClock{}}
	f := &Frame{X: x, Vars: NewScope(nil), State: "Map"}
	out, err := f.Map(context.Background(), items, MapConfig{}, nil, echoProgram(&peak))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(items) || out[99999] != int64(99999) {
		t.Fatalf("wrong results: %d items", len(out))
	}
	if p := peak.Load(); p > int64(before+DefaultMapWorkers+4) {
		t.Errorf("peak goroutines %d with %d before: not bounded by the %d workers", p, before, DefaultMapWorkers)
	}
}

// Cancelling or timing out an execution stops every branch and iteration:
// no goroutine is left behind.
func TestNoGoroutinesLeftAfterCancel(t *testing.T) {
	blocking := &Program{
		States: []StateInfo{{Name: "Block", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			<-ctx.Done()
			return 0, nil, ctx.Err()
		},
	}
	par := &Program{
		States: []StateInfo{{Name: "P", Kind: "Parallel"}, {Name: "M", Kind: "Map"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if state == 0 {
				out, err := f.Parallel(ctx, in, []*Program{blocking, blocking, blocking})
				return 1, out, err
			}
			out, err := f.Map(ctx, []any{int64(1), int64(2), int64(3)}, MapConfig{MaxConcurrency: 2}, nil, blocking)
			return End, out, err
		},
	}
	before := runtime.NumGoroutine()
	m := &Machine{Name: "m", Program: par}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if res := m.Start(ctx, nil, Options{}); res.Status != StatusFailed && res.Status != StatusAborted {
		t.Errorf("status %s", res.Status)
	}
	m.TimeoutSeconds = 1
	if res := m.Start(context.Background(), nil, Options{}); res.Status != StatusTimedOut {
		t.Errorf("machine TimeoutSeconds: status %s, want TIMED_OUT", res.Status)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines: %d before, %d after", before, after)
	}
}

// A Map with MaxConcurrency N never runs more than N iterations at once.
func TestMapMaxConcurrency(t *testing.T) {
	for _, n := range []int{1, 3, 7} {
		var running, peak atomic.Int64
		proc := &Program{
			States: []StateInfo{{Name: "Work", Kind: "Pass"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				now := running.Add(1)
				for {
					p := peak.Load()
					if now <= p || peak.CompareAndSwap(p, now) {
						break
					}
				}
				time.Sleep(200 * time.Microsecond)
				running.Add(-1)
				return End, in, nil
			},
		}
		items := make([]any, 60)
		for i := range items {
			items[i] = int64(i)
		}
		f := &Frame{X: &Execution{Clock: RealClock{}}, Vars: NewScope(nil), State: "Map"}
		out, err := f.Map(context.Background(), items, MapConfig{MaxConcurrency: n}, nil, proc)
		if err != nil || len(out) != len(items) {
			t.Fatalf("MaxConcurrency %d: %v, %d results", n, err, len(out))
		}
		if p := peak.Load(); p > int64(n) {
			t.Errorf("MaxConcurrency %d: %d iterations ran at once", n, p)
		}
	}
}

// An execution stopped at a state boundary resumes from its checkpoint,
// even after the checkpoint went through JSON (as a durable store would
// keep it), and ends as the uninterrupted run does.
func TestCheckpointResume(t *testing.T) {
	prog := &Program{
		States:  []StateInfo{{Name: "S0", Kind: "Pass"}, {Name: "S1", Kind: "Pass"}, {Name: "S2", Kind: "Pass"}},
		Assigns: true,
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			switch state {
			case 0:
				f.Assign(ObjectOf(Member{"k", int64(5)}))
				return 1, ObjectOf(Member{"v", int64(1)}), nil
			case 1:
				k, _ := f.Vars.Get("k")
				v, _ := Field(in, "v")
				return 2, ObjectOf(Member{"v", v.(int64) + k.(int64)}, Member{"name", f.X.Name()}), nil
			}
			return End, in, nil
		},
	}
	m := &Machine{Name: "m", Program: prog}
	want := m.Start(context.Background(), ObjectOf(), Options{Name: "run-1"})
	if want.Status != StatusSucceeded {
		t.Fatalf("uninterrupted: %s %s", want.Status, want.Cause)
	}
	var saved []byte
	stopped := m.Start(context.Background(), ObjectOf(), Options{Name: "run-1", BeforeState: func(cp Checkpoint) error {
		if cp.State == "S1" {
			saved = AppendJSON(nil, ObjectOf(Member{"state", cp.State}, Member{"input", cp.Input}, Member{"vars", cp.Vars}))
			return NewError("Suspended", "checkpoint saved")
		}
		return nil
	}})
	if stopped.Status != StatusAborted || saved == nil {
		t.Fatalf("stop at S1: status %s, checkpoint %s", stopped.Status, saved)
	}
	doc := MustParseJSON(string(saved))
	state, _ := Field(doc, "state")
	input, _ := Field(doc, "input")
	vars, _ := Field(doc, "vars")
	got := m.Resume(context.Background(), Checkpoint{State: state.(string), Input: input, Vars: vars.(*Object)}, ObjectOf(), Options{Name: "run-1"})
	if got.Status != StatusSucceeded || ToJSON(got.Output) != ToJSON(want.Output) {
		t.Errorf("resumed: %s %s, output %s; want %s", got.Status, got.Cause, ToJSON(got.Output), ToJSON(want.Output))
	}
}

// Inline branches run one after another on the calling goroutine, give
// their results in branch order, and the first failure ends the Parallel.
func TestParallelInline(t *testing.T) {
	var order []string // written without a lock: a race here is a bug
	branch := func(name string, fail bool) *Program {
		return &Program{
			States: []StateInfo{{Name: name, Kind: "Pass"}},
			Inline: true,
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				order = append(order, name)
				if fail {
					return 0, nil, NewError("Boom", name)
				}
				return End, name, nil
			},
		}
	}
	run := func(branches ...*Program) (any, error) {
		order = nil
		x := (&Machine{Name: "m", Program: &Program{States: []StateInfo{{Name: "P", Kind: "Parallel"}}}}).NewExecution(nil, Options{})
		return (&Frame{X: x, Vars: NewScope(nil)}).Parallel(context.Background(), nil, branches)
	}
	out, err := run(branch("a", false), branch("b", false), branch("c", false))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"a", "b", "c"}, out); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	_, err = run(branch("a", false), branch("b", true), branch("c", false))
	if e := AsError(err); e == nil || e.Name != "Boom" || e.Cause != "b" {
		t.Errorf("error %v, want Boom: b", err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, order); diff != "" {
		t.Errorf("branches run (-want +got):\n%s", diff)
	}
}

// Executions take their ARNs from the machine's name, account and region,
// also after a copy of the machine is renamed.
func TestExecutionArns(t *testing.T) {
	m := &Machine{Name: "m", Program: &Program{}}
	x := m.NewExecution(nil, Options{Name: "e"})
	if x.StateMachineID != "arn:aws:states:us-east-1:123456789012:stateMachine:m" ||
		x.ID() != "arn:aws:states:us-east-1:123456789012:execution:m:e" ||
		x.RoleArn != "arn:aws:iam::123456789012:role/StepFunctionsRole" {
		t.Errorf("ARNs %s %s %s", x.StateMachineID, x.ID(), x.RoleArn)
	}
	x = m.NewExecution(nil, Options{Name: "e", Account: "111111111111", Region: "eu-west-1", Type: "EXPRESS"})
	if !strings.HasPrefix(x.ID(), "arn:aws:states:eu-west-1:111111111111:express:m:e:") || x.RoleArn != "arn:aws:iam::111111111111:role/StepFunctionsRole" {
		t.Errorf("ARNs %s %s", x.ID(), x.RoleArn)
	}
	c := *m
	c.Name = "copy"
	if x := c.NewExecution(nil, Options{Name: "e", Account: "111111111111", Region: "eu-west-1"}); x.StateMachineID != "arn:aws:states:eu-west-1:111111111111:stateMachine:copy" {
		t.Errorf("renamed copy: %s", x.StateMachineID)
	}
}

// A Task whose resource is a Lambda function ARN records LambdaFunction*
// events, as AWS does; other resources record Task* events.
func TestTaskHistoryEvents(t *testing.T) {
	run := func(resource string, fail bool) string {
		p := &Program{
			States: []StateInfo{{Name: "T", Kind: "Task"}},
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				out, err := f.RunTask(ctx, resource, 3, 0, in, func(ctx context.Context, in any) (any, error) {
					if fail {
						return nil, NewError("E", "c")
					}
					return int64(1), nil
				})
				return End, out, err
			},
		}
		res := (&Machine{Name: "m", Program: p}).Start(context.Background(), ObjectOf(), Options{History: true})
		var b strings.Builder
		for _, e := range res.History {
			b.WriteString(e.Type)
			if e.Details != nil {
				b.WriteString(string(AppendJSON(nil, e.Details)))
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:f:live"
	want := `ExecutionStarted{"input":"{}","inputDetails":{"truncated":false},"roleArn":"arn:aws:iam::123456789012:role/StepFunctionsRole"}
TaskStateEntered{"name":"T","input":"{}","inputDetails":{"truncated":false}}
LambdaFunctionScheduled{"resource":"arn:aws:lambda:us-east-1:123456789012:function:f:live","input":"{}","inputDetails":{"truncated":false},"timeoutInSeconds":3}
LambdaFunctionStarted
LambdaFunctionSucceeded{"output":"1","outputDetails":{"truncated":false}}
TaskStateExited{"name":"T","output":"1","outputDetails":{"truncated":false}}
ExecutionSucceeded{"output":"1","outputDetails":{"truncated":false}}
`
	if diff := cmp.Diff(want, run(lambda, false)); diff != "" {
		t.Errorf("Lambda ARN (-want +got):\n%s", diff)
	}
	if got := run(lambda, true); !strings.Contains(got, "\nLambdaFunctionFailed{\"error\":\"E\",\"cause\":\"c\"}\n") {
		t.Errorf("Lambda ARN failing:\n%s", got)
	}
	if got := run("arn:aws:states:::lambda:invoke", false); !strings.Contains(got, "\nTaskScheduled{") || !strings.Contains(got, "\nTaskSucceeded{") {
		t.Errorf("lambda:invoke:\n%s", got)
	}
}

func TestIsLambdaFunction(t *testing.T) {
	for r, want := range map[string]bool{
		"arn:aws:lambda:us-east-1:123456789012:function:f":       true,
		"arn:aws:lambda:us-east-1:123456789012:function:f:live":  true,
		"arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1": true,
		"arn:aws:lambda:us-east-1:123456789012:function:":        false,
		"arn:aws:lambda:us-east-1:123456789012:layer:l":          false,
		"arn:aws:states:::lambda:invoke":                         false,
		"arn:aws:states:us-east-1:123456789012:activity:a":       false,
		"lambda": false,
	} {
		if got := isLambdaFunction(r); got != want {
			t.Errorf("isLambdaFunction(%q) = %v, want %v", r, got, want)
		}
	}
}

// Event ids quoted in error causes are the same whether or not a history
// is recorded: states without events of their own count theirs in one go.
func TestEventIDsWithoutHistory(t *testing.T) {
	// Pass -> Task -> Parallel(Pass -> Wait -> failing Pass) : the cause
	// quotes the failing state's entered event id.
	branch := &Program{
		States: []StateInfo{{Name: "BP", Kind: "Pass"}, {Name: "BW", Kind: "Wait"}, {Name: "Bad", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if state == 2 {
				return 0, nil, f.Fail(ErrRuntime, "boom")
			}
			return state + 1, in, nil
		},
	}
	top := &Program{
		States: []StateInfo{{Name: "P", Kind: "Pass"}, {Name: "T", Kind: "Task"}, {Name: "Par", Kind: "Parallel"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			switch state {
			case 0:
				return 1, in, nil
			case 1:
				out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, func(context.Context, any) (any, error) { return in, nil })
				return 2, out, err
			}
			out, err := f.Parallel(ctx, in, []*Program{branch})
			return End, out, err
		},
	}
	m := &Machine{Name: "m", Program: top}
	with := m.Start(context.Background(), ObjectOf(), Options{History: true})
	without := m.Start(context.Background(), ObjectOf(), Options{})
	if with.Cause == "" || with.Cause != without.Cause {
		t.Errorf("cause with history %q, without %q", with.Cause, without.Cause)
	}
}

// A Succeed that passes its input on (StateInfo.PassThrough) ends the
// run loop without a round of its own where no history is kept: the
// execution must end as it does with a history (which runs it through
// Step), also where its entered or its exited event is the one past
// AWS's quota of history events.
func TestPassThroughSucceedAtTheEventQuota(t *testing.T) {
	// Task? -> Pass (looped n times) -> Succeed. A Task's five events
	// change the parity of the Succeed's ids.
	program := func(task bool, n int64) *Program {
		return &Program{
			States: []StateInfo{{Name: "T", Kind: "Task"}, {Name: "Loop", Kind: "Pass"}, {Name: "Done", Kind: "Succeed", PassThrough: true}},
			Start:  map[bool]int{true: 0, false: 1}[task],
			Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
				switch state {
				case 0:
					out, err := f.RunTask(ctx, "arn:aws:states:::lambda:invoke", 0, 0, in, func(context.Context, any) (any, error) { return int64(0), nil })
					return 1, out, err
				case 1:
					if i := in.(int64); i < n {
						return 1, i + 1, nil
					}
					return 2, in, nil
				}
				if f.X.History == nil {
					t.Errorf("state %d ran through Step without a history", state)
				}
				return End, in, nil // the Succeed, with a history
			},
		}
	}
	type outcome struct{ Status, Error, Cause, Output string }
	failed := 0
	for _, task := range []bool{false, true} {
		// Around where the Succeed's entered (no Task) or exited (Task)
		// event is number MaxHistoryEvents.
		last := int64(MaxHistoryEvents/2 - 1)
		if task {
			last -= 4
		}
		for n := last - 2; n <= last+1; n++ {
			m := &Machine{Name: "m", Program: program(task, n)}
			run := func(history bool) outcome {
				r := m.Start(context.Background(), int64(0), Options{History: history})
				return outcome{r.Status, r.Error, r.Cause, ToJSON(r.Output)}
			}
			with, without := run(true), run(false)
			if diff := cmp.Diff(with, without); diff != "" {
				t.Errorf("task %v, %d loops: without a history (-with +without):\n%s", task, n, diff)
			}
			if with.Status == StatusFailed {
				failed++
			}
		}
	}
	if failed == 0 {
		t.Error("no execution reached the quota")
	}
}

// runAll runs j over items 0..n-1 in a pool of limit workers.
func runAll(ctx context.Context, n, limit int, j job) ([]any, error) {
	p := &pool{n: n, limit: limit, job: j}
	return p.run(ctx)
}

// putUUID formats eight bytes at a time; it must write what the plain
// loop over the bytes wrote (so that a seed keeps giving the same ids).
func TestPutUUID(t *testing.T) {
	x := &Execution{}
	x.Seed(7)
	y := &Execution{}
	y.Seed(7)
	for i := 0; i < 1000; i++ {
		var got [36]byte
		x.putUUID(&got)
		var b [16]byte
		hi, lo := y.uint64Pair()
		binary.LittleEndian.PutUint64(b[:8], hi)
		binary.LittleEndian.PutUint64(b[8:], lo)
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		want := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
		if string(got[:]) != want {
			t.Fatalf("putUUID = %s, want %s", got, want)
		}
	}
}

// An execution started without a name draws its bits at its start,
// without the execution's lock (idParts.draw): from the seeded source
// when there is one, in the order UUID would draw, so that a seed keeps
// naming executions as it did, though the strings are made later.
func TestStartNameFromSeed(t *testing.T) {
	m := &Machine{Name: "sm", Program: &Program{
		States: []StateInfo{{Name: "P", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			return End, in, nil
		},
	}}
	type ids struct{ Name, ExecutionArn string }
	for _, c := range []struct {
		typ  string
		want func(draw func() string) ids
	}{
		{"STANDARD", func(draw func() string) ids {
			name := draw()
			return ids{name, "arn:aws:states:us-east-1:123456789012:execution:sm:" + name}
		}},
		{"EXPRESS", func(draw func() string) ids {
			name := draw()
			return ids{name, "arn:aws:states:us-east-1:123456789012:express:sm:" + name + ":" + draw()}
		}},
	} {
		t.Run(c.typ, func(t *testing.T) {
			seed := int64(11)
			res := m.Start(context.Background(), "in", Options{Type: c.typ, Seed: &seed})
			if res.Status != StatusSucceeded {
				t.Fatalf("status %s: %s %s", res.Status, res.Error, res.Cause)
			}
			ref := &Execution{}
			ref.Seed(seed)
			want := c.want(ref.UUID)
			if diff := cmp.Diff(want, ids{res.Name(), res.ExecutionArn()}); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

// The run loop asks the execution's context before each state where the
// context can end: a loop of states that never block stops at the state
// after the one in which its execution was cancelled or timed out.
func TestRunLoopStopsWhenContextEnds(t *testing.T) {
	const stopAt, ranOn = 50, 1000
	tests := []struct {
		name    string
		timeout int64 // the machine's TimeoutSeconds, on a fake clock
		want    string
	}{
		{"cancelled", 0, StatusAborted},
		{"timed out", 1, StatusTimedOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clock := NewFakeClock(time.Time{})
			steps := 0
			loop := &Program{
				States: []StateInfo{{Name: "A", Kind: "Pass"}, {Name: "B", Kind: "Pass"}},
				Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
					steps++
					if steps == stopAt {
						if tt.timeout > 0 {
							clock.Advance(time.Duration(tt.timeout+1) * time.Second)
						} else {
							cancel()
						}
					}
					if steps == ranOn {
						return End, "ran on", nil
					}
					return 1 - state, in, nil
				},
			}
			m := &Machine{Name: "loop", Program: loop, TimeoutSeconds: tt.timeout}
			res := m.Start(ctx, ObjectOf(), Options{Clock: clock})
			if diff := cmp.Diff([]any{tt.want, stopAt}, []any{res.Status, steps}); diff != "" {
				t.Errorf("status and states run (-want +got):\n%s", diff)
			}
		})
	}
}

// checkOutput, passing an output under a limit, leaves the frame's
// madeBound bounding that output (made is it) or 0, whatever the frame
// held before: the run loop takes madeBound as the next state's input
// bound without asking which value it bounds.
func TestCheckOutputLeavesItsOutputsBound(t *testing.T) {
	small, other := MustParseJSON(`{"a":"b"}`), MustParseJSON(`{"c":1}`)
	// Over the limit by its bound (six bytes a string byte), under it in
	// JSON: checkOutput walks it and bounds nothing.
	walked := MustParseJSON(`{"k":"` + strings.Repeat("x", 20) + `"}`)
	tests := []struct {
		name      string
		out       any
		made      any
		madeBound int
	}{
		{"made by the state", small, small, 9},
		{"another value bounded", small, other, 7},
		{"nothing bounded", small, nil, 0},
		{"walked, another bounded", walked, other, 7},
		{"an array", []any{"x"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Frame{X: &Execution{payloadLimit: 64}, made: tt.made, madeBound: tt.madeBound}
			if err := f.checkOutput(tt.out); err != nil {
				t.Fatal(err)
			}
			if f.madeBound != 0 && !samePayload(f.made, tt.out) {
				t.Errorf("madeBound %d bounds %s, not the output %s", f.madeBound, ToJSON(f.made), ToJSON(tt.out))
			}
			if f.madeBound != 0 && f.madeBound < len(ToJSON(tt.out)) {
				t.Errorf("madeBound %d < the output's %d bytes", f.madeBound, len(ToJSON(tt.out)))
			}
		})
	}
}

// Executions of one machine, and of a copy of it, run at once never share
// the state an ended execution leaves for the next (Program.ended, the
// pool): no two running executions have the same Execution or frame.
func TestConcurrentExecutionsShareNoState(t *testing.T) {
	var running sync.Map // *Execution and *Frame -> struct{}
	hold := func(k any) {
		if _, taken := running.LoadOrStore(k, struct{}{}); taken {
			t.Errorf("%T %p runs in two executions at once", k, k)
		}
	}
	prog := &Program{
		States: []StateInfo{{Name: "A", Kind: "Pass"}, {Name: "B", Kind: "Pass"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if state == 0 {
				hold(f.X)
				hold(f)
				runtime.Gosched()
				return 1, in, nil
			}
			running.Delete(f.X)
			running.Delete(f)
			return End, in, nil
		},
	}
	m := &Machine{Name: "m", Program: prog}
	renamed := *m
	renamed.Name = "renamed"
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			on := m
			if g%2 == 1 {
				on = &renamed
			}
			var res Result
			for i := range 200 {
				in := int64(g*1000 + i)
				on.StartInto(context.Background(), in, &Options{}, &res)
				if res.Status != StatusSucceeded || res.Output != in {
					t.Errorf("execution %d: %s %v", in, res.Status, res.Output)
					return
				}
			}
		}()
	}
	wg.Wait()
}
