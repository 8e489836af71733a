package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// An ObjectStore is what a Distributed Map reads its items from
// (ItemReader) and writes its results to (ResultWriter): Amazon S3 in
// production (package runtime/integrations/s3store implements it with the
// AWS SDK), MemStore in tests. The runtime stays free of the SDK: these
// three calls are all it needs.
type ObjectStore interface {
	// ListObjects returns one page of the objects of bucket whose keys
	// start with prefix, in key order, from the continuation token
	// returned with the previous page ("" for the first).
	ListObjects(ctx context.Context, bucket, prefix, continuation string) (ObjectPage, error)
	// GetObject opens an object for reading; the caller closes it.
	// Readers stream it: an object is never loaded whole.
	GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error)
	// PutObject writes an object.
	PutObject(ctx context.Context, bucket, key string, body []byte) error
}

// An ObjectPage is a page of ListObjects.
type ObjectPage struct {
	Objects []ObjectInfo
	// Next is the continuation token of the next page; "" on the last.
	Next string
}

// ObjectInfo describes an object as ListObjectsV2 does.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string // with its quotes, as S3 returns it
	LastModified time.Time
	StorageClass string
}

// ErrNoObjectStore is the cause of the States.ItemReaderFailed or
// States.ResultWriterFailed error of a Distributed Map that reads or writes
// Amazon S3 in an execution started without Options.Objects.
const ErrNoObjectStore = "No object store is configured: start the execution with Options.Objects (binaries built by sfn-compile link the Amazon S3 store; set AWS_ENDPOINT_URL_S3 for a local server)"

// A MemStore is an ObjectStore in memory, safe for concurrent use: for
// tests, and for runs that need no real bucket.
type MemStore struct {
	mu      sync.Mutex
	buckets map[string]map[string]memObject
	// PageSize is the number of objects per ListObjects page (default
	// 1000, as S3).
	PageSize int
}

type memObject struct {
	data     []byte
	modified time.Time
}

// errNoSuchBucket and errNoSuchKey are MemStore's errors, worded as S3's.
var (
	errNoSuchBucket = errors.New("NoSuchBucket: The specified bucket does not exist")
	errNoSuchKey    = errors.New("NoSuchKey: The specified key does not exist.")
)

// CreateBucket makes an empty bucket (PutObject makes one too).
func (s *MemStore) CreateBucket(bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket(bucket)
}

func (s *MemStore) bucket(name string) map[string]memObject {
	if s.buckets == nil {
		s.buckets = map[string]map[string]memObject{}
	}
	b := s.buckets[name]
	if b == nil {
		b = map[string]memObject{}
		s.buckets[name] = b
	}
	return b
}

// ListObjects implements ObjectStore.
func (s *MemStore) ListObjects(ctx context.Context, bucket, prefix, continuation string) (ObjectPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucket]
	if !ok {
		return ObjectPage{}, errNoSuchBucket
	}
	var keys []string
	for k := range b {
		if strings.HasPrefix(k, prefix) && k > continuation {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	size := s.PageSize
	if size <= 0 {
		size = 1000
	}
	var page ObjectPage
	if len(keys) > size {
		keys = keys[:size]
		page.Next = keys[size-1]
	}
	for _, k := range keys {
		o := b[k]
		page.Objects = append(page.Objects, ObjectInfo{Key: k, Size: int64(len(o.data)), ETag: memETag(o.data),
			LastModified: o.modified, StorageClass: "STANDARD"})
	}
	return page, nil
}

// memETag is a stand-in ETag: quoted, stable for equal contents.
func memETag(data []byte) string {
	var h uint64 = 14695981039346656037
	for _, c := range data {
		h = (h ^ uint64(c)) * 1099511628211
	}
	const digits = "0123456789abcdef"
	var b [18]byte
	b[0], b[17] = '"', '"'
	for i := 16; i >= 1; i-- {
		b[i] = digits[h&15]
		h >>= 4
	}
	return string(b[:])
}

// GetObject implements ObjectStore.
func (s *MemStore) GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucket]
	if !ok {
		return nil, errNoSuchBucket
	}
	o, ok := b[key]
	if !ok {
		return nil, errNoSuchKey
	}
	return io.NopCloser(bytes.NewReader(o.data)), nil
}

// PutObject implements ObjectStore.
func (s *MemStore) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket(bucket)[key] = memObject{data: bytes.Clone(body), modified: time.Now().UTC().Truncate(time.Second)}
	return nil
}

// Object returns an object's content.
func (s *MemStore) Object(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.buckets[bucket][key]
	return o.data, ok
}
