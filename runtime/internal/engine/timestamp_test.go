package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	tests := []struct {
		in   string
		want time.Time // zero: not a timestamp
	}{
		{"2016-03-14T01:59:00Z", time.Date(2016, 3, 14, 1, 59, 0, 0, time.UTC)},
		{"2012-10-09T19:00:55+01:00", time.Date(2012, 10, 9, 19, 0, 55, 0, plus1)},
		{"2012-10-09T19:00:55-00:30", time.Date(2012, 10, 9, 19, 0, 55, 0, time.FixedZone("", -1800))},
		{"2012-10-09T19:00:55+01:00:30", time.Date(2012, 10, 9, 19, 0, 55, 0, time.FixedZone("", 3630))},
		{"2016-03-05T21:29:29.243167252Z", time.Date(2016, 3, 5, 21, 29, 29, 243167252, time.UTC)},
		{"2016-03-05T21:29:29.1Z", time.Date(2016, 3, 5, 21, 29, 29, 100000000, time.UTC)},
		{"2016-03-05T21:29:29.00Z", time.Date(2016, 3, 5, 21, 29, 29, 0, time.UTC)},
		{"2016-03-05T21:29:29.000000Z", time.Date(2016, 3, 5, 21, 29, 29, 0, time.UTC)},
		{"2016-03-05T21:29Z", time.Date(2016, 3, 5, 21, 29, 0, 0, time.UTC)},
		{"2016-03-05t21:29:29z", time.Date(2016, 3, 5, 21, 29, 29, 0, time.UTC)},
		{"2016-02-29T00:00:00Z", time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2000-02-29T00:00:00Z", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2016-12-31T23:59:59+18:00", time.Date(2016, 12, 31, 23, 59, 59, 0, time.FixedZone("", 18*3600))},
		{"+12016-01-01T00:00:00Z", time.Date(12016, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"-0001-01-01T00:00:00Z", time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},

		// Rejected, as by AWS (conformance cases) or Java's strict parser.
		{"2016-13-05T21:29:29Z", time.Time{}},       // month 13
		{"05-12-2016T21:29:29Z", time.Time{}},       // not ISO order
		{"2016-12-05T25:29:29Z", time.Time{}},       // hour 25
		{"2016-12-05 21:29:29Z", time.Time{}},       // no T
		{"2016-12-05T21:29:29", time.Time{}},        // no zone
		{"2012-10-09T19:00:55", time.Time{}},        // no zone
		{"2023-02-24", time.Time{}},                 // date only
		{"2023-02-24 12:15:56.832957", time.Time{}}, // AWS: not a timestamp
		{"2016-02-30T00:00:00Z", time.Time{}},       // no such day
		{"2015-02-29T00:00:00Z", time.Time{}},       // not a leap year
		{"1900-02-29T00:00:00Z", time.Time{}},       // not a leap year
		{"2016-04-31T00:00:00Z", time.Time{}},
		{"2016-12-05T24:00:00Z", time.Time{}},
		{"2016-12-05T23:60:00Z", time.Time{}},
		{"2016-12-05T23:59:60Z", time.Time{}}, // no leap seconds
		{"2016-12-05T23:59:59.Z", time.Time{}},
		{"2016-12-05T23:59:59.1234567891Z", time.Time{}}, // more than nanoseconds
		{"2016-12-05T23:59:59+01", time.Time{}},
		{"2016-12-05T23:59:59+0100", time.Time{}},
		{"2016-12-05T23:59:59+18:01", time.Time{}},
		{"2016-12-05T23:59:59+1:00", time.Time{}},
		{"2016-12-05T23:59:59ZZ", time.Time{}},
		{"2016-12-05T23:59:59Z ", time.Time{}},
		{" 2016-12-05T23:59:59Z", time.Time{}},
		{"2016-1-05T23:59:59Z", time.Time{}},
		{"16-01-05T23:59:59Z", time.Time{}},
		{"+2016-01-05T23:59:59Z", time.Time{}}, // '+' only before more than 4 digits
		{"12016-01-05T23:59:59Z", time.Time{}}, // more than 4 digits need '+'
		{"2016-01-05T23:59:5Z", time.Time{}},
		{"2016-01-05T23:59:59.12a4Z", time.Time{}},
		{"２016-01-05T23:59:59Z", time.Time{}},
		{"", time.Time{}},
		{"T", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := ParseTimestamp(tt.in)
		if ok != !tt.want.IsZero() {
			t.Errorf("ParseTimestamp(%q) ok = %v, want %v", tt.in, ok, !tt.want.IsZero())
			continue
		}
		if ok && (!got.Equal(tt.want) || got.Format(time.RFC3339Nano) != tt.want.Format(time.RFC3339Nano)) {
			t.Errorf("ParseTimestamp(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if IsTimestamp(tt.in) != ok {
			t.Errorf("IsTimestamp(%q) = %v, want %v", tt.in, !ok, ok)
		}
	}
}

func TestIsTimestampNonString(t *testing.T) {
	for _, v := range []any{nil, true, int64(0), 1.5, []any{"2016-03-14T01:59:00Z"}, NewObject(0)} {
		if IsTimestamp(v) {
			t.Errorf("IsTimestamp(%s) = true", ToJSON(v))
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2019, 3, 26, 20, 14, 13, 192_000_000, time.UTC), "2019-03-26T20:14:13.192Z"},
		{time.Date(2019, 3, 26, 20, 14, 13, 0, time.UTC), "2019-03-26T20:14:13.000Z"},
		{time.Date(2019, 3, 26, 20, 14, 13, 192_999_999, time.UTC), "2019-03-26T20:14:13.192Z"},
		{time.Date(2019, 3, 26, 21, 14, 13, 5_000_000, time.FixedZone("", 3600)), "2019-03-26T20:14:13.005Z"},
	}
	for _, tt := range tests {
		if got := FormatTimestamp(tt.in); got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if back, ok := ParseTimestamp(FormatTimestamp(tt.in)); !ok || !back.Equal(tt.in.Truncate(time.Millisecond)) {
			t.Errorf("ParseTimestamp(FormatTimestamp(%v)) = %v, %v", tt.in, back, ok)
		}
	}
}

// TestTimestampConformance checks ParseTimestamp against the recorded Wait
// cases: a timestamp AWS accepted (the execution succeeded) must parse, one
// it rejected (invalid definition, States.Runtime, QueryEvaluationError)
// must not.
func TestTimestampConformance(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "conformance", "cases")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("conformance cases not found at %s", root)
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "*wait_timestamp*"))
	n := 0
	for _, dir := range dirs {
		def := readJSONFile(t, filepath.Join(dir, "definition.asl.json"))
		expected := readJSONFile(t, filepath.Join(dir, "expected.json"))
		var input any
		if _, err := os.Stat(filepath.Join(dir, "input.json")); err == nil {
			input = readJSONFile(t, filepath.Join(dir, "input.json"))
		}
		var ts string
		found := false
		states, _ := Field(def, "States")
		so, _ := states.(*Object)
		for _, m := range so.Members() {
			if typ, _ := Field(m.Value, "Type"); typ != "Wait" {
				continue
			}
			if lit, ok := Field(m.Value, "Timestamp"); ok {
				ts, found = lit.(string)
				if strings.HasPrefix(ts, "{%") { // JSONata: the value comes from the input
					ts, found = "", false
				}
			}
			if _, ok := Field(m.Value, "TimestampPath"); ok || (!found && strings.Contains(dir, "jsonata")) {
				v, ok := Field(input, "TimestampValue")
				ts, found = v.(string)
				found = found && ok
			}
		}
		if !found {
			continue
		}
		status, _ := Field(expected, "status")
		want := status == "SUCCEEDED"
		if _, ok := ParseTimestamp(ts); ok != want {
			t.Errorf("%s: ParseTimestamp(%q) ok = %v, AWS status %v", filepath.Base(dir), ts, ok, status)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no Wait timestamp cases found")
	}
	t.Logf("checked %d recorded Wait timestamps", n)
}

func readJSONFile(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ParseJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// TestTruncateMillis checks truncateMillis against Truncate, before and
// after the Unix epoch and at the ends of the representable years.
func TestTruncateMillis(t *testing.T) {
	for _, tt := range []time.Time{
		time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 123_000_000, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999_500_000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Unix(-1, 1).UTC(),
		time.Now().UTC(),
	} {
		if got, want := truncateMillis(tt), tt.Truncate(time.Millisecond); !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("truncateMillis(%v) = %v, want %v", tt, got, want)
		}
	}
}
