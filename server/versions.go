package server

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

func init() {
	actions["PublishStateMachineVersion"] = (*Server).publishStateMachineVersion
	actions["ListStateMachineVersions"] = (*Server).listStateMachineVersions
	actions["DeleteStateMachineVersion"] = (*Server).deleteStateMachineVersion
	actions["CreateStateMachineAlias"] = (*Server).createStateMachineAlias
	actions["DescribeStateMachineAlias"] = (*Server).describeStateMachineAlias
	actions["UpdateStateMachineAlias"] = (*Server).updateStateMachineAlias
	actions["DeleteStateMachineAlias"] = (*Server).deleteStateMachineAlias
	actions["ListStateMachineAliases"] = (*Server).listStateMachineAliases
}

func (m *machine) versionARN(n int) string     { return m.ARN + ":" + strconv.Itoa(n) }
func (m *machine) aliasARN(name string) string { return m.ARN + ":" + name }

// publish makes the current revision a version, unless the newest
// version is that revision already (AWS answers it again), and returns
// its ARN.
func (m *machine) publish(description string, now time.Time) string {
	if k := len(m.Versions); k > 0 && m.Versions[k-1].RevisionID == m.RevisionID {
		return m.versionARN(m.Versions[k-1].Number)
	}
	if m.NextNumber == 0 {
		m.NextNumber = 1
	}
	v := version{Number: m.NextNumber, Definition: m.Definition, RoleARN: m.RoleARN, RevisionID: m.RevisionID, Description: description, Created: now}
	m.NextNumber++
	m.Versions = append(m.Versions, v)
	return m.versionARN(v.Number)
}

type publishInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	RevisionID      *string `json:"revisionId"`
	Description     *string `json:"description"`
}

type publishOutput struct {
	CreationDate           epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

func (s *Server) publishStateMachineVersion(_ *http.Request, body []byte) (any, error) {
	var in publishInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	if err := checkVersionDescription(in.Description, true); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, al, err := s.lookup(*in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if v != nil || al != nil {
		return nil, errorf(codeValidation, "PublishStateMachineVersion takes an unqualified state machine ARN, not '%s'", *in.StateMachineArn)
	}
	if in.RevisionID != nil && *in.RevisionID != m.RevisionID {
		return nil, errorf(codeConflict, "Failed to publish the State Machine version for revision %s. The current State Machine revision is %s.", *in.RevisionID, m.RevisionID)
	}
	versions, next := m.Versions, m.NextNumber
	arn := m.publish(deref(in.Description), s.now())
	if err := s.reg.save(); err != nil {
		m.Versions, m.NextNumber = versions, next
		return nil, err
	}
	n, _ := strconv.Atoi(arn[len(m.ARN)+1:])
	for _, v := range m.Versions {
		if v.Number == n {
			return &publishOutput{CreationDate: epoch(v.Created), StateMachineVersionArn: arn}, nil
		}
	}
	return &publishOutput{StateMachineVersionArn: arn}, nil
}

type listVersionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	listInput
}

type versionItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           epoch  `json:"creationDate"`
}

// listedMachine decodes the request of a list of a state machine's
// versions or aliases (action) and looks up the machine, whose ARN must
// be unqualified. The caller holds s.mu.
func (s *Server) listedMachine(body []byte, action string) (*machine, listVersionsInput, error) {
	var in listVersionsInput
	if err := decode(body, &in); err != nil {
		return nil, in, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, in, err
	}
	m, v, al, err := s.lookup(*in.StateMachineArn)
	if err != nil {
		return nil, in, err
	}
	if v != nil || al != nil {
		return nil, in, errorf(codeValidation, "%s takes an unqualified state machine ARN", action)
	}
	return m, in, nil
}

// listStateMachineVersions lists the versions newest first, as AWS.
func (s *Server) listStateMachineVersions(_ *http.Request, body []byte) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, in, err := s.listedMachine(body, "ListStateMachineVersions")
	if err != nil {
		return nil, err
	}
	items, next, err := pageOf(in.listInput, len(m.Versions), func(i int) versionItem {
		v := m.Versions[len(m.Versions)-1-i]
		return versionItem{m.versionARN(v.Number), epoch(v.Created)}
	})
	if err != nil {
		return nil, err
	}
	return struct {
		StateMachineVersions []versionItem `json:"stateMachineVersions"`
		NextToken            *string       `json:"nextToken,omitempty"`
	}{items, next}, nil
}

