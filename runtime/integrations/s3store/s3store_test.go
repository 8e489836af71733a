package s3store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/s3batch"
	"github.com/sfn-compile/sfn-compile/runtime/integrations/s3store"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// startVersitygw starts versitygw v1.8.0 (a real S3 server, installed by
// .ci/run) on 127.0.0.1 over a temporary directory and returns a store on
// it; the test skips where versitygw is absent.
func startVersitygw(t *testing.T) *s3store.Store {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "versitygw")
		if _, err := os.Stat(bin); err != nil {
			t.Skip("versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0): skipping the S3 test")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--port", addr, "posix", t.TempDir())
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY=testkey", "ROOT_SECRET_KEY=testsecret")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not listen on %s:\n%s", addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "testkey")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testsecret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://"+addr)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	store, err := s3store.New(context.Background(), s3store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func createBuckets(t *testing.T, store *s3store.Store, names ...string) {
	for _, n := range names {
		if _, err := store.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
}

// putMany writes objects with 16 requests in flight.
func putMany(t *testing.T, store *s3store.Store, bucket string, n int, key func(int) string, body func(int) string) {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs <- store.PutObject(context.Background(), bucket, key(i), []byte(body(i)))
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// handlers are the Go Task handlers of the batch machine: each reads or
// transforms its item; items whose number ends in failEnding fail.
type handlers struct {
	store      *s3store.Store
	failEnding string
}

func (h handlers) ProcessObject(ctx context.Context, input any) (any, error) {
	in := input.(*sfnrt.Object)
	bucket, _ := in.Get("bucket")
	key, _ := in.Get("key")
	size, _ := in.Get("size")
	if h.failEnding != "" && strings.HasSuffix(strings.TrimSuffix(key.(string), ".txt"), h.failEnding) {
		return nil, &sfnrt.Error{Name: "Rejected", Cause: "rejected " + key.(string), HasCause: true}
	}
	body, err := h.store.GetObject(ctx, bucket.(string), key.(string))
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	return sfnrt.ObjectOf(sfnrt.Member{Key: "key", Value: key}, sfnrt.Member{Key: "size", Value: size},
		sfnrt.Member{Key: "upper", Value: strings.ToUpper(string(data))}), nil
}

func (h handlers) ProcessRow(ctx context.Context, input any) (any, error) {
	in := input.(*sfnrt.Object)
	id, _ := in.Get("id")
	name, _ := in.Get("name")
	if h.failEnding != "" && strings.HasSuffix(id.(string), h.failEnding) {
		return nil, &sfnrt.Error{Name: "Rejected", Cause: "rejected row " + id.(string), HasCause: true}
	}
	return sfnrt.ObjectOf(sfnrt.Member{Key: "id", Value: id}, sfnrt.Member{Key: "greeting", Value: "hello " + name.(string)}), nil
}

func (h handlers) ProcessBatch(ctx context.Context, input any) (any, error) {
	in := input.(*sfnrt.Object)
	items, _ := in.Get("Items")
	sum := int64(0)
	for _, it := range items.([]any) {
		n, _ := it.(*sfnrt.Object).Get("n")
		v, _ := sfnrt.Int(n)
		if h.failEnding != "" && strings.HasSuffix(strconv.FormatInt(v, 10), h.failEnding) {
			return nil, &sfnrt.Error{Name: "Rejected", Cause: "rejected batch", HasCause: true}
		}
		sum += v
	}
	return sfnrt.ObjectOf(sfnrt.Member{Key: "count", Value: int64(len(items.([]any)))}, sfnrt.Member{Key: "sum", Value: sum}), nil
}

// resultFiles reads a Map Run's manifest.json and the entries of its
// SUCCEEDED and FAILED files (JSON arrays or JSON Lines).
func resultFiles(t *testing.T, store *s3store.Store, out any) (manifest *sfnrt.Object, succeeded, failed []any) {
	t.Helper()
	details, _ := out.(*sfnrt.Object).Get("ResultWriterDetails")
	bucket, _ := details.(*sfnrt.Object).Get("Bucket")
	key, _ := details.(*sfnrt.Object).Get("Key")
	read := func(k string) []byte {
		body, err := store.GetObject(context.Background(), bucket.(string), k)
		if err != nil {
			t.Fatalf("reading %s: %v", k, err)
		}
		defer body.Close()
		data, _ := io.ReadAll(body)
		return data
	}
	manifest = sfnrt.MustParseJSON(string(read(key.(string)))).(*sfnrt.Object)
	files, _ := manifest.Get("ResultFiles")
	for _, status := range []string{"SUCCEEDED", "FAILED"} {
		list, _ := files.(*sfnrt.Object).Get(status)
		for _, f := range list.([]any) {
			k, _ := f.(*sfnrt.Object).Get("Key")
			size, _ := f.(*sfnrt.Object).Get("Size")
			data := read(k.(string))
			if n, _ := sfnrt.Int(size); n != int64(len(data)) {
				t.Errorf("%s: manifest Size %d, object has %d bytes", k, n, len(data))
			}
			var entries []any
			if bytes.HasPrefix(data, []byte("[")) {
				entries = sfnrt.MustParseJSON(string(data)).([]any)
			} else {
				for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
					entries = append(entries, sfnrt.MustParseJSON(line))
				}
			}
			if status == "SUCCEEDED" {
				succeeded = append(succeeded, entries...)
			} else {
				failed = append(failed, entries...)
			}
		}
	}
	return manifest, succeeded, failed
}

