package jsonata

import (
	"regexp"
	"strings"
	"sync"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// A signature validates the arguments of a function call, as the
// reference implementation's signature.js does: it may substitute the
// context value for a missing first argument ('-') and wraps single values
// passed for array parameters.
type signature struct {
	definition string
	params     []sigParam
	regex      *regexp.Regexp
}

type sigParam struct {
	regex        string
	typ          string
	array        bool
	context      bool
	contextRegex *regexp.Regexp
	subtype      string
}

var arraySignatureMapping = map[string]string{
	"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings",
}

var sigCache sync.Map

func mustSignature(s string) *signature {
	if v, ok := sigCache.Load(s); ok {
		return v.(*signature)
	}
	sig, err := parseSignature(s)
	if err != nil {
		panic("jsonata: bad built-in signature " + s)
	}
	sigCache.Store(s, sig)
	return sig
}

func parseSignature(sig string) (*signature, *Error) {
	position := 1
	var params []sigParam
	param := sigParam{}
	prev := -1 // index of the previous param in params
	next := func() {
		params = append(params, param)
		prev = len(params) - 1
		param = sigParam{}
	}
	prevParam := func() *sigParam {
		if prev < 0 {
			return &param
		}
		return &params[prev]
	}
	findClosing := func(start int, open, close byte) int {
		depth := 1
		pos := start
		for pos < len(sig) {
			pos++
			if pos >= len(sig) {
				break
			}
			c := sig[pos]
			if c == close {
				depth--
				if depth == 0 {
					break
				}
			} else if c == open {
				depth++
			}
		}
		return pos
	}
	for position < len(sig) {
		symbol := sig[position]
		if symbol == ':' {
			break
		}
		switch symbol {
		case 's', 'n', 'b', 'l', 'o':
			param.regex = "[" + string(symbol) + "m]"
			param.typ = string(symbol)
			next()
		case 'a':
			param.regex = "[asnblfom]"
			param.typ = "a"
			param.array = true
			next()
		case 'f':
			param.regex = "f"
			param.typ = "f"
			next()
		case 'j':
			param.regex = "[asnblom]"
			param.typ = "j"
			next()
		case 'x':
			param.regex = "[asnblfom]"
			param.typ = "x"
			next()
		case '-':
			pp := prevParam()
			pp.context = true
			pp.contextRegex = regexp.MustCompile(pp.regex)
			pp.regex += "?"
		case '?', '+':
			pp := prevParam()
			pp.regex += string(symbol)
		case '(':
			end := findClosing(position, '(', ')')
			if end > len(sig) {
				end = len(sig)
			}
			choice := sig[position+1 : end]
			if strings.Contains(choice, "<") {
				return nil, &Error{Code: "S0402", Value: choice, Position: position}
			}
			param.regex = "[" + choice + "m]"
			param.typ = "(" + choice + ")"
			position = end
			next()
		case '<':
			pp := prevParam()
			if pp.typ == "a" || pp.typ == "f" {
				end := findClosing(position, '<', '>')
				if end > len(sig) {
					end = len(sig)
				}
				pp.subtype = sig[position+1 : end]
				position = end
			} else {
				return nil, &Error{Code: "S0401", Value: pp.typ, Position: position}
			}
		}
		position++
	}
	var b strings.Builder
	b.WriteString("^")
	for _, p := range params {
		b.WriteString("(" + p.regex + ")")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, &Error{Code: "S0401", Value: sig}
	}
	return &signature{definition: sig, params: params, regex: re}, nil
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

func (s *signature) validate(args []any, context any) ([]any, error) {
	supplied := make([]byte, len(args))
	for i, a := range args {
		supplied[i] = sigSymbol(a)
	}
	m := s.regex.FindStringSubmatch(string(supplied))
	if m == nil {
		return nil, s.validationError(args, string(supplied))
	}
	validated := make([]any, 0, len(s.params))
	argIndex := 0
	for i, p := range s.params {
		match := m[i+1]
		if match == "" {
			if p.context && p.contextRegex != nil {
				ct := sigSymbol(context)
				if p.contextRegex.MatchString(string(ct)) {
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
			if p.typ == "a" {
				if single == 'm' {
					arg = undefined
				} else {
					ok := true
					if p.subtype != "" {
						if single != 'a' && match != p.subtype {
							ok = false
						} else if single == 'a' {
							items, _ := arrayItems(arg)
							if len(items) > 0 {
								it := sigSymbol(items[0])
								if it != p.subtype[0] {
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
							extra: map[string]string{"type": arraySignatureMapping[p.subtype]}}
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

func (s *signature) validationError(args []any, supplied string) error {
	partial := "^"
	goodTo := 0
	for _, p := range s.params {
		partial += p.regex
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
