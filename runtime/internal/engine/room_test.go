package engine

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewObjectStrings(t *testing.T) {
	o, s := NewObjectStrings[[3]Member, [2]string]()
	s[0] = strings.Repeat("a", 3)
	s[1] = "b" + strings.Repeat("c", 2)
	for i, key := range []string{"x", "y"} {
		if !ValidUTF8(s[i]) {
			t.Fatalf("ValidUTF8(%q) = false", s[i])
		}
		o.Append(key, StringAt(&s[i]))
	}
	o.Append("z", int64(1))
	if cap(o.members) != 3 {
		t.Errorf("room for %d members, want 3", cap(o.members))
	}
	// The object is the only reference to its room now: the boxed strings
	// must keep it alive.
	s = nil
	runtime.GC()
	runtime.GC()
	if diff := cmp.Diff(`{"x":"aaa","y":"bcc","z":1}`, ToJSON(o)); diff != "" {
		t.Errorf("object (-want +got):\n%s", diff)
	}
	if got, _ := o.Get("y"); got.(string) != "bcc" || got != any("bcc") {
		t.Errorf("y = %#v, want a string equal to %q", got, "bcc")
	}
}

func TestValidUTF8Invalid(t *testing.T) {
	if ValidUTF8("\xff") {
		t.Error(`ValidUTF8("\xff") = true`)
	}
}

func TestNewObjectStringsAllocs(t *testing.T) {
	status, id := "APPROVED", "TX-1"
	n := testing.AllocsPerRun(100, func() {
		o, s := NewObjectStrings[[3]Member, [2]string]()
		s[0], s[1] = status, id
		o.Append("status", StringAt(&s[0]))
		o.Append("transactionId", StringAt(&s[1]))
		o.Append("amount", 1.5)
		sinkValue = o
	})
	if n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}

var sinkValue any

// A Parallel's result is its results slice boxed where it lies (boxArray):
// it must be an ordinary []any to every reader, keep its allocation alive,
// and box without allocating.
func TestBoxArray(t *testing.T) {
	type holder struct {
		pad  [3]any
		list []any
	}
	h := &holder{}
	h.list = []any{"a", int64(1), nil}
	v := boxArray(&h.list)
	h = nil
	runtime.GC()
	runtime.GC()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("boxArray gives a %T, want []any", v)
	}
	if diff := cmp.Diff(`["a",1,null]`, ToJSON(v)); diff != "" {
		t.Errorf("boxed array (-want +got):\n%s", diff)
	}
	if !Equal(v, []any{"a", int64(1), nil}) || len(a) != 3 || !samePayload(v, a) {
		t.Errorf("boxed array %v is not the array boxed", v)
	}
	list := []any{1}
	if n := testing.AllocsPerRun(100, func() { sinkAny = boxArray(&list) }); n != 0 {
		t.Errorf("boxArray allocates %v times, want 0", n)
	}
}

var sinkAny any

// EncodeFloatAt is EncodeFloat with the box in the caller's room: the same
// values, types included, for every kind of float; the values stay what
// they were after a collection; and one object with its strings and
// numbers takes one allocation.
func TestEncodeFloatAt(t *testing.T) {
	for _, f := range []float64{42.5, -0.25, 0, math.Copysign(0, -1), 1, 255, 256, -1, 1e15 + 0.5, 1 << 52, 1<<53 - 1,
		1 << 53, -(1 << 53), 1e20, 1e21, 1e300, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1)} {
		var room [1]uint64
		got, gotOK := EncodeFloatAt(f, &room[0])
		want, wantOK := EncodeFloat(f)
		runtime.GC()
		if gotOK != wantOK || fmt.Sprintf("%T %#v", got, got) != fmt.Sprintf("%T %#v", want, want) {
			t.Errorf("EncodeFloatAt(%v) = %T %#v, %v; EncodeFloat: %T %#v, %v", f, got, got, gotOK, want, want, wantOK)
		}
	}
	var x [2]uint64
	a, _ := EncodeFloatAt(1.5, &x[0])
	b, _ := EncodeFloatAt(1000, &x[1])
	if a != 1.5 || b != int64(1000) {
		t.Errorf("EncodeFloatAt into one room: %#v, %#v; want 1.5, 1000", a, b)
	}

	status, amount := "APPROVED", 42.5
	n := testing.AllocsPerRun(100, func() {
		o, s, num := NewObjectRoom[[3]Member, [1]string, [2]uint64]()
		s[0] = status
		o.Append("status", StringAt(&s[0]))
		e, _ := EncodeFloatAt(amount, &num[0])
		o.Append("amount", e)
		e, _ = EncodeFloatAt(amount*1000, &num[1])
		o.Append("total", e)
		sinkValue = o
	})
	if n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
	if got, want := ToJSON(sinkValue), `{"status":"APPROVED","amount":42.5,"total":42500}`; got != want {
		t.Errorf("object = %s, want %s", got, want)
	}
}
