package batchscenario

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/internal/rietest"
	"github.com/sfn-compile/sfn-compile/internal/testservers"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// batchMachine is the batch scenario as real machines write it, in its two
// forms, a Lambda function ("process", which reads its object) per file:
//
//   - "pages": an aws-sdk:s3:listObjectsV2 Task feeding an inline Map, one
//     page of 250 keys at a time, looping on IsTruncated with the page's
//     NextContinuationToken; each page's results saved to S3 with
//     aws-sdk:s3:putObject, a function's failure caught per object; run as
//     an EXPRESS execution, as on AWS, where a STANDARD one would pass the
//     quota of 25,000 history events (about six per object);
//   - "objects": a Distributed Map whose ItemReader lists the bucket, with
//     5% of failures tolerated and a ResultWriter.
const batchMachine = `{
  "StartAt": "Form",
  "States": {
    "Form": {"Type": "Choice", "Choices": [{"Variable": "$.form", "StringEquals": "pages", "Next": "List"}], "Default": "Objects"},
    "List": {
      "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
      "Parameters": {"Bucket.$": "$.bucket", "Prefix.$": "$.prefix", "MaxKeys": 250},
      "ResultPath": "$.list", "Next": "Process"
    },
    "Process": {
      "Type": "Map", "ItemsPath": "$.list.Contents", "MaxConcurrency": 8,
      "ItemSelector": {"read": {"bucket.$": "$.bucket", "key.$": "$$.Map.Item.Value.Key"}},
      "ItemProcessor": {
        "StartAt": "Read",
        "States": {
          "Read": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "process", "Payload.$": "$"}, "OutputPath": "$.Payload",
            "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "Rejected"}], "End": true
          },
          "Rejected": {"Type": "Pass", "Parameters": {"key.$": "$.read.key", "error.$": "$.error.Error"}, "End": true}
        }
      },
      "ResultPath": "$.results", "Next": "Save"
    },
    "Save": {
      "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
      "Parameters": {"Bucket.$": "$.results_bucket", "Key.$": "States.Format('pages/{}.json', $.page)", "Body.$": "States.JsonToString($.results)"},
      "ResultPath": null, "Next": "More"
    },
    "More": {"Type": "Choice", "Choices": [{"Variable": "$.list.IsTruncated", "BooleanEquals": true, "Next": "Next page"}], "Default": "Listed"},
    "Next page": {
      "Type": "Pass",
      "Parameters": {"bucket.$": "$.bucket", "prefix.$": "$.prefix", "results_bucket.$": "$.results_bucket",
        "page.$": "States.MathAdd($.page, 1)", "token.$": "$.list.NextContinuationToken"},
      "Next": "List more"
    },
    "List more": {
      "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
      "Parameters": {"Bucket.$": "$.bucket", "Prefix.$": "$.prefix", "MaxKeys": 250, "ContinuationToken.$": "$.token"},
      "ResultPath": "$.list", "Next": "Process"
    },
    "Listed": {"Type": "Pass", "Parameters": {"pages.$": "States.MathAdd($.page, 1)"}, "End": true},
    "Objects": {
      "Type": "Map", "Label": "files", "MaxConcurrency": 8, "ToleratedFailurePercentage": 5,
      "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket.$": "$.bucket", "Prefix.$": "$.prefix"}},
      "ItemSelector": {"read": {"bucket.$": "$.bucket", "key.$": "$$.Map.Item.Value.Key"}},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "Read file",
        "States": {"Read file": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:process", "End": true}}
      },
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.results_bucket", "Prefix": "objects"}},
      "End": true
    }
  }
}`

