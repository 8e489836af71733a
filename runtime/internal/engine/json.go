package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 10000

// ParseJSON decodes one JSON document into a runtime value (see the type
// list in value.go). Trailing data other than white space is an error.
func ParseJSON(data []byte) (any, error) {
	d := decoder{data: data}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("unexpected data after the JSON value")
	}
	if o, ok := v.(*Object); ok {
		// An execution's input is most often a document parsed here: with
		// its size bound at hand, the first state's payload check need
		// not walk it (see sizeBound, whose sum this is); knowing it
		// holds no integral float, JSONata need not walk it to normalise
		// it (see NoIntegralFloats).
		if d.bound > 0 {
			o.extension().sizeBound.Store(int64(d.bound))
		}
		if !d.integralFloat {
			o.extension().noIntegralFloats.Store(true)
		}
	}
	return v, nil
}

// NoIntegralFloats reports whether v is known to hold no float64 with an
// integral value within ±2^53 (-0 included): an object ParseJSON read
// from a document without one, which has not changed since. JSONata's
// results hold such numbers as int64, so natively compiled JSONata need
// not walk a value known to hold none to normalise it; false says
// nothing.
func NoIntegralFloats(v any) bool {
	if o, ok := v.(*Object); ok && o != nil {
		if e := o.ext.Load(); e != nil {
			return e.noIntegralFloats.Load()
		}
	}
	return false
}

// integralFloat reports whether f is integral within ±2^53 (-0 too): a
// number JSONata holds as an integer (see NoIntegralFloats).
func integralFloat(f float64) bool { return f == math.Trunc(f) && math.Abs(f) <= 1<<53 }

// MustParseJSON is ParseJSON for literals that generated code knows are
// valid; it panics otherwise.
func MustParseJSON(s string) any {
	v, err := ParseJSON([]byte(s))
	if err != nil {
		panic("sfnrt: invalid JSON literal: " + err.Error())
	}
	return v
}

// A SyntaxError is a malformed JSON document.
type SyntaxError struct {
	Offset int // byte offset of the problem
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

type decoder struct {
	data []byte
	pos  int
	// keys interns object keys in larger documents, whose objects (the
	// items of an array) tend to repeat the same few keys: sharing them
	// saves an allocation per key.
	keys map[string]string
	// bound sums what sizeBound would find for the values read so far.
	bound int
	// integralFloat is set once a number read is a float64 with an
	// integral value within ±2^53 (see NoIntegralFloats).
	integralFloat bool
	// spill holds the elements of the arrays being read once they are
	// past the few an array keeps on its own stack, and whose length
	// countRest could not tell.
	spill elemStack
	// counted is how many bytes countRest has scanned ahead so far.
	counted int
}

// An elemStack holds the elements of the arrays being read, innermost
// last, in blocks that never move, so that a long array is copied once,
// into a slice of its exact length: appending to a slice would allocate
// about four times its final size on the way (capacities grow by a
// quarter past 256 elements), all of it garbage by the end, and a
// program that allocates less than the collector's first target (4 MB)
// keeps every byte it allocated resident (map's 10,000 items: 650 KB of
// growth against 160 KB of elements).
type elemStack struct {
	blocks [][]any
	n      int
}

const elemBlock = 512

func (s *elemStack) push(v any) {
	b := s.n / elemBlock
	if b == len(s.blocks) {
		s.blocks = append(s.blocks, make([]any, elemBlock))
	}
	s.blocks[b][s.n%elemBlock] = v
	s.n++
}

// pop removes the elements from start on and returns them in a slice of
// their exact length.
func (s *elemStack) pop(start int) []any {
	out := make([]any, s.n-start)
	for i := 0; i < len(out); {
		at := start + i
		b := s.blocks[at/elemBlock][at%elemBlock:]
		n := copy(out[i:], b)
		clear(b[:n]) // the stack keeps no value alive
		i += n
	}
	s.n = start
	return out
}

// Interning pays from this document size on; below it the table costs
// more than it saves.
const (
	internFrom      = 1024
	maxInternedKeys = 1024
	maxInternedLen  = 64
)

// key reads an object key, interned in larger documents.
func (d *decoder) key() (string, error) {
	if len(d.data) < internFrom {
		return d.str()
	}
	start := d.pos + 1
	for i := start; i < len(d.data) && i-start <= maxInternedLen; i++ {
		c := d.data[i]
		if c == '"' {
			if k, ok := d.keys[string(d.data[start:i])]; ok {
				d.pos = i + 1
				return k, nil
			}
			break
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	k, err := d.str()
	if err == nil && len(k) <= maxInternedLen && len(d.keys) < maxInternedKeys {
		if d.keys == nil {
			d.keys = make(map[string]string)
		}
		d.keys[k] = k
	}
	return k, err
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errorf("nesting too deep")
	}
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.leaf(d.str())
	case c == 't':
		return d.leaf(d.word("true", true))
	case c == 'f':
		return d.leaf(d.word("false", false))
	case c == 'n':
		return d.leaf(d.word("null", nil))
	case c == '-' || (c >= '0' && c <= '9'):
		return d.leaf(d.number())
	}
	return nil, d.errorf("unexpected character %q", d.data[d.pos])
}

// leaf adds the size bound of a value that is neither an object nor an
// array to the document's, as sizeBound counts it.
func (d *decoder) leaf(v any, err error) (any, error) {
	d.bound += leafBound(v, 0)
	return v, err
}

// object reads an object. Its members are gathered in a buffer on the
// stack, so that the object takes one allocation of its exact size.
func (d *decoder) object(depth int) (any, error) {
	d.pos++
	d.skipSpace()
	d.bound += 2
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return NewObject(0), nil
	}
	var buf [8]Member
	read := buf[:0]
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expected a string key")
		}
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		d.bound += boundString(k) + 2 // the colon, and a comma or the brace
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expected ':' after object key")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		read = append(read, Member{k, v})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input in object")
		}
		if d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.data[d.pos] == '}' {
			d.pos++
			o := NewObject(len(read))
			for _, m := range read {
				o.Set(m.Key, m.Value) // a repeated key keeps its first place, last value
			}
			return o, nil
		}
		return nil, d.errorf("expected ',' or '}' in object")
	}
}

