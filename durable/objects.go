package durable

import (
	"context"

	"github.com/sfn-compile/sfn-compile/runtime/sfncli"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// objects is the object store of a worker's Distributed Maps: o.Objects's
// (runtime/integrations' S3 store in a built binary), or none.
func objects(ctx context.Context, o sfncli.MainOptions) (sfnrt.ObjectStore, error) {
	if o.Objects == nil {
		return nil, nil
	}
	return o.Objects(ctx)
}