// TestBatchUnderLambda runs the batch scenario end to end with sfn-compile
// run (--endpoint s3=URL reaching the Tasks and the Distributed Map's
// reader and writer alike): 10,000 objects in versitygw, each read by a Go Lambda function
// under the Lambda runtime interface emulator (four instances), in both
// forms; every object's result is checked, in the pages saved by the
// two-step form and in the ResultWriter's files of the Distributed Map.
func TestBatchUnderLambda(t *testing.T) {
	rietest.Path(t)
	if testing.Short() {
		t.Skip("builds sfn-compile and a program with the AWS SDK")
	}
	sfnCompile := buildSFNCompile(t)
	endpoint := testservers.S3(t)

	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testservers.S3AccessKey, testservers.S3SecretKey, "")})
	ctx := context.Background()
	for _, b := range []string{"data", "results"} {
		if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	const n = 10000
	key := func(i int) string { return fmt.Sprintf("in/obj-%05d.txt", i) }
	text := func(i int) string {
		if i%100 == 42 { // 100 objects, 1%: the function rejects them
			return fmt.Sprintf("fail %d", i)
		}
		return fmt.Sprintf("content %d", i)
	}
	putObjects(t, client, "data", n, key, text)
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("elsewhere.txt"), Body: strings.NewReader("not listed")}); err != nil {
		t.Fatal(err)
	}

	fn := rietest.BuildFunction(t, filepath.Join("..", ".."), "./internal/rietest/testfn")
	var instances []*rietest.Function
	for i := 0; i < 4; i++ {
		instances = append(instances, rietest.Start(t, fn, "process",
			"AWS_ACCESS_KEY_ID="+testservers.S3AccessKey, "AWS_SECRET_ACCESS_KEY="+testservers.S3SecretKey, "AWS_ENDPOINT_URL_S3="+endpoint))
	}
	front := rietest.FrontPool(t, map[string][]*rietest.Function{"process": instances})
	def := filepath.Join(t.TempDir(), "batch.asl.json")
	if err := os.WriteFile(def, []byte(batchMachine), 0o666); err != nil {
		t.Fatal(err)
	}
	env := runEnv(t)
	run := func(t *testing.T, typ, input string) string {
		t.Helper()
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, sfnCompile, "run", "--type", typ, "--endpoint", "s3="+endpoint, "--lambda-endpoint", front.URL, "--input", input, def)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("sfn-compile run %s: %v, stderr:\n%s", input, err, stderr.String())
		}
		t.Logf("%s: %v", input, time.Since(start))
		return stdout.String()
	}
	// want is what the function returns for object i, or for a rejected
	// one what the machine records.
	want := func(i int, rejected string) string {
		if i%100 == 42 {
			return rejected
		}
		return fmt.Sprintf(`{"key":%q,"length":%d,"upper":%q}`, key(i), len(text(i)), strings.ToUpper(text(i)))
	}
	index := func(k string) int {
		var i int
		if _, err := fmt.Sscanf(k, "in/obj-%05d.txt", &i); err != nil {
			t.Fatalf("key %q: %v", k, err)
		}
		return i
	}

	t.Run("listObjectsV2 Task feeding an inline Map", func(t *testing.T) {
		before := front.Count("process")
		out := run(t, "EXPRESS", `{"form":"pages","bucket":"data","prefix":"in/","results_bucket":"results","page":0}`)
		if got := strings.TrimSpace(out); got != `{"pages":40}` {
			t.Errorf("output %s, want 40 pages of 250", got)
		}
		var got []string
		for p := 0; p < 40; p++ {
			results := sfnrt.MustParseJSON(string(getObject(t, client, "results", fmt.Sprintf("pages/%d.json", p)))).([]any)
			for _, r := range results {
				got = append(got, sfnrt.ToJSON(r))
			}
		}
		if len(got) != n {
			t.Fatalf("%d results in the pages, want %d", len(got), n)
		}
		for i, r := range got { // the pages in key order, each in item order
			if w := want(i, fmt.Sprintf(`{"key":%q,"error":"Rejected"}`, key(i))); r != w {
				t.Fatalf("object %d: %s, want %s", i, r, w)
			}
		}
		if calls := front.Count("process") - before; calls != n {
			t.Errorf("%d invocations, want one per object (%d)", calls, n)
		}
	})

	t.Run("Distributed Map with ItemReader and ResultWriter", func(t *testing.T) {
		out := sfnrt.MustParseJSON(run(t, "STANDARD", `{"form":"objects","bucket":"data","prefix":"in/","results_bucket":"results"}`))
		details, _ := sfnrt.Field(out, "ResultWriterDetails")
		mkey, _ := sfnrt.Field(details, "Key")
		manifest := sfnrt.MustParseJSON(string(getObject(t, client, "results", mkey.(string))))
		files, _ := sfnrt.Field(manifest, "ResultFiles")
		results := map[string][]any{}
		for _, status := range []string{"SUCCEEDED", "FAILED", "PENDING"} {
			list, _ := sfnrt.Field(files, status)
			for _, f := range list.([]any) {
				k, _ := sfnrt.Field(f, "Key")
				size, _ := sfnrt.Field(f, "Size")
				body := getObject(t, client, "results", k.(string))
				if sz, _ := sfnrt.Int(size); sz != int64(len(body)) {
					t.Errorf("%s: manifest Size %d, object of %d bytes", k, sz, len(body))
				}
				results[status] = append(results[status], sfnrt.MustParseJSON(string(body)).([]any)...)
			}
		}
		if len(results["PENDING"]) != 0 || len(results["SUCCEEDED"])+len(results["FAILED"]) != n {
			t.Fatalf("%d succeeded, %d failed, %d pending; want %d in all, none pending",
				len(results["SUCCEEDED"]), len(results["FAILED"]), len(results["PENDING"]), n)
		}
		seen := map[int]bool{}
		var failed []string
		for _, status := range []string{"SUCCEEDED", "FAILED"} {
			for _, e := range results[status] {
				input, _ := sfnrt.Field(e, "Input")
				k, _ := sfnrt.Field(sfnrt.MustParseJSON(input.(string)), "read")
				k, _ = sfnrt.Field(k, "key")
				i := index(k.(string))
				if seen[i] {
					t.Fatalf("object %d written twice", i)
				}
				seen[i] = true
				if status == "FAILED" {
					errName, _ := sfnrt.Field(e, "Error")
					failed = append(failed, fmt.Sprintf("%d %v", i, errName))
					continue
				}
				output, _ := sfnrt.Field(e, "Output")
				if got, w := sfnrt.ToJSON(sfnrt.MustParseJSON(output.(string))), want(i, ""); got != w {
					t.Fatalf("object %d: output %s, want %s", i, got, w)
				}
			}
		}
		var wantFailed []string
		for i := 42; i < n; i += 100 {
			wantFailed = append(wantFailed, fmt.Sprintf("%d Rejected", i))
		}
		sort.Strings(failed)
		sort.Strings(wantFailed)
		if diff := cmp.Diff(wantFailed, failed); diff != "" {
			t.Errorf("failed objects (-want +got):\n%s", diff)
		}
	})
}

