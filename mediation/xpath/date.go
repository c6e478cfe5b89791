package xpath

import (
	"fmt"
	"strconv"
	"time"
)

// javaDate is a compiled java.text.SimpleDateFormat pattern, the format
// argument of get-property('SYSTEM_DATE', 'yyyy-MM-dd'). It is compiled to
// a list of fields rather than a Go layout: a Go layout would read digits in
// quoted text ('1', '2006') as fields.
type javaDate []dateField

type dateField struct {
	letter byte   // 0 for literal text
	n      int    // repetition count
	lit    string // literal text
}

const javaDateLetters = "GyYMLdHkKhmsSEuaDzZX"

func compileJavaDate(p string) (javaDate, error) {
	var out javaDate
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			lit, next, err := javaQuoted(p, i)
			if err != nil {
				return nil, err
			}
			out = append(out, dateField{lit: lit})
			i = next
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if !containsByte(javaDateLetters, c) {
				return nil, fmt.Errorf("date format %q: unsupported pattern letter %q", p, c)
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			out = append(out, dateField{letter: c, n: j - i})
			i = j
		default:
			out = append(out, dateField{lit: string(c)})
			i++
		}
	}
	return out, nil
}

// javaQuoted reads 'text' at p[i]; ” is a quote.
func javaQuoted(p string, i int) (string, int, error) {
	if i+1 < len(p) && p[i+1] == '\'' {
		return "'", i + 2, nil
	}
	var lit []byte
	for j := i + 1; j < len(p); j++ {
		if p[j] != '\'' {
			lit = append(lit, p[j])
			continue
		}
		if j+1 < len(p) && p[j+1] == '\'' {
			lit = append(lit, '\'')
			j++
			continue
		}
		return string(lit), j + 1, nil
	}
	return "", 0, fmt.Errorf("date format %q: unterminated quote", p)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// Format renders t with the pattern.
func (d javaDate) Format(t time.Time) string {
	b := make([]byte, 0, 32)
	for _, f := range d {
		if f.letter == 0 {
			b = append(b, f.lit...)
			continue
		}
		b = appendDateField(b, f, t)
	}
	return string(b)
}

func appendDateField(b []byte, f dateField, t time.Time) []byte {
	switch f.letter {
	case 'G':
		return append(b, "AD"...)
	case 'y', 'Y':
		if f.n == 2 {
			return pad(b, t.Year()%100, 2)
		}
		return pad(b, t.Year(), f.n)
	case 'M', 'L':
		switch {
		case f.n >= 4:
			return append(b, t.Month().String()...)
		case f.n == 3:
			return append(b, t.Month().String()[:3]...)
		}
		return pad(b, int(t.Month()), f.n)
	case 'E':
		if f.n >= 4 {
			return append(b, t.Weekday().String()...)
		}
		return append(b, t.Weekday().String()[:3]...)
	case 'a':
		if t.Hour() < 12 {
			return append(b, "AM"...)
		}
		return append(b, "PM"...)
	case 'z':
		name, _ := t.Zone()
		return append(b, name...)
	case 'Z', 'X':
		return appendZone(b, f, t)
	}
	return pad(b, dateNumber(f.letter, t), f.n)
}

// dateNumber is the numeric value of a numeric pattern letter.
func dateNumber(c byte, t time.Time) int {
	switch c {
	case 'd':
		return t.Day()
	case 'D':
		return t.YearDay()
	case 'u':
		return (int(t.Weekday())+6)%7 + 1
	case 'H':
		return t.Hour()
	case 'k':
		if t.Hour() == 0 {
			return 24
		}
		return t.Hour()
	case 'K':
		return t.Hour() % 12
	case 'h':
		if h := t.Hour() % 12; h != 0 {
			return h
		}
		return 12
	case 'm':
		return t.Minute()
	case 's':
		return t.Second()
	case 'S':
		return t.Nanosecond() / 1e6
	}
	return 0
}

func appendZone(b []byte, f dateField, t time.Time) []byte {
	_, off := t.Zone()
	if f.letter == 'X' && off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = pad(b, off/3600, 2)
	if f.letter == 'X' && f.n == 1 {
		return b
	}
	if f.letter == 'X' && f.n >= 3 {
		b = append(b, ':')
	}
	return pad(b, off%3600/60, 2)
}

func pad(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
