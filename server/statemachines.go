package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/compiler"
)

func init() {
	actions["CreateStateMachine"] = (*Server).createStateMachine
	actions["DescribeStateMachine"] = (*Server).describeStateMachine
	actions["UpdateStateMachine"] = (*Server).updateStateMachine
	actions["DeleteStateMachine"] = (*Server).deleteStateMachine
	actions["ListStateMachines"] = (*Server).listStateMachines
}

// maxDefinitionChars is AWS's hard limit on a definition's size.
const maxDefinitionChars = 1 << 20

type createStateMachineInput struct {
	Name                 *string  `json:"name"`
	Definition           *string  `json:"definition"`
	RoleArn              *string  `json:"roleArn"`
	Type                 string   `json:"type"`
	Tags                 []tag    `json:"tags"`
	LoggingConfiguration *logging `json:"loggingConfiguration"`
	TracingConfiguration *tracing `json:"tracingConfiguration"`
	Publish              bool     `json:"publish"`
	VersionDescription   *string  `json:"versionDescription"`
}

type createStateMachineOutput struct {
	StateMachineArn        string  `json:"stateMachineArn"`
	CreationDate           epoch   `json:"creationDate"`
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
}

func (s *Server) createStateMachine(_ *http.Request, body []byte) (any, error) {
	var in createStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("name", in.Name, "definition", in.Definition, "roleArn", in.RoleArn); err != nil {
		return nil, err
	}
	typ, err := machineType(in.Type)
	if err != nil {
		return nil, err
	}
	if err := checkName("state machine", *in.Name); err != nil {
		return nil, err
	}
	if err := checkRoleARN(*in.RoleArn); err != nil {
		return nil, err
	}
	if err := checkDefinition(*in.Definition, typ); err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	if err := checkVersionDescription(in.VersionDescription, in.Publish); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if m := s.reg.byName(*in.Name); m != nil {
		// AWS's CreateStateMachine is idempotent: the same name, type,
		// definition and role give the machine created before.
		if m.Type != typ || m.Definition != *in.Definition || m.RoleARN != *in.RoleArn {
			return nil, errorf(codeMachineExists, "State Machine Already Exists: '%s'", m.ARN)
		}
		return &createStateMachineOutput{StateMachineArn: m.ARN, CreationDate: epoch(m.Created)}, nil
	}
	m := &machine{
		Name: *in.Name, ARN: s.machineARN(*in.Name), Type: typ,
		Definition: *in.Definition, RoleARN: *in.RoleArn, RevisionID: newID(),
		Created: now, Tags: tags, Logging: in.LoggingConfiguration, Tracing: in.TracingConfiguration,
		NextNumber: 1,
	}
	out := &createStateMachineOutput{StateMachineArn: m.ARN, CreationDate: epoch(now)}
	if in.Publish {
		out.StateMachineVersionArn = ptr(m.publish(deref(in.VersionDescription), now))
	}
	if err := saveReplacing(s.reg, &s.reg.Machines, append(s.reg.Machines, m)); err != nil {
		return nil, err
	}
	s.builds.start(m.Definition, m.Type)
	return out, nil
}

// machineType checks a type member; "" is STANDARD.
func machineType(t string) (string, error) {
	switch t {
	case "":
		return "STANDARD", nil
	case "STANDARD", "EXPRESS":
		return t, nil
	}
	return "", errorf(codeValidation, "1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", t)
}

