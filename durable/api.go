package durable

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The operations below are the Step Functions API's, with its JSON
// shapes (camelCase members, its status names) and its error names (as
// *sfnrt.APIError).

// StartExecutionOutput is StartExecution's answer.
type StartExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    string `json:"startDate"`
}

// timestamp formats t as history events and the verbs do.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func apiError(code, msg string) error { return &sfnrt.APIError{Code: code, Message: msg} }

// StartExecution starts an execution of the machine on input (a JSON
// document) and returns at once; a worker runs it. name "" draws a UUID.
// Starting a name again with the same input while it runs returns the
// same execution; with another input, or once it has ended, it is
// ExecutionAlreadyExists (AWS's idempotency of Standard executions).
func (e *Executor) StartExecution(ctx context.Context, name, input string) (*StartExecutionOutput, error) {
	return e.startExecution(ctx, name, input, nil)
}

// starterAttribute prefixes the names of the attributes a starter
// records with an execution (Description.Attributes).
const starterAttribute = "start:"

// startExecution is StartExecution, recording attrs (strings; see
// Description.Attributes) with the execution.
func (e *Executor) startExecution(ctx context.Context, name, input string, starter map[string]any) (*StartExecutionOutput, error) {
	// The starter's attributes are kept under a prefix of their own: the
	// execution's workflow keeps others of its own (a stop's error and
	// cause, callbacks, heartbeats, redrives) that are not the starter's.
	var attrs map[string]any
	for k, v := range starter {
		if attrs == nil {
			attrs = make(map[string]any, len(starter))
		}
		attrs[starterAttribute+k] = v
	}
	if len(input) > sfnrt.MaxPayloadBytes {
		return nil, apiError("InvalidExecutionInput", "The input exceeds the maximum size of 262144 bytes")
	}
	if _, err := sfnrt.ParseJSON([]byte(input)); err != nil {
		return nil, apiError("InvalidExecutionInput", "Invalid State Machine Execution Input: "+err.Error())
	}
	if name == "" {
		name = e.m.NewExecution(nil, sfnrt.Options{}).Name() // a random UUID
	}
	if err := validName(name); err != nil {
		return nil, err
	}
	arn := e.arn(name)
	if ws, err := e.status(arn); err != nil {
		return nil, err
	} else if ws != nil {
		return e.existing(ws, input)
	}
	in := execInput{Name: name, Input: input, StartTime: time.Now().UnixMilli(), Seed: rand.Int64()}
	var err error
	if e.working {
		// This process is a worker: it runs the execution itself, at
		// once, rather than through the queue's next poll; Wait waits on
		// the run rather than polling the store.
		r := &localRun{done: make(chan struct{})}
		if _, started := e.runs.LoadOrStore(arn, r); started {
			r = nil // another start of the name, a moment ago
		}
		opts := []dbos.WorkflowOption{dbos.WithWorkflowID(arn)}
		if len(attrs) > 0 {
			opts = append(opts, dbos.WithWorkflowAttributes(attrs))
		}
		if _, err = dbos.RunWorkflow(e.ctx, e.run, in, opts...); err != nil && r != nil {
			e.runs.CompareAndDelete(arn, r)
		}
	} else {
		opts := []dbos.EnqueueOption{dbos.WithEnqueueWorkflowID(arn), dbos.WithEnqueueApplicationVersion(e.cfg.Version)}
		if len(attrs) > 0 {
			opts = append(opts, dbos.WithEnqueueAttributes(attrs))
		}
		_, err = dbos.Enqueue[execOutput](e.ctx, e.queue, e.workflow, in, opts...)
	}
	if err != nil {
		// Another start of the same name may have won the race.
		if ws, serr := e.status(arn); serr == nil && ws != nil {
			return e.existing(ws, input)
		}
		return nil, err
	}
	return &StartExecutionOutput{ExecutionArn: arn, StartDate: timestamp(time.UnixMilli(in.StartTime))}, nil
}

