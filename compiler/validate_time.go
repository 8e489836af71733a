package compiler

// validTimestamp reports whether s is an RFC 3339 date-time with a 'T'
// separator and a zone: "2016-03-14T01:59:00Z", "…T01:59:00.123+02:00".
// Fractional seconds may have any number of digits.
func validTimestamp(s string) bool {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !at(4, '-') || !at(7, '-') || !(at(10, 'T') || at(10, 't')) || !at(13, ':') || !at(16, ':') {
		return false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return false
	}
	i := 19
	if at(i, '.') {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	switch {
	case at(i, 'Z') || at(i, 'z'):
		return i+1 == len(s)
	case at(i, '+') || at(i, '-'):
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		return ok1 && ok2 && at(i+3, ':') && oh <= 23 && om <= 59 && i+6 == len(s)
	}
	return false
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
