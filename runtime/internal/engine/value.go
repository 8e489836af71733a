package engine

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// JSON values in the runtime are plain Go values of these types:
//
//	nil          JSON null
//	bool         true, false
//	string       a string
//	int64        an integer that fits in 64 bits
//	float64      a number written with a fraction or an exponent
//	json.Number  an integer too large for int64, kept as written
//	[]any        an array
//	*Object      an object, keys in insertion order
//
// Strings are valid UTF-8: ParseJSON replaces invalid bytes with U+FFFD,
// as the runtime's intrinsics do, and FromGo for a Go string, and Go code
// that builds values must keep it so. (JSON text cannot carry anything else; the
// decoders generated for typed Task handlers rely on it.)
//
// Values are immutable once built: the runtime and generated code copy
// before they change anything they did not create themselves, so one value
// may be shared by Parallel branches, Map iterations and history events.

// A Member is one key and value of an Object.
type Member struct {
	Key   string
	Value any
}

// An Object is a JSON object that keeps its keys in insertion order, as
// AWS Step Functions does when it writes outputs. Its keys are distinct.
type Object struct {
	members []Member
	// ext holds what only some objects need; keeping it out of line
	// keeps the object small (32 bytes), and small objects, template
	// results, are most of what a machine allocates.
	ext atomic.Pointer[objectExt]
}

// objectExt is the out-of-line part of an Object.
type objectExt struct {
	// index is built by the builder once an object grows past
	// indexAfter keys.
	index map[string]int
	// sizeBound caches an upper bound of the object's JSON size (0: not
	// known yet), so payload checks do not walk shared subtrees again.
	sizeBound atomic.Int64
	// roomTaken is set once an object extends this one into its member
	// array's spare room (see extend).
	roomTaken atomic.Bool
	// noIntegralFloats is set on a document ParseJSON read that holds no
	// integral float (see NoIntegralFloats); a change clears it.
	noIntegralFloats atomic.Bool
	// headers is how many unused Objects follow the object in its
	// allocation, for the objects that extend it (see cloneWithHeaders).
	headers uint8
	// sentinel marks the shared objectExts that are never written to.
	sentinel bool
}

// roomTakenExt is the ext of an object whose room was taken and that has
// no other use for an objectExt: taking the room costs no allocation.
// It is never written to: extension replaces it.
var roomTakenExt = &objectExt{sentinel: true}

// headersExt[k] is the ext of an object whose room is not taken, that is
// followed in its allocation by k headers for the objects that extend it
// (see cloneWithHeaders), and that has no other use for an objectExt.
// They are never written to: extension replaces them.
var headersExt = [headerRoom + 1]*objectExt{nil, {headers: 1, sentinel: true}, {headers: 2, sentinel: true}}

func init() { roomTakenExt.roomTaken.Store(true) }

// extension returns o's objectExt, making it if need be. Readers of a
// shared object may race to make it: one wins.
func (o *Object) extension() *objectExt {
	for {
		e := o.ext.Load()
		if e != nil && !e.sentinel {
			return e
		}
		fresh := &objectExt{}
		if e != nil {
			// A sentinel: keep what it says.
			fresh.roomTaken.Store(e.roomTaken.Load())
			fresh.headers = e.headers
		}
		if o.ext.CompareAndSwap(e, fresh) {
			return fresh
		}
	}
}

// takeRoom reports whether the caller may use the spare room of o's
// member array, which no other caller then gets, and how many headers
// follow o (see cloneWithHeaders), which the caller then has too.
func (o *Object) takeRoom() (taken bool, headers uint8) {
	for {
		switch e := o.ext.Load(); {
		case e == roomTakenExt:
			return false, 0
		case e == nil || e.sentinel:
			// A sentinel is replaced, never written: one CAS wins.
			if o.ext.CompareAndSwap(e, roomTakenExt) {
				if e == nil {
					return true, 0
				}
				return true, e.headers
			}
		default:
			return e.roomTaken.CompareAndSwap(false, true), e.headers
		}
	}
}