// existing answers a start of a name that has an execution already.
func (e *Executor) existing(ws *dbos.WorkflowStatus, input string) (*StartExecutionOutput, error) {
	var in execInput
	recode(ws.Input, &in)
	if in.Input != input || e.describe(ws).Status != StatusRunning {
		return nil, apiError("ExecutionAlreadyExists", "Execution Already Exists: '"+ws.ID+"'")
	}
	return &StartExecutionOutput{ExecutionArn: ws.ID, StartDate: timestamp(time.UnixMilli(in.StartTime))}, nil
}

// recode converts a workflow's input or output, as DBOS lists it, into
// v: listings carry the stored JSON text (or, for some, the value
// decoded without a type).
func recode(from any, v any) {
	if s, ok := from.(string); ok && json.Unmarshal([]byte(s), v) == nil {
		return
	}
	b, _ := json.Marshal(from)
	_ = json.Unmarshal(b, v)
}

// status returns the DBOS record of the execution arn, nil when there is
// none (of this machine).
func (e *Executor) status(arn string) (*dbos.WorkflowStatus, error) {
	ws, err := dbos.ListWorkflows(e.ctx, dbos.WithFilterWorkflowIDs(arn), dbos.WithFilterLoadInput(true), dbos.WithFilterLoadOutput(true))
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 || ws[0].Name != e.workflow {
		return nil, nil
	}
	return &ws[0], nil
}

// statusOf returns the status of the execution arn names, or AWS's
// ExecutionDoesNotExist if this machine has no such execution (status
// answers nil for it).
func (e *Executor) statusOf(arn string) (*dbos.WorkflowStatus, error) {
	ws, err := e.status(arn)
	if err == nil && ws == nil {
		err = apiError("ExecutionDoesNotExist", "Execution Does Not Exist: '"+arn+"'")
	}
	return ws, err
}

// Description is DescribeExecution's answer.
type Description struct {
	ExecutionArn    string   `json:"executionArn"`
	StateMachineArn string   `json:"stateMachineArn"`
	Name            string   `json:"name"`
	Status          string   `json:"status"`
	StartDate       string   `json:"startDate"`
	StopDate        string   `json:"stopDate,omitempty"`
	Input           *string  `json:"input,omitempty"`
	InputDetails    *details `json:"inputDetails,omitempty"`
	Output          *string  `json:"output,omitempty"`
	OutputDetails   *details `json:"outputDetails,omitempty"`
	Error           *string  `json:"error,omitempty"`
	Cause           *string  `json:"cause,omitempty"`
	RedriveCount    int      `json:"redriveCount"`
	RedriveDate     string   `json:"redriveDate,omitempty"`
	// RedriveStatus is REDRIVABLE or NOT_REDRIVABLE (then
	// RedriveStatusReason says why), as RedriveExecution would answer.
	RedriveStatus       string `json:"redriveStatus"`
	RedriveStatusReason string `json:"redriveStatusReason,omitempty"`
	// Attributes are what the starter recorded with the execution (a
	// server: the version or alias it was started through).
	Attributes map[string]string `json:"-"`
}

type details struct {
	Included bool `json:"included"`
}

// Execution statuses beyond sfnrt's: RUNNING.
const StatusRunning = "RUNNING"

// DescribeExecution describes the execution arn.
func (e *Executor) DescribeExecution(ctx context.Context, arn string) (*Description, error) {
	ws, err := e.statusOf(arn)
	if err != nil {
		return nil, err
	}
	d := e.describe(ws)
	d.RedriveStatus, d.RedriveStatusReason = "REDRIVABLE", notRedrivable(d, time.Now())
	if d.RedriveStatusReason == "" {
		// What only the history tells (read for ended executions only:
		// Wait polls this).
		batches, err := e.historyBatches(arn)
		if err != nil {
			return nil, err
		}
		next, reason := resumePoint(batches, redriveOf(ws))
		if reason == "" && next.lastID+2 > redriveEventLimit+1 {
			reason = "Execution history event limit exceeded"
		}
		d.RedriveStatusReason = reason
	}
	if d.RedriveStatusReason != "" {
		d.RedriveStatus = "NOT_REDRIVABLE"
	}
	return d, nil
}

