package server

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/durable"
	"github.com/sfn-compile/sfn-compile/runtime/sfnmock"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// The execution actions of Standard machines, through package durable
// (see standard.go).

func init() {
	actions["StartExecution"] = (*Server).startExecution
	actions["DescribeExecution"] = (*Server).describeExecution
	actions["ListExecutions"] = (*Server).listExecutions
	actions["GetExecutionHistory"] = (*Server).getExecutionHistory
	actions["StopExecution"] = (*Server).stopExecution
	actions["RedriveExecution"] = (*Server).redriveExecution
	actions["DescribeStateMachineForExecution"] = (*Server).describeStateMachineForExecution
	actions["SendTaskSuccess"] = (*Server).sendTaskSuccess
	actions["SendTaskFailure"] = (*Server).sendTaskFailure
	actions["SendTaskHeartbeat"] = (*Server).sendTaskHeartbeat
}

// The attributes the server records with each execution it starts.
const (
	attrRevision = "revision"               // the revision's version: what ran it
	attrVersion  = "stateMachineVersionArn" // started through a version or an alias
	attrAlias    = "stateMachineAliasArn"   // started through an alias
)

type startExecutionInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     *string `json:"traceHeader"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

// startExecution starts a Standard execution on the revision the ARN
// names (the machine's latest, a version, or one of an alias's versions
// drawn by weight) and answers at once; the revision's workers run it.
// The first execution of a revision waits for its build. A "#TestCase"
// suffix answers the Task states from that test case of the mock config.
func (s *Server) startExecution(r *http.Request, body []byte) (any, error) {
	var in startExecutionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	machineARN, testCase, err := s.startTarget(in.StateMachineArn, in.Name)
	if err != nil {
		return nil, err
	}
	name := deref(in.Name)
	input := "{}"
	if in.Input != nil {
		if _, err := executionInput(in.Input); err != nil {
			return nil, err
		}
		input = *in.Input // kept as sent: DescribeExecution answers it so
	}
	rev, attrs, err := s.revisionOf(machineARN, testCase)
	if err != nil {
		return nil, err
	}
	if testCase != "" {
		// Checked here: a worker could only refuse to start (or, for an
		// asynchronous Express execution, fail unseen).
		data, err := os.ReadFile(s.cfg.MockConfig)
		if err == nil {
			_, err = sfnmock.LoadMockConfig(data, rev.Machine, testCase)
		}
		if err != nil {
			return nil, errorf(codeValidation, "%v", err)
		}
	}
	if rev.Type == "EXPRESS" {
		return s.startExpressExecution(r, rev.Machine, rev.Definition, testCase, &in)
	}
	bin, err := s.builds.binary(r.Context(), rev.Definition, "STANDARD")
	if err != nil {
		return nil, err
	}
	if _, err := s.standard.open(); err != nil {
		return nil, err
	}
	if err := s.standard.record(rev); err != nil {
		return nil, err
	}
	if err := s.standard.work(rev, bin); err != nil {
		return nil, err
	}
	out, err := s.standard.start(r.Context(), rev, name, input, attrs)
	if err != nil {
		return nil, err
	}
	return &startExecutionOutput{ExecutionArn: out.ExecutionArn, StartDate: epoch(parseTime(out.StartDate))}, nil
}

// startTarget checks what a StartExecution or StartSyncExecution request
// names: the state machine ARN, split from its "#TestCase" suffix (which
// needs the server's mock config), and the execution's name if it has one.
func (s *Server) startTarget(stateMachineARN, name *string) (machineARN, testCase string, err error) {
	if err := required("stateMachineArn", stateMachineARN); err != nil {
		return "", "", err
	}
	machineARN, testCase, _ = strings.Cut(*stateMachineARN, "#")
	if testCase != "" && s.cfg.MockConfig == "" {
		return "", "", errorf(codeValidation, "the state machine ARN names test case %q, but the server has no mock config (--mock-config, SFN_MOCK_CONFIG)", testCase)
	}
	if name != nil {
		if err := checkName("execution", *name); err != nil {
			return "", "", err
		}
	}
	return machineARN, testCase, nil
}

// revisionOf returns the revision a start through machineARN runs and
// the attributes that record how it was reached.
func (s *Server) revisionOf(machineARN, testCase string) (*revision, map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, al, err := s.lookup(machineARN)
	if err != nil {
		return nil, nil, err
	}
	attrs := map[string]string{}
	if al != nil {
		attrs[attrAlias] = m.aliasARN(al.Name)
		v = pickVersion(m, al)
		if v == nil {
			return nil, nil, errorf(codeResourceNotFound, "Resource not found: the versions of alias '%s' no longer exist", m.aliasARN(al.Name))
		}
	}
	rev := &revision{
		Type: m.Type, Machine: m.Name, ARN: m.ARN, Definition: m.Definition, RoleARN: m.RoleARN, RevisionID: m.RevisionID,
		Updated: m.Updated, TestCase: testCase, Logging: m.Logging, Tracing: m.Tracing,
	}
	if rev.Updated.IsZero() {
		rev.Updated = m.Created
	}
	if v != nil {
		attrs[attrVersion] = m.versionARN(v.Number)
		rev.Definition, rev.RoleARN, rev.RevisionID, rev.Updated = v.Definition, v.RoleARN, v.RevisionID, v.Created
	}
	rev.Version = revisionVersion(m.Name, rev.Definition, testCase)
	attrs[attrRevision] = rev.Version
	return rev, attrs, nil
}

// pickVersion draws the version an execution through alias al runs, by
// the weights of its routing.
func pickVersion(m *machine, al *alias) *version {
	total := 0
	for _, r := range al.Routing {
		total += r.Weight
	}
	draw := 0
	if total > 0 {
		draw = rand.IntN(total)
	}
	for _, r := range al.Routing {
		if draw < r.Weight || total == 0 {
			return m.versionByARN(r.VersionARN)
		}
		draw -= r.Weight
	}
	return nil
}

func (m *machine) versionByARN(a string) *version {
	for i := range m.Versions {
		if m.versionARN(m.Versions[i].Number) == a {
			return &m.Versions[i]
		}
	}
	return nil
}

// executionOf parses an execution ARN and returns the durable view of its
// machine's executions.
func (s *Server) executionOf(arnText *string) (*durable.Executor, error) {
	if err := required("executionArn", arnText); err != nil {
		return nil, err
	}
	if isExpressExecutionARN(*arnText) {
		return nil, errExpressARN()
	}
	a, aerr := parseARN(*arnText, "execution")
	if aerr != nil {
		return nil, aerr
	}
	if a.qualifier == "" {
		return nil, errorf(codeInvalidArn, "Invalid Arn: '%s' (an execution ARN ends with the execution's name)", *arnText)
	}
	c, err := s.standard.open()
	if err != nil {
		return nil, err
	}
	return c.Machine(a.name, ""), nil
}

// decodeExecution decodes a request into in and returns the durable view
// of the machine that runs the execution it names (arn reads that name
// from the decoded request).
func (s *Server) decodeExecution(body []byte, in any, arn func() *string) (*durable.Executor, error) {
	if err := decode(body, in); err != nil {
		return nil, err
	}
	return s.executionOf(arn())
}

type executionInputOnly struct {
	ExecutionArn *string `json:"executionArn"`
	IncludedData string  `json:"includedData"`
}

type describeExecutionOutput struct {
	ExecutionArn           string   `json:"executionArn"`
	StateMachineArn        string   `json:"stateMachineArn"`
	Name                   string   `json:"name"`
	Status                 string   `json:"status"`
	StartDate              epoch    `json:"startDate"`
	StopDate               *epoch   `json:"stopDate,omitempty"`
	Input                  *string  `json:"input,omitempty"`
	InputDetails           details  `json:"inputDetails"`
	Output                 *string  `json:"output,omitempty"`
	OutputDetails          *details `json:"outputDetails,omitempty"`
	Error                  *string  `json:"error,omitempty"`
	Cause                  *string  `json:"cause,omitempty"`
	RedriveCount           int      `json:"redriveCount"`
	StateMachineVersionArn *string  `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string  `json:"stateMachineAliasArn,omitempty"`
}

