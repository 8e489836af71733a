package jsonata

import (
	"regexp"
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

func mustSignature(s string) *signature {
	if v, ok := sigCache.Load(s); ok {
		return v.(*signature)
	}
	sig, err := syntax.ParseSignature(s)
	if err != nil {
		panic("jsonata: bad built-in signature " + s)
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

func validateArgs(s *signature, args []any, context any) ([]any, error) {
	supplied := make([]byte, len(args))
	for i, a := range args {
		supplied[i] = sigSymbol(a)
	}
	m := s.Regex.FindStringSubmatch(string(supplied))
	if m == nil {
		return nil, validationError(s, args, string(supplied))
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

func validationError(s *signature, args []any, supplied string) error {
	partial := "^"
	goodTo := 0
	for _, p := range s.Params {
		partial += p.Regex
		re, err := regexp.Compile(partial)
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
