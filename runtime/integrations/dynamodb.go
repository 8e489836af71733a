package integrations

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Amazon DynamoDB: aws-sdk:dynamodb:* and the optimized getItem, putItem,
// updateItem and deleteItem. Attribute values are written as the service's
// JSON protocol writes them, {"S": "text"}, {"N": "1"}, {"M": {...}}, in
// Parameters and results alike.
func init() {
	register(&service{
		name: "dynamodb", errorPrefix: "DynamoDb", optimizedPrefix: "DynamoDB", javaName: "AmazonDynamoDBv2", envName: "DYNAMODB",
		newClient: func(cfg aws.Config) any { return dynamodb.NewFromConfig(cfg) },
	})
	RegisterUnion((*types.AttributeValue)(nil),
		&types.AttributeValueMemberB{}, &types.AttributeValueMemberBOOL{}, &types.AttributeValueMemberBS{},
		&types.AttributeValueMemberL{}, &types.AttributeValueMemberM{}, &types.AttributeValueMemberN{},
		&types.AttributeValueMemberNS{}, &types.AttributeValueMemberNULL{}, &types.AttributeValueMemberS{},
		&types.AttributeValueMemberSS{})
	for _, action := range []string{"getItem", "putItem", "updateItem", "deleteItem"} {
		optimized["dynamodb:"+action] = func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error) {
			return inv.callOptimized(ctx, "dynamodb", r, input, true)
		}
	}
}
