package integrations

import "strings"

// A Resource is a Task state's Resource naming a Step Functions service
// integration: arn:PARTITION:states:[REGION]:[ACCOUNT]:SERVICE:ACTION[PATTERN]
// or arn:PARTITION:states:[REGION]:[ACCOUNT]:aws-sdk:SERVICE:ACTION[PATTERN].
type Resource struct {
	Partition string
	Region    string // "" unless the ARN names one
	Account   string // "" unless the ARN names one
	SDK       bool   // an AWS SDK integration (aws-sdk:SERVICE:ACTION)
	Service   string // as written: s3, dynamodb, sqs, states, http, ...
	Action    string // as written: getObject, sendMessage, startExecution, ...
	// Pattern is the service integration pattern: "" (request-response),
	// ".sync", ".sync:2" or ".waitForTaskToken".
	Pattern string
}

// ParseResource parses an integration ARN; ok is false for anything else
// (a Lambda function ARN, an activity, a malformed ARN).
func ParseResource(arn string) (r Resource, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" {
		return Resource{}, false
	}
	r.Partition, r.Region, r.Account = parts[1], parts[3], parts[4]
	rest := parts[5:]
	if rest[0] == "aws-sdk" {
		r.SDK = true
		rest = rest[1:]
	}
	// .sync:2 splits into one more part.
	if len(rest) == 3 && rest[2] == "2" && strings.HasSuffix(rest[1], ".sync") {
		rest = []string{rest[0], rest[1] + ":2"}
	}
	if len(rest) != 2 || rest[0] == "" || rest[1] == "" {
		return Resource{}, false
	}
	r.Service, r.Action = rest[0], rest[1]
	if r.Service == "activity" && !r.SDK {
		return Resource{}, false // an activity ARN
	}
	for _, p := range []string{".sync:2", ".sync", ".waitForTaskToken"} {
		if a, found := strings.CutSuffix(r.Action, p); found {
			r.Action, r.Pattern = a, p
			break
		}
	}
	if r.Action == "" || strings.Contains(r.Action, ".") && !r.SDK {
		return Resource{}, false
	}
	return r, true
}

// String returns the ARN without region and account, as Step Functions
// names the resource in messages.
func (r Resource) String() string {
	s := "arn:" + r.Partition + ":states:::"
	if r.SDK {
		s += "aws-sdk:"
	}
	return s + r.Service + ":" + r.Action + r.Pattern
}
