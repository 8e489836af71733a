package sfnmock

import "github.com/sfn-compile/sfn-compile/runtime/sfnrt"

// The checker walks the mock config's objects member by member, over the
// bytes of the document, which LoadMockConfig has parsed whole
// (sfnrt.ParseJSON) before: every raw value here is well-formed JSON.
// encoding/json's decoder did this before; it links reflection-based
// decoding, and with it every UnmarshalJSON method in reach (time's date
// parser among them), about 100 KB of code in every built binary, whose
// pages count towards its resident memory (README, peak RSS).

// objectMembers returns the members of the object raw in order, each key
// decoded and each value as the bytes that encode it.
func objectMembers(raw []byte) []mockMember {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil
	}
	var members []mockMember
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != '}' {
		end := skipValue(raw, i) // the key, a string
		key, _ := parseString(raw[i:end])
		i = skipSpace(raw, end)
		i = skipSpace(raw, i+1) // the ':'
		end = skipValue(raw, i)
		members = append(members, mockMember{key, raw[i:end]})
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return members
}

// parseString decodes the JSON string raw as the runtime's parser does.
func parseString(raw []byte) (string, bool) {
	v, err := sfnrt.ParseJSON(raw)
	s, ok := v.(string)
	return s, ok && err == nil
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the end of the well-formed JSON value that starts at
// raw[i].
func skipValue(raw []byte, i int) int {
	depth := 0
	for i < len(raw) {
		c := raw[i]
		switch {
		case c == '"':
			i++
			for i < len(raw) && raw[i] != '"' {
				if raw[i] == '\\' {
					i++ // the escaped byte, a quote perhaps
				}
				i++
			}
			i++ // the closing quote
		case c == '{' || c == '[':
			depth++
			i++
		case c == '}' || c == ']':
			if depth == 0 {
				return i // closes the enclosing object: the value was a number or literal
			}
			depth--
			i++
		case depth == 0 && (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			return i
		default:
			i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return i
		}
	}
	return i
}