// extend returns an object with o's members followed by key: v, or nil.
// It shares o's member array when the array has room past o's members
// that no other object has taken: ResultPath adds one member to a state's
// input at each state, and copying the input each time was most of what
// such a workflow allocated. o does not change: it never reads past its
// own members. Large objects, which have an index, are copied instead.
func (o *Object) extend(key string, v any) *Object {
	n := len(o.members)
	if n == cap(o.members) || n >= indexAfter {
		return nil
	}
	taken, headers := o.takeRoom()
	if !taken {
		return nil
	}
	members := o.members[:n+1]
	members[n] = Member{key, v}
	if headers == 0 {
		return &Object{members: members}
	}
	// The header after o's, which only this call has (takeRoom).
	x := (*Object)(unsafe.Add(unsafe.Pointer(o), unsafe.Sizeof(Object{})))
	x.members = members
	x.ext.Store(headersExt[headers-1])
	return x
}

// Headers. A ResultPath that adds a member to an object it cannot extend
// copies it with room for two more members (withMember), which the states
// after it typically fill, each making an object that shares the copy's
// member array (extend). The copy is made by cloneWithHeaders, which
// allocates the headers of those objects right after its own: the objects
// a workflow's ResultPaths make after the copy take no allocation of
// their own. The ext of an object followed by k unused headers says so
// (headersExt[k]); the object that extends it takes the next header, as
// it takes the room (takeRoom: once), and with it the k-1 after. The
// headers lie beside the objects, not the member array, so a builder
// that moves its members to a new array (Append, Delete) changes nothing.

// headerRoom is how many extensions of a copy come with their headers.
const headerRoom = 2

// objectHeaders is an object with room for len(M) members, and the
// headers of the objects that extend it, in one allocation. h follows o
// with no padding: both are arrays of pointer-sized words.
type objectHeaders[M MemberRoom] struct {
	o Object
	h [headerRoom]Object
	m M
}

// newObjectHeaders returns an empty object with room for len(M) members,
// followed by headerRoom headers; its builder marks it with
// headersExt[headerRoom] once it is built.
func newObjectHeaders[M MemberRoom]() *Object {
	p := new(objectHeaders[M])
	n := int(unsafe.Sizeof(p.m) / unsafe.Sizeof(Member{}))
	p.o.members = unsafe.Slice((*Member)(unsafe.Pointer(&p.m)), n)[:0]
	return &p.o
}

// cloneWithHeaders returns a copy of o with key: v appended and room for
// headerRoom more members, whose headers it holds; nil where o is too
// large (an indexed object, or nearly one).
func (o *Object) cloneWithHeaders(key string, v any) *Object {
	var c *Object
	switch len(o.members) + 1 + headerRoom {
	case 3:
		c = newObjectHeaders[[3]Member]()
	case 4:
		c = newObjectHeaders[[4]Member]()
	case 5:
		c = newObjectHeaders[[5]Member]()
	case 6:
		c = newObjectHeaders[[6]Member]()
	case 7:
		c = newObjectHeaders[[7]Member]()
	case 8:
		c = newObjectHeaders[[8]Member]()
	case 9:
		c = newObjectHeaders[[9]Member]()
	case 10:
		c = newObjectHeaders[[10]Member]()
	case 11:
		c = newObjectHeaders[[11]Member]()
	case 12:
		c = newObjectHeaders[[12]Member]()
	default:
		return nil
	}
	n := len(o.members)
	c.members = c.members[:n+1]
	copy(c.members, o.members)
	c.members[n] = Member{key, v}
	c.ext.Store(headersExt[headerRoom])
	return c
}

// lookup returns the index, nil for a small object.
func (o *Object) lookup() map[string]int {
	if e := o.ext.Load(); e != nil {
		return e.index
	}
	return nil
}

// forgetSize drops a cached size bound after a change, and what was
// known of the object's numbers.
func (o *Object) forgetSize() {
	if e := o.ext.Load(); e != nil {
		if e.sizeBound.Load() != 0 {
			e.sizeBound.Store(0)
		}
		if e.noIntegralFloats.Load() {
			e.noIntegralFloats.Store(false)
		}
	}
}