func (e *Executor) describe(ws *dbos.WorkflowStatus) *Description {
	var in execInput
	recode(ws.Input, &in)
	d := &Description{
		ExecutionArn: ws.ID, StateMachineArn: e.m.NewExecution(nil, sfnrt.Options{Name: "x"}).StateMachineID,
		Name: in.Name, StartDate: timestamp(time.UnixMilli(in.StartTime)),
		Input: &in.Input, InputDetails: &details{Included: true},
	}
	if r := redriveOf(ws); r != nil {
		d.RedriveCount, d.RedriveDate = r.Count, timestamp(time.UnixMilli(r.Date))
	}
	for k, v := range ws.Attributes {
		name, starter := strings.CutPrefix(k, starterAttribute)
		if s, ok := v.(string); ok && starter {
			if d.Attributes == nil {
				d.Attributes = map[string]string{}
			}
			d.Attributes[name] = s
		}
	}
	switch ws.Status {
	case dbos.WorkflowStatusSuccess:
		var out execOutput
		recode(ws.Output, &out)
		if out.Status == statusParked {
			d.Status = StatusRunning
			break
		}
		d.Status, d.Error, d.Cause = out.Status, out.Error, out.Cause
		d.StopDate = timestamp(time.UnixMilli(out.StopDate))
		if out.Status == sfnrt.StatusSucceeded {
			d.Output, d.OutputDetails = &out.Output, &details{Included: true}
		}
	case dbos.WorkflowStatusCancelled:
		d.Status, d.StopDate = sfnrt.StatusAborted, timestamp(ws.UpdatedAt)
		if s, ok := ws.Attributes["stopError"].(string); ok {
			d.Error = &s
		}
		if s, ok := ws.Attributes["stopCause"].(string); ok {
			d.Cause = &s
		}
	case dbos.WorkflowStatusError, dbos.WorkflowStatusMaxRecoveryAttemptsExceeded:
		d.Status, d.StopDate = sfnrt.StatusFailed, timestamp(ws.UpdatedAt)
		name, cause := sfnrt.ErrRuntime, "the execution's workflow failed"
		if ws.Error != nil {
			cause = ws.Error.Error()
		}
		d.Error, d.Cause = &name, &cause
	default:
		d.Status = StatusRunning
	}
	return d
}

// ExecutionListItem is one execution of ListExecutions.
type ExecutionListItem struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       string `json:"startDate"`
	StopDate        string `json:"stopDate,omitempty"`
	RedriveCount    int    `json:"redriveCount"`
	RedriveDate     string `json:"redriveDate,omitempty"`
	// Attributes are as Description's.
	Attributes map[string]string `json:"-"`
}

