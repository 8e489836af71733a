package integrations

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Amazon SQS: aws-sdk:sqs:* and the optimized sendMessage, whose
// MessageBody may be any JSON value (sent as its JSON text).
func init() {
	register(&service{
		name: "sqs", errorPrefix: "Sqs", optimizedPrefix: "SQS", javaName: "AmazonSQS", envName: "SQS",
		newClient: func(cfg aws.Config) any { return sqs.NewFromConfig(cfg) },
	})
	optimized["sqs:sendMessage"] = func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error) {
		return inv.callOptimized(ctx, "sqs", r, rewrite(input, map[string]func(any) any{"MessageBody": asText}), true)
	}
}