// array reads an array, gathering its elements as object does.
func (d *decoder) array(depth int) (any, error) {
	d.pos++
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.bound += 2
		return []any{}, nil
	}
	d.bound++ // the brackets, less the comma counted before the first element
	var buf [8]any
	read := buf[:0]
	spilled := -1    // where the elements start on d.spill, once past buf
	var direct []any // past buf, when countRest told the length: the array itself
	for {
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err // the document fails: d.spill is not read again
		}
		switch {
		case direct != nil:
			direct = append(direct, v)
		case spilled >= 0:
			d.spill.push(v)
		case len(read) < len(buf):
			read = append(read, v)
		default:
			if rest, ok := d.countRest(); ok {
				direct = make([]any, 0, len(read)+1+rest)
				direct = append(append(direct, read...), v)
				break
			}
			spilled = d.spill.n
			for _, e := range read {
				d.spill.push(e)
			}
			d.spill.push(v)
		}
		d.bound++
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end of input in array")
		}
		if d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.data[d.pos] == ']' {
			d.pos++
			if direct != nil {
				return direct, nil
			}
			if spilled >= 0 {
				return d.spill.pop(spilled), nil
			}
			return append(make([]any, 0, len(read)), read...), nil
		}
		return nil, d.errorf("expected ',' or ']' in array")
	}
}

