package server

import (
	"net/http"
	"unicode/utf8"

	"github.com/sfn-compile/sfn-compile/compiler"
)

func init() {
	actions["ValidateStateMachineDefinition"] = (*Server).validateStateMachineDefinition
}

type validateInput struct {
	Definition *string `json:"definition"`
	Type       string  `json:"type"`
	Severity   string  `json:"severity"`
	MaxResults int     `json:"maxResults"`
}

type validateDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type validateOutput struct {
	Result      string               `json:"result"`
	Diagnostics []validateDiagnostic `json:"diagnostics"`
	Truncated   bool                 `json:"truncated"`
}

// validateStateMachineDefinition reports the compiler's diagnostics as
// AWS's: result FAIL when any is an error; severity WARNING asks for the
// warnings too (ERROR, the default, for the errors only).
func (s *Server) validateStateMachineDefinition(_ *http.Request, body []byte) (any, error) {
	var in validateInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("definition", in.Definition); err != nil {
		return nil, err
	}
	typ, err := machineType(in.Type)
	if err != nil {
		return nil, err
	}
	warnings := false
	switch in.Severity {
	case "", "ERROR":
	case "WARNING":
		warnings = true
	default:
		return nil, errorf(codeValidation, "1 validation error detected: Value '%s' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]", in.Severity)
	}
	max := in.MaxResults
	if max < 0 || max > 100 {
		return nil, errorf(codeValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100", max)
	}
	if max == 0 {
		max = 100
	}
	if utf8.RuneCountInString(*in.Definition) > maxDefinitionChars {
		return nil, errorf(codeValidation, "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to %d", maxDefinitionChars)
	}
	m, diags := compiler.Compile([]byte(*in.Definition), compiler.Options{Filename: "definition", Type: typ})
	out := &validateOutput{Result: "OK", Diagnostics: []validateDiagnostic{}}
	if m == nil {
		out.Result = "FAIL"
	}
	for _, d := range diags {
		if d.Severity == compiler.Warning && !warnings {
			continue
		}
		if len(out.Diagnostics) == max {
			out.Truncated = true
			break
		}
		loc := string(d.Pointer)
		if loc == "" {
			loc = "/"
		}
		out.Diagnostics = append(out.Diagnostics, validateDiagnostic{
			Severity: map[compiler.Severity]string{compiler.Error: "ERROR", compiler.Warning: "WARNING"}[d.Severity],
			Code:     d.Code,
			Message:  diagnosticText(d),
			Location: loc,
		})
	}
	return out, nil
}
