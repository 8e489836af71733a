// Package s3store implements sfnrt.ObjectStore on Amazon S3 with the AWS
// SDK for Go v2: the store through which a Distributed Map's ItemReader
// lists and reads objects and its ResultWriter writes them. The runtime
// (package sfnrt) stays free of the SDK; sfn-compile build links this
// package into the binary of a machine that has an ItemReader or a
// ResultWriter.
//
// Credentials and region come from the standard AWS configuration chain
// (us-east-1 when none is configured). The endpoint too: set
// AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) to use a local S3 server such
// as versitygw; with an endpoint set, requests use path-style addressing,
// which local servers expect.
package s3store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A Store is an sfnrt.ObjectStore on an S3 client.
type Store struct {
	Client *s3.Client
}

// Options configure New.
type Options struct {
	// Endpoint, when set, is the base URL of the S3 API (otherwise the
	// AWS configuration's, e.g. AWS_ENDPOINT_URL_S3).
	Endpoint string
	// Region overrides the configured region.
	Region string
}

// New returns a Store on a client made from the standard AWS
// configuration and o.
func New(ctx context.Context, o Options) (*Store, error) {
	var loads []func(*config.LoadOptions) error
	if o.Region != "" {
		loads = append(loads, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	pathStyle := o.Endpoint != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = pathStyle
	})
	return &Store{Client: client}, nil
}

// Objects is the sfncli.MainOptions.Objects of a built binary: a Store
// from the standard AWS configuration.
func Objects(ctx context.Context) (sfnrt.ObjectStore, error) {
	s, err := New(ctx, Options{})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ListObjects implements sfnrt.ObjectStore with ListObjectsV2.
func (s *Store) ListObjects(ctx context.Context, bucket, prefix, continuation string) (sfnrt.ObjectPage, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	if continuation != "" {
		in.ContinuationToken = aws.String(continuation)
	}
	out, err := s.Client.ListObjectsV2(ctx, in)
	if err != nil {
		return sfnrt.ObjectPage{}, describe(err)
	}
	page := sfnrt.ObjectPage{Objects: make([]sfnrt.ObjectInfo, 0, len(out.Contents))}
	for _, o := range out.Contents {
		info := sfnrt.ObjectInfo{
			Key:          aws.ToString(o.Key),
			Size:         aws.ToInt64(o.Size),
			ETag:         aws.ToString(o.ETag),
			StorageClass: string(o.StorageClass),
		}
		if o.LastModified != nil {
			info.LastModified = *o.LastModified
		}
		if info.StorageClass == "" {
			info.StorageClass = "STANDARD"
		}
		page.Objects = append(page.Objects, info)
	}
	if aws.ToBool(out.IsTruncated) {
		page.Next = aws.ToString(out.NextContinuationToken)
	}
	return page, nil
}

// GetObject implements sfnrt.ObjectStore: the body streams from S3.
func (s *Store) GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, describe(err)
	}
	return out.Body, nil
}

// PutObject implements sfnrt.ObjectStore.
func (s *Store) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	_, err := s.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	})
	return describe(err)
}

// describe words an SDK error as S3's code and message ("NoSuchKey: The
// specified key does not exist."), the cause a Map Run's failure gives.
func describe(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return errors.New(ae.ErrorCode() + ": " + ae.ErrorMessage())
	}
	return err
}
