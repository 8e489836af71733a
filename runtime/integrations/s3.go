package integrations

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Amazon S3: aws-sdk:s3:* and the optimized s3:getObject and s3:putObject
// that Distributed Map's ItemReader and ResultWriter name.
func init() {
	register(&service{
		name: "s3", errorPrefix: "S3", optimizedPrefix: "S3", javaName: "Amazon S3", envName: "S3",
		newClient: func(cfg aws.Config) any {
			return s3.NewFromConfig(cfg, func(o *s3.Options) {
				// Local S3 servers (versitygw, MinIO) serve buckets by
				// path, not by host name.
				o.UsePathStyle = o.BaseEndpoint != nil
			})
		},
	})
	for _, action := range []string{"getObject", "putObject"} {
		optimized["s3:"+action] = func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error) {
			return inv.callSDK(ctx, lookupService("s3"), r, input)
		}
	}
}
