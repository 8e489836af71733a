package integrations

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// member reads a dotted path of a JSON result, for checks of members whose
// values a server chooses (ETags, dates, request IDs).
func member(t *testing.T, result, path string) any {
	t.Helper()
	var v any = sfnrt.MustParseJSON(result)
	for _, k := range strings.Split(path, ".") {
		var ok bool
		if v, ok = sfnrt.Field(v, k); !ok {
			t.Fatalf("%s has no %s", result, path)
		}
	}
	return v
}

func TestS3(t *testing.T) {
	endpoint := startS3(t)
	inv := newInvoker(t, map[string]string{"s3": endpoint})
	const sdk = "arn:aws:states:::aws-sdk:s3:"
	mustInvoke(t, inv, sdk+"createBucket", `{"Bucket":"data"}`)
	put := mustInvoke(t, inv, sdk+"putObject", `{"Bucket":"data","Key":"a/hello.txt","Body":"hello, world"}`)
	if etag, _ := member(t, put, "ETag").(string); !strings.HasPrefix(etag, `"`) {
		t.Errorf("putObject result %s: want a quoted ETag", put)
	}
	// A Body that is JSON is stored as its JSON text.
	mustInvoke(t, inv, sdk+"putObject", `{"Bucket":"data","Key":"a/doc.json","Body":{"n":1,"list":[true,null]}}`)

	get := mustInvoke(t, inv, sdk+"getObject", `{"Bucket":"data","Key":"a/hello.txt"}`)
	if diff := cmp.Diff("hello, world", member(t, get, "Body")); diff != "" {
		t.Errorf("getObject Body (-want +got):\n%s", diff)
	}
	if strings.Contains(get, `:""`) {
		t.Errorf("getObject result has empty members, which Step Functions leaves out: %s", get)
	}
	if n := member(t, get, "ContentLength"); n != int64(12) {
		t.Errorf("getObject ContentLength %v, want 12", n)
	}
	// The optimized form and a resource naming region and account run
	// the same operation.
	doc := mustInvoke(t, inv, "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject", `{"Bucket":"data","Key":"a/doc.json"}`)
	if diff := cmp.Diff(`{"n":1,"list":[true,null]}`, member(t, doc, "Body")); diff != "" {
		t.Errorf("JSON Body (-want +got):\n%s", diff)
	}
	if opt := mustInvoke(t, inv, "arn:aws:states:::s3:getObject", `{"Bucket":"data","Key":"a/hello.txt"}`); member(t, opt, "Body") != "hello, world" {
		t.Errorf("optimized getObject: %s", opt)
	}

	list := mustInvoke(t, inv, sdk+"listObjectsV2", `{"Bucket":"data","Prefix":"a/"}`)
	contents, _ := member(t, list, "Contents").([]any)
	var keys []string
	for _, c := range contents {
		k, _ := sfnrt.Field(c, "Key")
		keys = append(keys, k.(string))
		for _, member := range []string{"ETag", "LastModified", "Size"} {
			if _, ok := sfnrt.Field(c, member); !ok {
				t.Errorf("listObjectsV2 item %s has no %s", sfnrt.ToJSON(c), member)
			}
		}
	}
	if diff := cmp.Diff([]string{"a/doc.json", "a/hello.txt"}, keys); diff != "" {
		t.Errorf("listObjectsV2 keys (-want +got):\n%s", diff)
	}
	if lm, _ := sfnrt.Field(contents[0], "LastModified"); !strings.HasSuffix(lm.(string), "Z") || strings.Contains(lm.(string), "+") {
		t.Errorf("LastModified %v: want an ISO 8601 UTC instant", lm)
	}
	if n := member(t, list, "KeyCount"); n != int64(2) {
		t.Errorf("KeyCount %v, want 2", n)
	}

	checkFailures(t, inv, []failure{
		{"missing key", sdk + "getObject", `{"Bucket":"data","Key":"nope"}`, "S3.NoSuchKeyException", "(Service: S3, Status Code: 404, Request ID: "},
		{"missing bucket", sdk + "listObjectsV2", `{"Bucket":"nobucket"}`, "S3.NoSuchBucketException", "Status Code: 404"},
		{"bucket exists", sdk + "createBucket", `{"Bucket":"data"}`, "S3.BucketAlreadyOwnedByYouException", "Status Code: 409"},
		{"unknown member", sdk + "getObject", `{"Bucket":"data","Key":"a","Colour":"red"}`, "States.Runtime", "'Colour': not a member of GetObject"},
		{"camelCase member", sdk + "getObject", `{"bucket":"data","Key":"a"}`, "States.Runtime", "'bucket': not a member of GetObject"},
		{"wrong type", sdk + "getObject", `{"Bucket":"data","Key":7}`, "States.Runtime", "'Key': expected a string, got number"},
		{"unknown action", sdk + "fetchObject", `{}`, "States.Runtime", "The API action 'fetchObject' of service 's3' is not supported"},
	})
}

// TestS3EnvironmentEndpoint checks that the SDK's own configuration,
// AWS_ENDPOINT_URL_S3, reaches a local server too, with the path-style
// addressing local servers need.
func TestS3EnvironmentEndpoint(t *testing.T) {
	endpoint := startS3(t)
	isolate(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", endpoint)
	t.Setenv("AWS_REGION", "")
	inv, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out, e := invoke(t, inv, "arn:aws:states:::aws-sdk:s3:createBucket", `{"Bucket":"env"}`); e != nil {
		t.Fatalf("createBucket through AWS_ENDPOINT_URL_S3: %s: %s", e.Name, e.Cause)
	} else if loc := member(t, out, "Location"); loc != "/env" {
		t.Errorf("Location %v, want /env (path style)", loc)
	}
}

// TestNoSDKLogOutput checks that the SDK writes nothing to stderr: its
// default logger warns, for one, of an S3 object without a checksum it
// can validate, which local servers (this one) and old objects send.
func TestNoSDKLogOutput(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "x")
	}))
	defer srv.Close()
	// The SDK's default logger writes to the os.Stderr of the time the
	// configuration is loaded.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = stderr }()
	inv := newInvoker(t, map[string]string{"s3": srv.URL})
	out, e := invoke(t, inv, "arn:aws:states:::aws-sdk:s3:getObject", `{"Bucket":"quiet","Key":"k","ChecksumMode":"ENABLED"}`)
	os.Stderr = stderr
	w.Close()
	logged, _ := io.ReadAll(r)
	if e != nil || member(t, out, "Body") != "x" {
		t.Fatalf("getObject: %s, %v", out, e)
	}
	if len(logged) > 0 {
		t.Errorf("the SDK wrote to stderr:\n%s", logged)
	}
}
