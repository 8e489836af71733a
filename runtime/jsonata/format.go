package jsonata

import (
	"math"
	"strconv"
	"strings"

	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"

	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// FnFormatNumber is $formatNumber.
var FnFormatNumber = Function{builtin{name: "formatNumber", sigText: "<n-so?:s>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	var opts *sfnrt.Object
	if o, ok := argAt(a, 2).(*sfnrt.Object); ok {
		opts = o
	}
	return formatNumberPicture(num(a[0]), str(argAt(a, 1)), opts)
}}}

// FnFormatBase is $formatBase.
var FnFormatBase = Function{builtin{name: "formatBase", sigText: "<n-n?:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	v := roundHalfEven(num(a[0]), 0)
	radix := 10.0
	if r := argAt(a, 1); r != undefined {
		radix = roundHalfEven(num(r), 0)
	}
	if radix < 2 || radix > 36 {
		return nil, errVal("D3100", radix)
	}
	if math.Abs(v) < 1<<63 {
		return strconv.FormatInt(int64(v), int(radix)), nil
	}
	return syntax.FormatNumber(v), nil
}}}

// FnFormatInteger is $formatInteger.
var FnFormatInteger = Function{builtin{name: "formatInteger", sigText: "<n-s:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	f, err := analyseIntegerPicture(str(argAt(a, 1)))
	if err != nil {
		return nil, err
	}
	return formatIntegerSpec(math.Floor(num(a[0])), f)
}}}

// FnParseInteger is $parseInteger.
var FnParseInteger = Function{builtin{name: "parseInteger", sigText: "<s-s:n>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	f, err := analyseIntegerPicture(str(argAt(a, 1)))
	if err != nil {
		return nil, err
	}
	return parseIntegerSpec(str(a[0]), f)
}}}

