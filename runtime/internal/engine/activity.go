package engine

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Activity Task states: a Task whose Resource is an activity ARN
// (arn:PARTITION:states:REGION:ACCOUNT:activity:NAME) is run by workers
// in other processes, which poll for it (GetActivityTask) and answer with
// SendTaskSuccess or SendTaskFailure, keeping it alive with
// SendTaskHeartbeat. The runtime hands the task (activity ARN, input,
// task token) to an ActivityDispatcher and then waits for the token as
// for a .waitForTaskToken callback, with the Task's TimeoutSeconds and
// HeartbeatSeconds. Its history events are AWS's activity events:
// ActivityScheduled, ActivityStarted when a worker takes it, then
// ActivitySucceeded, ActivityFailed or ActivityTimedOut.

// IsActivityResource reports whether a Task with this resource is an
// Activity Task state.
func IsActivityResource(resource string) bool {
	rest, ok := strings.CutPrefix(resource, "arn:")
	for field := 1; ok && field <= 4; field++ { // partition, service, region, account
		var value string
		value, rest, ok = strings.Cut(rest, ":")
		if field == 2 && value != "states" {
			return false
		}
	}
	if !ok {
		return false
	}
	name, ok := strings.CutPrefix(rest, "activity:")
	return ok && name != "" && !strings.Contains(name, ":")
}

// An ActivityTask is one attempt of an Activity Task state, as its
// workers get it.
type ActivityTask struct {
	ActivityArn string
	Input       string // JSON: the state's effective input
	Token       string // the task token SendTask* name it by
	// ExecutionArn, State and Seq name the attempt's run of the state
	// (see TaskToken).
	ExecutionArn string
	State        string
	Seq          int64
	// TimeoutSeconds and HeartbeatSeconds are the state's (0: none).
	TimeoutSeconds, HeartbeatSeconds int64

	started func(workerName string)
}

// Started records that a worker named workerName took the task
// (GetActivityTask): the ActivityStarted event, once, which also counts
// as a heartbeat.
func (t *ActivityTask) Started(workerName string) {
	if t.started != nil {
		t.started(workerName)
	}
}

// An ActivityDispatcher hands Activity Task states to their workers. The
// execution's Driver is asked first, then its TaskInvoker (Options.Tasks);
// ActivityQueue is one for workers in the same process.
type ActivityDispatcher interface {
	// DispatchActivity offers task to the workers of its activity and
	// returns; the execution then waits for the task's token. It is
	// called once per attempt (under a Driver, as a recorded step).
	DispatchActivity(ctx context.Context, task *ActivityTask) error
	// ActivityEnded tells that the attempt ended (answered, timed out,
	// or its execution stopped): a task no worker took must no longer be
	// handed out.
	ActivityEnded(task *ActivityTask)
}

// activityHelp names the ways to give Activity Task states workers, for
// the error of one that has none.
const activityHelp = "run the machine durably (sfn-compile build --durable, then BIN worker --store URL, or sfn-compile serve --store URL) so that workers reach it with GetActivityTask, or give the execution an sfnrt.ActivityDispatcher (Options.Tasks: an sfnrt.ActivityQueue)"

// isActivityTask reports whether the Task state with this resource is run
// as an activity: no Go handler is bound to it and mocked responses do not
// answer it (as in Step Functions Local, a mock stands for the worker).
func (x *Execution) isActivityTask(resource string, fn TaskFunc) bool {
	return fn == nil && IsActivityResource(resource) && !invokerCompletesCallbacks(x.tasks)
}

// activityDispatcher returns the execution's dispatcher, nil for none.
func (x *Execution) activityDispatcher() ActivityDispatcher {
	if d, ok := x.driver.(ActivityDispatcher); ok {
		return d
	}
	if d, ok := x.tasks.(ActivityDispatcher); ok {
		return d
	}
	return nil
}

type activityKey struct{}

// ActivityStarted records, for the activity attempt that ctx belongs to
// (a Driver's AwaitCallback context), that the worker workerName took it.
// It reports false when ctx belongs to no activity attempt.
func ActivityStarted(ctx context.Context, workerName string) bool {
	t, ok := ctx.Value(activityKey{}).(*ActivityTask)
	if ok {
		t.Started(workerName)
	}
	return ok
}

// scheduleActivity records the ActivityScheduled event of an attempt (its
// started event comes when a worker takes it).
func (f *Frame) scheduleActivity(resource string, input any, timeoutSeconds, heartbeatSeconds int64) {
	x := f.X
	if x.History == nil {
		x.events.next()
		return
	}
	d := ObjectOf(Member{"resource", resource}, Member{"input", ToJSON(input)}, Member{"inputDetails", notTruncated()})
	if timeoutSeconds > 0 {
		d.Set("timeoutInSeconds", timeoutSeconds)
	}
	if heartbeatSeconds > 0 {
		d.Set("heartbeatInSeconds", heartbeatSeconds)
	}
	x.Event("ActivityScheduled", "activityScheduledEventDetails", d)
}

