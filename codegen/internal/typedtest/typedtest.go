// Package typedtest holds typed Task handlers of many shapes for the tests
// of the codecs that `sfn-compile gen -handlers` generates: package
// machine is generated from typed.asl.json with -handlers .Handlers, and
// its tests check every generated codec against encoding/json; package
// fused, from fused.asl.json, has Task states whose Parameters fill their
// handler's input struct directly, and its tests check that against the
// Parameters object's way; package fusedata, from fusedata.asl.json, is its
// JSONata twin, Arguments filling the struct.
package typedtest

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg machine -handlers .Handlers -o machine/machine_gen.go typed.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg fused -handlers .Handlers -o fused/machine_gen.go fused.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg fusedata -handlers .Handlers -o fusedata/machine_gen.go fusedata.asl.json

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Handlers echoes each input back as its output, so that a test sees both
// directions of a codec.
type Handlers struct{}

// Kind is a named string.
type Kind string

// Level is a named integer.
type Level int8

// Scalars has a field of every basic kind, with tags of every form.
type Scalars struct {
	S      string  `json:"s"`
	B      bool    `json:"b,omitempty"`
	I      int     `json:"i"`
	I8     int8    `json:"i8,omitempty"`
	I16    int16   `json:"i16"`
	I32    int32   `json:"i32"`
	I64    int64   `json:"i64,omitempty"`
	U      uint    `json:"u"`
	U8     uint8   `json:"u8"`
	U16    uint16  `json:"u16"`
	U32    uint32  `json:"u32"`
	U64    uint64  `json:"u64,omitempty"`
	F      float64 `json:"f"`
	K      Kind    `json:"kind,omitempty"`
	L      Level   `json:"level"`
	NoTag  string
	Skip   string `json:"-"`
	Dash   string `json:"-,"`
	Odd    string `json:"a\\b"` // not a valid tag name: the key is Odd
	EmptyN string `json:",omitempty"`
	hidden string
}

// Item is an element of Nested's slices and maps.
type Item struct {
	Sku string `json:"sku"`
	Qty int64  `json:"qty"`
}

// Items is a named slice.
type Items []Item

// Nested has composite fields.
type Nested struct {
	Ptr    *Scalars           `json:"ptr,omitempty"`
	List   []Item             `json:"list"`
	Named  Items              `json:"named,omitempty"`
	Map    map[string]int64   `json:"map,omitempty"`
	ByKind map[Kind]*Item     `json:"byKind"`
	Any    any                `json:"any"`
	Anys   []any              `json:"anys,omitempty"`
	Ptrs   []*int             `json:"ptrs"`
	Grid   [][]string         `json:"grid"`
	PStr   *string            `json:"pstr,omitempty"`
	Deep   map[string][]*Item `json:"deep"`
	Struct Item               `json:"struct,omitempty"`
	Anon   struct {
		A int    `json:"a"`
		T string `xml:"t" json:"t,omitempty"`
	} `json:"anon"`
}

// WithTime has a field with JSON methods: left to encoding/json.
type WithTime struct {
	At time.Time `json:"at"`
	N  int       `json:"n"`
}

// Embedded has an embedded struct: left to encoding/json.
type Embedded struct {
	Item
	Extra string `json:"extra"`
}

// Odd has what plain codecs leave to encoding/json.
type Odd struct {
	F32   float32         `json:"f32"`
	Bytes []byte          `json:"bytes"`
	Str   int             `json:"str,string"`
	Arr   [2]int          `json:"arr"`
	Next  *Odd            `json:"next,omitempty"`
	IntK  map[int]string  `json:"intK"`
	Inner struct{ A int } `json:"inner"`
}

// Scalars echoes its input.
func (Handlers) Scalars(ctx context.Context, in Scalars) (Scalars, error) { return in, nil }

// Nested echoes its input.
func (Handlers) Nested(ctx context.Context, in Nested) (Nested, error) { return in, nil }

// WithTime echoes its input.
func (Handlers) WithTime(ctx context.Context, in WithTime) (WithTime, error) { return in, nil }

// Embedded echoes its input.
func (Handlers) Embedded(ctx context.Context, in Embedded) (Embedded, error) { return in, nil }

// Odd echoes its input.
func (Handlers) Odd(ctx context.Context, in Odd) (Odd, error) { return in, nil }

// PtrIn takes a pointer and returns a map, without a context.
func (Handlers) PtrIn(in *Item) (map[string]Item, error) {
	if in == nil {
		return nil, nil
	}
	return map[string]Item{in.Sku: *in, "b": {Sku: "b"}}, nil
}

// Number takes and returns a float64.
func (Handlers) Number(ctx context.Context, f float64) (float64, error) { return f, nil }

// Reading is a small struct with floats, which share its object's
// allocation (NewObjectRoom) as its string does.
type Reading struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Min   float64 `json:"min,omitempty"`
	At    Point   `json:"at"`
}

// Point is a struct of floats and no strings.
type Point struct {
	X, Y float64
}

// Reading echoes its input.
func (Handlers) Reading(ctx context.Context, in Reading) (Reading, error) { return in, nil }

// Text takes and returns a named string.
func (Handlers) Text(ctx context.Context, k Kind) (Kind, error) { return k, nil }

// List takes and returns a slice of any.
func (Handlers) List(ctx context.Context, l []any) ([]any, error) { return l, nil }

// NoInput returns a fixed value.
func (Handlers) NoInput(ctx context.Context) (Item, error) { return Item{Sku: "x", Qty: 1}, nil }

// ErrOnly fails when its input says so.
func (Handlers) ErrOnly(ctx context.Context, in Item) error {
	if in.Qty < 0 {
		return errors.New("negative quantity")
	}
	return nil
}

// Anon takes and returns anonymous structs.
func (Handlers) Anon(ctx context.Context, in struct {
	N    int `json:"n"`
	Rows []struct {
		C string `json:"c,omitempty"`
	} `json:"rows"`
}) (struct {
	Count int
	First *string `json:"first"`
}, error) {
	var out struct {
		Count int
		First *string `json:"first"`
	}
	out.Count = in.N + len(in.Rows)
	if len(in.Rows) > 0 {
		out.First = &in.Rows[0].C
	}
	return out, nil
}

// TypeOf names the Go type of its input: a runtime value, since the
// input's type is any.
func (Handlers) TypeOf(ctx context.Context, in any) (string, error) {
	return fmt.Sprintf("%T", in), nil
}

// Fused echoes its input, which Parameters fill directly.
func (Handlers) Fused(ctx context.Context, in Scalars) (Scalars, error) { return in, nil }

// FusedNested echoes its input, which Parameters fill directly.
func (Handlers) FusedNested(ctx context.Context, in Nested) (Nested, error) { return in, nil }

// Raw exchanges runtime values, untyped.
func (Handlers) Raw(ctx context.Context, input any) (any, error) { return input, nil }
