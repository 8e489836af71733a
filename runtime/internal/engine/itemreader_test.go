package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readAll drains an iterator into JSON text per item and the error's
// name and cause.
func readAll(t *testing.T, it ItemIterator) (items []string, failure string) {
	t.Helper()
	defer it.Close()
	for i := 0; i < 1_000_000; i++ {
		v, ok, err := it.Next(context.Background())
		if err != nil {
			e := AsError(err)
			return items, e.Name + ": " + e.Cause
		}
		if !ok {
			return items, ""
		}
		items = append(items, ToJSON(v))
	}
	t.Fatal("iterator does not end")
	return nil, ""
}

func TestItemReaders(t *testing.T) {
	tests := []struct {
		name    string
		open    func(r io.Reader) ItemIterator
		input   string
		want    []string
		failure string
	}{
		{name: "json array", open: NewJSONItems, input: ` [1, "a,b]", {"k": [1, {"x": "]"}]}, null ] `,
			want: []string{`1`, `"a,b]"`, `{"k":[1,{"x":"]"}]}`, `null`}},
		{name: "json escaped quote", open: NewJSONItems, input: `["a\"],", "b"]`, want: []string{`"a\"],"`, `"b"`}},
		{name: "json empty array", open: NewJSONItems, input: "[]\n"},
		{name: "json object", open: NewJSONItems, input: `{"a": [1]}`,
			failure: "States.ItemReaderFailed: Attempting to map over non-iterable node."},
		{name: "json scalar", open: NewJSONItems, input: `12`,
			failure: "States.ItemReaderFailed: Attempting to map over non-iterable node."},
		{name: "json unterminated", open: NewJSONItems, input: `[1, 2`, want: []string{"1"},
			failure: "States.ItemReaderFailed: The JSON array is not terminated"},
		{name: "json bad element", open: NewJSONItems, input: `[1, tru]`, want: []string{"1"},
			failure: "States.ItemReaderFailed: Item 1 of the JSON array is not valid JSON: invalid JSON at offset 1: invalid literal"},
		{name: "json trailing content", open: NewJSONItems, input: `[1] 2`, want: []string{"1"},
			failure: "States.ItemReaderFailed: Unexpected content after the JSON array"},
		{name: "json empty", open: NewJSONItems, input: ``,
			failure: "States.ItemReaderFailed: The JSON document is empty or unreadable"},
		{name: "jsonl", open: NewJSONLItems, input: "{\"a\":1}\n\n  [2] \r\n\"s\"", want: []string{`{"a":1}`, `[2]`, `"s"`}},
		{name: "jsonl bad line", open: NewJSONLItems, input: "1\n{x}\n", want: []string{"1"},
			failure: "States.ItemReaderFailed: Line 2 of the JSONL object is not valid JSON: invalid JSON at offset 1: expected a string key"},
		// The three CSV cases are AWS's recorded outcomes (LocalStack's
		// AWS-validated snapshots): values are strings, extra fields are
		// dropped, missing ones are "", members in Java HashMap order.
		{name: "csv typed headers", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', nil) },
			input: "0,True,{}\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n",
			want: []string{`{"0":"Value4","{}":"Value6","True":"Value5"}`, `{"0":"","{}":"","True":""}`,
				`{"0":"true","{}":"'HelloWorld'","True":"1"}`, `{"0":"Null","{}":"","True":"None"}`, `{"0":"   ","{}":"","True":""}`}},
		{name: "csv first row extra fields", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', nil) },
			input: "H1,\nValue4,Value5\n,\ntrue,1\nNull,None\n   \n",
			want:  []string{`{"":"Value5","H1":"Value4"}`, `{"":"","H1":""}`, `{"":"1","H1":"true"}`, `{"":"None","H1":"Null"}`, `{"":"","H1":"   "}`}},
		{name: "csv given headers", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', []string{"H1"}) },
			input: "Value1,Value2,Value3\nValue4\n",
			want:  []string{`{"H1":"Value1"}`, `{"H1":"Value4"}`}},
		{name: "csv duplicate headers", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', []string{"a", "a"}) },
			input: "1,2\n", failure: "States.ItemReaderFailed: CSV headers cannot contain duplicates."},
		{name: "csv pipe and quotes", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, '|', nil) },
			input: "k|v\n\"a|b\"|\"line\nbreak\"\n", want: []string{`{"v":"line\nbreak","k":"a|b"}`}},
		{name: "csv header only", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', nil) }, input: "a,b\n"},
		{name: "csv empty", open: func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', nil) }, input: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, failure := readAll(t, tt.open(strings.NewReader(tt.input)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("items differ (-want +got):\n%s", diff)
			}
			if failure != tt.failure {
				t.Errorf("failure = %q, want %q", failure, tt.failure)
			}
		})
	}
}

