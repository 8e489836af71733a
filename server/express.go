package server

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"time"
)

func init() {
	actions["StartSyncExecution"] = (*Server).startSyncExecution
}

// maxPayloadBytes is AWS's limit on an execution's input and output.
const maxPayloadBytes = 262144

type startSyncInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     *string `json:"traceHeader"`
	IncludedData    string  `json:"includedData"`
}

// describeLine is the line a worker answers (sfnrt's Result.Describe).
type describeLine struct {
	ExecutionArn    string  `json:"executionArn"`
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Status          string  `json:"status"`
	StartDate       string  `json:"startDate"`
	StopDate        string  `json:"stopDate"`
	Input           string  `json:"input"`
	Output          *string `json:"output"`
	Error           *string `json:"error"`
	Cause           *string `json:"cause"`
}

type details struct {
	Included bool `json:"included"`
}

type billingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

type startSyncOutput struct {
	ExecutionArn    string          `json:"executionArn"`
	StateMachineArn string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	Status          string          `json:"status"`
	StartDate       epoch           `json:"startDate"`
	StopDate        epoch           `json:"stopDate"`
	Input           *string         `json:"input,omitempty"`
	InputDetails    details         `json:"inputDetails"`
	Output          *string         `json:"output,omitempty"`
	OutputDetails   *details        `json:"outputDetails,omitempty"`
	Error           *string         `json:"error,omitempty"`
	Cause           *string         `json:"cause,omitempty"`
	TraceHeader     *string         `json:"traceHeader,omitempty"`
	BillingDetails  *billingDetails `json:"billingDetails,omitempty"`
}

// startSyncExecution runs an execution of an Express machine and answers
// with its outcome. The first execution of a revision waits for its
// build. A "#TestCase" suffix on the ARN answers the machine's Task
// states from that test case of the mock config (Step Functions Local's
// convention).
func (s *Server) startSyncExecution(r *http.Request, body []byte) (any, error) {
	var in startSyncInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	machineARN, testCase, err := s.startTarget(in.StateMachineArn, in.Name)
	if err != nil {
		return nil, err
	}
	input, err := executionInput(in.Input)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	m, v, al, err := s.lookup(machineARN)
	var name, typ, def string
	if err == nil {
		name, typ, def = m.Name, m.Type, m.Definition
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if v != nil || al != nil {
		return nil, errorf(codeValidation, "StartSyncExecution takes an unqualified state machine ARN, not '%s'", machineARN)
	}
	if typ != "EXPRESS" {
		return nil, errorf(codeTypeNotSupported, "This operation is not supported by standard state machines")
	}
	bin, err := s.builds.binary(r.Context(), def, typ)
	if err != nil {
		return nil, err
	}
	p, err := s.pools.get(workerKey{bin: bin, name: name, testCase: testCase})
	if err != nil {
		return nil, err
	}
	line, err := p.run(r.Context(), input)
	if err != nil {
		return nil, err
	}
	var d describeLine
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		return nil, err
	}
	out := &startSyncOutput{
		ExecutionArn: d.ExecutionArn, StateMachineArn: d.StateMachineArn, Name: d.Name, Status: d.Status,
		Error: d.Error, Cause: d.Cause, TraceHeader: in.TraceHeader,
	}
	start, _ := time.Parse(time.RFC3339Nano, d.StartDate)
	stop, _ := time.Parse(time.RFC3339Nano, d.StopDate)
	out.StartDate, out.StopDate = epoch(start), epoch(stop)
	if in.Name != nil {
		// The runtime names each execution itself; the name asked for
		// replaces it in the answer.
		out.ExecutionArn = strings.Replace(out.ExecutionArn, ":"+d.Name+":", ":"+*in.Name+":", 1)
		out.Name = *in.Name
	}
	if in.IncludedData != "METADATA_ONLY" {
		// AWS answers the input as it was sent, not re-encoded.
		out.Input = ptr("{}")
		if in.Input != nil {
			out.Input = in.Input
		}
		out.InputDetails.Included = true
		if d.Output != nil {
			out.Output = d.Output
			out.OutputDetails = &details{Included: true}
		}
	} else if d.Output != nil {
		out.OutputDetails = &details{}
	}
	// AWS bills Express executions by 64 MB of memory and rounds the
	// duration up to 100 ms.
	ms := stop.Sub(start).Milliseconds()
	out.BillingDetails = &billingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: int64(math.Max(100, math.Ceil(float64(ms)/100)*100))}
	return out, nil
}

// executionInput checks an execution's input (absent: {}) and compacts
// it to one line.
func executionInput(in *string) ([]byte, error) {
	if in == nil {
		return []byte("{}"), nil
	}
	if len(*in) > maxPayloadBytes {
		return nil, errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: 'The input exceeds the maximum size of %d bytes'", maxPayloadBytes)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(*in)); err != nil {
		return nil, errorf("InvalidExecutionInput", "Invalid State Machine Execution Input: '%v'", err)
	}
	return buf.Bytes(), nil
}