const indexAfter = 12

// NewObject returns an empty object with room for n members.
func NewObject(n int) *Object {
	// Small objects, the common case of templates, take one allocation
	// for the object and its members together. Larger ones are mostly an
	// input with a result placed into it (ResultPath), one member more at
	// each state: sizes that fill Go's size classes (224 to 544 bytes).
	switch {
	case n <= 2:
		return new(object2).init()
	case n == 3:
		return new(object3).init()
	case n <= 4:
		return new(object4).init()
	case n <= 6:
		return new(object6).init()
	case n <= 8:
		return new(object8).init()
	case n <= 12:
		return new(object12).init()
	case n <= 16:
		return new(object16).init()
	}
	return &Object{members: make([]Member, 0, n)}
}

// objectN holds an object and room for N members in one allocation.
type (
	object2 struct {
		o Object
		m [2]Member
	}
	object3 struct {
		o Object
		m [3]Member
	}
	object4 struct {
		o Object
		m [4]Member
	}
	object6 struct {
		o Object
		m [6]Member
	}
	object8 struct {
		o Object
		m [8]Member
	}
	object12 struct {
		o Object
		m [12]Member
	}
	object16 struct {
		o Object
		m [16]Member
	}
)

func (s *object2) init() *Object  { s.o.members = s.m[:0]; return &s.o }
func (s *object3) init() *Object  { s.o.members = s.m[:0]; return &s.o }
func (s *object4) init() *Object  { s.o.members = s.m[:0]; return &s.o }
func (s *object6) init() *Object  { s.o.members = s.m[:0]; return &s.o }
func (s *object8) init() *Object  { s.o.members = s.m[:0]; return &s.o }
func (s *object12) init() *Object { s.o.members = s.m[:0]; return &s.o }
func (s *object16) init() *Object { s.o.members = s.m[:0]; return &s.o }

// ObjectOf returns an object holding members in the order given; a
// repeated key keeps its first position and its last value.
func ObjectOf(members ...Member) *Object {
	o := NewObject(len(members))
	for _, m := range members {
		o.Set(m.Key, m.Value)
	}
	return o
}

// Len returns the number of members.
func (o *Object) Len() int { return len(o.members) }

// Members returns the members in order. The caller must not modify them.
// (Appending to them is safe: the slice has no spare capacity, whose room
// another object may use, see extend.)
func (o *Object) Members() []Member { return o.members[:len(o.members):len(o.members)] }

// Get returns the value stored under key.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	if e := o.ext.Load(); e != nil && e.index != nil {
		if i, ok := e.index[key]; ok {
			return o.members[i].Value, true
		}
		return nil, false
	}
	for i := range o.members {
		if o.members[i].Key == key {
			return o.members[i].Value, true
		}
	}
	return nil, false
}

// find returns the index of key's member, or -1.
func (o *Object) find(key string) int {
	if index := o.lookup(); index != nil {
		if i, ok := index[key]; ok {
			return i
		}
		return -1
	}
	// The slice in a local: through o, each turn would load it again
	// (ResultPath searches every key of its input for a member it adds).
	members := o.members
	for i := range members {
		if members[i].Key == key {
			return i
		}
	}
	return -1
}

// Set stores v under key, replacing an existing value in place or
// appending a new member. Only the builder of an object may call Set.
func (o *Object) Set(key string, v any) {
	o.forgetSize()
	if i := o.find(key); i >= 0 {
		o.members[i].Value = v
		return
	}
	o.Append(key, v)
}

// Append adds a member under a key the object does not hold yet. It is
// Set without the search for an existing key, for generated code that
// builds a template whose keys the compiler knows to be distinct. Only
// the builder of an object may call Append, and only before anything else
// has seen the object: the room past its members may be another object's
// by then (see extend).
func (o *Object) Append(key string, v any) {
	o.members = append(o.members, Member{key, v})
	if len(o.members) > indexAfter {
		o.indexLast()
	}
}

// indexLast adds the last member to the index, building the index once
// the object has grown past indexAfter members.
func (o *Object) indexLast() {
	e := o.extension()
	if e.index == nil {
		o.reindex()
		return
	}
	e.index[o.members[len(o.members)-1].Key] = len(o.members) - 1
}

