package syntax

import (
	"regexp"
	"testing"
)

// TestQuoteMeta holds quoteMeta to the regexp.QuoteMeta it stands in for.
func TestQuoteMeta(t *testing.T) {
	inputs := []string{"", `a.b`, `\.+*?()|[]{}^$`, "é-x/"}
	for c := 0; c < 256; c++ {
		inputs = append(inputs, string(rune(c)))
	}
	for _, s := range inputs {
		if got, want := quoteMeta(s), regexp.QuoteMeta(s); got != want {
			t.Errorf("quoteMeta(%q) = %q, want %q", s, got, want)
		}
	}
}