// countRest returns how many elements follow the one just read in the
// array being read, scanning ahead to its closing bracket, so that a long
// array is read straight into a slice of its length: the blocks of
// d.spill and the copy out of them were twice the array's size, garbage
// by the end, which a program that allocates less than the collector's
// first target keeps resident (a Map's input of 10,000 items: 350 KB).
// The scans of a document cover at most its size, so that nested long
// arrays cannot make reading quadratic: past that, arrays spill. ok is
// false then, and where the array does not end; the count of a malformed
// array may be off, which its read then reports.
func (d *decoder) countRest() (n int, ok bool) {
	end := d.pos + len(d.data) - d.counted // the scans' budget
	if end > len(d.data) {
		end = len(d.data)
	}
	i, depth := d.pos, 0
	defer func() { d.counted += i - d.pos }()
	for ; i < end; i++ {
		switch d.data[i] {
		case '"':
			for i++; i < end && d.data[i] != '"'; i++ {
				if d.data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return n, true
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return 0, false
}

func (d *decoder) word(w string, v any) (any, error) {
	if len(d.data)-d.pos >= len(w) && string(d.data[d.pos:d.pos+len(w)]) == w {
		d.pos += len(w)
		return v, nil
	}
	return nil, d.errorf("invalid literal")
}

func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	intStart := d.pos
	if n := digits(); n == 0 {
		return nil, d.errorf("invalid number")
	} else if n > 1 && d.data[intStart] == '0' {
		return nil, d.errorf("invalid number: leading zero")
	}
	isFloat := false
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		isFloat = true
		if digits() == 0 {
			return nil, d.errorf("invalid number")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		isFloat = true
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.errorf("invalid number")
		}
	}
	if !isFloat && d.pos-start <= 18 {
		// At most 18 digits always fit an int64: no string to parse.
		var n int64
		for _, c := range d.data[intStart:d.pos] {
			n = n*10 + int64(c-'0')
		}
		if start != intStart {
			n = -n
		}
		return n, nil
	}
	text := string(d.data[start:d.pos])
	n := ParseNumber(text, isFloat)
	if f, ok := n.(float64); ok && integralFloat(f) {
		d.integralFloat = true
	}
	return n, nil
}

// ParseNumber converts the text of a valid JSON number to its runtime
// value: int64 for integers that fit, float64 for fractions, json.Number
// for larger integers.
func ParseNumber(text string, isFloat bool) any {
	if !isFloat {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return i
		}
		return json.Number(text)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && math.IsInf(f, 0) {
		return json.Number(text)
	}
	return f
}

func (d *decoder) str() (string, error) {
	d.pos++ // opening quote
	start := d.pos
	// Fast path: no escapes.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := d.data[start:d.pos]
			d.pos++
			if !utf8.Valid(s) {
				return string([]rune(string(s))), nil
			}
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", d.errorf("control character in string")
		}
		d.pos++
	}
	buf := append([]byte(nil), d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return string([]rune(string(buf))), nil // U+FFFD for each bad byte, as on the fast path
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.errorf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					save := d.pos
					d.pos += 2
					r2, ok := d.hex4()
					if ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
					d.pos = save
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.errorf("invalid escape \\%c", e)
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.pos += 4
	return r, true
}

// AppendJSON appends the compact JSON encoding of v to dst, as AWS writes
// it: no spaces, keys in order, no HTML escaping.
func AppendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case string:
		return AppendString(dst, x)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return appendFloat(dst, x)
	case json.Number:
		return append(dst, x...)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	case *Object:
		dst = append(dst, '{')
		for i, m := range x.members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, m.Key)
			dst = append(dst, ':')
			dst = AppendJSON(dst, m.Value)
		}
		return append(dst, '}')
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	}
	// Not a runtime value: fall back to encoding/json for robustness.
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// WriteJSON writes v's compact JSON and a newline to w a piece at a
// time, so that a large output is never held whole in memory: appending
// it to one buffer allocated about twice its size as the buffer grew.
func WriteJSON(w io.Writer, v any) error {
	j := jsonWriter{w: w, buf: make([]byte, 0, 2*jsonFlushAt)}
	j.value(v)
	j.buf = append(j.buf, '\n')
	j.flush()
	return j.err
}

// jsonFlushAt is how much encoded JSON jsonWriter holds before writing.
const jsonFlushAt = 16 << 10

type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (j *jsonWriter) value(v any) {
	switch x := v.(type) {
	case []any:
		j.buf = append(j.buf, '[')
		for i, e := range x {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.value(e)
		}
		j.buf = append(j.buf, ']')
	case *Object:
		j.buf = append(j.buf, '{')
		for i, m := range x.members {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = AppendString(j.buf, m.Key)
			j.buf = append(j.buf, ':')
			j.value(m.Value)
		}
		j.buf = append(j.buf, '}')
	default:
		j.buf = AppendJSON(j.buf, v)
	}
	if len(j.buf) >= jsonFlushAt {
		j.flush()
	}
}

func (j *jsonWriter) flush() {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
	}
	j.buf = j.buf[:0]
}

// ToJSON returns the compact JSON encoding of v as a string.
func ToJSON(v any) string { return string(AppendJSON(nil, v)) }

const hexDigits = "0123456789abcdef"

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// FromGo converts an ordinary Go value (structs, maps, slices, numbers) to
// a runtime value through its encoding/json form. Map keys come out
// sorted, struct fields in declaration order.
func FromGo(x any) (any, error) {
	switch y := x.(type) {
	case string:
		if ValidUTF8(y) {
			return x, nil
		}
	case nil, bool, int64, float64, json.Number, []any, *Object:
		return x, nil
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return ParseJSON(b)
}

// ToGo stores the runtime value v into the Go value dst points to, through
// its JSON form, as encoding/json.Unmarshal would.
func ToGo(v any, dst any) error {
	return json.Unmarshal(AppendJSON(nil, v), dst)
}