// dispatchActivity hands the attempt to the execution's dispatcher, and
// returns the task (nil with the error when there is no dispatcher). ctx
// is the attempt's: the started hook records into the execution and
// beats the attempt's heartbeat.
func (f *Frame) dispatchActivity(ctx context.Context, a *taskAttempt, call *taskCall, input any, timeoutSeconds, heartbeatSeconds int64) (*ActivityTask, error) {
	x := f.X
	d := x.activityDispatcher()
	if d == nil {
		return nil, NewError(ErrRuntime, "No worker can reach Activity Task state '"+f.State+"' (activity "+call.Resource+"): "+activityHelp)
	}
	t := &ActivityTask{
		ActivityArn: call.Resource, Input: ToJSON(input), Token: call.Token,
		ExecutionArn: call.ExecutionArn, State: call.State, Seq: call.Seq,
		TimeoutSeconds: timeoutSeconds, HeartbeatSeconds: heartbeatSeconds,
	}
	f.setActivityStarted(a, t)
	if err := d.DispatchActivity(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// setActivityStarted gives t its started hook: the ActivityStarted event,
// recorded once while the attempt waits, and a beat of its heartbeat.
func (f *Frame) setActivityStarted(a *taskAttempt, t *ActivityTask) {
	x, hb, ctx := f.X, a.hb, a.ctx
	var once sync.Once
	t.started = func(worker string) {
		once.Do(func() {
			if ctx.Err() == nil { // not after the attempt's timeout
				x.Event("ActivityStarted", "activityStartedEventDetails", ObjectOf(Member{"workerName", worker}))
			}
		})
		if hb != nil {
			hb.beat()
		}
	}
}

// activityEnded records an attempt's last event: ActivitySucceeded,
// ActivityFailed or ActivityTimedOut (for the Task's timeout and its
// heartbeat's), and returns its id.
func (x *Execution) activityEnded(out any, err error) int64 {
	if x.History == nil {
		return x.events.next()
	}
	if err == nil {
		return x.Event("ActivitySucceeded", "activitySucceededEventDetails", ObjectOf(Member{"output", ToJSON(out)}, Member{"outputDetails", notTruncated()}))
	}
	e := AsError(err)
	d := NewObject(2)
	d.Set("error", e.Name)
	if e.HasCause {
		d.Set("cause", e.Cause)
	}
	if e.Name == ErrTimeout || e.Name == ErrHeartbeatTimeout {
		return x.Event("ActivityTimedOut", "activityTimedOutEventDetails", d)
	}
	return x.Event("ActivityFailed", "activityFailedEventDetails", d)
}

// An ActivityQueue hands Activity Task states to workers in the same
// process: give it as Options.Tasks (its Tasks, when set, runs the other
// Task states) and call GetActivityTask from the workers. Answers go
// through SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.
type ActivityQueue struct {
	Tasks TaskInvoker // the other Task states; nil: none bound

	mu      sync.Mutex
	waiting map[string][]*ActivityTask // by activity ARN, oldest first
	ready   chan struct{}              // closed and replaced when a task arrives
}

// InvokeTask runs the Task states that are no activity through q.Tasks.
func (q *ActivityQueue) InvokeTask(ctx context.Context, state, resource string, input any, attempt int) (any, error) {
	if q.Tasks == nil {
		return nil, NewError(ErrRuntime, "No handler is bound to Task state '"+state+"' (resource "+resource+"): "+BindingHelp)
	}
	return q.Tasks.InvokeTask(ctx, state, resource, input, attempt)
}

// DispatchActivity queues task for GetActivityTask.
func (q *ActivityQueue) DispatchActivity(_ context.Context, task *ActivityTask) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting == nil {
		q.waiting = map[string][]*ActivityTask{}
	}
	q.waiting[task.ActivityArn] = append(q.waiting[task.ActivityArn], task)
	if q.ready != nil {
		close(q.ready)
		q.ready = nil
	}
	return nil
}

// ActivityEnded drops task if no worker took it.
func (q *ActivityQueue) ActivityEnded(task *ActivityTask) {
	q.mu.Lock()
	defer q.mu.Unlock()
	list := q.waiting[task.ActivityArn]
	for i, t := range list {
		if t == task {
			q.waiting[task.ActivityArn] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

// ActivityPollTime is how long GetActivityTask waits for a task, as AWS's
// long poll.
const ActivityPollTime = 60 * time.Second

// GetActivityTask takes the oldest task of the activity activityArn,
// waiting for one up to ActivityPollTime or ctx's end; it returns nil when
// none came. The task's execution records workerName in ActivityStarted.
func (q *ActivityQueue) GetActivityTask(ctx context.Context, activityArn, workerName string) (*ActivityTask, error) {
	timer := time.NewTimer(ActivityPollTime)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if list := q.waiting[activityArn]; len(list) > 0 {
			t := list[0]
			q.waiting[activityArn] = list[1:]
			q.mu.Unlock()
			t.Started(workerName)
			return t, nil
		}
		if q.ready == nil {
			q.ready = make(chan struct{})
		}
		ready := q.ready
		q.mu.Unlock()
		select {
		case <-ready:
		case <-timer.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
