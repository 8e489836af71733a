package jsonata

import (
	"sync"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// arraySignatureName names the members an array signature's subtype
// requires, in error messages. (A switch, not a map: a map literal is
// built by the package's init, in every program that links the engine.)
func arraySignatureName(subtype string) string {
	switch subtype {
	case "a":
		return "arrays"
	case "b":
		return "booleans"
	case "f":
		return "functions"
	case "n":
		return "numbers"
	case "o":
		return "objects"
	case "s":
		return "strings"
	}
	return ""
}

var sigCache sync.Map

// mustSignature parses a built-in's signature, compiled by compile (the
// Library's Regexp); with none, it cannot validate arguments (see
// validateArgs).
func mustSignature(s string, compile syntax.Compiler) *signature {
	if compile == nil {
		sig, _ := syntax.ParseSignatureWith(s, nil)
		return sig
	}
	if v, ok := sigCache.Load(s); ok {
		return v.(*signature)
	}
	sig, err := syntax.ParseSignatureWith(s, compile)
	if err != nil {
		panic("jsonata: bad built-in signature " + s) // TestBuiltins calls every one
	}
	sigCache.Store(s, sig)
	return sig
}

func sigSymbol(v any) byte {
	if isFunction(v) {
		return 'f'
	}
	switch v.(type) {
	case string:
		return 's'
	case float64, int64:
		return 'n'
	case bool:
		return 'b'
	case nil:
		return 'l'
	case *sfnrt.Object, tuple:
		return 'o'
	case undefinedType:
		return 'm'
	}
	if isNumber(v) {
		return 'n'
	}
	if isArray(v) {
		return 'a'
	}
	return 'm'
}

// validateArgs checks args against s, compiled by compile, the Library's
// Regexp, which also compiles the partial signatures of an error message.
func validateArgs(s *signature, args []any, context any, compile syntax.Compiler) ([]any, error) {
	if s.Regex == nil || compile == nil {
		// A program built without regular expressions for expressions
		// that need none (see syntax.NeedsRegexp): not reached.
		return nil, syntax.ErrNoRegexp
	}
	supplied := make([]byte, len(args))
	for i, a := range args {
		supplied[i] = sigSymbol(a)
	}
	m := s.Regex.FindStringSubmatch(string(supplied))
	if m == nil {
		return nil, validationError(s, args, string(supplied), compile)
	}
	validated := make([]any, 0, len(s.Params))
	argIndex := 0
	for i, p := range s.Params {
		match := m[i+1]
		if match == "" {
			if p.Context && p.ContextRegex != nil {
				ct := sigSymbol(context)
				if p.ContextRegex.MatchString(string(ct)) {
					validated = append(validated, context)
				} else {
					return nil, &Error{Code: "T0411", Position: -1, Value: context, Index: argIndex + 1}
				}
			} else {
				validated = append(validated, argAt(args, argIndex))
				argIndex++
			}
			continue
		}
		for j := 0; j < len(match); j++ {
			single := match[j]
			arg := argAt(args, argIndex)
			if p.Type == "a" {
				if single == 'm' {
					arg = undefined
				} else {
					ok := true
					if p.Subtype != "" {
						if single != 'a' && match != p.Subtype {
							ok = false
						} else if single == 'a' {
							items, _ := arrayItems(arg)
							if len(items) > 0 {
								it := sigSymbol(items[0])
								if it != p.Subtype[0] {
									ok = false
								} else {
									for _, v := range items {
										if sigSymbol(v) != it {
											ok = false
											break
										}
									}
								}
							}
						}
					}
					if !ok {
						return nil, &Error{Code: "T0412", Position: -1, Value: arg, Index: argIndex + 1,
							extra: map[string]string{"type": arraySignatureName(p.Subtype)}}
					}
					if single != 'a' {
						arg = []any{arg}
					}
				}
			}
			validated = append(validated, arg)
			argIndex++
		}
	}
	return validated, nil
}

func argAt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return undefined
}

func validationError(s *signature, args []any, supplied string, compile syntax.Compiler) error {
	partial := "^"
	goodTo := 0
	for _, p := range s.Params {
		partial += p.Regex
		re, err := compile(partial)
		if err != nil {
			break
		}
		loc := re.FindStringIndex(supplied)
		if loc == nil {
			return &Error{Code: "T0410", Position: -1, Value: argAt(args, goodTo), Index: goodTo + 1}
		}
		goodTo = loc[1]
	}
	return &Error{Code: "T0410", Position: -1, Value: argAt(args, goodTo), Index: goodTo + 1}
}
