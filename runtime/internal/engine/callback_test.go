package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTaskTokenRoundTrip(t *testing.T) {
	key := []byte("store key")
	want := TaskToken{ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e", State: "Wait for: approval", Seq: 42}
	tok := NewTaskToken(key, want)
	flipped := []byte(tok)
	flipped[len(flipped)/2] ^= 1 // one bit of the body or MAC
	tests := []struct {
		name  string
		key   []byte
		token string
		ok    bool
	}{
		{"signed", key, tok, true},
		{"other key", []byte("another store"), tok, false},
		{"one bit changed", key, string(flipped), false},
		{"truncated", key, tok[:len(tok)-2], false},
		{"not base64", key, "no token at all!", false},
		{"empty", key, "", false},
	}
	for _, tc := range tests {
		got, ok := ParseTaskToken(tc.key, tc.token)
		if ok != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if ok {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}
	}
	if NewTaskToken(key, want) != tok {
		t.Error("the same run of a state gets another token")
	}
	if other := want; true {
		other.Seq++
		if NewTaskToken(key, other) == tok {
			t.Error("two runs of a state share a token")
		}
	}
}

// callbackMachine is one callback Task: its Parameters pass $$.Task.Token
// to handler (through TaskCallFrom too); the Task's result is the
// callback's.
func callbackMachine(timeout, heartbeat int64, handler TaskFunc) *Machine {
	const resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
	p := &Program{
		States: []StateInfo{{Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			task, _ := f.Context().Get("Task")
			params := ObjectOf(Member{"token", objectMember(task, "Token")})
			out, err := f.RunTask(ctx, resource, timeout, heartbeat, params, handler)
			return End, out, err
		},
	}
	return &Machine{Name: "cb", Program: p, Tasks: []TaskInfo{{State: "Ask", Resource: resource}}}
}

func TestCallbackTask(t *testing.T) {
	type outcome struct {
		Status, Error, Cause, Output string
	}
	tests := []struct {
		name               string
		timeout, heartbeat int64
		// complete runs on its own goroutine with the token the handler
		// got; clock is the execution's.
		complete func(token string, clock *FakeClock) error
		want     outcome
	}{
		{"success", 0, 0, func(tok string, _ *FakeClock) error { return SendTaskSuccess(tok, `{"ok":true}`) },
			outcome{Status: StatusSucceeded, Output: `{"ok":true}`}},
		{"failure", 0, 0, func(tok string, _ *FakeClock) error { return SendTaskFailure(tok, "Rejected", "by a person") },
			outcome{Status: StatusFailed, Error: "Rejected", Cause: "by a person"}},
		{"timeout", 10, 0, func(tok string, c *FakeClock) error { c.Advance(11 * time.Second); return nil },
			outcome{Status: StatusFailed, Error: ErrTimeout}},
		{"heartbeat missed", 100, 5, func(tok string, c *FakeClock) error { c.Advance(6 * time.Second); return nil },
			outcome{Status: StatusFailed, Error: ErrHeartbeatTimeout}},
		{"heartbeats keep it alive", 100, 5, func(tok string, c *FakeClock) error {
			for i := 0; i < 5; i++ {
				c.Advance(4 * time.Second)
				if err := SendTaskHeartbeat(tok); err != nil {
					return err
				}
			}
			return SendTaskSuccess(tok, `"late"`)
		}, outcome{Status: StatusSucceeded, Output: `"late"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := NewFakeClock(time.Unix(0, 0))
			var wg sync.WaitGroup
			var completeErr error
			m := callbackMachine(tc.timeout, tc.heartbeat, func(ctx context.Context, in any) (any, error) {
				tok := objectMember(in, "token").(string)
				if call, ok := TaskCallFrom(ctx); !ok || call.Token != tok || call.State != "Ask" {
					t.Errorf("TaskCallFrom = %+v, %v; want the token of state Ask", call, ok)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					completeErr = tc.complete(tok, clock)
				}()
				return "the integration's response, discarded", nil
			})
			res := m.Start(context.Background(), ObjectOf(), Options{Clock: clock})
			wg.Wait()
			if completeErr != nil {
				t.Fatalf("completing the token: %v", completeErr)
			}
			got := outcome{Status: res.Status, Error: res.Error, Cause: res.Cause}
			if res.Status == StatusSucceeded {
				got.Output = ToJSON(res.Output)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A token whose Task has ended, a token of another key and something
// that is no token get AWS's errors.
func TestCallbackTokenErrors(t *testing.T) {
	var token string
	m := callbackMachine(0, 0, func(ctx context.Context, in any) (any, error) {
		token = objectMember(in, "token").(string)
		go SendTaskSuccess(token, `1`)
		return nil, nil
	})
	if res := m.Start(context.Background(), ObjectOf(), Options{}); res.Status != StatusSucceeded {
		t.Fatalf("execution: %s %s", res.Status, res.Error)
	}
	code := func(err error) string {
		var e *APIError
		if errors.As(err, &e) {
			return e.Code
		}
		return "no API error: " + errNil(err)
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"used token", SendTaskSuccess(token, `2`), "TaskDoesNotExist"},
		{"used token, failure", SendTaskFailure(token, "E", ""), "TaskDoesNotExist"},
		{"used token, heartbeat", SendTaskHeartbeat(token), "TaskDoesNotExist"},
		{"another key's token", SendTaskSuccess(NewTaskToken([]byte("k"), TaskToken{ExecutionArn: "a", State: "s"}), `1`), "TaskDoesNotExist"},
		{"garbage", SendTaskSuccess("garbage!", `1`), "InvalidToken"},
		{"empty", SendTaskHeartbeat(""), "InvalidToken"},
		{"bad output", SendTaskSuccess(token, `{`), "InvalidOutput"},
	}
	for _, tc := range tests {
		if got := code(tc.err); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func errNil(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// $$.Task exists only in a callback Task.
func TestContextTaskOnlyForCallbacks(t *testing.T) {
	m := &Machine{Name: "m", Tasks: []TaskInfo{{State: "Plain", Resource: "arn:aws:states:::lambda:invoke"}, {State: "Cb", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken"}}}
	x := m.NewExecution(ObjectOf(), Options{})
	for _, tc := range []struct {
		state string
		want  bool
	}{{"Plain", false}, {"Cb", true}, {"Other", false}} {
		_, got := (&Frame{X: x, State: tc.state}).Context().Get("Task")
		if got != tc.want {
			t.Errorf("state %s: $$.Task present = %v, want %v", tc.state, got, tc.want)
		}
	}
}

// recordingDriver is a Driver that keeps what the runtime hands it in
// memory, to check which hooks an execution calls.
type recordingDriver struct {
	mu     sync.Mutex
	calls  []string
	events []string
}

func (d *recordingDriver) log(s string) { d.mu.Lock(); d.calls = append(d.calls, s); d.mu.Unlock() }

func (d *recordingDriver) Task(ctx context.Context, call *TaskCall, invoke func(context.Context) (any, error)) (any, error) {
	d.log("task " + call.State)
	return invoke(ctx)
}

func (d *recordingDriver) AwaitCallback(ctx context.Context, call *TaskCall, timeout, heartbeat time.Duration) (any, error) {
	d.log("await " + call.State + " " + timeout.String() + " " + heartbeat.String())
	return "called back", nil
}

func (d *recordingDriver) Sleep(ctx context.Context, dur time.Duration) error {
	d.log("sleep " + dur.String())
	return nil
}

func (d *recordingDriver) Now() time.Time {
	d.log("now")
	return time.Unix(1e9, 0)
}

func (d *recordingDriver) Event(e Event) {
	d.mu.Lock()
	d.events = append(d.events, e.Type)
	d.mu.Unlock()
}

// With a Driver, Task invocations, callbacks, sleeps, shown times and
// history events go through it.
func TestDriverHooks(t *testing.T) {
	m := callbackMachine(30, 10, func(ctx context.Context, in any) (any, error) { return nil, nil })
	inner := m.Program.Step
	m.Program = &Program{
		States: []StateInfo{{Name: "Pause", Kind: "Wait"}, {Name: "Ask", Kind: "Task"}},
		Step: func(ctx context.Context, f *Frame, state int, in any) (int, any, error) {
			if state == 0 {
				f.enteredTime()
				return 1, in, f.WaitSeconds(ctx, 30*24*3600)
			}
			return inner(ctx, f, 0, in)
		},
	}
	d := &recordingDriver{}
	res := m.Start(context.Background(), ObjectOf(), Options{Driver: d})
	if res.Status != StatusSucceeded || res.Output != "called back" {
		t.Fatalf("got %s %s %v", res.Status, res.Error, res.Output)
	}
	// The second "now" is the EnteredTime of Ask's context object.
	want := []string{"now", "sleep 720h0m0s", "now", "task Ask", "await Ask 30s 10s"}
	if diff := cmp.Diff(want, d.calls); diff != "" {
		t.Errorf("driver calls (-want +got):\n%s", diff)
	}
	var types []string
	for _, e := range res.History {
		types = append(types, e.Type)
	}
	if diff := cmp.Diff(types, d.events); diff != "" {
		t.Errorf("events the driver saw differ from the history (-history +driver):\n%s", diff)
	}
	if !strings.Contains(strings.Join(types, " "), "TaskSucceeded") {
		t.Errorf("history: %v", types)
	}
}

// objectMember is o's member key, o an *Object.
func objectMember(o any, key string) any {
	v, _ := o.(*Object).Get(key)
	return v
}

// ParseTaskToken never panics, accepts only what NewTaskToken signed with
// the same key, and gives back what was signed.
// A redriven run's token carries its redrive: it differs from the first
// attempt's, round-trips, and a token of no redrive is the one it always
// was (no field added). Options.RedriveCuts gives a state the count of
// the redrives that resumed at or before it ($$.Execution.RedriveCount,
// which the durable tests read through Context).
func TestTaskTokenRedrive(t *testing.T) {
	key := []byte("store key")
	first := TaskToken{ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e", State: "Ask", Seq: 7}
	second := first
	second.Redrive = 2
	if NewTaskToken(key, first) == NewTaskToken(key, second) {
		t.Fatal("a redrive's token is the first attempt's")
	}
	if got, ok := ParseTaskToken(key, NewTaskToken(key, second)); !ok || got != second {
		t.Errorf("round trip: %+v %v", got, ok)
	}
	// The first attempt's token as tokens were before redrives had any.
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(first.ExecutionArn)))
	body = append(body, first.ExecutionArn...)
	body = binary.AppendUvarint(body, uint64(len(first.State)))
	body = append(body, first.State...)
	body = binary.AppendVarint(body, first.Seq)
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if old := base64.RawURLEncoding.EncodeToString(mac.Sum(body)[:len(body)+tokenMACSize]); NewTaskToken(key, first) != old {
		t.Errorf("the first attempt's token changed")
	}

	tests := []struct {
		cuts    []int64
		entered int64
		want    int64
	}{
		{nil, 5, 0},
		{[]int64{5}, 4, 0},
		{[]int64{5}, 5, 1},
		{[]int64{5, 5}, 5, 2},
		{[]int64{3, 9}, 6, 1},
		{[]int64{3, 9}, 12, 2},
	}
	for _, tc := range tests {
		f := &Frame{X: &Execution{redriveCuts: tc.cuts}, State: "Ask", enteredEventID: tc.entered}
		if got := f.redriveCount(); got != tc.want {
			t.Errorf("cuts %v, entered %d: RedriveCount %v, want %d", tc.cuts, tc.entered, got, tc.want)
		}
	}
}

func FuzzParseTaskToken(f *testing.F) {
	key := []byte("fuzz key")
	f.Add(NewTaskToken(key, TaskToken{ExecutionArn: "arn:aws:states:us-east-1:1:execution:m:e", State: "S", Seq: 7}), "arn", "S", int64(7))
	f.Add("", "", "", int64(0))
	f.Add("AAAA", "a", "b", int64(-1))
	f.Fuzz(func(t *testing.T, token, arn, state string, seq int64) {
		if tt, ok := ParseTaskToken(key, token); ok && NewTaskToken(key, tt) != token {
			t.Errorf("accepted %q, which signs as %q", token, NewTaskToken(key, tt))
		}
		decodeTokenShape(token)
		want := TaskToken{ExecutionArn: arn, State: state, Seq: seq, Redrive: seq % 3}
		got, ok := ParseTaskToken(key, NewTaskToken(key, want))
		if !ok || got != want {
			t.Errorf("round trip of %+v: %+v, %v", want, got, ok)
		}
	})
}
