package engine

import (
	"math"
	"unsafe"
)

// Rooms. An encoded Go struct (a typed Task handler's result) becomes an
// object whose string members would each take an allocation of their own
// when boxed in an any: on a small result, more than the object itself.
// NewObjectStrings allocates the object, its members and the strings of
// its values together, and StringAt boxes a string where it lies.

// MemberRoom is the member array of an object made by NewObjectStrings.
type MemberRoom interface {
	[1]Member | [2]Member | [3]Member | [4]Member | [5]Member | [6]Member | [7]Member | [8]Member |
		[9]Member | [10]Member | [11]Member | [12]Member | [13]Member | [14]Member | [15]Member | [16]Member
}

// StringRoom is the room for string values of an object made by
// NewObjectStrings.
type StringRoom interface {
	[0]string | [1]string | [2]string | [3]string | [4]string | [5]string | [6]string | [7]string | [8]string |
		[9]string | [10]string | [11]string | [12]string | [13]string | [14]string | [15]string | [16]string
}

// objectStrings is an object, its members and its strings in one
// allocation.
type objectStrings[M MemberRoom, S StringRoom] struct {
	o Object
	m M
	s S
}

// NewObjectStrings returns an empty object with room for len(M) members
// and, in the same allocation, room for len(S) strings, which the caller
// fills once and boxes with StringAt.
func NewObjectStrings[M MemberRoom, S StringRoom]() (*Object, *S) {
	p := new(objectStrings[M, S])
	// M has no core type, so it cannot be sliced as an array; its
	// elements are Members, laid out as one.
	n := int(unsafe.Sizeof(p.m) / unsafe.Sizeof(Member{}))
	p.o.members = unsafe.Slice((*Member)(unsafe.Pointer(&p.m)), n)[:0]
	return &p.o, &p.s
}

// NumberRoom is the room for numbers of an object made by NewObjectRoom.
type NumberRoom interface {
	[1]uint64 | [2]uint64 | [3]uint64 | [4]uint64 | [5]uint64 | [6]uint64 | [7]uint64 | [8]uint64 |
		[9]uint64 | [10]uint64 | [11]uint64 | [12]uint64 | [13]uint64 | [14]uint64 | [15]uint64 | [16]uint64
}

// objectRoom is an object, its members, its strings and its numbers in
// one allocation.
type objectRoom[M MemberRoom, S StringRoom, N NumberRoom] struct {
	o Object
	m M
	s S
	n N
}

// NewObjectRoom is NewObjectStrings with room, in the same allocation,
// for len(N) numbers, which the caller boxes with EncodeFloatAt: a float
// boxed in an any takes an allocation of its own, more than the 8 bytes
// it adds to the object's.
func NewObjectRoom[M MemberRoom, S StringRoom, N NumberRoom]() (*Object, *S, *N) {
	p := new(objectRoom[M, S, N])
	n := int(unsafe.Sizeof(p.m) / unsafe.Sizeof(Member{}))
	p.o.members = unsafe.Slice((*Member)(unsafe.Pointer(&p.m)), n)[:0]
	return &p.o, &p.s, &p.n
}

// EncodeFloatAt is EncodeFloat with the number, where it needs a box,
// boxed at *p, which must not change afterwards. An integer below 256
// needs none: Go boxes those without allocating.
func EncodeFloatAt(f float64, p *uint64) (any, bool) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return nil, false
	case f != math.Trunc(f) || math.Abs(f) >= 1e21:
		*p = math.Float64bits(f)
		return boxWord(float64(0), p), true
	case math.Abs(f) < 1<<53:
		i := int64(f)
		if uint64(i) < 256 {
			return i, true
		}
		*p = uint64(i)
		return boxWord(int64(0), p), true
	}
	return nil, false
}

// boxWord returns an any of like's type (an 8-byte scalar type) holding
// the word at p by pointing at it, as boxString does for a string.
func boxWord(like any, p *uint64) any {
	(*[2]unsafe.Pointer)(unsafe.Pointer(&like))[1] = unsafe.Pointer(p)
	return like
}

// StringAt is the runtime value of the string at p, boxed without
// copying it: the value refers to *p, which must not change afterwards.
// It is EncodeString's value without the check: the caller first checks
// the string with ValidUTF8, whose call is then the only one (one
// function that did both was a call of its own, ~20 instructions a
// string, for the inliner's budget).
func StringAt(p *string) any { return boxString(p) }

// boxString returns an any holding the string at p by pointing at it, as
// the compiler's own conversion does after it has copied the string to
// a new allocation. Anys are never written through, so sharing *p is
// safe as long as nothing else writes it.
func boxString(p *string) any {
	var v any = "" // an any of type string: its type word
	(*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] = unsafe.Pointer(p)
	return v
}

// boxArray returns an any holding the array at p by pointing at it, as
// boxString does for a string: a slice header that lives in a larger
// allocation (a Parallel's results, see Frame.Parallel) is boxed without one of
// its own. Nothing may write *p afterwards.
func boxArray(p *[]any) any {
	var v any = []any(nil) // an any of type []any: its type word
	(*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] = unsafe.Pointer(p)
	return v
}
