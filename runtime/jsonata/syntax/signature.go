package syntax

import "strings"

// A Signature is a function signature (<n-n:n>), parsed as the reference
// implementation's signature.js parses it: the engine validates the
// arguments of a call with it, substituting the context value for a
// missing first argument ('-') and wrapping single values passed for
// array parameters.
type Signature struct {
	Definition string
	Params     []SigParam
	Regex      Matcher // nil where parsed with no Compiler
}

type SigParam struct {
	Regex        string
	Type         string
	Array        bool
	Context      bool
	ContextRegex Matcher
	Subtype      string
}

// ParseSignature parses a signature; an error's Offset is within sig.
func ParseSignature(sig string) (*Signature, *SyntaxError) {
	return ParseSignatureWith(sig, CompileRegexp)
}

// ParseSignatureWith is ParseSignature with its regular expressions
// compiled by compile; with none, the Signature has no Regex (and no
// ContextRegex) and cannot validate arguments.
func ParseSignatureWith(sig string, compile Compiler) (*Signature, *SyntaxError) {
	position := 1
	var params []SigParam
	param := SigParam{}
	prev := -1 // index of the previous param in params
	next := func() {
		params = append(params, param)
		prev = len(params) - 1
		param = SigParam{}
	}
	prevParam := func() *SigParam {
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
			param.Regex = "[" + string(symbol) + "m]"
			param.Type = string(symbol)
			next()
		case 'a':
			param.Regex = "[asnblfom]"
			param.Type = "a"
			param.Array = true
			next()
		case 'f':
			param.Regex = "f"
			param.Type = "f"
			next()
		case 'j':
			param.Regex = "[asnblom]"
			param.Type = "j"
			next()
		case 'x':
			param.Regex = "[asnblfom]"
			param.Type = "x"
			next()
		case '-':
			pp := prevParam()
			pp.Context = true
			if compile != nil {
				var err error
				if pp.ContextRegex, err = compile(pp.Regex); err != nil {
					return nil, newSyntaxError("S0401", 0, "", false, sig)
				}
			}
			pp.Regex += "?"
		case '?', '+':
			pp := prevParam()
			pp.Regex += string(symbol)
		case '(':
			end := findClosing(position, '(', ')')
			if end > len(sig) {
				end = len(sig)
			}
			choice := sig[position+1 : end]
			if strings.Contains(choice, "<") {
				return nil, newSyntaxError("S0402", position, "", false, choice)
			}
			param.Regex = "[" + choice + "m]"
			param.Type = "(" + choice + ")"
			position = end
			next()
		case '<':
			pp := prevParam()
			if pp.Type == "a" || pp.Type == "f" {
				end := findClosing(position, '<', '>')
				if end > len(sig) {
					end = len(sig)
				}
				pp.Subtype = sig[position+1 : end]
				position = end
			} else {
				return nil, newSyntaxError("S0401", position, "", false, pp.Type)
			}
		}
		position++
	}
	var b strings.Builder
	b.WriteString("^")
	for _, p := range params {
		b.WriteString("(" + p.Regex + ")")
	}
	b.WriteString("$")
	s := &Signature{Definition: sig, Params: params}
	if compile != nil {
		var err error
		if s.Regex, err = compile(b.String()); err != nil {
			return nil, newSyntaxError("S0401", 0, "", false, sig)
		}
	}
	return s, nil
}