// reindex builds the index of a large object anew.
func (o *Object) reindex() {
	index := make(map[string]int, len(o.members)*2)
	for i, m := range o.members {
		index[m.Key] = i
	}
	o.extension().index = index
}

// Delete removes key. Only the builder of an object may call Delete.
func (o *Object) Delete(key string) {
	o.forgetSize()
	for i := range o.members {
		if o.members[i].Key == key {
			o.members = append(o.members[:i:i], o.members[i+1:]...)
			if o.lookup() != nil {
				o.reindex()
			}
			return
		}
	}
}

// Clone returns a shallow copy of o that may be changed with Set.
func (o *Object) Clone() *Object { return o.cloneWithRoom(1) }

// cloneWithRoom is Clone with room for n more members.
func (o *Object) cloneWithRoom(n int) *Object {
	c := NewObject(len(o.members) + n)
	c.members = c.members[:len(o.members)]
	copy(c.members, o.members)
	if o.lookup() != nil {
		c.reindex()
	}
	return c
}

// MarshalJSON encodes the object compactly with its keys in order, so an
// *Object can be handed to encoding/json.
func (o *Object) MarshalJSON() ([]byte, error) { return AppendJSON(nil, o), nil }

// IsNumber reports whether v is a JSON number.
func IsNumber(v any) bool {
	switch v.(type) {
	case int64, float64, json.Number:
		return true
	}
	return false
}

// IsInteger reports whether v is a JSON number with no fractional part.
func IsInteger(v any) bool {
	switch n := v.(type) {
	case int64, json.Number:
		return true
	case float64:
		return n == math.Trunc(n) && !math.IsInf(n, 0)
	}
	return false
}

// Float returns the value of a JSON number as a float64.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// Int returns the value of an integral JSON number as an int64; ok is
// false for non-numbers, fractions and integers outside int64.
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		if n == math.Trunc(n) && n >= -9.223372036854775e18 && n <= 9.223372036854775e18 {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// CompareNumbers returns -1, 0 or +1 as a is less than, equal to or
// greater than b; both must be JSON numbers.
func CompareNumbers(a, b any) int {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return compareInts(x, y)
		}
	}
	_, abig := a.(json.Number)
	_, bbig := b.(json.Number)
	if abig || bbig {
		x, y := bigFloat(a), bigFloat(b)
		return x.Cmp(y)
	}
	x, _ := Float(a)
	y, _ := Float(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func bigFloat(v any) *big.Float {
	switch n := v.(type) {
	case int64:
		return new(big.Float).SetInt64(n)
	case float64:
		return big.NewFloat(n)
	case json.Number:
		f, _, err := big.ParseFloat(string(n), 10, 256, big.ToNearestEven)
		if err == nil {
			return f
		}
	}
	return new(big.Float)
}

// TypeName returns the JSON type name of v as AWS writes it in messages:
// null, boolean, string, number, array or object.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case int64, float64, json.Number:
		return "number"
	case []any:
		return "array"
	case *Object:
		return "object"
	}
	return "unknown"
}

// formatFloat writes f the way the JVM's Double.toString does, which is
// how AWS Step Functions prints numbers with a fraction: 1.0, 0.5, 1.0E10.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		for _, c := range dst[start:] {
			if c == '.' {
				return dst
			}
		}
		return append(dst, ".0"...)
	}
	// Scientific: d.dddE[-]n with at least one fractional digit.
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1.5e+10, 1e-05
	mant, exp := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' {
			mant, exp = s[:i], s[i+1:]
			break
		}
	}
	hasDot := false
	for i := 0; i < len(mant); i++ {
		if mant[i] == '.' {
			hasDot = true
		}
	}
	dst = append(dst, mant...)
	if !hasDot {
		dst = append(dst, ".0"...)
	}
	dst = append(dst, 'E')
	if exp[0] == '-' {
		dst = append(dst, '-')
	}
	exp = exp[1:]
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	return append(dst, exp...)
}