// formatNumberPicture implements $formatNumber (XPath F&O fn:format-number).
func formatNumberPicture(value float64, picture string, options *sfnrt.Object) (any, error) {
	props := map[string]string{
		"decimal-separator": ".", "grouping-separator": ",", "exponent-separator": "e",
		"infinity": "Infinity", "minus-sign": "-", "NaN": "NaN", "percent": "%",
		"per-mille": "\u2030", "zero-digit": "0", "digit": "#", "pattern-separator": ";",
	}
	if options != nil {
		for _, m := range options.Members() {
			if s, ok := m.Value.(string); ok {
				props[m.Key] = s
			}
		}
	}
	first := func(s string) rune {
		for _, r := range s {
			return r
		}
		return 0
	}
	zero := first(props["zero-digit"])
	var family []rune
	for i := rune(0); i < 10; i++ {
		family = append(family, zero+i)
	}
	isDigit := func(r rune) bool { return r >= zero && r < zero+10 }
	decSep, grpSep, expSep := first(props["decimal-separator"]), first(props["grouping-separator"]), first(props["exponent-separator"])
	digitCh, patSep := first(props["digit"]), first(props["pattern-separator"])
	percent, permille := first(props["percent"]), first(props["per-mille"])
	isActive := func(r rune) bool {
		return isDigit(r) || r == decSep || r == expSep || r == grpSep || r == digitCh || r == patSep
	}
	subPictures := strings.Split(picture, string(patSep))
	if len(subPictures) > 2 {
		return nil, newErr("D3080")
	}
	type parts struct {
		prefix, suffix, active, mantissa, integer, fractional string
		exponent                                              *string
		sub                                                   string
	}
	split := func(sub string) parts {
		rs := []rune(sub)
		prefix, suffix := "", ""
		for i, r := range rs {
			if isActive(r) && r != expSep {
				prefix = string(rs[:i])
				break
			}
		}
		for i := len(rs) - 1; i >= 0; i-- {
			if isActive(rs[i]) && rs[i] != expSep {
				suffix = string(rs[i+1:])
				break
			}
		}
		pr, sr := []rune(prefix), []rune(suffix)
		active := string(rs[len(pr) : len(rs)-len(sr)])
		p := parts{prefix: prefix, suffix: suffix, active: active, sub: sub}
		expPos := indexRune(rs, expSep, len(pr))
		if expPos == -1 || expPos > len(rs)-len(sr) {
			p.mantissa = active
		} else {
			ar := []rune(active)
			if expPos <= len(ar) {
				p.mantissa = string(ar[:expPos])
				e := ""
				if expPos+1 <= len(ar) {
					e = string(ar[expPos+1:])
				}
				p.exponent = &e
			} else {
				p.mantissa = active
				e := ""
				p.exponent = &e
			}
		}
		mr := []rune(p.mantissa)
		dp := indexRune(mr, decSep, 0)
		if dp == -1 {
			p.integer = p.mantissa
			p.fractional = suffix
		} else {
			p.integer = string(mr[:dp])
			p.fractional = string(mr[dp+1:])
		}
		return p
	}
	validate := func(p parts) error {
		var code string
		rs := []rune(p.sub)
		decPos := indexRune(rs, decSep, 0)
		if decPos != lastIndexRune(rs, decSep) {
			code = "D3081"
		}
		if indexRune(rs, percent, 0) != lastIndexRune(rs, percent) {
			code = "D3082"
		}
		if indexRune(rs, permille, 0) != lastIndexRune(rs, permille) {
			code = "D3083"
		}
		if indexRune(rs, percent, 0) != -1 && indexRune(rs, permille, 0) != -1 {
			code = "D3084"
		}
		valid := false
		for _, r := range p.mantissa {
			if isDigit(r) || r == digitCh {
				valid = true
				break
			}
		}
		if !valid {
			code = "D3085"
		}
		for _, r := range p.active {
			if !isActive(r) {
				code = "D3086"
			}
		}
		ir := []rune(p.integer)
		if decPos != -1 {
			if (decPos > 0 && rs[decPos-1] == grpSep) || (decPos+1 < len(rs) && rs[decPos+1] == grpSep) {
				code = "D3087"
			}
		} else if len(ir) > 0 && ir[len(ir)-1] == grpSep {
			code = "D3088"
		}
		if strings.Contains(p.sub, string(grpSep)+string(grpSep)) {
			code = "D3089"
		}
		if op := indexRune(ir, digitCh, 0); op != -1 {
			for _, r := range ir[:op] {
				if isDigit(r) {
					code = "D3090"
				}
			}
		}
		fr := []rune(p.fractional)
		if op := lastIndexRune(fr, digitCh); op != -1 {
			for _, r := range fr[op:] {
				if isDigit(r) {
					code = "D3091"
				}
			}
		}
		if p.exponent != nil {
			if len(*p.exponent) > 0 && (indexRune(rs, percent, 0) != -1 || indexRune(rs, permille, 0) != -1) {
				code = "D3092"
			}
			bad := len(*p.exponent) == 0
			for _, r := range *p.exponent {
				if !isDigit(r) {
					bad = true
				}
			}
			if bad {
				code = "D3093"
			}
		}
		if code != "" {
			return newErr(code)
		}
		return nil
	}
	type vars struct {
		intGroups                []int
		regular                  int
		minInt, scaling          int
		prefix, suffix           string
		fracGroups               []int
		minFrac, maxFrac, minExp int
		picture                  string
	}
	groupPositions := func(part string, toLeft bool, integer string) []int {
		pr := []rune(part)
		var out []int
		gp := indexRune(pr, grpSep, 0)
		for gp != -1 {
			var seg []rune
			if toLeft {
				seg = pr[:gp]
			} else {
				seg = pr[gp:]
			}
			n := 0
			for _, r := range seg {
				if isDigit(r) || r == digitCh {
					n++
				}
			}
			out = append(out, n)
			gp = indexRune([]rune(integer), grpSep, gp+1)
		}
		return out
	}
	analyse := func(p parts) vars {
		v := vars{prefix: p.prefix, suffix: p.suffix, picture: p.sub}
		v.intGroups = groupPositions(p.integer, false, p.integer)
		if len(v.intGroups) > 0 {
			factor := v.intGroups[0]
			for _, x := range v.intGroups[1:] {
				factor = gcd(factor, x)
			}
			v.regular = factor
			for i := 1; i <= len(v.intGroups); i++ {
				found := false
				for _, x := range v.intGroups {
					if x == i*factor {
						found = true
					}
				}
				if !found {
					v.regular = 0
					break
				}
			}
		}
		v.fracGroups = groupPositions(p.fractional, true, p.integer)
		for _, r := range p.integer {
			if isDigit(r) {
				v.minInt++
			}
		}
		v.scaling = v.minInt
		for _, r := range p.fractional {
			if isDigit(r) {
				v.minFrac++
			}
			if isDigit(r) || r == digitCh {
				v.maxFrac++
			}
		}
		expPresent := p.exponent != nil
		if v.minInt == 0 && v.maxFrac == 0 {
			if expPresent {
				v.minFrac, v.maxFrac = 1, 1
			} else {
				v.minInt = 1
			}
		}
		if expPresent && v.minInt == 0 && strings.ContainsRune(p.integer, digitCh) {
			v.minInt = 1
		}
		if v.minInt == 0 && v.minFrac == 0 {
			v.minFrac = 1
		}
		if expPresent {
			for _, r := range *p.exponent {
				if isDigit(r) {
					v.minExp++
				}
			}
		}
		return v
	}
	var ps []parts
	for _, sp := range subPictures {
		ps = append(ps, split(sp))
	}
	for _, p := range ps {
		if err := validate(p); err != nil {
			return nil, err
		}
	}
	var vs []vars
	for _, p := range ps {
		vs = append(vs, analyse(p))
	}
	minus := props["minus-sign"]
	if len(vs) == 1 {
		c := vs[0]
		c.intGroups = append([]int(nil), c.intGroups...)
		c.fracGroups = append([]int(nil), c.fracGroups...)
		c.prefix = minus + c.prefix
		vs = append(vs, c)
	}
	pic := vs[0]
	if value < 0 {
		pic = vs[1]
	}
	adjusted := value
	if strings.ContainsRune(pic.picture, percent) {
		adjusted = value * 100
	} else if strings.ContainsRune(pic.picture, permille) {
		adjusted = value * 1000
	}
	mantissa := adjusted
	hasExp := false
	exponent := 0
	if pic.minExp != 0 {
		hasExp = true
		maxM := math.Pow(10, float64(pic.scaling))
		minM := math.Pow(10, float64(pic.scaling-1))
		if mantissa != 0 {
			for math.Abs(mantissa) < minM {
				mantissa *= 10
				exponent--
			}
			for math.Abs(mantissa) > maxM {
				mantissa /= 10
				exponent++
			}
		}
	}
	rounded := roundHalfEven(mantissa, float64(pic.maxFrac))
	makeString := func(v float64, dp int) string {
		s := jsToFixed(math.Abs(v), dp)
		if zero != '0' {
			var b strings.Builder
			for _, r := range s {
				if r >= '0' && r <= '9' {
					b.WriteRune(family[r-'0'])
				} else {
					b.WriteRune(r)
				}
			}
			s = b.String()
		}
		return s
	}
	sv := []rune(makeString(rounded, pic.maxFrac))
	if dp := indexRune(sv, '.', 0); dp == -1 {
		sv = append(sv, decSep)
	} else {
		sv[dp] = decSep
	}
	for len(sv) > 0 && sv[0] == zero {
		sv = sv[1:]
	}
	for len(sv) > 0 && sv[len(sv)-1] == zero {
		sv = sv[:len(sv)-1]
	}
	decPos := indexRune(sv, decSep, 0)
	padLeft := pic.minInt - decPos
	padRight := pic.minFrac - (len(sv) - decPos - 1)
	if padLeft > 0 {
		sv = append([]rune(strings.Repeat(string(zero), padLeft)), sv...)
	}
	if padRight > 0 {
		sv = append(sv, []rune(strings.Repeat(string(zero), padRight))...)
	}
	decPos = indexRune(sv, decSep, 0)
	insert := func(at int, r rune) {
		if at < 0 {
			at = 0
		}
		if at > len(sv) {
			at = len(sv)
		}
		sv = append(sv[:at], append([]rune{r}, sv[at:]...)...)
	}
	if pic.regular > 0 {
		groupCount := (decPos - 1) / pic.regular
		if decPos-1 < 0 {
			groupCount = 0
		}
		for g := 1; g <= groupCount; g++ {
			insert(decPos-g*pic.regular, grpSep)
		}
	} else {
		for _, pos := range pic.intGroups {
			insert(decPos-pos, grpSep)
			decPos++
		}
	}
	decPos = indexRune(sv, decSep, 0)
	for _, pos := range pic.fracGroups {
		insert(pos+decPos+1, grpSep)
	}
	decPos = indexRune(sv, decSep, 0)
	if !strings.ContainsRune(pic.picture, decSep) || decPos == len(sv)-1 {
		sv = sv[:len(sv)-1]
	}
	out := string(sv)
	if hasExp {
		se := makeString(float64(exponent), 0)
		if pl := pic.minExp - len([]rune(se)); pl > 0 {
			se = strings.Repeat(string(zero), pl) + se
		}
		sign := ""
		if exponent < 0 {
			sign = minus
		}
		out += string(expSep) + sign + se
	}
	return pic.prefix + out + pic.suffix, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func indexRune(rs []rune, r rune, from int) int {
	if from < 0 {
		from = 0
	}
	for i := from; i < len(rs); i++ {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

// jsToFixed is Number.prototype.toFixed for values below 1e21.
func jsToFixed(v float64, dp int) string {
	if v >= 1e21 {
		return syntax.FormatNumber(v)
	}
	// toFixed rounds the exact binary value half up
	return strconv.FormatFloat(v, 'f', dp, 64)
}

// integer pictures ($formatInteger, date/time components)

type intFormat struct {
	primary       string // decimal, letters, roman, words, sequence
	caseMode      string // upper, lower, title
	ordinal       bool
	zeroCode      rune
	mandatory     int
	optional      int
	regular       bool
	groupPos      int
	groupChar     string
	groups        []intGroupSep
	token         string
	parseWidth    int
	hasParseWidth bool
}

type intGroupSep struct {
	position  int
	character string
}

var decimalGroups = []rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

func analyseIntegerPicture(picture string) (*intFormat, error) {
	f := &intFormat{primary: "decimal", caseMode: "lower"}
	primary := picture
	if semi := strings.LastIndexByte(picture, ';'); semi >= 0 {
		primary = picture[:semi]
		if strings.HasPrefix(picture[semi+1:], "o") {
			f.ordinal = true
		}
	}
	switch primary {
	case "A":
		f.caseMode = "upper"
		f.primary = "letters"
	case "a":
		f.primary = "letters"
	case "I":
		f.caseMode = "upper"
		f.primary = "roman"
	case "i":
		f.primary = "roman"
	case "W":
		f.caseMode = "upper"
		f.primary = "words"
	case "Ww":
		f.caseMode = "title"
		f.primary = "words"
	case "w":
		f.primary = "words"
	default:
		zeroCode := rune(-1)
		sepPos := 0
		var groups []intGroupSep
		rs := []rune(primary)
		for i := len(rs) - 1; i >= 0; i-- {
			cp := rs[i]
			digit := false
			for _, g := range decimalGroups {
				if cp >= g && cp <= g+9 {
					digit = true
					f.mandatory++
					sepPos++
					if zeroCode == -1 {
						zeroCode = g
					} else if g != zeroCode {
						return nil, newErr("D3131")
					}
					break
				}
			}
			if !digit {
				if cp == '#' {
					sepPos++
					f.optional++
				} else {
					groups = append(groups, intGroupSep{sepPos, string(cp)})
				}
			}
		}
		if f.mandatory > 0 {
			f.zeroCode = zeroCode
			reg := 0
			if len(groups) > 0 {
				same := true
				for _, g := range groups[1:] {
					if g.character != groups[0].character {
						same = false
					}
				}
				if same {
					factor := groups[0].position
					for _, g := range groups[1:] {
						factor = gcd(factor, g.position)
					}
					reg = factor
					for i := 1; i <= len(groups); i++ {
						found := false
						for _, g := range groups {
							if g.position == i*factor {
								found = true
							}
						}
						if !found {
							reg = 0
							break
						}
					}
				}
			}
			if reg > 0 {
				f.regular = true
				f.groupPos = reg
				f.groupChar = groups[0].character
			} else {
				f.groups = groups
			}
		} else {
			f.primary = "sequence"
			f.token = primary
		}
	}
	return f, nil
}

func formatIntegerSpec(value float64, f *intFormat) (any, error) {
	negative := value < 0
	value = math.Abs(value)
	var s string
	switch f.primary {
	case "letters":
		a := 'a'
		if f.caseMode == "upper" {
			a = 'A'
		}
		s = decimalToLetters(int64(value), a)
	case "roman":
		s = decimalToRoman(int64(value))
		if f.caseMode == "upper" {
			s = strings.ToUpper(s)
		}
	case "words":
		s = numberToWords(value, f.ordinal)
		if f.caseMode == "upper" {
			s = strings.ToUpper(s)
		} else if f.caseMode == "lower" {
			s = strings.ToLower(s)
		}
	case "decimal":
		s = syntax.FormatNumber(value)
		if pad := f.mandatory - len(s); pad > 0 {
			s = strings.Repeat("0", pad) + s
		}
		if f.zeroCode != '0' {
			var b strings.Builder
			for _, r := range s {
				b.WriteRune(r + f.zeroCode - '0')
			}
			s = b.String()
		}
		rs := []rune(s)
		if f.regular {
			n := (len(rs) - 1) / f.groupPos
			for ii := n; ii > 0; ii-- {
				pos := len(rs) - ii*f.groupPos
				rs = append(rs[:pos], append([]rune(f.groupChar), rs[pos:]...)...)
			}
		} else {
			for i := len(f.groups) - 1; i >= 0; i-- {
				g := f.groups[i]
				pos := len(rs) - g.position
				if pos < 0 {
					pos = 0
				}
				rs = append(rs[:pos], append([]rune(g.character), rs[pos:]...)...)
			}
		}
		s = string(rs)
		if f.ordinal {
			suffix := map[byte]string{'1': "st", '2': "nd", '3': "rd"}[s[len(s)-1]]
			if suffix == "" || (len(s) > 1 && s[len(s)-2] == '1') {
				suffix = "th"
			}
			s += suffix
		}
	case "sequence":
		return nil, errVal("D3130", f.token)
	}
	if negative {
		s = "-" + s
	}
	return s, nil
}

var (
	fewWords      = []string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	ordinalWords  = []string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
	decadeWords   = []string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
	magnitudeWord = []string{"Thousand", "Million", "Billion", "Trillion"}
)

func numberToWords(value float64, ordinal bool) string {
	var lookup func(num float64, prev, ord bool) string
	lookup = func(num float64, prev, ord bool) string {
		words := ""
		switch {
		case num <= 19:
			if prev {
				words = " and "
			}
			if ord {
				words += ordinalWords[int(num)]
			} else {
				words += fewWords[int(num)]
			}
		case num < 100:
			tens := int(num / 10)
			rem := math.Mod(num, 10)
			if prev {
				words = " and "
			}
			words += decadeWords[tens-2]
			if rem > 0 {
				words += "-" + lookup(rem, false, ord)
			} else if ord {
				words = words[:len(words)-1] + "ieth"
			}
		case num < 1000:
			hundreds := int(num / 100)
			rem := math.Mod(num, 100)
			if prev {
				words = ", "
			}
			words += fewWords[hundreds] + " Hundred"
			if rem > 0 {
				words += lookup(rem, true, ord)
			} else if ord {
				words += "th"
			}
		default:
			mag := int(math.Floor(math.Log10(num) / 3))
			if mag > len(magnitudeWord) {
				mag = len(magnitudeWord)
			}
			factor := math.Pow(10, float64(mag*3))
			mant := math.Floor(num / factor)
			rem := num - mant*factor
			if prev {
				words = ", "
			}
			words += lookup(mant, false, false) + " " + magnitudeWord[mag-1]
			if rem > 0 {
				words += lookup(rem, true, ord)
			} else if ord {
				words += "th"
			}
		}
		return words
	}
	return lookup(value, false, ordinal)
}

var romanNumerals = []struct {
	v int64
	s string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

func decimalToRoman(v int64) string {
	var b strings.Builder
	for _, n := range romanNumerals {
		for v >= n.v {
			b.WriteString(n.s)
			v -= n.v
		}
	}
	return b.String()
}

func decimalToLetters(v int64, a rune) string {
	var out []rune
	for v > 0 {
		out = append([]rune{rune((v-1)%26) + a}, out...)
		v = (v - 1) / 26
	}
	return string(out)
}

func parseIntegerSpec(s string, f *intFormat) (any, error) {
	switch f.primary {
	case "letters":
		a := 'a'
		if f.caseMode == "upper" {
			a = 'A'
		}
		d := 0.0
		rs := []rune(s)
		for i := 0; i < len(rs); i++ {
			d += float64(rs[len(rs)-i-1]-a+1) * math.Pow(26, float64(i))
		}
		return d, nil
	case "roman":
		values := map[rune]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}
		rs := []rune(strings.ToUpper(s))
		d, max := 0.0, 1.0
		for i := len(rs) - 1; i >= 0; i-- {
			v := values[rs[i]]
			if v < max {
				d -= v
			} else {
				max = v
				d += v
			}
		}
		return d, nil
	case "words":
		return wordsToNumber(strings.ToLower(s)), nil
	case "decimal":
		var b strings.Builder
		for _, r := range s {
			if r >= f.zeroCode && r <= f.zeroCode+9 {
				b.WriteRune('0' + r - f.zeroCode)
			}
		}
		if b.Len() == 0 {
			return undefined, nil
		}
		v, err := strconv.ParseFloat(b.String(), 64)
		if err != nil {
			return undefined, nil
		}
		return v, nil
	}
	return nil, errVal("D3130", f.token)
}

func wordsToNumber(text string) float64 {
	values := map[string]float64{}
	for i, w := range fewWords {
		values[strings.ToLower(w)] = float64(i)
	}
	for i, w := range ordinalWords {
		values[strings.ToLower(w)] = float64(i)
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		values[lw] = float64((i + 2) * 10)
		values[lw[:len(lw)-1]+"ieth"] = values[lw]
	}
	values["hundredth"] = 100
	for i, w := range magnitudeWord {
		lw := strings.ToLower(w)
		v := math.Pow(10, float64((i+1)*3))
		values[lw] = v
		values[lw+"th"] = v
	}
	text = strings.ReplaceAll(text, ", ", " ")
	text = strings.ReplaceAll(text, " and ", " ")
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '-' || r == '\t' || r == '\n' })
	segs := []float64{0}
	for _, p := range parts {
		v, ok := values[p]
		if !ok {
			v = math.NaN()
		}
		if v < 100 || math.IsNaN(v) {
			top := segs[len(segs)-1]
			segs = segs[:len(segs)-1]
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+v)
		} else {
			top := segs[len(segs)-1]
			segs[len(segs)-1] = top * v
		}
	}
	total := 0.0
	for _, s := range segs {
		total += s
	}
	return total
}
