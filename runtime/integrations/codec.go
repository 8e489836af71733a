package integrations

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// This file converts between the runtime's JSON values and the request
// and response structs of aws-sdk-go-v2 clients, so that any client's
// operation can be called with Step Functions' Parameters (PascalCase
// member names, as in the service's API reference) and its output returned
// as Step Functions returns it. The SDK's structs name their fields after
// the API members, which is what makes one reflective codec enough.

// maxBodyBytes bounds a streamed response body (S3 GetObject's Body) read
// into a task result: Step Functions' own payload limit is 256 KiB, and a
// machine run with no payload limit still must not read without bound.
const maxBodyBytes = 64 << 20

// unions maps an SDK union interface (dynamodb types.AttributeValue) to its
// member types by member name: the SDK generates one struct per member,
// XMemberNAME{Value}, which reflection cannot enumerate.
var unions sync.Map // reflect.Type -> map[string]reflect.Type

// RegisterUnion makes the members of an SDK union decodable from
// Parameters: iface is a nil pointer to the union interface, members are
// values of its member types (e.g. &types.AttributeValueMemberS{}). The
// member name is the part of the type name after "Member".
func RegisterUnion(iface any, members ...any) {
	t := reflect.TypeOf(iface).Elem()
	m := map[string]reflect.Type{}
	for _, mem := range members {
		mt := reflect.TypeOf(mem)
		m[unionMemberName(mt)] = mt
	}
	unions.Store(t, m)
}

// unionMemberName is the member name of a union member type:
// *AttributeValueMemberNULL -> NULL.
func unionMemberName(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	_, name, ok := strings.Cut(t.Name(), "Member")
	if !ok {
		return t.Name()
	}
	return name
}

// A paramError is a parameter that does not fit the API's shape; path
// locates it in the Parameters.
type paramError struct {
	path, msg string
}

func (e *paramError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return "'" + e.path + "': " + e.msg
}

var (
	timeType   = reflect.TypeOf(time.Time{})
	readerType = reflect.TypeOf((*io.Reader)(nil)).Elem()
)

// decode stores the JSON value v into dst, a settable SDK value.
func decode(v any, dst reflect.Value, path string) error {
	if v == nil {
		return nil // absent and null are the same to the SDK
	}
	t := dst.Type()
	bad := func() error {
		return &paramError{path, "expected " + describeType(t) + ", got " + sfnrt.TypeName(v)}
	}
	switch {
	case t == timeType:
		tm, ok := parseTime(v)
		if !ok {
			return &paramError{path, "expected a timestamp (ISO 8601 or epoch seconds), got " + sfnrt.ToJSON(v)}
		}
		dst.Set(reflect.ValueOf(tm))
		return nil
	case t == readerType:
		// A streamed body (S3 PutObject's Body): a string as it is, any
		// other value as its JSON text.
		s, ok := v.(string)
		if !ok {
			s = sfnrt.ToJSON(v)
		}
		dst.Set(reflect.ValueOf(io.Reader(strings.NewReader(s))))
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := decode(v, p.Elem(), path); err != nil {
			return err
		}
		dst.Set(p)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := sfnrt.Int(v)
		if !ok || dst.OverflowInt(n) {
			return bad()
		}
		dst.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, ok := sfnrt.Float(v)
		if !ok {
			return bad()
		}
		dst.SetFloat(f)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			dst.SetBytes(decodeBlob(v))
			return nil
		}
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		s := reflect.MakeSlice(t, len(arr), len(arr))
		for i, e := range arr {
			if err := decode(e, s.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Map:
		obj, ok := v.(*sfnrt.Object)
		if !ok || t.Key().Kind() != reflect.String {
			return bad()
		}
		m := reflect.MakeMapWithSize(t, obj.Len())
		for _, mem := range obj.Members() {
			e := reflect.New(t.Elem()).Elem()
			if err := decode(mem.Value, e, path+"."+mem.Key); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(mem.Key).Convert(t.Key()), e)
		}
		dst.Set(m)
	case reflect.Struct:
		obj, ok := v.(*sfnrt.Object)
		if !ok {
			return bad()
		}
		for _, mem := range obj.Members() {
			f, ok := field(t, mem.Key)
			if !ok {
				return &paramError{joinPath(path, mem.Key), "not a member of " + strings.TrimSuffix(t.Name(), "Input")}
			}
			if err := decode(mem.Value, dst.FieldByIndex(f.Index), joinPath(path, mem.Key)); err != nil {
				return err
			}
		}
	case reflect.Interface:
		members, ok := unions.Load(t)
		obj, isObj := v.(*sfnrt.Object)
		if !ok || !isObj {
			return bad()
		}
		if obj.Len() != 1 {
			return &paramError{path, "expected exactly one member of " + t.Name() + ", got " + strconv.Itoa(obj.Len())}
		}
		mem := obj.Members()[0]
		mt, ok := members.(map[string]reflect.Type)[mem.Key]
		if !ok {
			return &paramError{joinPath(path, mem.Key), "not a member of " + t.Name()}
		}
		p := reflect.New(mt.Elem())
		vf := p.Elem().FieldByName("Value")
		if !vf.IsValid() {
			return bad()
		}
		if err := decode(mem.Value, vf, joinPath(path, mem.Key)); err != nil {
			return err
		}
		dst.Set(p)
	default:
		return bad()
	}
	return nil
}

