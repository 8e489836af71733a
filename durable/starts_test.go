package durable

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// A worker answers the start requests of its input stream: each starts
// an execution that it runs at once, or gets the API's error; the
// answers name their requests, whatever their order.
func TestServeStarts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h := newHandlers()
	w := openWorker(t, sqliteStore(t), h, Config{})
	defer w.Close()
	in, requests := io.Pipe()
	answers, out := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- w.ServeStarts(ctx, in, out); out.Close() }()
	go func() {
		io.WriteString(requests, `{"id":1,"name":"s1","input":"{\"id\":\"x\",\"items\":[1],\"pause\":0}","attributes":{"revision":"r1"}}`+"\n")
		io.WriteString(requests, `{"id":2,"name":"bad name","input":"{}"}`+"\n")
		io.WriteString(requests, "not json\n")
		requests.Close()
	}()
	got := map[int64]StartAnswer{}
	sc := bufio.NewScanner(answers)
	for sc.Scan() {
		var a StartAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("answer %q: %v", sc.Text(), err)
		}
		a.StartDate = strings.Repeat("x", len(a.StartDate))
		got[a.ID] = a
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := map[int64]StartAnswer{
		1: {ID: 1, ExecutionArn: w.arn("s1"), StartDate: "xxxxxxxxxxxxxxxxxxxxxxxx"},
		2: {ID: 2, Code: "InvalidName", Message: "Invalid Name: 'bad name'"},
		0: {ID: 0, Code: "SerializationException", Message: "invalid character 'o' in literal null (expecting 'u')"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	// It runs: it reaches its callback, and keeps what it was started with.
	select {
	case <-h.tokens:
	case <-ctx.Done():
		t.Fatal("the started execution did not run")
	}
	d, err := w.DescribeExecution(ctx, w.arn("s1"))
	if err != nil || d.Attributes["revision"] != "r1" {
		t.Errorf("describe: %+v, %v", d, err)
	}
}

// FuzzStartRequest: any line is a request or an error, never a panic;
// a request read is the one its own encoding reads back.
func FuzzStartRequest(f *testing.F) {
	f.Add([]byte(`{"id":1,"name":"s1","input":"{}","attributes":{"revision":"r1"}}`))
	f.Add([]byte(`{"id":2} {"id":3}`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"id":1e400}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := ParseStartRequest(line)
		if err != nil {
			return
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseStartRequest(b)
		if err != nil {
			t.Fatalf("%s does not read back: %v", b, err)
		}
		if diff := cmp.Diff(req, again, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("read back (-first +again):\n%s", diff)
		}
	})
}