func (s *Server) describeExecution(r *http.Request, body []byte) (any, error) {
	var in executionInputOnly
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	view, err := s.executionOf(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	d, err := view.DescribeExecution(r.Context(), *in.ExecutionArn)
	if err != nil {
		return nil, fromDurable(err)
	}
	out := &describeExecutionOutput{
		ExecutionArn: d.ExecutionArn, StateMachineArn: d.StateMachineArn, Name: d.Name, Status: d.Status,
		StartDate: epoch(parseTime(d.StartDate)), Input: d.Input, Output: d.Output, Error: d.Error, Cause: d.Cause,
		RedriveCount: d.RedriveCount, StateMachineVersionArn: attr(d.Attributes, attrVersion), StateMachineAliasArn: attr(d.Attributes, attrAlias),
	}
	if d.StopDate != "" {
		out.StopDate = ptr(epoch(parseTime(d.StopDate)))
	}
	out.InputDetails.Included = true
	if d.Output != nil {
		out.OutputDetails = &details{Included: true}
	}
	if in.IncludedData == "METADATA_ONLY" {
		out.Input, out.InputDetails.Included = nil, false
		if out.Output != nil {
			out.Output, out.OutputDetails.Included = nil, false
		}
	}
	return out, nil
}

func checkIncludedData(v string) error {
	switch v {
	case "", "ALL_DATA", "METADATA_ONLY":
		return nil
	}
	return errorf(codeValidation, "1 validation error detected: Value '%s' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]", v)
}

func attr(attrs map[string]string, k string) *string {
	if v, ok := attrs[k]; ok {
		return &v
	}
	return nil
}

type listExecutionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	MapRunArn       *string `json:"mapRunArn"`
	StatusFilter    string  `json:"statusFilter"`
	MaxResults      int     `json:"maxResults"`
	NextToken       string  `json:"nextToken"`
	RedriveFilter   string  `json:"redriveFilter"`
}