// decodeBlob reads a binary member: base64 text as Step Functions and the
// services' JSON protocols write blobs, other text as its bytes, any other
// value as its JSON text.
func decodeBlob(v any) []byte {
	s, ok := v.(string)
	if !ok {
		return sfnrt.AppendJSON(nil, v)
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b
	}
	return []byte(s)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// field finds the struct field of an API member: by its name, else, for
// a name in PascalCase as Step Functions requires, without regard to the
// case of the rest (the Go SDK spells members like the API, but may spell
// an initialism differently). A camelCase name is not a member, as on AWS.
func field(t reflect.Type, name string) (reflect.StructField, bool) {
	if f, ok := t.FieldByName(name); ok && f.IsExported() {
		return f, true
	}
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// describeType names an SDK type in JSON terms for messages.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "binary data"
		}
		return "an array"
	case reflect.Map, reflect.Struct, reflect.Interface:
		return "an object"
	}
	return t.String()
}

// parseTime reads a timestamp parameter: ISO 8601 text or epoch seconds.
func parseTime(v any) (time.Time, bool) {
	switch v := v.(type) {
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
	case int64:
		return time.Unix(v, 0).UTC(), true
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return time.Time{}, false
		}
		sec, frac := math.Modf(v)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}

// encode returns the JSON value of an SDK value; ok is false for an absent
// one (a nil pointer, slice or map), which Step Functions leaves out.
func encode(v reflect.Value) (out any, ok bool, err error) {
	if !v.IsValid() {
		return nil, false, nil
	}
	t := v.Type()
	switch {
	case t == timeType:
		return formatTime(v.Interface().(time.Time)), true, nil
	case t.Kind() == reflect.Interface && t.Implements(readerType):
		if v.IsNil() {
			return nil, false, nil
		}
		r := v.Interface().(io.Reader)
		if c, ok := r.(io.Closer); ok {
			defer c.Close()
		}
		b, err := io.ReadAll(io.LimitReader(r, maxBodyBytes+1))
		if err != nil {
			return nil, false, err
		}
		if len(b) > maxBodyBytes {
			return nil, false, sfnrt.NewError(sfnrt.ErrDataLimitExceeded, fmt.Sprintf("The response body is larger than %d bytes", maxBodyBytes))
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), true, nil
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false, nil
		}
		if t.Kind() == reflect.Interface {
			return encodeUnion(v.Elem())
		}
		return encode(v.Elem())
	case reflect.String:
		return strings.ToValidUTF8(v.String(), "\uFFFD"), true, nil
	case reflect.Bool:
		return v.Bool(), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			return json.Number(strconv.FormatUint(v.Uint(), 10)), true, nil
		}
		return int64(v.Uint()), true, nil
	case reflect.Float32, reflect.Float64:
		return sfnrt.ParseNumber(strconv.FormatFloat(v.Float(), 'g', -1, 64), true), true, nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, false, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), true, nil
		}
		arr := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e, ok, err := encode(v.Index(i))
			if err != nil {
				return nil, false, err
			}
			if !ok {
				e = nil
			}
			arr = append(arr, e)
		}
		return arr, true, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, false, nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		obj := sfnrt.NewObject(len(keys))
		for _, k := range keys {
			e, ok, err := encode(v.MapIndex(k))
			if err != nil {
				return nil, false, err
			}
			if ok {
				obj.Set(k.String(), e)
			}
		}
		return obj, true, nil
	case reflect.Struct:
		obj := sfnrt.NewObject(t.NumField())
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			if f.Type.Kind() == reflect.String && v.Field(i).String() == "" {
				// An enum member the SDK holds by value: empty is unset.
				continue
			}
			e, ok, err := encode(v.Field(i))
			if err != nil {
				return nil, false, err
			}
			if ok {
				obj.Set(f.Name, e)
			}
		}
		return obj, true, nil
	}
	return nil, false, fmt.Errorf("cannot represent a %s in JSON", t)
}

// encodeUnion encodes a union member, *XMemberNAME{Value}, as {NAME: Value}.
func encodeUnion(m reflect.Value) (any, bool, error) {
	if m.Kind() == reflect.Pointer {
		if m.IsNil() {
			return nil, false, nil
		}
		m = m.Elem()
	}
	if m.Kind() != reflect.Struct {
		return encode(m)
	}
	val := m.FieldByName("Value")
	if !val.IsValid() {
		return encode(m)
	}
	e, ok, err := encode(val)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		e = nil
	}
	return sfnrt.ObjectOf(sfnrt.Member{Key: unionMemberName(m.Type()), Value: e}), true, nil
}

// formatTime writes a timestamp as java.time.Instant does, which is how
// Step Functions shows the SDK's timestamps: seconds, and a fraction in
// groups of three digits only when there is one.
func formatTime(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	if ns := t.Nanosecond(); ns != 0 {
		frac := fmt.Sprintf("%09d", ns)
		for strings.HasSuffix(frac, "000") {
			frac = frac[:len(frac)-3]
		}
		s += "." + frac
	}
	return s + "Z"
}

// jsonText is the text of a parameter that the service takes as a string
// but Step Functions lets a machine give as JSON (an SQS MessageBody, an
// SNS Message, an EventBridge Detail): a string as it is, anything else
// serialised.
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(bytes.TrimSpace(sfnrt.AppendJSON(nil, v)))
}
