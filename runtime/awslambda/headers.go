package awslambda

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// lambdaHeaders are the response headers of Lambda's Invoke in the
// spelling and the order they come on the wire. Go's HTTP client
// canonicalises header names (X-Amzn-Requestid), so the names Step
// Functions shows are restored from this list.
var lambdaHeaders = []string{
	"Date",
	"Content-Type",
	"Content-Length",
	"Connection",
	"x-amzn-RequestId",
	"x-amzn-Remapped-Content-Length",
	"X-Amz-Executed-Version",
	"X-Amz-Function-Error",
	"X-Amz-Log-Result",
	"X-Amzn-Trace-Id",
}

// HTTPMetadata returns the SdkHttpMetadata of an HTTP response as the AWS
// SDK for Java (which Step Functions uses) serialises it:
//
//	{"AllHttpHeaders": {NAME: [VALUE, ...]}, "HttpHeaders": {NAME: VALUE}, "HttpStatusCode": N}
//
// HttpHeaders is a case-insensitive sorted map, so its names are sorted
// without regard to case. AllHttpHeaders is a java.util.HashMap, whose
// order follows the hash of each name: it is reproduced here, so that the
// output matches AWS's byte for byte. The optimized integrations of other
// services (runtime/integrations) show the same metadata.
func HTTPMetadata(header http.Header, status int64) *sfnrt.Object {
	type entry struct {
		name   string
		values []string
		wire   int // position on the wire, as far as known
	}
	var entries []entry
	for key, values := range header {
		name, wire := key, len(lambdaHeaders)
		for i, h := range lambdaHeaders {
			if strings.EqualFold(h, key) {
				name, wire = h, i
				break
			}
		}
		entries = append(entries, entry{name, values, wire})
	}
	// Insertion order: the wire order of known headers, then the others by name.
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].wire != entries[j].wire {
			return entries[i].wire < entries[j].wire
		}
		return entries[i].name < entries[j].name
	})

	all := sfnrt.NewObject(len(entries))
	for _, i := range javaHashMapOrder(len(entries), func(i int) string { return entries[i].name }) {
		vals := make([]any, len(entries[i].values))
		for k, v := range entries[i].values {
			vals[k] = v
		}
		all.Set(entries[i].name, vals)
	}

	single := append([]entry(nil), entries...)
	sort.SliceStable(single, func(i, j int) bool {
		return strings.ToLower(single[i].name) < strings.ToLower(single[j].name)
	})
	hs := sfnrt.NewObject(len(single))
	for _, e := range single {
		if len(e.values) > 0 {
			// Java's HttpResponse keeps the last value of a repeated header.
			hs.Set(e.name, e.values[len(e.values)-1])
		}
	}

	md := sfnrt.NewObject(3)
	md.Set("AllHttpHeaders", all)
	md.Set("HttpHeaders", hs)
	md.Set("HttpStatusCode", status)
	return md
}

// javaHashMapOrder returns the indexes 0..n-1 of keys inserted in that
// order into a java.util.HashMap, in the map's iteration order: by bucket
// (the spread String.hashCode masked by the table size, which starts at
// 16 and doubles when the map is over 3/4 full), then by insertion.
func javaHashMapOrder(n int, key func(int) string) []int {
	size := 16
	for n > size*3/4 {
		size *= 2
	}
	type slot struct{ bucket, index int }
	slots := make([]slot, n)
	for i := 0; i < n; i++ {
		h := javaStringHash(key(i))
		h ^= h >> 16
		slots[i] = slot{int(h & uint32(size-1)), i}
	}
	sort.SliceStable(slots, func(a, b int) bool { return slots[a].bucket < slots[b].bucket })
	order := make([]int, n)
	for i, s := range slots {
		order[i] = s.index
	}
	return order
}

// javaStringHash is java.lang.String.hashCode over UTF-16 code units.
func javaStringHash(s string) uint32 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + uint32(0xD800+(r>>10))
			h = 31*h + uint32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + uint32(r)
	}
	return h
}
