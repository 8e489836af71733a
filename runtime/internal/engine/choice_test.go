package engine

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// wrongTyped holds one value of every JSON type but the one named.
func wrongTyped(except string) []any {
	all := map[string][]any{
		"null":    {nil},
		"boolean": {true, false},
		"string":  {"", " ", "HelloWorld", "2012-10-09T19:00:55Z", "1"},
		"number":  {int64(0), int64(1), 0.0, 1.1, json.Number("123456789012345678901234567890")},
		"array":   {[]any{}, []any{""}},
		"object":  {NewObject(0), ObjectOf(Member{"A", int64(0)})},
	}
	var out []any
	for typ, vs := range all {
		if typ != except {
			out = append(out, vs...)
		}
	}
	return out
}

func TestStringCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"Hello", "Hello", 0},
		{"A", "A ", -1},
		{"A", "A\t\n\r", -1},
		{"AB", "ABC", -1},
		{"AB", "A", 1},
		{" ", "     ", -1},
		{"\t\n", "\t\r\n", -1},
		{"a", "B", 1},  // by code unit, not case-folded
		{"é", "z", 1},  // U+00E9 after U+007A
		{"z", "é", -1}, // and the reverse
		{"日本", "日", 1}, // prefix
		// UTF-16 order: a character above U+FFFF (surrogates D800–DFFF)
		// sorts before U+E000–U+FFFF, unlike code point order.
		{"\U0001F600", "\uFF5E", -1},
		{"\uFF5E", "\U0001F600", 1},
		{"\U0001F600", "\U0001F601", -1},
		{"\U0001F600", "\U00010000", 1},
		{"\u00ff", "\U00010000", -1},
	}
	for _, tt := range tests {
		got, ok := StringCompare(tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("StringCompare(%q, %q) = %d, %v, want %d", tt.a, tt.b, got, ok, tt.want)
		}
	}
	for _, v := range wrongTyped("string") {
		if _, ok := StringCompare(v, "HelloWorld"); ok {
			t.Errorf("StringCompare(%s, string) ok = true", ToJSON(v))
		}
		if _, ok := StringCompare("HelloWorld", v); ok {
			t.Errorf("StringCompare(string, %s) ok = true", ToJSON(v))
		}
	}
}

func TestNumericCompare(t *testing.T) {
	big := json.Number("123456789012345678901234567890")
	tests := []struct {
		a, b any
		want int
	}{
		{int64(0), int64(0), 0},
		{0.0, int64(0), 0},
		{int64(0), 0.0, 0},
		{int64(1), 1.0, 0},
		{-0.0, int64(0), 0},
		{2.22, 2.22, 0},
		{int64(0), int64(1), -1},
		{int64(1), int64(0), 1},
		{1.1, int64(1), 1},
		{int64(1), 1.1, -1},
		{big, int64(1), 1},
		{int64(-1), big, -1},
		{big, json.Number("123456789012345678901234567890"), 0},
		{big, 1e30, -1},
		{int64(9007199254740993), int64(9007199254740992), 1},
	}
	for _, tt := range tests {
		got, ok := NumericCompare(tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("NumericCompare(%s, %s) = %d, %v, want %d", ToJSON(tt.a), ToJSON(tt.b), got, ok, tt.want)
		}
	}
	for _, v := range wrongTyped("number") {
		if _, ok := NumericCompare(v, int64(0)); ok {
			t.Errorf("NumericCompare(%s, 0) ok = true", ToJSON(v))
		}
		if _, ok := NumericCompare(1.0, v); ok {
			t.Errorf("NumericCompare(1.0, %s) ok = true", ToJSON(v))
		}
	}
}

