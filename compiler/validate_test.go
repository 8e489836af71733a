package compiler

import (
	"strings"
	"testing"

	"github.com/sfn-compile/sfn-compile/ir"
)

func TestValidTimestamp(t *testing.T) {
	for s, want := range map[string]bool{
		"2016-03-14T01:59:00Z":             true,
		"2016-03-14T01:59:00.00Z":          true,
		"2016-03-14T01:59:00.123456789Z":   true,
		"2016-03-14T01:59:00+05:30":        true,
		"2016-03-14T01:59:00.5-08:00":      true,
		"2024-02-29T00:00:00Z":             true,
		"2016-03-14t01:59:00z":             true,
		"2023-02-29T00:00:00Z":             false,
		"2016-13-05T21:29:29Z":             false,
		"2016-12-05T25:29:29Z":             false,
		"2016-12-05T21:60:29Z":             false,
		"05-12-2016T21:29:29Z":             false,
		"2016-12-05 21:29:29Z":             false,
		"2016-12-05T21:29:29":              false,
		"2016-12-05T21:29:29.Z":            false,
		"2016-12-05T21:29:29+0530":         false,
		"2016-12-05T21:29:29Z ":            false,
		"{% '2016-03-14T01:59:00Z' %}":     false,
		"2016-12-05":                       false,
		"":                                 false,
		"2016-12-05T21:29:29+24:00":        false,
		"2016-12-05T21:29:29.123+01:00xyz": false,
	} {
		if got := validTimestamp(s); got != want {
			t.Errorf("validTimestamp(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCheckResource(t *testing.T) {
	tests := []struct {
		resource string
		express  bool
		want     string // substring of the error; "" for none
	}{
		{"arn:aws:lambda:us-east-1:123456789012:function:f", false, ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", false, ""},
		{"arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod", true, ""},
		{"arn:aws:lambda:us-east-1:123:function:f", false, "not recognized"},
		{"arn:aws:states:::lambda:invoke", true, ""},
		{"arn:aws:states:::lambda:invoke.waitForTaskToken", false, ""},
		{"arn:aws:states:::lambda:invoke.waitForTaskToken", true, "'.waitForTaskToken'"},
		{"arn:aws:states:::lambda:invoke.sync", false, "not recognized"},
		{"arn:aws:states:::states:startExecution.sync:2", false, ""},
		{"arn:aws:states:::states:startExecution.sync", true, "'.sync'"},
		{"arn:aws:states:::states:startExecution.sync:2", true, "'.sync'"},
		{"arn:aws:states:::ecs:runTask.sync", false, ""},
		{"arn:aws:states:::dynamodb:putItem", false, ""},
		{"arn:aws:states:::dynamodb:query", false, "not recognized"},
		{"arn:aws:states:::dynamodb:getItem.waitForTaskToken", false, "not recognized"},
		{"arn:aws:states:::nosuchservice:doIt", false, "not recognized"},
		{"arn:aws:states:::aws-sdk:s3:getObject", true, ""},
		{"arn:aws:states:::aws-sdk:dynamodb:query", false, ""},
		{"arn:aws:states:::aws-sdk:sfn:sendTaskSuccess.waitForTaskToken", true, "'.waitForTaskToken'"},
		{"arn:aws:states:::aws-sdk:s3", false, "not recognized"},
		{"arn:aws:states:us-east-1:123456789012:activity:my-activity", false, ""},
		{"arn:aws:states:us-east-1:123456789012:activity:my-activity", true, "Activity ARN"},
		{"arn:aws:states:::http:invoke", false, ""},
		// Region and account may be named in integration ARNs.
		{"arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject", false, ""},
		{"arn:aws:states:eu-west-3:123456789012:dynamodb:getItem", false, ""},
		{"arn:aws:states:us-east-1::sqs:sendMessage.waitForTaskToken", false, ""},
		{"arn:aws:states::123456789012:sns:publish", false, ""},
		{"arn:aws:states:us-east-1:123456789012:dynamodb:query", false, "not recognized"},
		{"arn:aws:states:us-east-1:1234:aws-sdk:s3:getObject", false, "not recognized"},
		{"arn:aws:states:nowhere:123456789012:aws-sdk:s3:getObject", false, "not recognized"},
		{"my-function", false, "not a valid resource ARN"},
		{"", false, "not a valid resource ARN"},
	}
	for _, tt := range tests {
		c := &compiler{express: tt.express}
		n := &node{kind: kindString, s: tt.resource}
		c.checkResource(n, tt.resource)
		var got string
		if len(c.diags) > 0 {
			got = c.diags[0].Message
		}
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("checkResource(%q, express=%v) = %q, want %q", tt.resource, tt.express, got, tt.want)
		}
	}
}

// TestRules checks single validation rules on small definitions: each
// case's state "S" is the start state, beside a Succeed state "End".
func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		state string // the JSON of state S
		top   string // extra top-level members, with a trailing comma
		want  string // substring of one error; "" when S must compile
		typ   string
	}{
		{"pass", `{"Type":"Pass","Next":"End"}`, ``, "", ""},
		{"end false", `{"Type":"Pass","End":false}`, ``, "End must be true", ""},
		{"end false with next", `{"Type":"Pass","End":false,"Next":"End"}`, ``, "", ""},
		{"top timeout", `{"Type":"Pass","Next":"End"}`, `"TimeoutSeconds": 60,`, "", ""},
		{"top query language", `{"Type":"Pass","Next":"End"}`, `"QueryLanguage": "JSONPath",`, "", ""},
		{"jsonata override", `{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input %}","Next":"End"}`, ``, "", ""},
		{"jsonata literal string", `{"Type":"Pass","QueryLanguage":"JSONata","Output":"$.not.a.path","Next":"End"}`, ``, "", ""},
		{"jsonata .$ key", `{"Type":"Pass","QueryLanguage":"JSONata","Output":{"a.$":"$"},"Next":"End"}`, ``, "", ""},
		{"jsonata arguments .$ key", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","QueryLanguage":"JSONata","Arguments":{"FunctionName":"f","a.$":"$"},"Next":"End"}`, ``, "", ""},
		{"jsonata assign .$ key", `{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"a.$":"$"},"Next":"End"}`, ``, "Invalid variable name 'a.$'", ""},
		{"integral float", `{"Type":"Wait","Seconds":5.0,"Next":"End"}`, ``, "", ""},
		{"huge integer", `{"Type":"Wait","Seconds":123456789012345678901234567890,"Next":"End"}`, ``, "Maximum value is 99999999", ""},
		{"huge negative", `{"Type":"Wait","Seconds":-1e400,"Next":"End"}`, ``, "Minimum value is 0", ""},
		{"fraction", `{"Type":"Wait","Seconds":0.5,"Next":"End"}`, ``, "Expected an integer", ""},
		{"heartbeat ok", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"TimeoutSeconds":10,"HeartbeatSeconds":9,"Next":"End"}`, ``, "", ""},
		{"heartbeat path", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"TimeoutSeconds":10,"HeartbeatSecondsPath":"$.h","Next":"End"}`, ``, "", ""},
		{"fail intrinsic cause", `{"Type":"Fail","CausePath":"States.Format('{}', $.x)"}`, ``, "", ""},
		{"fail both", `{"Type":"Fail","Error":"E","ErrorPath":"$.e"}`, ``, "only be one of the following fields: [Error, ErrorPath]", ""},
		{"fail error path bad", `{"Type":"Fail","ErrorPath":"$.e[*]"}`, ``, "valid JSONPath or a valid intrinsic", ""},
		{"choice variable context", `{"Type":"Choice","Choices":[{"Variable":"$$.Execution.Name","StringEquals":"x","Next":"End"}]}`, ``, "", ""},
		{"choice variable variable", `{"Type":"Choice","Choices":[{"Variable":"$v.x","IsPresent":true,"Next":"End"}]}`, ``, "", ""},
		{"choice not with next", `{"Type":"Choice","Choices":[{"Not":{"Variable":"$.x","IsNull":true,"Next":"End"},"Next":"End"}]}`, ``, "Field 'Next' is not supported", ""},
		{"choice assign nested", `{"Type":"Choice","Choices":[{"And":[{"Variable":"$.x","IsNull":true,"Assign":{"a":1}}],"Next":"End"}]}`, ``, "Field 'Assign' is not supported", ""},
		{"choice and with variable", `{"Type":"Choice","Choices":[{"Variable":"$.x","And":[{"Variable":"$.x","IsNull":true}],"Next":"End"}]}`, ``, "'Variable' is not supported with 'And'", ""},
		{"choice no choices", `{"Type":"Choice","Default":"End"}`, ``, "These fields are required: [Choices]", ""},
		{"result path variable", `{"Type":"Pass","ResultPath":"$v","Next":"End"}`, ``, "must be a path starting with '$'", ""},
		{"input path variable", `{"Type":"Pass","InputPath":"$v.x","Next":"End"}`, ``, "", ""},
		{"items path context", `{"Type":"Map","ItemsPath":"$$.Execution.Input.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"Next":"End"}`, ``, "", ""},
		{"map processor query language", `{"Type":"Map","ItemProcessor":{"QueryLanguage":"JSONata","StartAt":"I","States":{"I":{"Type":"Succeed"}}},"Next":"End"}`, ``, "Field 'QueryLanguage' is not supported", ""},
		{"map jitter", `{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"NONE"}],"Next":"End"}`, ``, "", ""},
		{"nested transition outward", `{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Pass","Next":"End"}}}],"Next":"End"}`, ``, "Missing 'Next' target: End", ""},
		{"credentials jsonata", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},"Credentials":{"RoleArn":"{% $r %}"},"Next":"End"}`, ``, "", ""},
		{"credentials path in jsonata", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Credentials":{"RoleArn.$":"$.r"},"Next":"End"}`, ``, "only supported for the 'JSONPath'", ""},
		{"assign in succeed", `{"Type":"Succeed","Assign":{"a":1}}`, ``, "Field 'Assign' is not supported", ""},
		{"catch assign", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err.$":"$.Error"},"Next":"End"}],"Next":"End"}`, ``, "", ""},
		// Parameters the integration's API requires (validate_params.go).
		{"lambda invoke no parameters", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"End"}`, ``, "The field 'Parameters' is required but was missing: arn:aws:states:::lambda:invoke needs FunctionName", ""},
		{"lambda invoke no function", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"Payload.$":"$"},"Next":"End"}`, ``, "The field 'FunctionName' is required but was missing", ""},
		{"lambda invoke function path", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName.$":"$.fn","Payload":{"t.$":"$$.Task.Token"}},"Next":"End"}`, ``, "", ""},
		{"lambda invoke jsonata", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"{% $fn %}"},"Next":"End"}`, ``, "", ""},
		{"lambda invoke jsonata path key", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName.$":"$.fn"},"Next":"End"}`, ``, "The field 'FunctionName' is required but was missing", ""},
		{"lambda invoke jsonata expression", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":"{% $states.input %}","Next":"End"}`, ``, "", ""},
		{"lambda direct arn", `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"End"}`, ``, "", ""},
		{"sqs no body", `{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q"},"Next":"End"}`, ``, "The field 'MessageBody' is required", ""},
		{"dynamodb put no item", `{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName":"t"},"Next":"End"}`, ``, "The field 'Item' is required", ""},
		{"http no authentication", `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://x","Method":"GET"},"Next":"End"}`, ``, "The field 'Authentication' is required", ""},
		{"http private api connection", `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://x","Method":"GET","InvocationConfig":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c/1"}},"Next":"End"}`, ``, "", ""},
		{"http jsonata private api connection", `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::http:invoke","Arguments":{"ApiEndpoint":"https://x","Method":"GET","InvocationConfig":{"ConnectionArn":"{% $c %}"}},"Next":"End"}`, ``, "", ""},
		{"http no parameters", `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Next":"End"}`, ``, "needs ApiEndpoint, Method, Authentication or InvocationConfig", ""},
		{"start execution sync2", `{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"Input":{}},"Next":"End"}`, ``, "The field 'StateMachineArn' is required", ""},
		{"sdk s3 get no key", `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"b"},"Next":"End"}`, ``, "The field 'Key' is required", ""},
		{"sdk s3 get", `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"b","Key.$":"$.k"},"Next":"End"}`, ``, "", ""},
		{"sdk unlisted action", `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:listBuckets","Next":"End"}`, ``, "", ""},
		{"express sub machine", `{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true}}}],"Next":"End"}`, ``, "does not support '.sync'", "EXPRESS"},
		{"standard sub machine", `{"Type":"Parallel","Branches":[{"StartAt":"I","States":{"I":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","Parameters":{"TaskDefinition":"t"},"End":true}}}],"Next":"End"}`, ``, "", "STANDARD"},
		{"unknown type", `{"Type":"Pass","Next":"End"}`, ``, "Unknown state machine type", "BATCH"},
	}
	for _, tt := range tests {
		src := `{` + tt.top + `"StartAt":"S","States":{"S":` + tt.state + `,"End":{"Type":"Succeed"}}}`
		_, diags := Compile([]byte(src), Options{Type: tt.typ})
		var errs []string
		for _, d := range diags {
			if d.Pointer == "/States/End" && d.Code == codeMissingTarget {
				continue // S is terminal
			}
			if d.Severity == Error {
				errs = append(errs, d.String())
			}
		}
		switch {
		case tt.want == "" && len(errs) > 0:
			t.Errorf("%s: unexpected errors:\n%s", tt.name, strings.Join(errs, "\n"))
		case tt.want != "" && !strings.Contains(strings.Join(errs, "\n"), tt.want):
			t.Errorf("%s: want an error containing %q, got:\n%s", tt.name, tt.want, strings.Join(errs, "\n"))
		}
	}
}

// TestCompareOpsParse: every Choice operator the compiler accepts is
// one ir knows, so lowering never stores an invalid Operator.
func TestCompareOpsParse(t *testing.T) {
	for name := range compareOps {
		base := strings.TrimSuffix(name, "Path")
		op, ok := ir.ParseOperator(base)
		if !ok || op.String() != base {
			t.Errorf("%s: ir.ParseOperator(%q) = %v, %v", name, base, op, ok)
		}
	}
}
