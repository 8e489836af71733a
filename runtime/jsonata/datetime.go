package jsonata

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sfn-compile/sfn-compile/runtime/internal/lazy"
	"github.com/sfn-compile/sfn-compile/runtime/jsonata/syntax"
)

// FnNow is $now.
var FnNow = Function{builtin{name: "now", sigText: "<s?s?:s>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	ms := float64(c.ev.timestamp().UnixMilli())
	var pic, tz any = argAt(a, 0), argAt(a, 1)
	return formatDateTime(ms, pic, tz)
}}}

// FnMillis is $millis.
var FnMillis = Function{builtin{name: "millis", sigText: "<:n>", arity: 0, nparams: 0, fn: func(c *call, a []any) (any, error) {
	return float64(c.ev.timestamp().UnixMilli()), nil
}}}

// FnFromMillis is $fromMillis.
var FnFromMillis = Function{builtin{name: "fromMillis", sigText: "<n-s?s?:s>", arity: 3, nparams: 3, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	return formatDateTime(num(a[0]), argAt(a, 1), argAt(a, 2))
}}}

// FnToMillis is $toMillis.
var FnToMillis = Function{builtin{name: "toMillis", sigText: "<s-s?:n>", arity: 2, nparams: 2, fn: func(c *call, a []any) (any, error) {
	if a[0] == undefined {
		return undefined, nil
	}
	if argAt(a, 1) != undefined {
		return nil, &Error{Code: "X1002", Position: -1, Message: "$toMillis with a picture string is not supported"}
	}
	ms, ok := parseISO8601(str(a[0]))
	if !ok {
		return nil, errVal("D3110", a[0])
	}
	return ms, nil
}}}

