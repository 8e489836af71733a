package compiler

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// This file is the first stage of the front end: it turns the definition's
// bytes into a syntax tree that mirrors the JSON as written. Unlike
// encoding/json it keeps, for every value, its byte offset and its RFC 6901
// JSON Pointer, keeps object members in the order written, and keeps
// duplicate keys so that validation can report them.

// maxDepth caps the nesting of JSON arrays and objects. Real definitions
// stay far below it; deeper input is rejected with TOO_DEEPLY_NESTED
// instead of exhausting the stack.
const maxDepth = 200

// A kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	}
	return "object"
}

// A node is one JSON value of the definition.
type node struct {
	kind kind
	off  int // byte offset of the value's first byte
	place
	b bool // kindBool
	// s is the decoded text of a string, or a number as written.
	s       string
	isFloat bool // kindNumber written with a fraction or exponent
	// raw reports, for strings, that the source text between the quotes is
	// exactly s (no escapes), so offsets into s map onto the source.
	raw     bool
	items   []*node  // kindArray
	members []member // kindObject, in the order written
}

// A member is one key/value pair of an object.
type member struct {
	key    string
	keyOff int // byte offset of the key's opening quote
	val    *node
}

// get returns the first member called key, or nil.
func (n *node) get(key string) *member {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := range n.members {
		if n.members[i].key == key {
			return &n.members[i]
		}
	}
	return nil
}

// val returns the value of the first member called key, or nil.
func (n *node) val(key string) *node {
	if m := n.get(key); m != nil {
		return m.val
	}
	return nil
}

// A place says where a value sits: under which member or element of its
// parent. JSON Pointers are built from it only when needed, so that deep
// documents do not store a long pointer for every value.
type place struct {
	parent *node // nil for the root
	key    string
	idx    int
}

// ptr returns the JSON Pointer of the value at p.
func (p place) ptr() ir.Pointer {
	var toks []string
	for q := p; q.parent != nil; q = q.parent.place {
		if q.parent.kind == kindArray {
			toks = append(toks, strconv.Itoa(q.idx))
		} else {
			toks = append(toks, escapePointer(q.key))
		}
	}
	var b strings.Builder
	for i := len(toks) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(toks[i])
	}
	return ir.Pointer(b.String())
}

// pos is the IR position of n.
func (n *node) pos() ir.Pos { return ir.Pos{Pointer: n.ptr(), Offset: n.off} }

// A decodeError is malformed JSON (or JSON nested too deeply).
type decodeError struct {
	off  int
	ptr  ir.Pointer
	code string
	msg  string
}

// decode parses src as one JSON document.
func decode(src []byte) (*node, *decodeError) {
	d := &decoder{src: src}
	d.skipSpace()
	if d.pos >= len(d.src) {
		return nil, &decodeError{off: d.pos, code: codeInvalidJSON, msg: "Unexpected end of input: the definition is empty"}
	}
	n := d.value(place{}, 0)
	if d.err != nil {
		return nil, d.err
	}
	d.skipSpace()
	if d.pos < len(d.src) {
		return nil, &decodeError{off: d.pos, code: codeInvalidJSON, msg: fmt.Sprintf("Unexpected %s after the end of the JSON value", d.describe())}
	}
	return n, nil
}

type decoder struct {
	src []byte
	pos int
	err *decodeError
}

func (d *decoder) fail(off int, at place, format string, args ...any) {
	if d.err == nil {
		d.err = &decodeError{off: off, ptr: at.ptr(), code: codeInvalidJSON, msg: fmt.Sprintf(format, args...)}
	}
}

