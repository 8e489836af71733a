package server

import (
	"strings"
	"unicode/utf8"
)

// maxNameChars is AWS's limit on the names of state machines,
// executions, activities, versions' aliases and labels.
const maxNameChars = 80

// nameForbidden holds the characters AWS refuses in a name besides
// whitespace and control characters.
const nameForbidden = `<>{}[]?*"#%\^|~` + "`" + `$&,;:/`

// checkName reports why name is not a valid resource name (what is
// named: "state machine", "execution"...), or nil.
func checkName(what, name string) *apiError {
	if name == "" {
		return errorf(codeInvalidName, "Invalid Name: '' (%s name must not be empty)", withArticle(what))
	}
	if !utf8.ValidString(name) {
		return errorf(codeInvalidName, "Invalid Name: the %s name is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(name); n > maxNameChars {
		return errorf(codeInvalidName, "Invalid Name: '%s' (%s name has at most %d characters, not %d)", name, withArticle(what), maxNameChars, n)
	}
	for _, r := range name {
		if r <= 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x85 || r == 0xa0 || r == 0x1680 ||
			(r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000 ||
			strings.ContainsRune(nameForbidden, r) {
			return errorf(codeInvalidName, "Invalid Name: '%s' (%s name must not contain whitespace, control characters or any of %s)", name, withArticle(what), nameForbidden)
		}
	}
	return nil
}

// withArticle is what with its indefinite article: "an execution",
// "a state machine".
func withArticle(what string) string {
	if what != "" && strings.ContainsRune("aeiou", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}

// An arn is a Step Functions ARN taken apart:
// arn:PARTITION:states:REGION:ACCOUNT:RESOURCE:NAME[:QUALIFIER].
type arn struct {
	partition, region, account string
	resource                   string // stateMachine, execution, express, activity
	name                       string
	qualifier                  string // version number or alias name of a state machine; execution name of an execution
}

// parseARN parses s, whose resource type must be one of resources.
func parseARN(s string, resources ...string) (arn, *apiError) {
	bad := errorf(codeInvalidArn, "Invalid Arn: '%s'", s)
	if len(s) > 2048 || !utf8.ValidString(s) {
		return arn{}, errorf(codeInvalidArn, "Invalid Arn: the ARN is not valid UTF-8 of at most 2048 bytes")
	}
	parts := strings.Split(s, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" {
		return arn{}, bad
	}
	a := arn{partition: parts[1], region: parts[3], account: parts[4], resource: parts[5], name: parts[6]}
	if len(parts) == 8 {
		a.qualifier = parts[7]
		if a.qualifier == "" {
			return arn{}, bad
		}
	}
	ok := false
	for _, r := range resources {
		ok = ok || a.resource == r
	}
	if !ok || a.region == "" || a.account == "" {
		return arn{}, bad
	}
	if checkName("resource", a.name) != nil {
		return arn{}, bad
	}
	return a, nil
}

// machineARN returns the ARN of the state machine name in the server's
// region and account.
func (s *Server) machineARN(name string) string {
	return "arn:" + s.cfg.Partition + ":states:" + s.cfg.Region + ":" + s.cfg.Account + ":stateMachine:" + name
}