// ListExecutionsOutput is ListExecutions's answer.
type ListExecutionsOutput struct {
	Executions []ExecutionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

// ListExecutions lists the machine's executions, newest first, with
// status statusFilter ("" for all), maxResults a page (1 to 1000; 0 is
// 100), from nextToken (a previous page's).
func (e *Executor) ListExecutions(ctx context.Context, statusFilter string, maxResults int, nextToken string) (*ListExecutionsOutput, error) {
	return e.listExecutions(ctx, statusFilter, maxResults, nextToken, nil)
}

// listExecutions is ListExecutions of the executions whose recorded
// attributes include attrs.
func (e *Executor) listExecutions(ctx context.Context, statusFilter string, maxResults int, nextToken string, attrs map[string]string) (*ListExecutionsOutput, error) {
	switch statusFilter {
	case "", StatusRunning, sfnrt.StatusSucceeded, sfnrt.StatusFailed, sfnrt.StatusTimedOut, sfnrt.StatusAborted, "PENDING_REDRIVE":
	default:
		return nil, apiError("ValidationException", "1 validation error detected: Value '"+statusFilter+"' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
	}
	maxResults, err := pageSize(maxResults)
	if err != nil {
		return nil, err
	}
	at, err := readListCursor(nextToken)
	if err != nil {
		return nil, err
	}
	// The store pages: newest first, from the cursor on, a batch at a
	// time, those of no other status left out by the query. An
	// execution's status is decided from its workflow's status and
	// outcome (describe), so a batch may hold some that do not match.
	opts := []dbos.ListWorkflowsOption{dbos.WithFilterName(e.workflow), dbos.WithFilterSortDesc(),
		dbos.WithFilterLoadInput(true), dbos.WithFilterLoadOutput(true)}
	if statuses := workflowStatusesOf(statusFilter); statuses != nil {
		opts = append(opts, dbos.WithFilterStatus(statuses...))
	}
	out := &ListExecutionsOutput{Executions: []ExecutionListItem{}}
	var end *listCursor // where the page ends, once full
	batch := maxResults + 1
	for {
		ws, err := dbos.ListWorkflows(e.ctx, append(opts, at.filters(batch)...)...)
		if err != nil {
			return nil, err
		}
		for i := range ws {
			at.pass(ws[i].CreatedAt)
			d := e.describe(&ws[i])
			if statusFilter != "" && d.Status != statusFilter || !hasAttributes(d.Attributes, attrs) {
				continue
			}
			if end != nil {
				// One more matches: the next page begins with it.
				out.NextToken = end.token()
				return out, nil
			}
			out.Executions = append(out.Executions, ExecutionListItem{ExecutionArn: d.ExecutionArn, StateMachineArn: d.StateMachineArn,
				Name: d.Name, Status: d.Status, StartDate: d.StartDate, StopDate: d.StopDate, RedriveCount: d.RedriveCount, RedriveDate: d.RedriveDate,
				Attributes: d.Attributes})
			if len(out.Executions) == maxResults {
				c := *at
				end = &c
			}
		}
		if len(ws) < batch {
			return out, nil // the store has no more
		}
		batch = min(2*batch, 1000) // a filter that matches few: larger batches
	}
}

// workflowStatusesOf is the DBOS statuses an execution of status may
// have (see describe), nil for any.
func workflowStatusesOf(status string) []dbos.WorkflowStatusType {
	switch status {
	case StatusRunning: // parked executions' workflows have ended: SUCCESS
		return []dbos.WorkflowStatusType{dbos.WorkflowStatusPending, dbos.WorkflowStatusEnqueued, dbos.WorkflowStatusDelayed,
			dbos.WorkflowStatusSuspended, dbos.WorkflowStatusSuccess}
	case sfnrt.StatusSucceeded, sfnrt.StatusTimedOut:
		return []dbos.WorkflowStatusType{dbos.WorkflowStatusSuccess}
	case sfnrt.StatusFailed:
		return []dbos.WorkflowStatusType{dbos.WorkflowStatusSuccess, dbos.WorkflowStatusError, dbos.WorkflowStatusMaxRecoveryAttemptsExceeded}
	case sfnrt.StatusAborted:
		return []dbos.WorkflowStatusType{dbos.WorkflowStatusSuccess, dbos.WorkflowStatusCancelled}
	}
	return nil
}

// A listCursor is where a page of ListExecutions begins in the store's
// newest-first order: after the workflows created after CreatedAt (Unix
// ms) and the first Skip of those created at it (executions started in
// the same millisecond). It stays put when newer executions start, as
// an offset from the newest would not.
type listCursor struct {
	CreatedAt int64 `json:"t"`
	Skip      int   `json:"n,omitempty"`
}

// filters selects the next batch of n workflows from the cursor on.
func (c *listCursor) filters(n int) []dbos.ListWorkflowsOption {
	opts := []dbos.ListWorkflowsOption{dbos.WithFilterLimit(n)}
	if c.CreatedAt != 0 {
		opts = append(opts, dbos.WithFilterCreatedBefore(time.UnixMilli(c.CreatedAt)))
		if c.Skip > 0 {
			opts = append(opts, dbos.WithFilterOffset(c.Skip))
		}
	}
	return opts
}

// pass moves the cursor past a workflow created at t, the next in order.
func (c *listCursor) pass(t time.Time) {
	if ms := t.UnixMilli(); ms == c.CreatedAt {
		c.Skip++
	} else {
		c.CreatedAt, c.Skip = ms, 1
	}
}

func (c *listCursor) token() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readListCursor reads a ListExecutions next token ("": the start).
func readListCursor(token string) (*listCursor, error) {
	c := &listCursor{}
	if token == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, c)
	}
	if err != nil || c.CreatedAt <= 0 || c.Skip < 0 {
		return nil, apiError("InvalidToken", "Invalid Token: '"+token+"'")
	}
	return c, nil
}