// checkRoleARN accepts any IAM role ARN: the server assumes no role,
// but AWS's clients and scripts always pass one.
func checkRoleARN(role string) error {
	parts := strings.Split(role, ":")
	if len(role) > 256 || len(parts) < 6 || parts[0] != "arn" || parts[2] != "iam" {
		return errorf(codeInvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", role)
	}
	return nil
}

// checkDefinition compiles a definition and reports its diagnostics as
// AWS does (InvalidDefinition), each with its place in the definition.
func checkDefinition(def, typ string) error {
	if n := utf8.RuneCountInString(def); n > maxDefinitionChars {
		return errorf(codeValidation, "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionChars)
	}
	return checkDefinitionAt(def, typ, func(d compiler.Diagnostic) (compiler.Diagnostic, bool) { return d, true })
}

// checkDefinitionAt checks def as checkDefinition does, placing each
// diagnostic with locate: where it lies in what the user sent, or false
// when it lies outside it (then it is said with no position).
func checkDefinitionAt(def, typ string, locate func(compiler.Diagnostic) (compiler.Diagnostic, bool)) error {
	m, diags := compiler.Compile([]byte(def), compiler.Options{Filename: "definition", Type: typ})
	if m != nil {
		return nil
	}
	var msgs []string
	for _, d := range diags {
		if d.Severity != compiler.Error {
			continue
		}
		if d, ok := locate(d); ok {
			msgs = append(msgs, diagnosticText(d))
		} else {
			msgs = append(msgs, fmt.Sprintf("%s: %s", d.Code, d.Message))
		}
	}
	return errorf(codeInvalidDefinition, "Invalid State Machine Definition: '%s'", strings.Join(msgs, ", "))
}

// diagnosticText says a diagnostic as AWS's messages do ("CODE: message
// at /States/X/Field"), with the line and column of ours.
func diagnosticText(d compiler.Diagnostic) string {
	ptr := string(d.Pointer)
	if ptr == "" {
		ptr = "/"
	}
	return fmt.Sprintf("%s: %s at %s (line %d, column %d)", d.Code, d.Message, ptr, d.Line, d.Col)
}

func checkVersionDescription(desc *string, publish bool) error {
	if desc == nil {
		return nil
	}
	if !publish {
		return errorf(codeValidation, "Version description can only be set when publish is true")
	}
	if utf8.RuneCountInString(*desc) > 256 {
		return errorf(codeValidation, "1 validation error detected: Value at 'versionDescription' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	return nil
}

// lookup finds the machine of a state machine ARN, qualified or not:
// the machine, and the version or alias the qualifier names.
func (s *Server) lookup(arnText string) (*machine, *version, *alias, error) {
	a, err := parseARN(arnText, "stateMachine")
	if err != nil {
		return nil, nil, nil, err
	}
	base := "arn:" + a.partition + ":states:" + a.region + ":" + a.account + ":stateMachine:" + a.name
	m, _ := s.reg.byARN(base)
	if m == nil {
		return nil, nil, nil, errorf(codeMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arnText)
	}
	if a.qualifier == "" {
		return m, nil, nil, nil
	}
	if n, err := strconv.Atoi(a.qualifier); err == nil {
		for i := range m.Versions {
			if m.Versions[i].Number == n {
				return m, &m.Versions[i], nil, nil
			}
		}
		return nil, nil, nil, errorf(codeMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arnText)
	}
	for _, al := range m.Aliases {
		if al.Name == a.qualifier {
			return m, nil, al, nil
		}
	}
	return nil, nil, nil, errorf(codeResourceNotFound, "Resource not found: '%s'", arnText)
}

type describeStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	IncludedData    string  `json:"includedData"`
}

type describeStateMachineOutput struct {
	StateMachineArn      string  `json:"stateMachineArn"`
	Name                 string  `json:"name"`
	Status               string  `json:"status"`
	Definition           string  `json:"definition"`
	RoleArn              string  `json:"roleArn"`
	Type                 string  `json:"type"`
	CreationDate         epoch   `json:"creationDate"`
	LoggingConfiguration logging `json:"loggingConfiguration"`
	TracingConfiguration tracing `json:"tracingConfiguration"`
	RevisionID           string  `json:"revisionId,omitempty"`
	Description          *string `json:"description,omitempty"`
	Label                *string `json:"label,omitempty"`
}

func (s *Server) describeStateMachine(_ *http.Request, body []byte) (any, error) {
	var in describeStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, al, err := s.lookup(*in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if al != nil {
		return nil, errorf(codeValidation, "DescribeStateMachine takes a state machine or version ARN; use DescribeStateMachineAlias for '%s'", *in.StateMachineArn)
	}
	return m.describe(v), nil
}

// describe answers DescribeStateMachine for the machine, or for its
// version v.
func (m *machine) describe(v *version) *describeStateMachineOutput {
	out := &describeStateMachineOutput{
		StateMachineArn: m.ARN, Name: m.Name, Status: "ACTIVE", Definition: m.Definition,
		RoleArn: m.RoleARN, Type: m.Type, CreationDate: epoch(m.Created), RevisionID: m.RevisionID,
		LoggingConfiguration: logging{Level: "OFF"},
	}
	if m.Logging != nil {
		out.LoggingConfiguration = *m.Logging
	}
	if m.Tracing != nil {
		out.TracingConfiguration = *m.Tracing
	}
	if v != nil {
		out.StateMachineArn = m.versionARN(v.Number)
		out.Definition, out.RoleArn, out.RevisionID = v.Definition, v.RoleARN, v.RevisionID
		out.CreationDate = epoch(v.Created)
		if v.Description != "" {
			out.Description = ptr(v.Description)
		}
	}
	return out
}

type updateStateMachineInput struct {
	StateMachineArn      *string  `json:"stateMachineArn"`
	Definition           *string  `json:"definition"`
	RoleArn              *string  `json:"roleArn"`
	LoggingConfiguration *logging `json:"loggingConfiguration"`
	TracingConfiguration *tracing `json:"tracingConfiguration"`
	Publish              bool     `json:"publish"`
	VersionDescription   *string  `json:"versionDescription"`
}

type updateStateMachineOutput struct {
	UpdateDate             epoch   `json:"updateDate"`
	RevisionID             string  `json:"revisionId"`
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
}

// updateStateMachine changes the machine for the executions started
// after it: each execution keeps the revision it started on.
func (s *Server) updateStateMachine(_ *http.Request, body []byte) (any, error) {
	var in updateStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if in.Definition == nil && in.RoleArn == nil && in.LoggingConfiguration == nil && in.TracingConfiguration == nil {
		return nil, errorf(codeMissingParameter, "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if err := checkVersionDescription(in.VersionDescription, in.Publish); err != nil {
		return nil, err
	}
	if in.RoleArn != nil {
		if err := checkRoleARN(*in.RoleArn); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, al, err := s.lookup(*in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if v != nil || al != nil {
		return nil, errorf(codeValidation, "UpdateStateMachine takes an unqualified state machine ARN, not '%s'", *in.StateMachineArn)
	}
	if in.Definition != nil {
		if err := checkDefinition(*in.Definition, m.Type); err != nil {
			return nil, err
		}
	}
	old := *m
	now := s.now()
	changed := false
	if in.Definition != nil && *in.Definition != m.Definition {
		m.Definition, changed = *in.Definition, true
	}
	if in.RoleArn != nil && *in.RoleArn != m.RoleARN {
		m.RoleARN, changed = *in.RoleArn, true
	}
	if in.LoggingConfiguration != nil {
		m.Logging = in.LoggingConfiguration
	}
	if in.TracingConfiguration != nil {
		m.Tracing = in.TracingConfiguration
	}
	if changed {
		m.RevisionID = newID()
	}
	m.Updated = now
	out := &updateStateMachineOutput{UpdateDate: epoch(now), RevisionID: m.RevisionID}
	if in.Publish {
		out.StateMachineVersionArn = ptr(m.publish(deref(in.VersionDescription), now))
	}
	if err := s.reg.save(); err != nil {
		*m = old
		return nil, err
	}
	s.builds.start(m.Definition, m.Type)
	return out, nil
}

type deleteStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

// deleteStateMachine removes a machine, or one of its versions when the
// ARN is a version's. Deleting what does not exist succeeds, as on AWS.
func (s *Server) deleteStateMachine(_ *http.Request, body []byte) (any, error) {
	var in deleteStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	a, aerr := parseARN(*in.StateMachineArn, "stateMachine")
	if aerr != nil {
		return nil, aerr
	}
	if a.qualifier != "" {
		return s.deleteVersion(*in.StateMachineArn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, i := s.reg.byARN(*in.StateMachineArn)
	if i < 0 {
		return struct{}{}, nil
	}
	if err := saveReplacing(s.reg, &s.reg.Machines, slices.Delete(slices.Clone(s.reg.Machines), i, i+1)); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

type listInput struct {
	MaxResults int     `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

type stateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

type listStateMachinesOutput struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     *string                `json:"nextToken,omitempty"`
}

func (s *Server) listStateMachines(_ *http.Request, body []byte) (any, error) {
	var in listInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := pageOf(in, len(s.reg.Machines), func(i int) stateMachineListItem {
		m := s.reg.Machines[i]
		return stateMachineListItem{m.ARN, m.Name, m.Type, epoch(m.Created)}
	})
	if err != nil {
		return nil, err
	}
	return &listStateMachinesOutput{StateMachines: items, NextToken: next}, nil
}

// pageOf answers the page of a list of n items that a list request asks
// for (see page): item(i) makes the answer's entry for the list's i-th.
func pageOf[Item any](in listInput, n int, item func(i int) Item) ([]Item, *string, error) {
	from, to, next, err := page(in, n)
	if err != nil {
		return nil, nil, err
	}
	items := make([]Item, 0, to-from) // never nil: an empty page answers []
	for i := from; i < to; i++ {
		items = append(items, item(i))
	}
	return items, next, nil
}

// page returns the slice [from, to) of a list of n items that a list
// request asks for, and the token of the next page (nil on the last).
// maxResults 0 is AWS's default, 100; more than 1000 is refused. A token
// is the position of the page's first item, opaque to clients.
func page(in listInput, n int) (from, to int, next *string, err error) {
	size := in.MaxResults
	if size < 0 {
		return 0, 0, nil, errorf(codeValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0", size)
	}
	if size > 1000 {
		return 0, 0, nil, errorf(codeValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000", size)
	}
	if size == 0 {
		size = 100
	}
	if in.NextToken != nil {
		raw, derr := base64.RawURLEncoding.DecodeString(*in.NextToken)
		pos, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "p"))
		if derr != nil || perr != nil || !strings.HasPrefix(string(raw), "p") || pos < 0 {
			return 0, 0, nil, errorf("InvalidToken", "Invalid Token: '%s'", *in.NextToken)
		}
		from = min(pos, n)
	}
	to = min(from+size, n)
	if to < n {
		next = ptr(base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.Itoa(to))))
	}
	return from, to, next, nil
}

// newID returns a random UUID (version 4), as AWS's revision IDs are.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
