package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// exeBuilder builds every revision into the test binary, a stand-in
// worker (TestMain).
type exeBuilder struct{ path string }

func (b exeBuilder) Build(context.Context, []byte, string) (string, error) { return b.path, nil }

// StartExecution of an EXPRESS machine starts an asynchronous Express
// execution, as AWS does: it answers at once with an express ARN, each
// call a new execution, which runs on the machine's workers; the
// Standard executions' actions refuse that ARN as AWS does, and
// ListExecutions refuses the machine.
func TestStartExecutionExpress(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SFN_SERVER_TEST_WORKER", "1")
	ran := filepath.Join(t.TempDir(), "ran")
	t.Setenv("SFN_SERVER_TEST_RAN", ran)
	s, err := New(Config{Builder: exeBuilder{exe}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	def, _ := json.Marshal(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	if status, _, out := post(s, "AWSStepFunctions.CreateStateMachine", "", `{"name": "fast", "type": "EXPRESS", "roleArn": "arn:aws:iam::1:role/r", "definition": `+string(def)+`}`); status != 200 {
		t.Fatalf("CreateStateMachine: %d %s", status, out)
	}
	machine := "arn:aws:states:us-east-1:123456789012:stateMachine:fast"
	arnPattern := regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:express:fast:night:[0-9a-f-]{36}$`)
	var arns []string
	for _, input := range []string{`{"n": 1}`, `{"n": 2}`} {
		in, _ := json.Marshal(map[string]string{"stateMachineArn": machine, "name": "night", "input": input})
		status, _, out := post(s, "AWSStepFunctions.StartExecution", "", string(in))
		if status != 200 {
			t.Fatalf("StartExecution: %d %s", status, out)
		}
		var got struct {
			ExecutionArn string  `json:"executionArn"`
			StartDate    float64 `json:"startDate"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || !arnPattern.MatchString(got.ExecutionArn) || got.StartDate == 0 {
			t.Fatalf("StartExecution answered %s", out)
		}
		arns = append(arns, got.ExecutionArn)
	}
	if arns[0] == arns[1] {
		t.Errorf("two executions of one name share the ARN %s: Express executions are not idempotent", arns[0])
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(ran)
		if strings.Contains(string(b), `{"n":1}`) && strings.Contains(string(b), `{"n":2}`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the executions did not run: the workers saw %q", b)
		}
	}

	const invalid = `{"__type":"InvalidArn","message":"Invalid Arn: 'Resource type not valid in this context: express'"}`
	for _, action := range []string{"DescribeExecution", "GetExecutionHistory", "StopExecution", "DescribeStateMachineForExecution"} {
		status, _, out := post(s, "AWSStepFunctions."+action, "", `{"executionArn": "`+arns[0]+`"}`)
		if status != 400 || out != invalid {
			t.Errorf("%s: %d %s; want 400 %s", action, status, out, invalid)
		}
	}
	status, _, out := post(s, "AWSStepFunctions.ListExecutions", "", `{"stateMachineArn": "`+machine+`"}`)
	if want := `{"__type":"StateMachineTypeNotSupported","message":"This operation is not supported by this type of state machine"}`; status != 400 || out != want {
		t.Errorf("ListExecutions: %d %s; want 400 %s", status, out, want)
	}
}
