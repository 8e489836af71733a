package compiler

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/ir"
)

// A Severity says whether a diagnostic rejects the definition.
type Severity int

// Severities.
const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic codes. Where AWS's ValidateStateMachineDefinition has a code
// for a problem the same code is used; the others are ours.
const (
	codeSchema           = "SCHEMA_VALIDATION_FAILED"
	codeInvalidJSON      = "INVALID_JSON_DESCRIPTION"
	codeMissingDesc      = "MISSING_DESCRIPTION"
	codeMissingTarget    = "MISSING_TRANSITION_TARGET"
	codeMissingEnd       = "MISSING_END_STATE"
	codeDuplicateState   = "DUPLICATE_STATE_NAME"
	codeInvalidStateName = "INVALID_STATE_NAME"
	codeInvalidResource  = "INVALID_RESOURCE"
	codeTooDeep          = "TOO_DEEPLY_NESTED"
	codeNoDollar         = "NO_DOLLAR"
	codeNoPath           = "NO_PATH"
	codePassStatic       = "PASS_RESULT_IS_STATIC"
	// Ours.
	codeTooLarge       = "DEFINITION_TOO_LARGE"
	codeUnsupported    = "UNSUPPORTED_FEATURE"
	codeTooManyErrors  = "TOO_MANY_DIAGNOSTICS"
	codeDuplicateField = "DUPLICATE_FIELD_NAME"
	codeDollarKey      = "JSONATA_DOLLAR_KEY"
	codeInvalidLabel   = "INVALID_LABEL_NAME"
	codeUnassignedVar  = "UNASSIGNED_VARIABLE"
	// AWS reports a JSONata expression that does not parse as
	// INVALID_JSONATA_EXPRESSION and JSONata it does not allow as
	// UNSUPPORTED_JSONATA_EXPRESSION at CreateStateMachine (recorded by
	// other emulators' authors; the API reference does not list them yet).
	codeInvalidJSONata     = "INVALID_JSONATA_EXPRESSION"
	codeUnsupportedJSONata = "UNSUPPORTED_JSONATA_EXPRESSION"
)

// maxDiagnostics caps the diagnostics Compile returns; the rest are
// summarised by one more diagnostic.
const maxDiagnostics = 50

// A Diagnostic is one problem found in a definition.
type Diagnostic struct {
	File      string
	Line, Col int // 1-based; Col counts characters (runes)
	Offset    int // byte offset in the definition
	Pointer   ir.Pointer
	Code      string
	Message   string
	Severity  Severity
}

// String formats d as "FILE:LINE:COL: /States/X/Field: message [CODE]",
// with "warning: " before the message of a warning. The root of the
// definition is shown as "/".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(escapeControls(d.File))
		b.WriteByte(':')
	}
	fmt.Fprintf(&b, "%d:%d: ", d.Line, d.Col)
	if d.Pointer == "" {
		b.WriteString("/")
	} else {
		b.WriteString(escapeControls(string(d.Pointer)))
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(escapeControls(d.Message))
	fmt.Fprintf(&b, " [%s]", d.Code)
	return b.String()
}

// escapeControls escapes, as Go would in a string, the control characters
// of s (a state name, a Resource, a value quoted in a message) and bytes
// that are not UTF-8, so that a diagnostic stays on its one line and
// prints as text.
func escapeControls(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r) // '\n', '\x00', '\u0085'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// lineIndex maps byte offsets to lines and columns.
type lineIndex struct {
	src    []byte
	starts []int // byte offset of each line's first byte
}

func newLineIndex(src []byte) *lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{src: src, starts: starts}
}

// position returns the 1-based line and rune column of off, which is
// clamped to the input.
func (x *lineIndex) position(off int) (line, col int) {
	off = max(0, min(off, len(x.src)))
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	return i + 1, utf8.RuneCount(x.src[x.starts[i]:off]) + 1
}

// finish sorts diags by position, removes duplicates, caps the list and
// fills in file, line and column.
func finish(diags []Diagnostic, src []byte, file string) []Diagnostic {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i], diags[j]
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	out := diags[:0]
	for i, d := range diags {
		if i > 0 {
			p := diags[i-1]
			if p.Offset == d.Offset && p.Pointer == d.Pointer && p.Code == d.Code && p.Message == d.Message && p.Severity == d.Severity {
				continue
			}
		}
		out = append(out, d)
	}
	if len(out) > maxDiagnostics {
		rest := out[maxDiagnostics:]
		more := Diagnostic{Offset: rest[0].Offset, Pointer: rest[0].Pointer, Code: codeTooManyErrors, Severity: Warning}
		errs := 0
		for _, d := range rest {
			if d.Severity == Error {
				errs++
				more.Severity = Error
			}
		}
		more.Message = fmt.Sprintf("%d more diagnostics (%d errors) not shown", len(rest), errs)
		out = append(out[:maxDiagnostics:maxDiagnostics], more)
	}
	x := newLineIndex(src)
	for i := range out {
		out[i].File = file
		out[i].Line, out[i].Col = x.position(out[i].Offset)
	}
	return out
}

// hasErrors reports whether any diagnostic is an error.
func hasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == Error {
			return true
		}
	}
	return false
}
