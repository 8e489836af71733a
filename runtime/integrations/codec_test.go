package integrations

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// TestCodec decodes Parameters into SDK input structs and encodes them
// back: every kind of member the SDK uses round-trips.
func TestCodec(t *testing.T) {
	for _, tt := range []struct {
		name   string
		into   any // a pointer to an SDK input struct
		params string
		want   string // the encoding of the decoded struct; "" for params
	}{
		{"scalars, enums, pointers", &s3.ListObjectsV2Input{}, `{"Bucket":"b","MaxKeys":5,"FetchOwner":true,"EncodingType":"url"}`, ""},
		{"initialism spelt otherwise", &s3.GetObjectInput{}, `{"Bucket":"b","Key":"k","SseCustomerKeyMd5":"x"}`, `{"Bucket":"b","Key":"k","SSECustomerKeyMD5":"x"}`},
		{"timestamp", &s3.GetObjectInput{}, `{"Bucket":"b","Key":"k","IfModifiedSince":"2024-03-01T10:00:00.250Z"}`, ""},
		{"epoch timestamp", &s3.GetObjectInput{}, `{"Bucket":"b","Key":"k","IfModifiedSince":1709287200}`, `{"Bucket":"b","IfModifiedSince":"2024-03-01T10:00:00Z","Key":"k"}`},
		{"list of structs, map", &s3.PutObjectInput{}, `{"Bucket":"b","Key":"k","Metadata":{"z":"1","a":"2"}}`, `{"Bucket":"b","Key":"k","Metadata":{"a":"2","z":"1"}}`},
		{"union", &dynamodb.PutItemInput{}, `{"TableName":"t","Item":{"id":{"S":"x"},"n":{"N":"1"},"l":{"L":[{"BOOL":false},{"NULL":true}]},"b":{"B":"AAE="}}}`,
			`{"Item":{"b":{"B":"AAE="},"id":{"S":"x"},"l":{"L":[{"BOOL":false},{"NULL":true}]},"n":{"N":"1"}},"TableName":"t"}`},
		{"list", &eventbridge.PutEventsInput{}, `{"Entries":[{"Source":"s","Resources":["a","b"]}]}`, ""},
	} {
		v := reflect.ValueOf(tt.into)
		if err := decode(sfnrt.MustParseJSON(tt.params), v.Elem(), ""); err != nil {
			t.Errorf("%s: decode: %v", tt.name, err)
			continue
		}
		got, _, err := encode(v)
		if err != nil {
			t.Errorf("%s: encode: %v", tt.name, err)
			continue
		}
		want := tt.want
		if want == "" {
			want = sfnrt.ToJSON(sortedAttrs(sfnrt.MustParseJSON(tt.params)))
		}
		if diff := cmp.Diff(want, sfnrt.ToJSON(sortedAttrs(got))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC):                 "2024-03-01T10:00:00Z",
		time.Date(2024, 3, 1, 10, 0, 0, 250e6, time.UTC):             "2024-03-01T10:00:00.250Z",
		time.Date(2024, 3, 1, 10, 0, 0, 123456, time.UTC):            "2024-03-01T10:00:00.000123456Z",
		time.Date(2024, 3, 1, 11, 0, 0, 0, time.FixedZone("", 3600)): "2024-03-01T10:00:00Z",
	} {
		if got := formatTime(in); got != want {
			t.Errorf("formatTime(%v) = %s, want %s", in, got, want)
		}
	}
}

// FuzzDecode decodes any JSON into SDK input structs of several shapes
// and encodes the result: neither may panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"Bucket":"b","MaxKeys":5}`, `{"Item":{"a":{"M":{"b":{"L":[{"N":"1"}]}}}}}`, `{"Entries":[{"Detail":"{}"}]}`, `[1]`, `{"Key":{"x":{}}}`} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return &s3.ListObjectsV2Input{} }, func() any { return &s3.PutObjectInput{} },
		func() any { return &dynamodb.PutItemInput{} }, func() any { return &dynamodb.QueryInput{} },
		func() any { return &eventbridge.PutEventsInput{} }, func() any { return &types.Tag{} },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := sfnrt.ParseJSON(data)
		if err != nil {
			return
		}
		for _, target := range targets {
			dst := reflect.ValueOf(target())
			if decode(v, dst.Elem(), "") == nil {
				if _, _, err := encode(dst); err != nil {
					t.Errorf("encode after decode of %s: %v", data, err)
				}
			}
		}
	})
}