// TestItemTooLarge checks that one oversized item fails the reader
// instead of being held whole.
func TestItemTooLarge(t *testing.T) {
	big := strings.Repeat("x", MaxItemBytes+10)
	for name, open := range map[string]func(io.Reader) ItemIterator{
		"json":  NewJSONItems,
		"jsonl": NewJSONLItems,
		"csv":   func(r io.Reader) ItemIterator { return NewCSVItems(r, ',', []string{"a"}) },
	} {
		t.Run(name, func(t *testing.T) {
			input := `["` + big + `"]`
			if name != "json" {
				input = `"` + big + `"` + "\n"
			}
			_, failure := readAll(t, open(strings.NewReader(input)))
			if !strings.HasPrefix(failure, "States.ItemReaderFailed: ") || !strings.Contains(failure, "larger than") {
				t.Errorf("failure = %.100q, want an ItemReaderFailed about the size", failure)
			}
		})
	}
}

func TestReadItemsFromStore(t *testing.T) {
	ctx := context.Background()
	store := &MemStore{PageSize: 2}
	for _, k := range []string{"in/a.txt", "in/b.txt", "in/c.txt", "other/d.txt"} {
		store.PutObject(ctx, "bkt", k, []byte("12345"))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("bkt,in/a.txt,5\nbkt,in/b.txt,5\n"))
	zw.Close()
	store.PutObject(ctx, "inv", "data/1.csv.gz", gz.Bytes())
	store.PutObject(ctx, "inv", "data/2.csv", []byte("bkt,in/c.txt,5\n"))
	store.PutObject(ctx, "bkt", "manifest.json", []byte(`{"sourceBucket":"bkt","destinationBucket":"arn:aws:s3:::inv",
		"fileFormat":"CSV","fileSchema":"Bucket, Key, Size","files":[{"key":"data/1.csv.gz"},{"key":"data/2.csv"}]}`))
	store.PutObject(ctx, "bkt", "items.jsonl", []byte("1\n2\n3\n"))

	args := func(kv ...string) any {
		o := NewObject(2)
		for i := 0; i < len(kv); i += 2 {
			o.Set(kv[i], kv[i+1])
		}
		return o
	}
	tests := []struct {
		name    string
		cfg     ItemReaderConfig
		args    any
		want    []string
		failure string
	}{
		{name: "list with prefix, paged", cfg: ItemReaderConfig{Resource: ResourceListObjectsV2}, args: args("Bucket", "bkt", "Prefix", "in/"),
			want: []string{"in/a.txt", "in/b.txt", "in/c.txt"}},
		{name: "list capped", cfg: ItemReaderConfig{Resource: ResourceListObjectsV2, MaxItems: 2}, args: args("Bucket", "bkt", "Prefix", "in/"),
			want: []string{"in/a.txt", "in/b.txt"}},
		{name: "manifest", cfg: ItemReaderConfig{Resource: ResourceGetObject, InputType: "MANIFEST"}, args: args("Bucket", "bkt", "Key", "manifest.json"),
			want: []string{`{"Bucket":"bkt","Size":"5","Key":"in/a.txt"}`, `{"Bucket":"bkt","Size":"5","Key":"in/b.txt"}`, `{"Bucket":"bkt","Size":"5","Key":"in/c.txt"}`}},
		{name: "jsonl capped", cfg: ItemReaderConfig{Resource: ResourceGetObject, InputType: "JSONL", MaxItems: 2}, args: args("Bucket", "bkt", "Key", "items.jsonl"),
			want: []string{"1", "2"}},
		{name: "negative MaxItems", cfg: ItemReaderConfig{Resource: ResourceGetObject, InputType: "JSONL", MaxItems: -1}, args: args("Bucket", "bkt", "Key", "items.jsonl"),
			failure: "States.ItemReaderFailed: field MaxItems must be positive"},
		{name: "no such key", cfg: ItemReaderConfig{Resource: ResourceGetObject, InputType: "JSON"}, args: args("Bucket", "bkt", "Key", "nope"),
			failure: "States.ItemReaderFailed: NoSuchKey: The specified key does not exist."},
		{name: "no bucket", cfg: ItemReaderConfig{Resource: ResourceListObjectsV2}, args: args("Prefix", "x"),
			failure: "States.ItemReaderFailed: The ItemReader parameters must include a Bucket string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			failure := ""
			it, err := ReadItems(ctx, store, tt.cfg, tt.args)
			if err != nil {
				e := AsError(err)
				failure = e.Name + ": " + e.Cause
			} else {
				var items []string
				items, failure = readAll(t, it)
				for _, s := range items {
					if tt.cfg.Resource == ResourceListObjectsV2 {
						v := MustParseJSON(s).(*Object)
						k, _ := v.Get("Key")
						got = append(got, k.(string))
					} else {
						got = append(got, s)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("items differ (-want +got):\n%s", diff)
			}
			if failure != tt.failure {
				t.Errorf("failure = %q, want %q", failure, tt.failure)
			}
		})
	}
}

// TestListObjectsItemShape checks an item of listObjectsV2 against the
// shape AWS documents: Etag, Key, LastModified in epoch seconds, Size,
// StorageClass.
func TestListObjectsItemShape(t *testing.T) {
	store := &MemStore{}
	store.PutObject(context.Background(), "b", "k", []byte("abc"))
	it, err := ReadItems(context.Background(), store, ItemReaderConfig{Resource: ResourceListObjectsV2}, ObjectOf(Member{"Bucket", "b"}))
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := it.Next(context.Background())
	o := v.(*Object)
	var keys []string
	for _, m := range o.Members() {
		keys = append(keys, m.Key)
	}
	if diff := cmp.Diff([]string{"Etag", "Key", "LastModified", "Size", "StorageClass"}, keys); diff != "" {
		t.Errorf("members differ:\n%s", diff)
	}
	lm, _ := o.Get("LastModified")
	if n, ok := lm.(int64); !ok || time.Since(time.Unix(n, 0)) > time.Hour {
		t.Errorf("LastModified = %v, want epoch seconds of now", lm)
	}
}

func FuzzCSVItems(f *testing.F) {
	f.Add("a,b\n1,2\n", false)
	f.Add("0,True,{}\n\"x\"\"\",,,\n", true)
	f.Fuzz(func(t *testing.T, data string, given bool) {
		var headers []string
		if given {
			headers = []string{"x", "y"}
		}
		drain(NewCSVItems(strings.NewReader(data), ',', headers))
	})
}

func FuzzJSONLItems(f *testing.F) {
	f.Add("1\n{\"a\":[2]}\n")
	f.Fuzz(func(t *testing.T, data string) { drain(NewJSONLItems(strings.NewReader(data))) })
}

func FuzzJSONItems(f *testing.F) {
	f.Add(`[1, "a]", {"b": [2]}]`)
	f.Fuzz(func(t *testing.T, data string) { drain(NewJSONItems(strings.NewReader(data))) })
}

func FuzzManifestItems(f *testing.F) {
	f.Add(`{"destinationBucket":"arn:aws:s3:::inv","fileFormat":"CSV","fileSchema":"Bucket, Key","files":[{"key":"f.csv"}]}`, "b,k\n")
	f.Fuzz(func(t *testing.T, manifest, file string) {
		store := &MemStore{}
		store.PutObject(context.Background(), "inv", "f.csv", []byte(file))
		drain(NewManifestItems(context.Background(), store, strings.NewReader(manifest)))
	})
}

// drain reads an iterator to its end, checking that every item is a
// value the runtime can encode.
func drain(it ItemIterator) {
	defer it.Close()
	for i := 0; i < 100_000; i++ {
		v, ok, err := it.Next(context.Background())
		if err != nil || !ok {
			if err != nil && AsError(err).Name != ErrItemReaderFailed {
				panic("reader error is not States.ItemReaderFailed: " + err.Error())
			}
			return
		}
		AppendJSON(nil, v)
	}
	panic("iterator does not end")
}