func (s *Server) deleteStateMachineVersion(_ *http.Request, body []byte) (any, error) {
	var in struct {
		StateMachineVersionArn *string `json:"stateMachineVersionArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineVersionArn", in.StateMachineVersionArn); err != nil {
		return nil, err
	}
	return s.deleteVersion(*in.StateMachineVersionArn)
}

// deleteVersion deletes a version that no alias routes to; a version
// that does not exist is deleted already.
func (s *Server) deleteVersion(arnText string) (any, error) {
	a, err := parseARN(arnText, "stateMachine")
	if err != nil {
		return nil, err
	}
	n, nerr := strconv.Atoi(a.qualifier)
	if nerr != nil {
		return nil, errorf(codeValidation, "'%s' is not a state machine version ARN", arnText)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, _, _, lerr := s.lookup(arnText)
	if lerr != nil {
		return struct{}{}, nil
	}
	for _, al := range m.Aliases {
		for _, r := range al.Routing {
			if r.VersionARN == arnText {
				return nil, errorf(codeConflict, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", m.aliasARN(al.Name))
			}
		}
	}
	kept := []version{}
	for _, v := range m.Versions {
		if v.Number != n {
			kept = append(kept, v)
		}
	}
	if err := saveReplacing(s.reg, &m.Versions, kept); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

type aliasInput struct {
	Name                 *string        `json:"name"`
	StateMachineAliasArn *string        `json:"stateMachineAliasArn"`
	Description          *string        `json:"description"`
	RoutingConfiguration []routingEntry `json:"routingConfiguration"`
}

// checkRouting checks an alias's routing against AWS's rules: one or two
// versions of the machine m, weights 0-100 adding up to 100.
func (s *Server) checkRouting(m *machine, routing []routingEntry) error {
	if len(routing) < 1 || len(routing) > 2 {
		return errorf(codeValidation, "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2")
	}
	sum := 0
	for i, r := range routing {
		if r.Weight < 0 || r.Weight > 100 {
			return errorf(codeValidation, "1 validation error detected: Value '%d' at 'routingConfiguration.%d.member.weight' failed to satisfy constraint: Member must be between 0 and 100", r.Weight, i+1)
		}
		sum += r.Weight
		om, v, _, err := s.lookup(r.VersionARN)
		if err != nil {
			return err
		}
		if om != m || v == nil {
			return errorf(codeValidation, "Routing configuration must contain versions of state machine '%s', not '%s'", m.ARN, r.VersionARN)
		}
	}
	if len(routing) == 2 && routing[0].VersionARN == routing[1].VersionARN {
		return errorf(codeValidation, "Routing configuration must contain distinct state machine version ARNs")
	}
	if sum != 100 {
		return errorf(codeValidation, "Sum of routing configuration weights must equal 100")
	}
	return nil
}

func (s *Server) createStateMachineAlias(_ *http.Request, body []byte) (any, error) {
	var in aliasInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	if err := checkName("alias", *in.Name); err != nil {
		return nil, err
	}
	if _, err := strconv.Atoi(*in.Name); err == nil {
		return nil, errorf(codeValidation, "Alias name must not be a number: '%s'", *in.Name)
	}
	if in.Description != nil && utf8.RuneCountInString(*in.Description) > 256 {
		return nil, errorf(codeValidation, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(in.RoutingConfiguration) == 0 {
		return nil, errorf(codeValidation, "1 validation error detected: Value null at 'routingConfiguration' failed to satisfy constraint: Member must not be null")
	}
	m, _, _, err := s.lookup(in.RoutingConfiguration[0].VersionARN)
	if err != nil {
		return nil, err
	}
	if err := s.checkRouting(m, in.RoutingConfiguration); err != nil {
		return nil, err
	}
	for _, al := range m.Aliases {
		if al.Name == *in.Name {
			if al.Description == deref(in.Description) && sameRouting(al.Routing, in.RoutingConfiguration) {
				return &aliasOutput{StateMachineAliasArn: m.aliasARN(al.Name), CreationDate: epoch(al.Created)}, nil
			}
			return nil, errorf(codeConflict, "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
		}
	}
	al := &alias{Name: *in.Name, Description: deref(in.Description), Routing: in.RoutingConfiguration, Created: s.now()}
	if err := saveReplacing(s.reg, &m.Aliases, append(m.Aliases, al)); err != nil {
		return nil, err
	}
	return &aliasOutput{StateMachineAliasArn: m.aliasARN(al.Name), CreationDate: epoch(al.Created)}, nil
}

type aliasOutput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

func sameRouting(a, b []routingEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// aliasOf finds the alias an alias ARN names.
func (s *Server) aliasOf(arnText *string) (*machine, *alias, error) {
	if err := required("stateMachineAliasArn", arnText); err != nil {
		return nil, nil, err
	}
	m, _, al, err := s.lookup(*arnText)
	if err != nil {
		if ae := asAPIError(err); ae.Code == codeMachineDoesNotExist {
			return nil, nil, errorf(codeResourceNotFound, "Resource not found: '%s'", *arnText)
		}
		return nil, nil, err
	}
	if al == nil {
		return nil, nil, errorf(codeValidation, "'%s' is not a state machine alias ARN", *arnText)
	}
	return m, al, nil
}

func (s *Server) describeStateMachineAlias(_ *http.Request, body []byte) (any, error) {
	var in aliasInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, al, err := s.aliasOf(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	out := struct {
		StateMachineAliasArn string         `json:"stateMachineAliasArn"`
		Name                 string         `json:"name"`
		Description          string         `json:"description,omitempty"`
		RoutingConfiguration []routingEntry `json:"routingConfiguration"`
		CreationDate         epoch          `json:"creationDate"`
		UpdateDate           *epoch         `json:"updateDate,omitempty"`
	}{m.aliasARN(al.Name), al.Name, al.Description, al.Routing, epoch(al.Created), nil}
	if !al.Updated.IsZero() {
		out.UpdateDate = ptr(epoch(al.Updated))
	}
	return out, nil
}

func (s *Server) updateStateMachineAlias(_ *http.Request, body []byte) (any, error) {
	var in aliasInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		return nil, errorf(codeMissingParameter, "Either the description or the RoutingConfiguration must be specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, al, err := s.aliasOf(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	if in.RoutingConfiguration != nil {
		if err := s.checkRouting(m, in.RoutingConfiguration); err != nil {
			return nil, err
		}
	}
	old := *al
	if in.RoutingConfiguration != nil {
		al.Routing = in.RoutingConfiguration
	}
	if in.Description != nil {
		al.Description = *in.Description
	}
	al.Updated = s.now()
	if err := s.reg.save(); err != nil {
		*al = old
		return nil, err
	}
	return struct {
		UpdateDate epoch `json:"updateDate"`
	}{epoch(al.Updated)}, nil
}

func (s *Server) deleteStateMachineAlias(_ *http.Request, body []byte) (any, error) {
	var in aliasInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, al, err := s.aliasOf(in.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	kept := []*alias{}
	for _, a := range m.Aliases {
		if a != al {
			kept = append(kept, a)
		}
	}
	if err := saveReplacing(s.reg, &m.Aliases, kept); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Server) listStateMachineAliases(_ *http.Request, body []byte) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, in, err := s.listedMachine(body, "ListStateMachineAliases")
	if err != nil {
		return nil, err
	}
	type item struct {
		StateMachineAliasArn string `json:"stateMachineAliasArn"`
		CreationDate         epoch  `json:"creationDate"`
	}
	items, next, err := pageOf(in.listInput, len(m.Aliases), func(i int) item {
		al := m.Aliases[i]
		return item{m.aliasARN(al.Name), epoch(al.Created)}
	})
	if err != nil {
		return nil, err
	}
	return struct {
		StateMachineAliases []item  `json:"stateMachineAliases"`
		NextToken           *string `json:"nextToken,omitempty"`
	}{items, next}, nil
}
