package integrations

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Amazon SNS: aws-sdk:sns:* and the optimized publish, whose Message may
// be any JSON value (sent as its JSON text).
func init() {
	register(&service{
		name: "sns", errorPrefix: "Sns", optimizedPrefix: "SNS", javaName: "AmazonSNS", envName: "SNS",
		newClient: func(cfg aws.Config) any { return sns.NewFromConfig(cfg) },
	})
	optimized["sns:publish"] = func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error) {
		return inv.callOptimized(ctx, "sns", r, rewrite(input, map[string]func(any) any{"Message": asText}), true)
	}
}