func hasAttributes(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// pageSize reads a page size: 1 to 1000, 0 for 100.
func pageSize(maxResults int) (int, error) {
	if maxResults < 0 || maxResults > 1000 {
		return 0, apiError("ValidationException", "1 validation error detected: Value '"+strconv.Itoa(maxResults)+"' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")
	}
	if maxResults == 0 {
		maxResults = 100
	}
	return maxResults, nil
}

// page reads a page size and a next token (an offset, opaque to users).
func page(maxResults int, nextToken string) (size, offset int, err error) {
	if maxResults, err = pageSize(maxResults); err != nil {
		return 0, 0, err
	}
	if nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(nextToken)
		if err == nil {
			offset, err = strconv.Atoi(string(b))
		}
		if err != nil || offset < 0 {
			return 0, 0, apiError("InvalidToken", "Invalid Token: '"+nextToken+"'")
		}
	}
	return maxResults, offset, nil
}

// pageOf returns the page of items that starts at offset and holds at
// most size, and the token of the next page ("" on the last).
func pageOf[T any](items []T, offset, size int) ([]T, string) {
	if offset >= len(items) {
		return nil, ""
	}
	items = items[offset:]
	if len(items) > size {
		return items[:size], pageToken(offset + size)
	}
	return items, ""
}

func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset)))
}

// HistoryOutput is GetExecutionHistory's answer.
type HistoryOutput struct {
	Events    []json.RawMessage `json:"events"`
	NextToken string            `json:"nextToken,omitempty"`
}

