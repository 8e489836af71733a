package integrations

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// ErrFailedEntry fails an events:putEvents Task some of whose entries
// EventBridge did not accept.
const ErrFailedEntry = "EventBridge.FailedEntry"

// Amazon EventBridge: aws-sdk:eventbridge:* and the optimized
// events:putEvents. As on AWS, each entry's Detail may be any JSON value
// (sent as its JSON text), the execution's and its state machine's ARNs
// are added to each entry's Resources, and a response with a non-zero
// FailedEntryCount fails the Task with EventBridge.FailedEntry.
func init() {
	register(&service{
		name: "eventbridge", aliases: []string{"events"},
		errorPrefix: "EventBridge", optimizedPrefix: "EventBridge", javaName: "AmazonEventBridge", envName: "EVENTBRIDGE",
		newClient: func(cfg aws.Config) any { return eventbridge.NewFromConfig(cfg) },
	})
	optimized["events:putEvents"] = func(ctx context.Context, inv *Invoker, r Resource, input any) (any, error) {
		x := sfnrt.ExecutionOf(ctx)
		entry := func(e any) any {
			obj, ok := e.(*sfnrt.Object)
			if !ok {
				return e
			}
			out := rewrite(obj, map[string]func(any) any{"Detail": asText}).(*sfnrt.Object)
			if x != nil {
				res, _ := out.Get("Resources")
				list, _ := res.([]any)
				if res == nil || list != nil {
					list = append(append([]any(nil), list...), x.ID(), x.StateMachineID)
					out.Set("Resources", list)
				}
			}
			return out
		}
		params := rewrite(input, map[string]func(any) any{"Entries": func(v any) any {
			list, ok := v.([]any)
			if !ok {
				return v
			}
			out := make([]any, len(list))
			for i, e := range list {
				out[i] = entry(e)
			}
			return out
		}})
		res, err := inv.callOptimized(ctx, "eventbridge", Resource{Partition: r.Partition, Region: r.Region, Service: "eventbridge", Action: "putEvents"}, params, false)
		if err != nil {
			return nil, err
		}
		if n, _ := res.Get("FailedEntryCount"); n != nil && n != int64(0) {
			return nil, sfnrt.NewError(ErrFailedEntry, sfnrt.ToJSON(res))
		}
		return res, nil
	}
}
