package compiler

import (
	"strings"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file checks that a Task calling an integration passes the
// parameters its API requires (DG:connect-to-resource and each service's
// page of "Call other AWS services"; the API references of the SDK
// actions): a Task that would fail on every run is reported before any.

// requiredParameters lists, for optimised integrations (SERVICE:ACTION of
// arn:aws:states:::SERVICE:ACTION, whatever the pattern), the parameters
// the call cannot do without.
var requiredParameters = map[string][]string{
	"lambda:invoke":                  {"FunctionName"},
	"sns:publish":                    {"Message"},
	"sqs:sendMessage":                {"QueueUrl", "MessageBody"},
	"dynamodb:getItem":               {"TableName", "Key"},
	"dynamodb:putItem":               {"TableName", "Item"},
	"dynamodb:updateItem":            {"TableName", "Key"},
	"dynamodb:deleteItem":            {"TableName", "Key"},
	"events:putEvents":               {"Entries"},
	"states:startExecution":          {"StateMachineArn"},
	"http:invoke":                    {"ApiEndpoint", "Method", "Authentication|InvocationConfig"},
	"apigateway:invoke":              {"ApiEndpoint", "Method"},
	"ecs:runTask":                    {"TaskDefinition"},
	"batch:submitJob":                {"JobDefinition", "JobName", "JobQueue"},
	"glue:startJobRun":               {"JobName"},
	"databrew:startJobRun":           {"Name"},
	"athena:startQueryExecution":     {"QueryString"},
	"athena:stopQueryExecution":      {"QueryExecutionId"},
	"athena:getQueryExecution":       {"QueryExecutionId"},
	"athena:getQueryResults":         {"QueryExecutionId"},
	"codebuild:startBuild":           {"ProjectName"},
	"codebuild:startBuildBatch":      {"ProjectName"},
	"bedrock:invokeModel":            {"ModelId"},
	"mediaconvert:createJob":         {"Role", "Settings"},
	"emr-serverless:startJobRun":     {"ApplicationId", "ExecutionRoleArn"},
	"elasticmapreduce:addStep":       {"ClusterId", "Step"},
	"elasticmapreduce:createCluster": {"Name", "Instances"},
}

// requiredSDKParameters lists the same for AWS SDK integrations
// (arn:aws:states:::aws-sdk:SERVICE:ACTION), for the actions most used.
var requiredSDKParameters = map[string][]string{
	"s3:getObject":          {"Bucket", "Key"},
	"s3:putObject":          {"Bucket", "Key"},
	"s3:deleteObject":       {"Bucket", "Key"},
	"s3:headObject":         {"Bucket", "Key"},
	"s3:copyObject":         {"Bucket", "CopySource", "Key"},
	"s3:listObjectsV2":      {"Bucket"},
	"dynamodb:getItem":      {"TableName", "Key"},
	"dynamodb:putItem":      {"TableName", "Item"},
	"dynamodb:updateItem":   {"TableName", "Key"},
	"dynamodb:deleteItem":   {"TableName", "Key"},
	"dynamodb:query":        {"TableName"},
	"sqs:sendMessage":       {"QueueUrl", "MessageBody"},
	"sns:publish":           {"Message"},
	"lambda:invoke":         {"FunctionName"},
	"sfn:startExecution":    {"StateMachineArn"},
	"eventbridge:putEvents": {"Entries"},
}

// checkRequiredParameters reports the parameters that resource r needs
// and the Task state's Parameters (JSONPath: "X" or "X.$") or Arguments
// (JSONata: "X") lack. Arguments given as one expression are not known
// before the run.
func (st *stateCtx) checkRequiredParameters(r string) {
	required := integrationParameters(r)
	if len(required) == 0 {
		return
	}
	c := st.c
	field := "Parameters"
	if st.jsonata() {
		field = "Arguments"
	}
	params := st.obj.val(field)
	if params == nil {
		c.errAt(st.obj, codeSchema, "The field '%s' is required but was missing: %s needs %s", field, r, strings.ReplaceAll(strings.Join(required, ", "), "|", " or "))
		return
	}
	if params.kind != kindObject {
		return // an expression, or a type reported elsewhere
	}
	for _, names := range required {
		if !hasAnyParameter(params, st.ql, strings.Split(names, "|")) {
			c.errAt(params, codeSchema, "The field '%s' is required but was missing", strings.Split(names, "|")[0])
		}
	}
}

// hasAnyParameter reports whether params holds one of names, as "X" or,
// in JSONPath, "X.$".
func hasAnyParameter(params *node, ql ir.QueryLanguage, names []string) bool {
	for _, name := range names {
		if params.get(name) != nil || ql == ir.JSONPath && params.get(name+".$") != nil {
			return true
		}
	}
	return false
}

// integrationParameters returns the parameters the integration of
// resource r requires, if it is one listed.
func integrationParameters(r string) []string {
	if sm := reSDK.FindStringSubmatch(r); sm != nil {
		rest := strings.TrimSuffix(r[strings.Index(r, ":::aws-sdk:")+len(":::aws-sdk:"):], sm[2])
		return requiredSDKParameters[rest]
	}
	if sm := reService.FindStringSubmatch(r); sm != nil && sm[2] != "aws-sdk" {
		return requiredParameters[sm[2]+":"+sm[3]]
	}
	return nil
}