// describe names the input at d.pos for error messages.
func (d *decoder) describe() string {
	if d.pos >= len(d.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(d.src[d.pos:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", d.src[d.pos])
	}
	return fmt.Sprintf("character %q", r)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value parses the value at d.pos; at is where it sits and depth the
// number of enclosing arrays and objects.
func (d *decoder) value(at place, depth int) *node {
	d.skipSpace()
	if d.pos >= len(d.src) {
		d.fail(d.pos, at, "Unexpected end of input: expected a value")
		return nil
	}
	start := d.pos
	switch c := d.src[d.pos]; {
	case c == '{':
		if depth >= maxDepth {
			d.err = &decodeError{off: start, ptr: at.ptr(), code: codeTooDeep, msg: fmt.Sprintf("The definition is nested more than %d levels deep", maxDepth)}
			return nil
		}
		return d.object(at, depth)
	case c == '[':
		if depth >= maxDepth {
			d.err = &decodeError{off: start, ptr: at.ptr(), code: codeTooDeep, msg: fmt.Sprintf("The definition is nested more than %d levels deep", maxDepth)}
			return nil
		}
		return d.array(at, depth)
	case c == '"':
		s, raw, ok := d.str(at)
		if !ok {
			return nil
		}
		return &node{kind: kindString, off: start, place: at, s: s, raw: raw}
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number(at)
	case c == 't':
		return d.literal(at, "true", &node{kind: kindBool, b: true})
	case c == 'f':
		return d.literal(at, "false", &node{kind: kindBool})
	case c == 'n':
		return d.literal(at, "null", &node{kind: kindNull})
	}
	d.fail(start, at, "Unexpected %s: expected a value", d.describe())
	return nil
}

func (d *decoder) literal(at place, word string, n *node) *node {
	start := d.pos
	if !strings.HasPrefix(string(d.src[d.pos:min(len(d.src), d.pos+len(word))]), word) || d.identAt(d.pos+len(word)) {
		d.fail(start, at, "Unrecognized token: expected %s", word)
		return nil
	}
	d.pos += len(word)
	n.off, n.place = start, at
	return n
}

// identAt reports whether an identifier character follows a literal, as in
// "trueish".
func (d *decoder) identAt(i int) bool {
	if i >= len(d.src) {
		return false
	}
	c := d.src[i]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (d *decoder) object(at place, depth int) *node {
	n := &node{kind: kindObject, off: d.pos, place: at}
	d.pos++ // {
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == '}' {
		d.pos++
		return n
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != '"' {
			d.fail(d.pos, at, "Unexpected %s: expected a double-quoted field name", d.describe())
			return nil
		}
		keyOff := d.pos
		key, _, ok := d.str(n.place)
		if !ok {
			return nil
		}
		d.skipSpace()
		if d.pos >= len(d.src) || d.src[d.pos] != ':' {
			d.fail(d.pos, at, "Unexpected %s: expected ':' after field name %q", d.describe(), key)
			return nil
		}
		d.pos++
		v := d.value(place{parent: n, key: key}, depth+1)
		if v == nil {
			return nil
		}
		n.members = append(n.members, member{key: key, keyOff: keyOff, val: v})
		if closed, ok := d.afterItem(at, '}'); !ok {
			return nil
		} else if closed {
			return n
		}
	}
}

func (d *decoder) array(at place, depth int) *node {
	n := &node{kind: kindArray, off: d.pos, place: at}
	d.pos++ // [
	d.skipSpace()
	if d.pos < len(d.src) && d.src[d.pos] == ']' {
		d.pos++
		return n
	}
	for {
		v := d.value(place{parent: n, idx: len(n.items)}, depth+1)
		if v == nil {
			return nil
		}
		n.items = append(n.items, v)
		if closed, ok := d.afterItem(at, ']'); !ok {
			return nil
		} else if closed {
			return n
		}
	}
}

// afterItem reads what follows a member of an object or an item of an
// array: ',' before the next one, or close, which ends the value
// (closed). Anything else fails the decoding (ok is false).
func (d *decoder) afterItem(at place, close byte) (closed, ok bool) {
	d.skipSpace()
	if d.pos >= len(d.src) {
		d.fail(d.pos, at, "Unexpected end of input: expected ',' or '%c'", close)
		return false, false
	}
	switch d.src[d.pos] {
	case ',':
		d.pos++
		return false, true
	case close:
		d.pos++
		return true, true
	}
	d.fail(d.pos, at, "Unexpected %s: expected ',' or '%c'", d.describe(), close)
	return false, false
}

// str parses a string at d.pos (the opening quote). raw reports that the
// text has no escapes.
func (d *decoder) str(at place) (s string, raw bool, ok bool) {
	start := d.pos
	d.pos++ // "
	// Fast path: no escapes.
	i := d.pos
	for i < len(d.src) {
		c := d.src[i]
		if c == '"' {
			s := string(d.src[d.pos:i])
			if !utf8.ValidString(s) {
				i = d.pos // let the slow path find the bad byte
				break
			}
			d.pos = i + 1
			return s, true, true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var b strings.Builder
	b.Write(d.src[d.pos:i])
	d.pos = i
	for {
		if d.pos >= len(d.src) {
			d.fail(start, at, "Unexpected end of input: unterminated string")
			return "", false, false
		}
		c := d.src[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String(), false, true
		case c < 0x20:
			d.fail(d.pos, at, "Illegal unquoted control character (code %d) in a string", c)
			return "", false, false
		case c == '\\':
			if d.pos+1 >= len(d.src) {
				d.fail(d.pos, at, "Unexpected end of input: unterminated string")
				return "", false, false
			}
			e := d.src[d.pos+1]
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := d.hex4(d.pos + 2)
				if !ok {
					d.fail(d.pos, at, "Invalid \\u escape: expected four hexadecimal digits")
					return "", false, false
				}
				d.pos += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := d.hex4(d.pos + 2); ok && d.pos+1 < len(d.src) && d.src[d.pos] == '\\' && d.src[d.pos+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							d.pos += 6
							r = dec
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b.WriteRune(r)
				continue
			default:
				d.fail(d.pos, at, "Invalid escape '\\%c' in a string", rune(e))
				return "", false, false
			}
			d.pos += 2
		default:
			r, size := utf8.DecodeRune(d.src[d.pos:])
			if r == utf8.RuneError && size == 1 {
				d.fail(d.pos, at, "Invalid UTF-8 byte 0x%02x in a string", c)
				return "", false, false
			}
			b.Write(d.src[d.pos : d.pos+size])
			d.pos += size
		}
	}
}

func (d *decoder) hex4(i int) (rune, bool) {
	if i+4 > len(d.src) {
		return 0, false
	}
	var r rune
	for _, c := range d.src[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (d *decoder) number(at place) *node {
	start := d.pos
	isDigit := func() bool { return d.pos < len(d.src) && d.src[d.pos] >= '0' && d.src[d.pos] <= '9' }
	if d.src[d.pos] == '-' {
		d.pos++
	}
	switch {
	case !isDigit():
		d.fail(d.pos, at, "Invalid number: expected a digit after '-'")
		return nil
	case d.src[d.pos] == '0':
		d.pos++
		if isDigit() {
			d.fail(start, at, "Invalid number: leading zeroes are not allowed")
			return nil
		}
	default:
		for isDigit() {
			d.pos++
		}
	}
	isFloat := false
	if d.pos < len(d.src) && d.src[d.pos] == '.' {
		isFloat = true
		d.pos++
		if !isDigit() {
			d.fail(d.pos, at, "Invalid number: expected a digit after the decimal point")
			return nil
		}
		for isDigit() {
			d.pos++
		}
	}
	if d.pos < len(d.src) && (d.src[d.pos] == 'e' || d.src[d.pos] == 'E') {
		isFloat = true
		d.pos++
		if d.pos < len(d.src) && (d.src[d.pos] == '+' || d.src[d.pos] == '-') {
			d.pos++
		}
		if !isDigit() {
			d.fail(d.pos, at, "Invalid number: expected a digit in the exponent")
			return nil
		}
		for isDigit() {
			d.pos++
		}
	}
	if d.identAt(d.pos) || (d.pos < len(d.src) && d.src[d.pos] == '.') {
		d.fail(start, at, "Invalid number: unexpected %s", d.describe())
		return nil
	}
	return &node{kind: kindNumber, off: start, place: at, s: string(d.src[start:d.pos]), isFloat: isFloat}
}

// escapePointer escapes one reference token of a JSON Pointer (RFC 6901):
// "~" becomes "~0" and "/" becomes "~1".
func escapePointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}
