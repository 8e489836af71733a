package compiler

import (
	"regexp"
	"strings"
)

// This file recognises Task Resource ARNs (asl-reference §8.2): Lambda
// functions, activities, the optimised service integrations with their
// supported actions and patterns, and AWS SDK integrations.

// A pattern is a service integration pattern: request-response, run a job
// (.sync, .sync:2) or wait for a callback (.waitForTaskToken).
type pattern uint8

const (
	patRR pattern = 1 << iota
	patSync
	patSync2
	patToken
)

// integrations lists the optimised integrations: service -> action ->
// supported patterns.
var integrations = func() map[string]map[string]pattern {
	const (
		rr    = patRR
		rrT   = patRR | patToken
		rrS   = patRR | patSync
		rrST  = patRR | patSync | patToken
		all   = patRR | patSync | patSync2 | patToken
		rrAll = rr
	)
	set := func(p pattern, actions ...string) map[string]pattern {
		m := map[string]pattern{}
		for _, a := range actions {
			m[a] = p
		}
		return m
	}
	merge := func(ms ...map[string]pattern) map[string]pattern {
		out := map[string]pattern{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	return map[string]map[string]pattern{
		"lambda":     set(rrT, "invoke"),
		"batch":      set(rrST, "submitJob"),
		"dynamodb":   set(rrAll, "getItem", "putItem", "updateItem", "deleteItem"),
		"ecs":        set(rrST, "runTask"),
		"sns":        set(rrT, "publish"),
		"sqs":        set(rrT, "sendMessage"),
		"events":     set(rrT, "putEvents"),
		"apigateway": set(rrT, "invoke"),
		"http":       set(rr, "invoke"),
		"states":     set(all, "startExecution"),
		"glue":       set(rrST, "startJobRun"),
		"databrew":   set(rrS, "startJobRun"),
		"athena": merge(set(rrS, "startQueryExecution"),
			set(rr, "stopQueryExecution", "getQueryExecution", "getQueryResults")),
		"codebuild": merge(set(rrS, "startBuild", "startBuildBatch", "batchDeleteBuilds", "retryBuild", "retryBuildBatch"),
			set(rr, "stopBuild", "stopBuildBatch", "deleteBuildBatch", "batchGetReports")),
		"sagemaker": merge(set(rrS, "createTrainingJob", "createTransformJob", "createHyperParameterTuningJob", "createProcessingJob", "createLabelingJob"),
			set(rr, "createModel", "createEndpointConfig", "createEndpoint", "updateEndpoint")),
		"elasticmapreduce": merge(set(rrS, "createCluster", "terminateCluster", "addStep"),
			set(rr, "cancelStep", "setClusterTerminationProtection", "modifyInstanceFleetByName", "modifyInstanceGroupByName")),
		"emr-containers": set(rrS, "startJobRun", "createVirtualCluster", "deleteVirtualCluster"),
		"emr-serverless": set(rrS, "createApplication", "startApplication", "stopApplication", "deleteApplication", "startJobRun", "cancelJobRun"),
		"eks": merge(set(rrS, "createCluster", "deleteCluster", "createFargateProfile", "deleteFargateProfile", "createNodegroup", "deleteNodegroup", "runJob"),
			set(rr, "call")),
		"bedrock":      merge(set(rrT, "invokeModel"), set(rrS, "createModelCustomizationJob")),
		"mediaconvert": set(rrS, "createJob"),
	}
}()

var (
	reRegion   = `[a-z]{2}(?:-[a-z]+)+-\d+`
	reAccount  = `\d{12}`
	rePart     = `aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc`
	reLambda   = regexp.MustCompile(`^arn:(` + rePart + `):lambda:` + reRegion + `:` + reAccount + `:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$`)
	reActivity = regexp.MustCompile(`^arn:(` + rePart + `):states:` + reRegion + `:` + reAccount + `:activity:[^\s<>{}\[\]?*"#%\\^|~` + "`" + `$&,;:/]{1,80}$`)
	// Integration ARNs leave region and account empty, or name them, as
	// in arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject:
	// AWS accepts both.
	reScope   = `:(?:` + reRegion + `)?:(?:` + reAccount + `)?:`
	reService = regexp.MustCompile(`^arn:(` + rePart + `):states` + reScope + `([a-z0-9-]+):([A-Za-z0-9-]+(?::[A-Za-z0-9-]+)?)(\.sync(?::2)?|\.waitForTaskToken)?$`)
	reSDK     = regexp.MustCompile(`^arn:(` + rePart + `):states` + reScope + `aws-sdk:[a-z0-9-]+:[a-zA-Z][A-Za-z0-9.]*(\.waitForTaskToken)?$`)
)

// checkResource reports a Task Resource that is not a recognised ARN, and
// the integrations Express machines do not support.
func (c *compiler) checkResource(n *node, r string) {
	notRecognised := func() {
		c.errAt(n, codeSchema, "The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", r)
	}
	if !strings.HasPrefix(r, "arn:") {
		c.errAt(n, codeInvalidResource, "The resource provided %s is not a valid resource ARN", r)
		return
	}
	switch {
	case reLambda.MatchString(r):
		return
	case reActivity.MatchString(r):
		if c.express {
			c.errAt(n, codeSchema, "Express state machine does not support Activity ARN")
		}
		return
	case reSDK.MatchString(r):
		if c.express && strings.HasSuffix(r, ".waitForTaskToken") {
			c.errAt(n, codeSchema, "Express state machine does not support '.waitForTaskToken' service integration ")
		}
		return
	}
	sm := reService.FindStringSubmatch(r)
	if sm == nil || sm[2] == "aws-sdk" {
		notRecognised()
		return
	}
	service, action, suffix := sm[2], sm[3], sm[4]
	want := patRR
	switch suffix {
	case ".sync":
		want = patSync
	case ".sync:2":
		want = patSync2
	case ".waitForTaskToken":
		want = patToken
	}
	if integrations[service][action]&want == 0 {
		notRecognised()
		return
	}
	if c.express {
		switch want {
		case patSync, patSync2:
			c.errAt(n, codeSchema, "Express state machine does not support '.sync' service integration ")
		case patToken:
			c.errAt(n, codeSchema, "Express state machine does not support '.waitForTaskToken' service integration ")
		}
	}
}