// GetExecutionHistory returns the execution's history events, as the
// in-memory --history writes them, oldest first (newest first with
// reverse); without includeData, inputs and outputs are left out.
func (e *Executor) GetExecutionHistory(ctx context.Context, arn string, reverse bool, maxResults int, nextToken string, includeData bool) (*HistoryOutput, error) {
	maxResults, offset, err := page(maxResults, nextToken)
	if err != nil {
		return nil, err
	}
	events, err := e.History(arn)
	if err != nil {
		return nil, err
	}
	if reverse {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	out := &HistoryOutput{Events: []json.RawMessage{}}
	events, out.NextToken = pageOf(events, offset, maxResults)
	for _, ev := range events {
		if !includeData {
			ev = withoutData(ev)
		}
		out.Events = append(out.Events, json.RawMessage(sfnrt.AppendJSON(nil, ev)))
	}
	return out, nil
}

// History returns the execution's history events, oldest first, as
// sfnrt.Event.JSON writes them.
func (e *Executor) History(arn string) ([]*sfnrt.Object, error) {
	ws, err := e.statusOf(arn)
	if err != nil {
		return nil, err
	}
	batches, err := e.historyBatches(arn)
	if err != nil {
		return nil, err
	}
	var events []*sfnrt.Object
	for _, b := range batches {
		events = append(events, b.events...)
	}
	if ws.Status == dbos.WorkflowStatusCancelled {
		// A stopped execution's workflow ends where it was cancelled and
		// writes no more: its last event is written here.
		id := int64(1)
		if len(events) > 0 {
			id = eventID(events[len(events)-1]) + 1
		}
		events = append(events, abortedEvent(id, e.describe(ws)))
	}
	return events, nil
}

// withoutData drops the input and output members of an event's details.
func withoutData(ev *sfnrt.Object) *sfnrt.Object {
	out := sfnrt.NewObject(ev.Len())
	for _, m := range ev.Members() {
		if d, ok := m.Value.(*sfnrt.Object); ok {
			nd := sfnrt.NewObject(d.Len())
			for _, dm := range d.Members() {
				switch dm.Key {
				case "input", "output", "parameters":
					continue
				}
				nd.Set(dm.Key, dm.Value)
			}
			out.Set(m.Key, nd)
			continue
		}
		out.Set(m.Key, m.Value)
	}
	return out
}

// stoppingQueue is where a parked execution waits to be cancelled: no
// worker serves it.
const stoppingQueue = "sfn-compile:stopping"

// StopExecutionOutput is StopExecution's answer.
type StopExecutionOutput struct {
	StopDate string `json:"stopDate"`
}

// StopExecution aborts a running execution with an optional error and
// cause.
func (e *Executor) StopExecution(ctx context.Context, arn, errorName, cause string) (*StopExecutionOutput, error) {
	if err := sfnrt.CheckErrorCause(errorName, cause); err != nil {
		return nil, err
	}
	ws, err := e.statusOf(arn)
	if err != nil {
		return nil, err
	}
	if d := e.describe(ws); d.Status != StatusRunning {
		return &StopExecutionOutput{StopDate: d.StopDate}, nil
	}
	attrs := map[string]any{}
	if errorName != "" {
		attrs["stopError"] = errorName
	}
	if cause != "" {
		attrs["stopCause"] = cause
	}
	if len(attrs) > 0 {
		if err := dbos.SetWorkflowAttributes(e.ctx, arn, attrs, dbos.WithMergeAttributes()); err != nil {
			return nil, err
		}
	}
	// A parked execution's workflow has ended, and DBOS cancels only a
	// pending one: it is rewound onto a queue no worker serves first. An
	// execution that parks between the look and the cancel is looked at
	// again (once cancelled, a run can no longer record its park).
	for range 10 {
		if p := parkedAt(ws); p != nil {
			if _, err := dbos.RewindWorkflow[execOutput](e.ctx, arn, dbos.WithRewindStartStep(uint(p.Step)), dbos.WithRewindQueue(stoppingQueue)); err != nil && e.parkOf(arn) != nil {
				return nil, err
			}
		}
		if err := dbos.CancelWorkflow(e.ctx, arn); err != nil {
			return nil, err
		}
		if ws, err = e.status(arn); err != nil || ws == nil || parkedAt(ws) == nil {
			break
		}
	}
	return &StopExecutionOutput{StopDate: timestamp(time.Now())}, nil
}

// SendTaskSuccess completes the callback or activity Task that token
// names with output (a JSON document).
func (e *Executor) SendTaskSuccess(ctx context.Context, token, output string) error {
	if err := checkTaskOutput(output); err != nil {
		return err
	}
	return e.callbacks().send(ctx, token, callbackMessage{Kind: "success", Output: output})
}

// SendTaskFailure fails the callback or activity Task that token names.
func (e *Executor) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	if err := sfnrt.CheckErrorCause(errorName, cause); err != nil {
		return err
	}
	return e.callbacks().send(ctx, token, callbackMessage{Kind: "failure", Error: errorName, Cause: cause})
}

// SendTaskHeartbeat restarts the HeartbeatSeconds of the callback or
// activity Task that token names.
func (e *Executor) SendTaskHeartbeat(ctx context.Context, token string) error {
	return e.callbacks().send(ctx, token, callbackMessage{Kind: "heartbeat"})
}

// Wait waits until the execution arn has ended and returns its
// description: it polls the store, soon at first, then every 100 ms
// (for an execution this worker started, once it has run here).
func (e *Executor) Wait(ctx context.Context, arn string) (*Description, error) {
	var done <-chan struct{}
	if r, ok := e.runs.Load(arn); ok {
		done = r.(*localRun).done
	}
	pause := time.Millisecond
	for {
		if done != nil {
			// Running here: woken when the run ends (or parks), and
			// looking every 100 ms all the same.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-done:
				done = nil
			case <-time.After(100 * time.Millisecond):
			}
		}
		d, err := e.DescribeExecution(ctx, arn)
		if err != nil || d.Status != StatusRunning {
			return d, err
		}
		if done != nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}
