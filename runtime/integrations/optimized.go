package integrations

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sfn-compile/sfn-compile/runtime/awslambda"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// An optimizedFunc runs one optimized integration, SERVICE:ACTION.
type optimizedFunc func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error)

// optimized lists the optimized integrations by "service:action"; each
// service's file adds its own.
var optimized = map[string]optimizedFunc{}

// callOptimized runs an optimized integration on the SDK operation of the
// same name: params are the Task's parameters (rewritten where the
// integration takes JSON for a string), and the result is the operation's
// output, with the HTTP response's SdkHttpMetadata and
// SdkResponseMetadata when withMetadata is set, as the AWS SDK for Java v1
// that these integrations run shows them.
func (inv *Invoker) callOptimized(ctx context.Context, svcName string, r Resource, params any, withMetadata bool) (*sfnrt.Object, error) {
	svc := lookupService(svcName)
	out, err := inv.call(ctx, svc, r, params)
	if err != nil {
		return nil, taskError(ctx, svc, true, err)
	}
	v, _, err := encode(out)
	if err != nil {
		return nil, taskError(ctx, svc, true, err)
	}
	res, _ := v.(*sfnrt.Object)
	if res == nil {
		res = sfnrt.NewObject(0)
	}
	if !withMetadata {
		return res, nil
	}
	md, _ := out.Elem().FieldByName("ResultMetadata").Interface().(middleware.Metadata)
	withMD := sfnrt.NewObject(res.Len() + 2)
	for _, m := range res.Members() {
		withMD.Set(m.Key, m.Value)
	}
	status := int64(200)
	var header map[string][]string
	if raw, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok && raw != nil && raw.Response != nil {
		header, status = raw.Header, int64(raw.StatusCode)
	}
	withMD.Set("SdkHttpMetadata", awslambda.HTTPMetadata(header, status))
	withMD.Set("SdkResponseMetadata", sfnrt.ObjectOf(sfnrt.Member{Key: "RequestId", Value: requestID(md)}))
	return withMD, nil
}

// rewrite returns params with the members named in fns replaced by what
// fns return for them; params that are not an object are left for the
// SDK call to reject.
func rewrite(params any, fns map[string]func(any) any) any {
	obj, ok := params.(*sfnrt.Object)
	if !ok {
		return params
	}
	out := sfnrt.NewObject(obj.Len())
	for _, m := range obj.Members() {
		if f := fns[m.Key]; f != nil {
			out.Set(m.Key, f(m.Value))
		} else {
			out.Set(m.Key, m.Value)
		}
	}
	return out
}

// asText is a rewrite function for a member the service takes as a
// string and Step Functions lets machines give as JSON.
func asText(v any) any { return jsonText(v) }
