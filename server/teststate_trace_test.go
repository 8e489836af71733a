package server

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHTTPTrace(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name, data string
		want       *httpExchange
		err        bool
	}{
		{"none", "", nil, false},
		{"the last of two", `{"request":{"method":"GET"}}` + "\n" + `{"request":{"method":"POST"},"response":{"statusCode":"200"}}` + "\n",
			&httpExchange{Request: &inspectionDataRequest{Method: str("POST")}, Response: &inspectionDataResponse{StatusCode: str("200")}}, false},
		{"no response", `{"request":{"url":"https://x"}}`, &httpExchange{Request: &inspectionDataRequest{URL: str("https://x")}}, false},
		{"not JSON", `{"request":`, nil, true},
	} {
		got, err := parseHTTPTrace([]byte(tc.data))
		if (err != nil) != tc.err {
			t.Errorf("%s: error %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// FuzzParseHTTPTrace: whatever a binary wrote, reading it fails or
// answers, never panics.
func FuzzParseHTTPTrace(f *testing.F) {
	f.Add([]byte(`{"request":{"protocol":"https","method":"GET","url":"https://x?a=1","headers":"[A: b]","body":""},"response":{"statusCode":"200","statusMessage":"OK","headers":"[]","body":"{}"}}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseHTTPTrace(data)
	})
}
