package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/durable"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func init() {
	actions["CreateActivity"] = (*Server).createActivity
	actions["DescribeActivity"] = (*Server).describeActivity
	actions["DeleteActivity"] = (*Server).deleteActivity
	actions["ListActivities"] = (*Server).listActivities
	actions["GetActivityTask"] = (*Server).getActivityTask
	// SendTask* answer activity tokens as any other (executions.go).
}

// An activity is a named task queue that workers in other processes poll
// with GetActivityTask.
type activity struct {
	Name    string    `json:"name"`
	ARN     string    `json:"arn"`
	Created time.Time `json:"created"`
	Tags    []tag     `json:"tags,omitempty"`
}

func (s *Server) activityARN(name string) string {
	return "arn:" + s.cfg.Partition + ":states:" + s.cfg.Region + ":" + s.cfg.Account + ":activity:" + name
}

func (r *registry) activityByARN(a string) (*activity, int) {
	for i, act := range r.Activities {
		if act.ARN == a {
			return act, i
		}
	}
	return nil, -1
}

type activityInput struct {
	Name        *string `json:"name"`
	ActivityArn *string `json:"activityArn"`
	Tags        []tag   `json:"tags"`
}

type activityItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate epoch  `json:"creationDate"`
}

// createActivity is idempotent on the name, as AWS's: a second create
// answers the first activity, whatever its tags.
func (s *Server) createActivity(_ *http.Request, body []byte) (any, error) {
	var in activityInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	if err := checkName("activity", *in.Name); err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := s.activityARN(*in.Name)
	if act, _ := s.reg.activityByARN(arn); act != nil {
		return struct {
			ActivityArn  string `json:"activityArn"`
			CreationDate epoch  `json:"creationDate"`
		}{act.ARN, epoch(act.Created)}, nil
	}
	act := &activity{Name: *in.Name, ARN: arn, Created: s.now(), Tags: tags}
	if err := saveReplacing(s.reg, &s.reg.Activities, append(s.reg.Activities, act)); err != nil {
		return nil, err
	}
	return struct {
		ActivityArn  string `json:"activityArn"`
		CreationDate epoch  `json:"creationDate"`
	}{act.ARN, epoch(act.Created)}, nil
}

// activityARN decodes a request that names one activity and returns its
// ARN, checked.
func activityARN(body []byte) (string, error) {
	var in activityInput
	if err := decode(body, &in); err != nil {
		return "", err
	}
	if err := required("activityArn", in.ActivityArn); err != nil {
		return "", err
	}
	if _, err := parseARN(*in.ActivityArn, "activity"); err != nil {
		return "", err
	}
	return *in.ActivityArn, nil
}