func str(o any, key string) string {
	v, _ := o.(*sfnrt.Object).Get(key)
	s, _ := v.(string)
	return s
}

// TestBatchScenario is the batch scenario end to end against a real S3
// server: 10,000 objects listed by a Distributed Map's ItemReader, a Go
// handler per object, the ResultWriter's files checked object by object;
// then a 10,000-row CSV and a 10,000-line JSONL object, with tolerated
// and intolerable failures.
func TestBatchScenario(t *testing.T) {
	store := startVersitygw(t)
	createBuckets(t, store, "data", "results")
	const n = 10000
	putMany(t, store, "data", n, func(i int) string { return fmt.Sprintf("in/obj-%05d.txt", i) },
		func(i int) string { return fmt.Sprintf("content %d", i) })
	store.PutObject(context.Background(), "data", "elsewhere.txt", []byte("not listed"))
	var csv, jsonl strings.Builder
	csv.WriteString("id,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&csv, "%d,name-%d\n", i, i)
		fmt.Fprintf(&jsonl, "{\"n\":%d}\n", i)
	}
	store.PutObject(context.Background(), "data", "rows.csv", []byte(csv.String()))
	store.PutObject(context.Background(), "data", "lines.jsonl", []byte(jsonl.String()))

	run := func(h handlers, input string) *sfnrt.Result {
		t.Helper()
		m := s3batch.New(h)
		return m.Start(context.Background(), sfnrt.MustParseJSON(input), sfnrt.Options{Objects: store, PayloadLimit: -1})
	}

	t.Run("objects", func(t *testing.T) {
		res := run(handlers{store: store, failEnding: "42"}, `{"source":"objects","bucket":"data","prefix":"in/","results":"results","tolerated":5}`)
		if res.Status != sfnrt.StatusSucceeded {
			t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
		}
		manifest, succeeded, failed := resultFiles(t, store, res.Output)
		if got := str(manifest, "DestinationBucket"); got != "results" {
			t.Errorf("DestinationBucket = %q", got)
		}
		mapRunArn := str(res.Output, "MapRunArn")
		if !strings.HasPrefix(mapRunArn, "arn:aws:states:us-east-1:123456789012:mapRun:batch/objects:") || str(manifest, "MapRunArn") != mapRunArn {
			t.Errorf("MapRunArn = %q (manifest %q)", mapRunArn, str(manifest, "MapRunArn"))
		}
		seen := map[string]bool{}
		for _, e := range succeeded {
			if str(e, "Status") != "SUCCEEDED" || !strings.HasPrefix(str(e, "ExecutionArn"), "arn:aws:states:us-east-1:123456789012:execution:batch/objects:") {
				t.Fatalf("entry %s", sfnrt.ToJSON(e))
			}
			out := sfnrt.MustParseJSON(str(e, "Output"))
			in := sfnrt.MustParseJSON(str(e, "Input"))
			key := str(out, "key")
			i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(key, "in/obj-"), ".txt"))
			want := fmt.Sprintf(`{"key":%q,"size":%d,"upper":"CONTENT %d"}`, key, len(fmt.Sprintf("content %d", i)), i)
			if sfnrt.ToJSON(out) != want || str(in, "key") != key || seen[key] {
				t.Fatalf("object %s: output %s, want %s (input %s, seen %v)", key, sfnrt.ToJSON(out), want, sfnrt.ToJSON(in), seen[key])
			}
			seen[key] = true
		}
		var failedKeys []string
		for _, e := range failed {
			if str(e, "Status") != "FAILED" || str(e, "Error") != "Rejected" {
				t.Fatalf("failed entry %s", sfnrt.ToJSON(e))
			}
			failedKeys = append(failedKeys, str(sfnrt.MustParseJSON(str(e, "Input")), "key"))
		}
		sort.Strings(failedKeys)
		var wantFailed []string
		for i := 42; i < n; i += 100 {
			wantFailed = append(wantFailed, fmt.Sprintf("in/obj-%05d.txt", i))
		}
		if diff := cmp.Diff(wantFailed, failedKeys); diff != "" {
			t.Errorf("failed objects differ (-want +got):\n%s", diff)
		}
		if len(seen)+len(failed) != n {
			t.Errorf("%d succeeded + %d failed, want %d objects", len(seen), len(failed), n)
		}
		d := res.MapRuns[0].Describe()
		if d.Status != "SUCCEEDED" || d.ItemCounts.Total != n || d.ItemCounts.Failed != 100 || d.ItemCounts.Succeeded != n-100 || d.MapRunArn != mapRunArn {
			t.Errorf("DescribeMapRun = %+v", d)
		}
	})

	t.Run("csv", func(t *testing.T) {
		res := run(handlers{}, `{"source":"csv","bucket":"data","key":"rows.csv","results":"results","tolerated":0}`)
		if res.Status != sfnrt.StatusSucceeded {
			t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
		}
		_, succeeded, failed := resultFiles(t, store, res.Output)
		if len(succeeded) != n || len(failed) != 0 {
			t.Fatalf("%d succeeded, %d failed", len(succeeded), len(failed))
		}
		for i, e := range succeeded { // COMPACT: the outputs, in row order
			if got, want := sfnrt.ToJSON(e), fmt.Sprintf(`{"id":"%d","greeting":"hello name-%d"}`, i, i); got != want {
				t.Fatalf("row %d: %s, want %s", i, got, want)
			}
		}
	})

	t.Run("jsonl batches over the tolerance", func(t *testing.T) {
		// Items ending in 999 fail their batch of 100: 10 of 100 batches,
		// 10% against 5% tolerated.
		res := run(handlers{failEnding: "999"}, `{"source":"jsonl","bucket":"data","key":"lines.jsonl","results":"results","tolerated":5}`)
		if res.Status != sfnrt.StatusFailed || res.Error != sfnrt.ErrExceedToleratedFailure {
			t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
		}
		// The results are written all the same.
		page, err := store.ListObjects(context.Background(), "results", "lines/", "")
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, o := range page.Objects {
			keys = append(keys, o.Key[strings.LastIndexByte(o.Key, '/')+1:])
		}
		if diff := cmp.Diff([]string{"FAILED_0.json", "SUCCEEDED_0.json", "manifest.json"}, keys); diff != "" {
			t.Errorf("result files differ (-want +got):\n%s", diff)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		res := run(handlers{}, `{"source":"jsonl","bucket":"data","key":"nope.jsonl","results":"results","tolerated":0}`)
		if res.Status != sfnrt.StatusFailed || res.Error != sfnrt.ErrItemReaderFailed || !strings.HasPrefix(res.Cause, "NoSuchKey") {
			t.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
		}
	})
}