func TestBooleanEquals(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{true, true, true},
		{false, false, true},
		{true, false, false},
		{false, true, false},
	}
	for _, tt := range tests {
		if got := BooleanEquals(tt.a, tt.b); got != tt.want {
			t.Errorf("BooleanEquals(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
	for _, v := range wrongTyped("boolean") {
		if BooleanEquals(v, true) || BooleanEquals(v, false) || BooleanEquals(true, v) {
			t.Errorf("BooleanEquals(%s, bool) = true", ToJSON(v))
		}
	}
}

func TestTimestampCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", 0},
		{"2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", -1},
		{"2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", 1},
		{"2012-10-09T20:00:55+01:00", "2012-10-09T19:00:55Z", 0}, // same instant
		{"2012-10-09T19:00:55.000000001Z", "2012-10-09T19:00:55Z", 1},
		{"2012-10-09T19:00:55.5Z", "2012-10-09T19:00:55.500Z", 0},
	}
	for _, tt := range tests {
		got, ok := TimestampCompare(tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("TimestampCompare(%q, %q) = %d, %v, want %d", tt.a, tt.b, got, ok, tt.want)
		}
	}
	bad := append(wrongTyped("string"), "2012-10-09T19:00:55", "2023-02-24", "2023-02-24 12:15:56.832957", " ", "")
	for _, v := range bad {
		if _, ok := TimestampCompare(v, "2012-10-09T19:00:55Z"); ok {
			t.Errorf("TimestampCompare(%s, timestamp) ok = true", ToJSON(v))
		}
		if _, ok := TimestampCompare("2012-10-09T19:00:55Z", v); ok {
			t.Errorf("TimestampCompare(timestamp, %s) ok = true", ToJSON(v))
		}
	}
}