type executionListItem struct {
	ExecutionArn           string  `json:"executionArn"`
	StateMachineArn        string  `json:"stateMachineArn"`
	Name                   string  `json:"name"`
	Status                 string  `json:"status"`
	StartDate              epoch   `json:"startDate"`
	StopDate               *epoch  `json:"stopDate,omitempty"`
	RedriveCount           int     `json:"redriveCount"`
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string `json:"stateMachineAliasArn,omitempty"`
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  *string             `json:"nextToken,omitempty"`
}

// listExecutions lists a machine's executions, newest first; through a
// version or an alias ARN, those started through it.
func (s *Server) listExecutions(r *http.Request, body []byte) (any, error) {
	var in listExecutionsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.MapRunArn != nil {
		return nil, errorf(codeValidation, "this server lists no Map Run executions: Distributed Maps of Standard executions run inside their execution")
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	switch in.RedriveFilter {
	case "", "REDRIVEN", "NOT_REDRIVEN":
	default:
		return nil, errorf(codeValidation, "1 validation error detected: Value '%s' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]", in.RedriveFilter)
	}
	s.mu.Lock()
	m, v, al, err := s.lookup(*in.StateMachineArn)
	var name, typ string
	filter := map[string]string{}
	if err == nil {
		name, typ = m.Name, m.Type
		switch {
		case v != nil:
			filter[attrVersion] = m.versionARN(v.Number)
		case al != nil:
			filter[attrAlias] = m.aliasARN(al.Name)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if typ != "STANDARD" {
		return nil, errorf(codeTypeNotSupported, "This operation is not supported by this type of state machine")
	}
	c, err := s.standard.open()
	if err != nil {
		return nil, err
	}
	list, err := c.Machine(name, "").ListExecutionsWith(r.Context(), in.StatusFilter, in.MaxResults, in.NextToken, filter)
	if err != nil {
		return nil, fromDurable(err)
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	if list.NextToken != "" {
		out.NextToken = &list.NextToken
	}
	for _, e := range list.Executions {
		if in.RedriveFilter == "REDRIVEN" && e.RedriveCount == 0 || in.RedriveFilter == "NOT_REDRIVEN" && e.RedriveCount > 0 {
			continue
		}
		item := executionListItem{
			ExecutionArn: e.ExecutionArn, StateMachineArn: e.StateMachineArn, Name: e.Name, Status: e.Status,
			StartDate: epoch(parseTime(e.StartDate)), RedriveCount: e.RedriveCount,
			StateMachineVersionArn: attr(e.Attributes, attrVersion), StateMachineAliasArn: attr(e.Attributes, attrAlias),
		}
		if e.StopDate != "" {
			item.StopDate = ptr(epoch(parseTime(e.StopDate)))
		}
		out.Executions = append(out.Executions, item)
	}
	return out, nil
}

type getExecutionHistoryInput struct {
	ExecutionArn         *string `json:"executionArn"`
	MaxResults           int     `json:"maxResults"`
	NextToken            string  `json:"nextToken"`
	ReverseOrder         bool    `json:"reverseOrder"`
	IncludeExecutionData *bool   `json:"includeExecutionData"`
}

type getExecutionHistoryOutput struct {
	Events    []json.RawMessage `json:"events"`
	NextToken *string           `json:"nextToken,omitempty"`
}

func (s *Server) getExecutionHistory(r *http.Request, body []byte) (any, error) {
	var in getExecutionHistoryInput
	view, err := s.decodeExecution(body, &in, func() *string { return in.ExecutionArn })
	if err != nil {
		return nil, err
	}
	include := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	h, err := view.GetExecutionHistory(r.Context(), *in.ExecutionArn, in.ReverseOrder, in.MaxResults, in.NextToken, include)
	if err != nil {
		return nil, fromDurable(err)
	}
	out := &getExecutionHistoryOutput{Events: make([]json.RawMessage, len(h.Events))}
	for i, ev := range h.Events {
		if out.Events[i], err = epochTimestamps(ev); err != nil {
			return nil, err
		}
	}
	if h.NextToken != "" {
		out.NextToken = &h.NextToken
	}
	return out, nil
}

// epochTimestamps rewrites an event's "timestamp" (the text the history
// keeps) as the protocol's epoch seconds; the rest is kept as it is.
func epochTimestamps(ev json.RawMessage) (json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(ev, &members); err != nil {
		return nil, err
	}
	var ts string
	if json.Unmarshal(members["timestamp"], &ts) == nil {
		b, _ := epoch(parseTime(ts)).MarshalJSON()
		members["timestamp"] = b
	}
	return json.Marshal(members)
}

type stopExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
	Error        *string `json:"error"`
	Cause        *string `json:"cause"`
}

type stopExecutionOutput struct {
	StopDate epoch `json:"stopDate"`
}

func (s *Server) stopExecution(r *http.Request, body []byte) (any, error) {
	var in stopExecutionInput
	// The error and cause are checked by the store (AWS's lengths, in
	// UTF-16 units, and its message).
	view, err := s.decodeExecution(body, &in, func() *string { return in.ExecutionArn })
	if err != nil {
		return nil, err
	}
	out, err := view.StopExecution(r.Context(), *in.ExecutionArn, deref(in.Error), deref(in.Cause))
	if err != nil {
		return nil, fromDurable(err)
	}
	return &stopExecutionOutput{StopDate: epoch(parseTime(out.StopDate))}, nil
}

type redriveExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
	ClientToken  *string `json:"clientToken"`
}

type redriveExecutionOutput struct {
	RedriveDate epoch `json:"redriveDate"`
}

// redriveExecution continues a FAILED, TIMED_OUT or ABORTED execution
// from the state that ended it (durable's RedriveExecution: AWS's rules,
// errors and client-token idempotency).
func (s *Server) redriveExecution(r *http.Request, body []byte) (any, error) {
	var in redriveExecutionInput
	view, err := s.decodeExecution(body, &in, func() *string { return in.ExecutionArn })
	if err != nil {
		return nil, err
	}
	out, err := view.RedriveExecution(r.Context(), *in.ExecutionArn, deref(in.ClientToken))
	if err != nil {
		return nil, fromDurable(err)
	}
	return &redriveExecutionOutput{RedriveDate: epoch(parseTime(out.RedriveDate))}, nil
}

type describeStateMachineForExecutionOutput struct {
	StateMachineArn      string   `json:"stateMachineArn"`
	Name                 string   `json:"name"`
	Definition           string   `json:"definition"`
	RoleArn              string   `json:"roleArn"`
	UpdateDate           epoch    `json:"updateDate"`
	RevisionID           string   `json:"revisionId,omitempty"`
	LoggingConfiguration *logging `json:"loggingConfiguration,omitempty"`
	TracingConfiguration *tracing `json:"tracingConfiguration,omitempty"`
}

// describeStateMachineForExecution answers the revision the execution
// runs, whatever the machine became since.
func (s *Server) describeStateMachineForExecution(r *http.Request, body []byte) (any, error) {
	var in executionInputOnly
	view, err := s.decodeExecution(body, &in, func() *string { return in.ExecutionArn })
	if err != nil {
		return nil, err
	}
	d, err := view.DescribeExecution(r.Context(), *in.ExecutionArn)
	if err != nil {
		return nil, fromDurable(err)
	}
	rev := s.standard.revision(r.Context(), d.Attributes[attrRevision])
	if rev == nil {
		// Started by a built binary's start-execution, not by a server:
		// the store has no record of what it runs.
		return nil, errorf(codeMachineDoesNotExist, "State Machine Does Not Exist: the store has no record of the revision execution '%s' runs", d.ExecutionArn)
	}
	out := &describeStateMachineForExecutionOutput{
		StateMachineArn: rev.ARN, Name: rev.Machine, Definition: rev.Definition, RoleArn: rev.RoleARN,
		UpdateDate: epoch(rev.Updated), RevisionID: rev.RevisionID,
		LoggingConfiguration: &logging{Level: "OFF"}, TracingConfiguration: rev.Tracing,
	}
	if rev.Logging != nil {
		out.LoggingConfiguration = rev.Logging
	}
	if out.TracingConfiguration == nil {
		out.TracingConfiguration = &tracing{}
	}
	return out, nil
}

type sendTaskInput struct {
	TaskToken *string `json:"taskToken"`
	Output    *string `json:"output"`
	Error     *string `json:"error"`
	Cause     *string `json:"cause"`
}

// taskView checks a task token and returns the view of the machine whose
// execution waits for it.
func (s *Server) taskView(in *sendTaskInput) (*durable.Executor, error) {
	if err := required("taskToken", in.TaskToken); err != nil {
		return nil, err
	}
	if n := len(*in.TaskToken); n == 0 || n > 2048 {
		return nil, errorf(codeValidation, "1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length between 1 and 2048")
	}
	c, err := s.standard.open()
	if err != nil {
		return nil, err
	}
	return c.ForToken(*in.TaskToken), nil
}

func (s *Server) sendTaskSuccess(r *http.Request, body []byte) (any, error) {
	var in sendTaskInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("taskToken", in.TaskToken, "output", in.Output); err != nil {
		return nil, err
	}
	view, err := s.taskView(&in)
	if err != nil {
		return nil, err
	}
	return struct{}{}, fromDurable(view.SendTaskSuccess(r.Context(), *in.TaskToken, *in.Output))
}

func (s *Server) sendTaskFailure(r *http.Request, body []byte) (any, error) {
	var in sendTaskInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	view, err := s.taskView(&in)
	if err != nil {
		return nil, err
	}
	return struct{}{}, fromDurable(view.SendTaskFailure(r.Context(), *in.TaskToken, deref(in.Error), deref(in.Cause)))
}

func (s *Server) sendTaskHeartbeat(r *http.Request, body []byte) (any, error) {
	var in sendTaskInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	view, err := s.taskView(&in)
	if err != nil {
		return nil, err
	}
	return struct{}{}, fromDurable(view.SendTaskHeartbeat(r.Context(), *in.TaskToken))
}

// fromDurable answers durable's API errors (AWS's names) as the
// protocol's; other errors stay internal.
func fromDurable(err error) error {
	var ae *sfnrt.APIError
	if errors.As(err, &ae) {
		return &apiError{Code: ae.Code, Message: ae.Message}
	}
	return err
}

// parseTime reads the times durable answers (RFC 3339, milliseconds).
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