// buildSFNCompile builds cmd/sfn-compile into a temporary directory.
func buildSFNCompile(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "sfn-compile")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/sfn-compile")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sfn-compile: %v\n%s", err, out)
	}
	return bin
}

// runEnv is the environment of sfn-compile run: no AWS configuration
// from the machine but the S3 server's credentials and a region, the Go
// caches of this process (the AWS SDK compiles once), and a build cache
// of sfn-compile's own in a temporary directory.
func runEnv(t *testing.T) []string {
	t.Helper()
	env := append(rietest.Environ(), "AWS_ACCESS_KEY_ID="+testservers.S3AccessKey, "AWS_SECRET_ACCESS_KEY="+testservers.S3SecretKey,
		"XDG_CACHE_HOME="+t.TempDir())
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	for i, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		if lines := strings.Split(string(out), "\n"); i < len(lines) && lines[i] != "" {
			env = append(env, name+"="+lines[i])
		}
	}
	return env
}

// putObjects writes n objects with 16 requests in flight.
func putObjects(t *testing.T, client *s3.Client, bucket string, n int, key, body func(int) string) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key(i)), Body: strings.NewReader(body(i))})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

func getObject(t *testing.T, client *s3.Client, bucket, key string) []byte {
	t.Helper()
	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("getObject %s: %v", key, err)
	}
	defer out.Body.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, out.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
