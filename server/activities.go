package server

import (
	"net/http"
	"time"
)

func init() {
	actions["CreateActivity"] = (*Server).createActivity
	actions["DescribeActivity"] = (*Server).describeActivity
	actions["DeleteActivity"] = (*Server).deleteActivity
	actions["ListActivities"] = (*Server).listActivities
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
	s.reg.Activities = append(s.reg.Activities, act)
	if err := s.reg.save(); err != nil {
		s.reg.Activities = s.reg.Activities[:len(s.reg.Activities)-1]
		return nil, err
	}
	return struct {
		ActivityArn  string `json:"activityArn"`
		CreationDate epoch  `json:"creationDate"`
	}{act.ARN, epoch(act.Created)}, nil
}

func (s *Server) describeActivity(_ *http.Request, body []byte) (any, error) {
	var in activityInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	if _, err := parseARN(*in.ActivityArn, "activity"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	act, _ := s.reg.activityByARN(*in.ActivityArn)
	if act == nil {
		return nil, errorf("ActivityDoesNotExist", "Activity Does Not Exist: '%s'", *in.ActivityArn)
	}
	return activityItem{act.ARN, act.Name, epoch(act.Created)}, nil
}

// deleteActivity deletes an activity; deleting one that does not exist
// succeeds.
func (s *Server) deleteActivity(_ *http.Request, body []byte) (any, error) {
	var in activityInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	if _, err := parseARN(*in.ActivityArn, "activity"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, i := s.reg.activityByARN(*in.ActivityArn)
	if i < 0 {
		return struct{}{}, nil
	}
	old := s.reg.Activities
	s.reg.Activities = append(append([]*activity(nil), old[:i]...), old[i+1:]...)
	if err := s.reg.save(); err != nil {
		s.reg.Activities = old
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
	from, to, next, err := page(in, len(s.reg.Activities))
	if err != nil {
		return nil, err
	}
	items := []activityItem{}
	for _, act := range s.reg.Activities[from:to] {
		items = append(items, activityItem{act.ARN, act.Name, epoch(act.Created)})
	}
	return struct {
		Activities []activityItem `json:"activities"`
		NextToken  *string        `json:"nextToken,omitempty"`
	}{items, next}, nil
}
