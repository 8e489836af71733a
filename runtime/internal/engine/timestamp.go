package engine

import "time"

// ParseTimestamp parses s as AWS Step Functions reads the timestamps of
// Choice Timestamp… rules and Wait TimestampPath values: an ISO-8601
// extended offset date-time, the form Java's ISO_OFFSET_DATE_TIME accepts
// (AWS's messages name it so):
//
//	2016-03-14T01:59:00Z
//	2016-03-14T01:59:00.243167252+01:00
//	2016-03-14T01:59Z             (seconds may be left out)
//
// The date and the time are separated by 'T'; a zone is required, 'Z' or
// ±hh:mm (optionally ±hh:mm:ss, at most ±18:00); the fraction of a second
// has 1 to 9 digits. 'T' and 'Z' may be lower case. Dates must exist
// (no February 30), hours run 00–23 and seconds 00–59. A year has four
// digits, or more digits after a sign. The result keeps the offset as a
// fixed zone.
func ParseTimestamp(s string) (time.Time, bool) {
	p := tsParser{s: s}
	year, ok := p.year()
	if !ok || !p.lit('-', '-') {
		return time.Time{}, false
	}
	month, ok1 := p.digits2(1, 12)
	if !ok1 || !p.lit('-', '-') {
		return time.Time{}, false
	}
	day, ok2 := p.digits2(1, 31)
	if !ok2 || day > daysIn(time.Month(month), year) || !p.lit('T', 't') {
		return time.Time{}, false
	}
	hour, ok3 := p.digits2(0, 23)
	if !ok3 || !p.lit(':', ':') {
		return time.Time{}, false
	}
	minute, ok4 := p.digits2(0, 59)
	if !ok4 {
		return time.Time{}, false
	}
	second, nano := 0, 0
	if p.lit(':', ':') {
		var ok bool
		if second, ok = p.digits2(0, 59); !ok {
			return time.Time{}, false
		}
		if p.lit('.', '.') {
			n := 0
			for p.i < len(p.s) && asciiDigit(p.s[p.i]) && n < 9 {
				nano = nano*10 + int(p.s[p.i]-'0')
				p.i++
				n++
			}
			if n == 0 {
				return time.Time{}, false
			}
			for ; n < 9; n++ {
				nano *= 10
			}
		}
	}
	offset, ok5 := p.offset()
	if !ok5 || p.i != len(p.s) {
		return time.Time{}, false
	}
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone("", offset)
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, nano, loc), true
}

// FormatTimestamp writes t as AWS writes the times of the context object
// ($$.Execution.StartTime, $$.State.EnteredTime): in UTC with millisecond
// precision, e.g. 2019-03-26T20:14:13.192Z.
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// IsTimestamp reports whether v is a string that ParseTimestamp accepts,
// as the Choice rule IsTimestamp tests.
func IsTimestamp(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, ok = ParseTimestamp(s)
	return ok
}

type tsParser struct {
	s string
	i int
}

func asciiDigit(c byte) bool { return c >= '0' && c <= '9' }

// lit consumes one byte if it is a or b.
func (p *tsParser) lit(a, b byte) bool {
	if p.i < len(p.s) && (p.s[p.i] == a || p.s[p.i] == b) {
		p.i++
		return true
	}
	return false
}

// digits2 reads exactly two digits with a value in [lo, hi].
func (p *tsParser) digits2(lo, hi int) (int, bool) {
	if p.i+2 > len(p.s) || !asciiDigit(p.s[p.i]) || !asciiDigit(p.s[p.i+1]) {
		return 0, false
	}
	v := int(p.s[p.i]-'0')*10 + int(p.s[p.i+1]-'0')
	p.i += 2
	return v, v >= lo && v <= hi
}

// year reads a year as Java's strict ISO parser does: four digits without
// a sign, more than four after '+', four or more after '-'; at most nine.
func (p *tsParser) year() (int, bool) {
	neg, plus := false, false
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case '+':
			plus = true
			p.i++
		case '-':
			neg = true
			p.i++
		}
	}
	start, v := p.i, 0
	for p.i < len(p.s) && asciiDigit(p.s[p.i]) && p.i-start < 9 {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
	}
	n := p.i - start
	switch {
	case n < 4, p.i < len(p.s) && asciiDigit(p.s[p.i]):
		return 0, false
	case plus && n == 4, !plus && !neg && n > 4:
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// offset reads Z or ±hh:mm[:ss] and returns the offset in seconds east of
// UTC.
func (p *tsParser) offset() (int, bool) {
	if p.lit('Z', 'z') {
		return 0, true
	}
	if p.i >= len(p.s) || (p.s[p.i] != '+' && p.s[p.i] != '-') {
		return 0, false
	}
	sign := 1
	if p.s[p.i] == '-' {
		sign = -1
	}
	p.i++
	h, ok := p.digits2(0, 23)
	if !ok || !p.lit(':', ':') {
		return 0, false
	}
	m, ok := p.digits2(0, 59)
	if !ok {
		return 0, false
	}
	sec := 0
	if p.lit(':', ':') {
		if sec, ok = p.digits2(0, 59); !ok {
			return 0, false
		}
	}
	total := h*3600 + m*60 + sec
	if total > 18*3600 {
		return 0, false
	}
	return sign * total, true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
