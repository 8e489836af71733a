package integrations

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestDynamoDB(t *testing.T) {
	endpoint := startDynamoDB(t)
	inv := newInvoker(t, map[string]string{"dynamodb": endpoint})
	mustInvoke(t, inv, "arn:aws:states:::aws-sdk:dynamodb:createTable", `{
		"TableName": "orders",
		"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
		"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
		"BillingMode": "PAY_PER_REQUEST"}`)
	const item = `{"id":{"S":"o-1"},"qty":{"N":"3"},"tags":{"SS":["a","b"]},"meta":{"M":{"ok":{"BOOL":true},"none":{"NULL":true},"list":{"L":[{"S":"x"},{"N":"1.5"}]}}},"raw":{"B":"AAEC"}}`
	put := mustInvoke(t, inv, "arn:aws:states:::dynamodb:putItem", `{"TableName":"orders","Item":`+item+`,"ConditionExpression":"attribute_not_exists(id)"}`)
	if status := member(t, put, "SdkHttpMetadata.HttpStatusCode"); status != int64(200) {
		t.Errorf("putItem SdkHttpMetadata: %s", put)
	}
	if id, _ := member(t, put, "SdkResponseMetadata.RequestId").(string); id == "" {
		t.Errorf("putItem has no request ID: %s", put)
	}

	get := mustInvoke(t, inv, "arn:aws:states:::dynamodb:getItem", `{"TableName":"orders","Key":{"id":{"S":"o-1"}}}`)
	if diff := cmp.Diff(sfnrt.ToJSON(sortedAttrs(sfnrt.MustParseJSON(item))), sfnrt.ToJSON(sortedAttrs(member(t, get, "Item")))); diff != "" {
		t.Errorf("getItem Item (-want +got):\n%s", diff)
	}

	upd := mustInvoke(t, inv, "arn:aws:states:us-east-1:123456789012:dynamodb:updateItem", `{"TableName":"orders","Key":{"id":{"S":"o-1"}},
		"UpdateExpression":"SET qty = qty + :n","ExpressionAttributeValues":{":n":{"N":"2"}},"ReturnValues":"UPDATED_NEW"}`)
	if diff := cmp.Diff(`{"qty":{"N":"5"}}`, sfnrt.ToJSON(member(t, upd, "Attributes"))); diff != "" {
		t.Errorf("updateItem Attributes (-want +got):\n%s", diff)
	}
	q := mustInvoke(t, inv, "arn:aws:states:::aws-sdk:dynamodb:query", `{"TableName":"orders","KeyConditionExpression":"id = :id","ExpressionAttributeValues":{":id":{"S":"o-1"}}}`)
	if n := member(t, q, "Count"); n != int64(1) {
		t.Errorf("query Count %v: %s", n, q)
	}
	if _, ok := sfnrt.Field(sfnrt.MustParseJSON(q), "SdkHttpMetadata"); ok {
		t.Errorf("an aws-sdk result has SdkHttpMetadata: %s", q)
	}
	mustInvoke(t, inv, "arn:aws:states:::dynamodb:deleteItem", `{"TableName":"orders","Key":{"id":{"S":"o-1"}}}`)
	if got := mustInvoke(t, inv, "arn:aws:states:::dynamodb:getItem", `{"TableName":"orders","Key":{"id":{"S":"o-1"}}}`); strings.Contains(got, `"Item"`) {
		t.Errorf("getItem after deleteItem: %s", got)
	}

	mustInvoke(t, inv, "arn:aws:states:::dynamodb:putItem", `{"TableName":"orders","Item":{"id":{"S":"o-2"}}}`)
	checkFailures(t, inv, []failure{
		{"condition, optimized", "arn:aws:states:::dynamodb:putItem",
			`{"TableName":"orders","Item":{"id":{"S":"o-2"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			"DynamoDB.ConditionalCheckFailedException", "(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: "},
		{"condition, aws-sdk", "arn:aws:states:::aws-sdk:dynamodb:putItem",
			`{"TableName":"orders","Item":{"id":{"S":"o-2"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			"DynamoDb.ConditionalCheckFailedException", "(Service: DynamoDb, Status Code: 400, Request ID: "},
		{"no table", "arn:aws:states:::dynamodb:getItem", `{"TableName":"nope","Key":{"id":{"S":"x"}}}`,
			"DynamoDB.ResourceNotFoundException", "Status Code: 400"},
		{"two attribute types", "arn:aws:states:::dynamodb:getItem", `{"TableName":"orders","Key":{"id":{"S":"x","N":"1"}}}`,
			"States.Runtime", "'Key.id': expected exactly one member of AttributeValue, got 2"},
		{"unknown attribute type", "arn:aws:states:::dynamodb:getItem", `{"TableName":"orders","Key":{"id":{"Q":"x"}}}`,
			"States.Runtime", "'Key.id.Q': not a member of AttributeValue"},
	})
}

// sortedAttrs returns an attribute map with its members, and those of
// nested maps, in key order: DynamoDB does not keep the order of an item.
func sortedAttrs(v any) any {
	switch v := v.(type) {
	case *sfnrt.Object:
		keys := make([]string, 0, v.Len())
		for _, m := range v.Members() {
			keys = append(keys, m.Key)
		}
		sortStrings(keys)
		out := sfnrt.NewObject(len(keys))
		for _, k := range keys {
			e, _ := v.Get(k)
			out.Set(k, sortedAttrs(e))
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = sortedAttrs(e)
		}
		return out
	}
	return v
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
