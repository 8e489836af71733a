package sfnmock

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

func TestObjectMembers(t *testing.T) {
	type member struct{ Key, Raw string }
	for _, tt := range []struct {
		name, in string
		want     []member
	}{
		{"empty", `{}`, nil},
		{"spaces", " \n{ \t} ", nil},
		{"scalars", `{"a":1,"b":-2.5e+3,"c":true,"d":null,"e":"x"}`,
			[]member{{"a", "1"}, {"b", "-2.5e+3"}, {"c", "true"}, {"d", "null"}, {"e", `"x"`}}},
		{"spaced scalars", "{ \"a\" : 1 ,\n\"b\" :\tfalse }", []member{{"a", "1"}, {"b", "false"}}},
		{"nested", `{"a":{"b":[1,{"c":"}"}]},"d":[]}`, []member{{"a", `{"b":[1,{"c":"}"}]}`}, {"d", "[]"}}},
		{"escapes in keys and values", `{"a\"b":"c\\\"}","\u00e9":"\\"}`, []member{{`a"b`, `"c\\\"}"`}, {"é", `"\\"`}}},
		{"duplicate keys kept", `{"a":1,"a":2}`, []member{{"a", "1"}, {"a", "2"}}},
		{"not an object", `[1,2]`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []member
			for _, m := range objectMembers([]byte(tt.in)) {
				got = append(got, member{m.key, string(m.raw)})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("objectMembers(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzObjectMembers: over any object the runtime's parser accepts,
// objectMembers finds the parser's members, in order, each value's bytes
// parsing to the parser's value.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[{"c":"]"}]}`, `{"\"":"\\","x":-0.5E-2, "y" : null }`, `{"a":{"a":{}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v, err := sfnrt.ParseJSON([]byte(in))
		o, isObject := v.(*sfnrt.Object)
		if err != nil || !isObject {
			return
		}
		members := objectMembers([]byte(in))
		seen := map[string]bool{}
		var distinct []mockMember
		for _, m := range members {
			if !seen[m.key] {
				seen[m.key] = true
				distinct = append(distinct, m)
			}
		}
		if len(distinct) != o.Len() {
			t.Fatalf("objectMembers(%q) found %d distinct keys, the parser %d", in, len(distinct), o.Len())
		}
		for i, m := range distinct {
			want := o.Members()[i]
			if m.key != want.Key {
				t.Fatalf("objectMembers(%q): key %d is %q, the parser's %q", in, i, m.key, want.Key)
			}
			if _, err := sfnrt.ParseJSON(m.raw); err != nil {
				t.Fatalf("objectMembers(%q): the value of %q, %q, does not parse: %v", in, m.key, m.raw, err)
			}
		}
	})
}