func TestStringMatches(t *testing.T) {
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"", "", true},
		{"", "*", true},
		{"", "**", true},
		{"a", "", false},
		{"log.txt", "*.txt", true},
		{"log.txt", "*.log", false},
		{"log.txt.bak", "*.txt", false},
		{"test.log", "test.*", true},
		{"abc", "a*c", true},
		{"ac", "a*c", true},
		{"abcbc", "a*bc", true},
		{"abcbd", "a*bc", false},
		{"mississippi", "m*iss*ppi", true},
		{"mississippi", "m*iss*ppx", false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "a*a*a*a*a*a*a*a*b", true},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a*a*a*a*a*a*a*a*b", false},
		{"a?c", "a?c", true}, // ? is literal
		{"abc", "a?c", false},
		{"[a]", "[a]", true}, // no character classes
		{"a", "[a]", false},
		{"a*c", `a\*c`, true}, // \* is a literal star
		{"abc", `a\*c`, false},
		{`a\c`, `a\\c`, true}, // \\ is a literal backslash
		{`a\bc`, `a\\*`, true},
		{`a\`, `a\`, true}, // a lone backslash stands for itself
		{`a\b`, `a\b`, true},
		{"*", `\*`, true},
		{"x", `\*`, false},
		{"héllo wörld", "h*w*d", true},
		{"日本語", "日*語", true},
		{"日本語", "*本*", true},
	}
	for _, tt := range tests {
		if got := StringMatches(tt.s, tt.pattern); got != tt.want {
			t.Errorf("StringMatches(%q, %q) = %v, want %v", tt.s, tt.pattern, got, tt.want)
		}
	}
	for _, v := range wrongTyped("string") {
		if StringMatches(v, "*") {
			t.Errorf("StringMatches(%s, *) = true", ToJSON(v))
		}
	}
}

// TestChoiceOperatorsConformance replays every recorded choice_operators
// case: the definition is one Choice rule comparing $.Variable with a
// literal or with $.Value, going to a Pass state whose Result is the
// output. The primitives must pick the branch AWS picked.
func TestChoiceOperatorsConformance(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "conformance", "cases", "choice_operators")
	dirs, _ := filepath.Glob(filepath.Join(root, "*"))
	if len(dirs) == 0 {
		t.Skipf("choice_operators cases not found at %s", root)
	}
	n := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		def := readJSONFile(t, filepath.Join(dir, "definition.asl.json"))
		input := readJSONFile(t, filepath.Join(dir, "input.json"))
		expected := readJSONFile(t, filepath.Join(dir, "expected.json"))
		if status, _ := Field(expected, "status"); status != "SUCCEEDED" {
			continue
		}
		start, _ := Field(def, "StartAt")
		states, _ := Field(def, "States")
		choice, _ := Field(states, start.(string))
		rules, _ := Field(choice, "Choices")
		ra, _ := rules.([]any)
		if len(ra) != 1 {
			continue
		}
		rule, ok := ra[0].(*Object)
		if !ok {
			continue
		}
		varPath, ok := simplePath(rule, "Variable")
		if !ok {
			continue
		}
		v, found := varPath.Get(input)
		var op string
		var operand any
		for _, m := range rule.Members() {
			if m.Key == "Variable" || m.Key == "Next" || m.Key == "Comment" {
				continue
			}
			op, operand = m.Key, m.Value
		}
		if strings.HasSuffix(op, "Path") && op != "IsPresent" {
			p, ok := simplePath(rule, op)
			if !ok {
				continue
			}
			if operand, ok = p.Get(input); !ok {
				continue // AWS fails the execution; not a primitive's concern
			}
			op = strings.TrimSuffix(op, "Path")
		}
		if !found && op != "IsPresent" {
			continue
		}
		matched, known := evalChoiceOp(op, v, found, operand)
		if !known {
			t.Errorf("%s: unknown operator %s", name, op)
			continue
		}
		next := "Default"
		if matched {
			next = "Next"
		}
		target, _ := Field(choice, next)
		if matched {
			target, _ = Field(rule, "Next")
		}
		state, _ := Field(states, target.(string))
		result, _ := Field(state, "Result")
		want, _ := Field(expected, "output")
		if ToJSON(result) != ToJSON(want) {
			t.Errorf("%s: %s(%s, %s) = %v, reaching %s; AWS output %s", name, op, ToJSON(v), ToJSON(operand), matched, target, ToJSON(want))
		}
		n++
	}
	if n == 0 {
		t.Fatal("no choice_operators case could be replayed")
	}
	t.Logf("replayed %d of %d recorded choice_operators cases", n, len(dirs))
}

// simplePath turns a "$.a.b" field of o into a JSONPath.
func simplePath(o *Object, key string) (*JSONPath, bool) {
	v, _ := o.Get(key)
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "$.") {
		return nil, false
	}
	p := &JSONPath{Source: s}
	for _, name := range strings.Split(s[2:], ".") {
		if name == "" || strings.ContainsAny(name, "[]*?@$") {
			return nil, false
		}
		p.Segs = append(p.Segs, SegField{name})
	}
	return p, true
}

// evalChoiceOp evaluates one Choice comparison as generated code does.
func evalChoiceOp(op string, v any, found bool, operand any) (matched, known bool) {
	flag, _ := operand.(bool)
	switch op {
	case "IsPresent":
		return found == flag, true
	case "IsNull":
		return (v == nil) == flag, true
	case "IsNumeric":
		return IsNumber(v) == flag, true
	case "IsString":
		_, ok := v.(string)
		return ok == flag, true
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == flag, true
	case "IsTimestamp":
		return IsTimestamp(v) == flag, true
	case "BooleanEquals":
		return BooleanEquals(v, operand), true
	case "StringMatches":
		p, _ := operand.(string)
		return StringMatches(v, p), true
	}
	var compare func(any, any) (int, bool)
	var rel string
	for _, fam := range []struct {
		prefix string
		f      func(any, any) (int, bool)
	}{{"String", StringCompare}, {"Numeric", NumericCompare}, {"Timestamp", TimestampCompare}} {
		if strings.HasPrefix(op, fam.prefix) {
			compare, rel = fam.f, strings.TrimPrefix(op, fam.prefix)
		}
	}
	if compare == nil {
		return false, false
	}
	c, ok := compare(v, operand)
	switch rel {
	case "Equals":
		return ok && c == 0, true
	case "LessThan":
		return ok && c < 0, true
	case "GreaterThan":
		return ok && c > 0, true
	case "LessThanEquals":
		return ok && c <= 0, true
	case "GreaterThanEquals":
		return ok && c >= 0, true
	}
	return false, false
}
