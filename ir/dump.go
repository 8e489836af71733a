package ir

import (
	"fmt"
	"reflect"
	"strings"
)

// Dump returns the canonical text form of an IR node, one field a line,
// with zero-valued fields left out. Goldens of it show what lowering
// produced, separately from what codegen made of it.
func Dump(node any) string {
	var b strings.Builder
	dump(&b, reflect.ValueOf(node), 0)
	b.WriteByte('\n')
	return b.String()
}

func dump(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("nil")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dump(b, v.Elem(), depth)
	case reflect.Struct:
		t := v.Type()
		if t == reflect.TypeOf(Pos{}) {
			p := v.Interface().(Pos)
			fmt.Fprintf(b, "%s@%d", p.Pointer, p.Offset)
			return
		}
		if v.NumField() == 0 {
			b.WriteString(t.Name())
			return
		}
		b.WriteString(t.Name() + " {\n")
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.IsZero() || !t.Field(i).IsExported() {
				continue
			}
			if t.Field(i).Anonymous {
				// Embedded Common: print its fields inline.
				for j := 0; j < f.NumField(); j++ {
					g := f.Field(j)
					if g.IsZero() {
						continue
					}
					b.WriteString(indent + "  " + f.Type().Field(j).Name + ": ")
					dump(b, g, depth+1)
					b.WriteByte('\n')
				}
				continue
			}
			b.WriteString(indent + "  " + t.Field(i).Name + ": ")
			dump(b, f, depth+1)
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case reflect.Slice:
		if v.Len() == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i := 0; i < v.Len(); i++ {
			b.WriteString(indent + "  ")
			dump(b, v.Index(i), depth+1)
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case reflect.String:
		if v.Type().Name() == "String" {
			b.WriteString("String ")
		}
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Bool:
		if v.Type().Name() == "Bool" {
			b.WriteString("Bool ")
		}
		fmt.Fprintf(b, "%v", v.Bool())
	default:
		fmt.Fprintf(b, "%v", v.Interface())
	}
}