// parseISO8601 accepts what the reference implementation's toMillis does
// (its regex, then Date.parse; times without an offset are taken as UTC).
func parseISO8601(s string) (float64, bool) {
	p := 0
	digits := func(n int) (int, bool) {
		if p+n > len(s) {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			c := s[p+i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		p += n
		return v, true
	}
	year, ok := digits(4)
	if !ok {
		return 0, false
	}
	month, day := 1, 1
	hour, minute, sec, ms := 0, 0, 0, 0
	offset := 0
	if p < len(s) && s[p] == '-' {
		p++
		if month, ok = digits(2); !ok || month > 19 {
			return 0, false
		}
		if p < len(s) && s[p] == '-' {
			p++
			if day, ok = digits(2); !ok || day > 39 {
				return 0, false
			}
		}
	}
	if p < len(s) && s[p] == 'T' {
		p++
		if hour, ok = digits(2); !ok || hour > 29 {
			return 0, false
		}
		if p >= len(s) || s[p] != ':' {
			return 0, false
		}
		p++
		if minute, ok = digits(2); !ok || minute > 59 {
			return 0, false
		}
		if p >= len(s) || s[p] != ':' {
			return 0, false
		}
		p++
		if sec, ok = digits(2); !ok || sec > 59 {
			return 0, false
		}
	}
	if p < len(s) && s[p] == '.' {
		p++
		st := p
		for p < len(s) && s[p] >= '0' && s[p] <= '9' {
			p++
		}
		if p == st {
			return 0, false
		}
		frac := s[st:p] + "00"
		ms, _ = strconv.Atoi(frac[:3])
	}
	if p < len(s) {
		switch s[p] {
		case 'Z':
			p++
		case '+', '-':
			sign := 1
			if s[p] == '-' {
				sign = -1
			}
			p++
			h, ok := digits(2)
			if !ok || h > 29 {
				return 0, false
			}
			if p < len(s) && s[p] == ':' {
				p++
			}
			m, ok := digits(2)
			if !ok || m > 59 {
				return 0, false
			}
			offset = sign * (h*60 + m)
		default:
			return 0, false
		}
	}
	if p != len(s) {
		return 0, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 24 || (hour == 24 && (minute|sec|ms) != 0) {
		return math.NaN(), true
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ms*1e6, time.UTC)
	return float64(t.UnixMilli()) - float64(offset)*60000, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type dtMarker struct {
	literal       string
	isLiteral     bool
	component     byte
	presentation1 string
	presentation2 string
	names         string
	widthMin      int
	widthMax      int
	hasMin        bool
	hasMax        bool
	n             int
	intFmt        *intFormat
}

// defaultPresentation is the presentation of each picture component
// that gives none. Built on first use: a map literal is built by the
// package's init, in every program that links the engine.
var defaultPresentations lazy.Value[map[byte]string]

func defaultPresentation() map[byte]string { return defaultPresentations.Get(buildDefaultPresentation) }

func buildDefaultPresentation() map[byte]string {
	return map[byte]string{
		'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
		'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
	}
}

func analyseDateTimePicture(picture string) ([]*dtMarker, error) {
	var spec []*dtMarker
	addLiteral := func(start, end int) {
		if end > start {
			lit := strings.ReplaceAll(picture[start:end], "]]", "]")
			spec = append(spec, &dtMarker{isLiteral: true, literal: lit})
		}
	}
	start, pos := 0, 0
	for pos < len(picture) {
		if picture[pos] == '[' {
			if pos+1 < len(picture) && picture[pos+1] == '[' {
				addLiteral(start, pos)
				spec = append(spec, &dtMarker{isLiteral: true, literal: "["})
				pos += 2
				start = pos
				continue
			}
			addLiteral(start, pos)
			start = pos
			end := strings.IndexByte(picture[start:], ']')
			if end < 0 {
				return nil, newErr("D3135")
			}
			pos = start + end
			marker := strings.Join(strings.Fields(picture[start+1:pos]), "")
			d := &dtMarker{}
			if marker != "" {
				d.component = marker[0]
			}
			var presMod string
			if comma := strings.LastIndexByte(marker, ','); comma >= 0 {
				wm := marker[comma+1:]
				minS, maxS := wm, ""
				hasMax := false
				if dash := strings.IndexByte(wm, '-'); dash >= 0 {
					minS, maxS, hasMax = wm[:dash], wm[dash+1:], true
				}
				if minS != "*" {
					v, ok, err := pictureWidth(minS)
					if err != nil {
						return nil, err
					}
					d.widthMin, d.hasMin = v, ok
				}
				if hasMax && maxS != "*" {
					v, ok, err := pictureWidth(maxS)
					if err != nil {
						return nil, err
					}
					d.widthMax, d.hasMax = v, ok
				}
				if comma >= 1 {
					presMod = marker[1:comma]
				}
			} else if len(marker) > 1 {
				presMod = marker[1:]
			}
			hasP1 := true
			switch {
			case len(presMod) == 1:
				d.presentation1 = presMod
			case len(presMod) > 1:
				last := presMod[len(presMod)-1]
				if strings.IndexByte("atco", last) >= 0 {
					d.presentation2 = string(last)
					d.presentation1 = presMod[:len(presMod)-1]
				} else {
					d.presentation1 = presMod
				}
			default:
				d.presentation1, hasP1 = defaultPresentation()[d.component]
			}
			if !hasP1 {
				return nil, errVal("D3132", string(d.component))
			}
			switch {
			case strings.HasPrefix(d.presentation1, "n"):
				d.names = "lower"
			case strings.HasPrefix(d.presentation1, "N"):
				if len(d.presentation1) > 1 && d.presentation1[1] == 'n' {
					d.names = "title"
				} else {
					d.names = "upper"
				}
			case strings.IndexByte("YMDdFWwXxHhmsf", d.component) >= 0:
				pat := d.presentation1
				if d.presentation2 != "" {
					pat += ";" + d.presentation2
				}
				f, err := analyseIntegerPicture(pat)
				if err != nil {
					return nil, err
				}
				d.intFmt = f
				if d.hasMin && f.mandatory < d.widthMin {
					f.mandatory = d.widthMin
				}
				if d.component == 'Y' {
					d.n = -1
					if d.hasMax {
						d.n = d.widthMax
						f.mandatory = d.n
					} else if w := f.mandatory + f.optional; w >= 2 {
						d.n = w
					}
				}
			}
			if d.component == 'Z' || d.component == 'z' {
				f, err := analyseIntegerPicture(d.presentation1)
				if err != nil {
					return nil, err
				}
				d.intFmt = f
			}
			spec = append(spec, d)
			start = pos + 1
		}
		pos++
	}
	addLiteral(start, pos)
	return spec, nil
}

var (
	dayNames   = []string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

const millisInADay = 86400000.0

func utcMillis(y, m, d int) float64 {
	return float64(time.Date(y, time.Month(m+1), d, 0, 0, 0, 0, time.UTC).UnixMilli())
}

func startOfFirstWeek(y, m int) float64 {
	jan1 := utcMillis(y, m, 1)
	dow := int(time.UnixMilli(int64(jan1)).UTC().Weekday())
	if dow == 0 {
		dow = 7
	}
	if dow > 4 {
		return jan1 + float64(8-dow)*millisInADay
	}
	return jan1 - float64(dow-1)*millisInADay
}

func nextYM(y, m int) (int, int) {
	if m == 11 {
		return y + 1, 0
	}
	return y, m + 1
}

func prevYM(y, m int) (int, int) {
	if m == 0 {
		return y - 1, 11
	}
	return y, m - 1
}

func dateFragment(t time.Time, c byte) any {
	y, mo, d := t.Date()
	m := int(mo) - 1
	switch c {
	case 'Y':
		return float64(y)
	case 'M':
		return float64(m + 1)
	case 'D':
		return float64(d)
	case 'd':
		return float64(t.YearDay())
	case 'F':
		w := int(t.Weekday())
		if w == 0 {
			w = 7
		}
		return float64(w)
	case 'W':
		s1 := startOfFirstWeek(y, 0)
		today := utcMillis(y, m, d)
		week := (today-s1)/(millisInADay*7) + 1
		if week > 52 {
			if today >= startOfFirstWeek(y+1, 0) {
				week = 1
			}
		} else if week < 1 {
			week = (today-startOfFirstWeek(y-1, 0))/(millisInADay*7) + 1
		}
		return math.Floor(week)
	case 'w':
		s1 := startOfFirstWeek(y, m)
		today := utcMillis(y, m, d)
		week := (today-s1)/(millisInADay*7) + 1
		if week > 4 {
			ny, nm := nextYM(y, m)
			if today >= startOfFirstWeek(ny, nm) {
				week = 1
			}
		} else if week < 1 {
			py, pm := prevYM(y, m)
			week = (today-startOfFirstWeek(py, pm))/(millisInADay*7) + 1
		}
		return math.Floor(week)
	case 'X':
		now := float64(t.UnixMilli())
		if now < startOfFirstWeek(y, 0) {
			return float64(y - 1)
		} else if now >= startOfFirstWeek(y+1, 0) {
			return float64(y + 1)
		}
		return float64(y)
	case 'x':
		now := float64(t.UnixMilli())
		ny, nm := nextYM(y, m)
		if now < startOfFirstWeek(y, m) {
			_, pm := prevYM(y, m)
			return float64(pm + 1)
		} else if now >= startOfFirstWeek(ny, nm) {
			return float64(nm + 1)
		}
		return float64(m + 1)
	case 'H':
		return float64(t.Hour())
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return float64(h)
	case 'P':
		if t.Hour() >= 12 {
			return "pm"
		}
		return "am"
	case 'm':
		return float64(t.Minute())
	case 's':
		return float64(t.Second())
	case 'f':
		return float64(t.Nanosecond() / 1e6)
	case 'C', 'E':
		return "ISO"
	}
	return undefined
}

var iso8601Picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

func formatDateTime(millis float64, picture, timezone any) (any, error) {
	offH, offM := 0, 0
	if tz, ok := timezone.(string); ok {
		off, okp := parseSignedInt(tz)
		if okp {
			offH = int(math.Floor(float64(off) / 100))
			offM = off % 100
		} else {
			offH, offM = 0, 0
		}
	}
	pic := iso8601Picture
	if p, ok := picture.(string); ok {
		pic = p
	}
	spec, err := analyseDateTimePicture(pic)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(millis) || math.IsInf(millis, 0) {
		return nil, errVal("D3110", millis)
	}
	offMillis := float64((60*offH + offM) * 60 * 1000)
	t := time.UnixMilli(int64(millis + offMillis)).UTC()
	var b strings.Builder
	for _, part := range spec {
		if part.isLiteral {
			b.WriteString(part.literal)
			continue
		}
		v := dateFragment(t, part.component)
		var s string
		switch {
		case strings.IndexByte("YMDdFWwXxHhms", part.component) >= 0:
			f := num(v)
			if part.component == 'Y' && part.n != -1 {
				f = math.Mod(f, math.Pow(10, float64(part.n)))
			}
			if part.names != "" {
				switch part.component {
				case 'M', 'x':
					s = monthNames[int(f)-1]
				case 'F':
					s = dayNames[int(f)]
				default:
					return nil, errVal("D3133", string(part.component))
				}
				if part.names == "upper" {
					s = strings.ToUpper(s)
				} else if part.names == "lower" {
					s = strings.ToLower(s)
				}
				if part.hasMax && len(s) > part.widthMax {
					s = s[:part.widthMax]
				}
			} else {
				r, err := formatIntegerSpec(f, part.intFmt)
				if err != nil {
					return nil, err
				}
				s = r.(string)
			}
		case part.component == 'f':
			r, err := formatIntegerSpec(num(v), part.intFmt)
			if err != nil {
				return nil, err
			}
			s = r.(string)
		case part.component == 'Z' || part.component == 'z':
			offset := offH*100 + offM
			if part.intFmt.regular {
				r, err := formatIntegerSpec(float64(offset), part.intFmt)
				if err != nil {
					return nil, err
				}
				s = r.(string)
			} else {
				switch nd := part.intFmt.mandatory; {
				case nd == 1 || nd == 2:
					r, err := formatIntegerSpec(float64(offH), part.intFmt)
					if err != nil {
						return nil, err
					}
					s = r.(string)
					if offM != 0 {
						mm, _ := analyseIntegerPicture("00")
						r2, _ := formatIntegerSpec(float64(offM), mm)
						s += ":" + r2.(string)
					}
				case nd == 3 || nd == 4:
					r, err := formatIntegerSpec(float64(offset), part.intFmt)
					if err != nil {
						return nil, err
					}
					s = r.(string)
				default:
					return nil, errVal("D3134", float64(nd))
				}
			}
			if offset >= 0 {
				s = "+" + s
			}
			if part.component == 'z' {
				s = "GMT" + s
			}
			if offset == 0 && part.presentation2 == "t" {
				s = "Z"
			}
		case part.component == 'P':
			s = str(v)
			if part.names == "upper" {
				s = strings.ToUpper(s)
			}
		default:
			if sv, ok := v.(string); ok {
				s = sv
			} else if v != undefined {
				s = syntax.FormatNumber(num(v))
			}
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// parseSignedInt is parseInt(s) for an optionally signed decimal prefix.
func parseSignedInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	sign := 1
	if strings.HasPrefix(s, "-") {
		sign = -1
		s = s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	v, ok := parseLeadingInt(s)
	return sign * v, ok
}

// pictureWidth reads the width modifier of a date/time picture marker
// ("[Y,4-6]"). A width past the string bound (or past int) asks for a
// string longer than an evaluation may build: AWS's memory error, before
// the padding is allocated.
func pictureWidth(s string) (int, bool, error) {
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits == 0 {
		return 0, false, nil
	}
	v, err := strconv.Atoi(s[:digits])
	if err != nil || v > maxStringBytes {
		return 0, false, memoryExceeded()
	}
	return v, true, nil
}