func (s *Server) describeActivity(_ *http.Request, body []byte) (any, error) {
	arn, err := activityARN(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	act, _ := s.reg.activityByARN(arn)
	if act == nil {
		return nil, errorf("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn)
	}
	return activityItem{act.ARN, act.Name, epoch(act.Created)}, nil
}

// deleteActivity deletes an activity; deleting one that does not exist
// succeeds.
func (s *Server) deleteActivity(_ *http.Request, body []byte) (any, error) {
	arn, err := activityARN(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, i := s.reg.activityByARN(arn)
	if i < 0 {
		return struct{}{}, nil
	}
	if err := saveReplacing(s.reg, &s.reg.Activities, slices.Delete(slices.Clone(s.reg.Activities), i, i+1)); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Server) listActivities(_ *http.Request, body []byte) (any, error) {
	var in listInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := pageOf(in, len(s.reg.Activities), func(i int) activityItem {
		act := s.reg.Activities[i]
		return activityItem{act.ARN, act.Name, epoch(act.Created)}
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Activities []activityItem `json:"activities"`
		NextToken  *string        `json:"nextToken,omitempty"`
	}{items, next}, nil
}

// Activity tasks are those of the durable executions in the server's
// store (Config.Store): their Activity Task states wait in its activity
// table (durable/activities.go), whichever process runs them, and the
// task tokens GetActivityTask hands out are answered through the store
// as any other.

// maxActivityPollers is AWS's quota of GetActivityTask requests waiting
// at once on one activity; one more is ActivityWorkerLimitExceeded.
var maxActivityPollers = 1000

// tasks holds the server's activity tasks, served on the Standard
// executions' client of the store (one connection pool for both; their
// tokens are answered by SendTask*, through that client: executions.go),
// opened on first use.
type tasks struct {
	standard *standard // whose store the executions are on

	openMu sync.Mutex // guards acts
	acts   *durable.Activities

	mu      sync.Mutex
	pollers map[string]int // by activity ARN: GetActivityTask requests waiting
}

func (t *tasks) open(ctx context.Context) (*durable.Activities, error) {
	// A failure (a store not reachable yet) is tried again by the next
	// request.
	t.openMu.Lock()
	defer t.openMu.Unlock()
	if t.acts == nil {
		c, err := t.standard.open()
		if err != nil {
			return nil, err
		}
		if t.acts, err = c.Activities(context.WithoutCancel(ctx)); err != nil {
			return nil, err
		}
	}
	return t.acts, nil
}

// poller counts a GetActivityTask waiting on activityArn; release ends
// it. It fails beyond AWS's quota.
func (t *tasks) poller(activityArn string) (release func(), err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pollers[activityArn] >= maxActivityPollers {
		return nil, errorf("ActivityWorkerLimitExceeded", "The maximum number of workers concurrently polling for activity tasks (%d) has been reached", maxActivityPollers)
	}
	if t.pollers == nil {
		t.pollers = map[string]int{}
	}
	t.pollers[activityArn]++
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.pollers[activityArn]--; t.pollers[activityArn] == 0 {
			delete(t.pollers, activityArn)
		}
	}, nil
}

// waiting returns how many GetActivityTask requests wait on activityArn.
func (t *tasks) waiting(activityArn string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pollers[activityArn]
}

// storeError answers an error of the store's API: its own code (as
// TaskDoesNotExist), or InternalFailure.
func storeError(err error) error {
	var ae *sfnrt.APIError
	if errors.As(err, &ae) {
		return &apiError{Code: ae.Code, Message: ae.Message}
	}
	return err
}

type getActivityTaskInput struct {
	ActivityArn *string `json:"activityArn"`
	WorkerName  *string `json:"workerName"`
}

// getActivityTask long-polls for a task of the activity, 60 seconds as
// AWS does; an answer without members says none came.
func (s *Server) getActivityTask(r *http.Request, body []byte) (any, error) {
	var in getActivityTaskInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	if n := len(*in.ActivityArn); n < 1 || n > 256 {
		return nil, errorf(codeValidation, "1 validation error detected: Value at 'activityArn' failed to satisfy constraint: Member must have length between 1 and 256")
	}
	if _, err := parseARN(*in.ActivityArn, "activity"); err != nil {
		return nil, err
	}
	worker := ""
	if in.WorkerName != nil {
		if n := len([]rune(*in.WorkerName)); n < 1 || n > maxNameChars {
			return nil, errorf(codeValidation, "1 validation error detected: Value at 'workerName' failed to satisfy constraint: Member must have length between 1 and %d", maxNameChars)
		}
		worker = *in.WorkerName
	}
	s.mu.Lock()
	act, _ := s.reg.activityByARN(*in.ActivityArn)
	s.mu.Unlock()
	if act == nil {
		return nil, errorf("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", *in.ActivityArn)
	}
	release, err := s.tasks.poller(act.ARN)
	if err != nil {
		return nil, err
	}
	defer release()
	acts, err := s.tasks.open(r.Context())
	if err != nil {
		return nil, err
	}
	out, err := acts.GetActivityTask(r.Context(), act.ARN, worker)
	if err != nil {
		return nil, storeError(err)
	}
	return out, nil
}
