package codegen

import (
	"fmt"
	"go/token"
	"strings"
	"unicode"
)

// namer hands out Go identifiers that are unique within a generated file.
type namer struct{ used map[string]bool }

func newNamer() *namer {
	return &namer{used: map[string]bool{
		"New": true, "Name": true, "Handlers": true, "machine": true, "main": true, "init": true,
		"literals": true, "literalsJSON": true, // see literalTable
	}}
}

// unique returns base, or base with the first free numeric suffix.
func (n *namer) unique(base string) string {
	name := base
	for i := 2; n.used[name] || token.IsKeyword(name); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[name] = true
	return name
}

// exported turns an ASL state name into an exported Go identifier:
// "process payment-v2" -> "ProcessPaymentV2". Names with no letters or
// digits become "State".
func exported(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == "" {
		return "State"
	}
	if unicode.IsDigit(rune(out[0])) {
		out = "S" + out
	}
	return out
}
