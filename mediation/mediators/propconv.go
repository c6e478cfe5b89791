package mediators

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// propType is a property's type= attribute. Values are kept as strings in
// the message context (our scopes hold strings); the type decides how a
// value is validated and normalised, the way Synapse's convertValue would
// turn it into a Java object and print it back.
type propType uint8

const (
	typeString propType = iota
	typeInteger
	typeBoolean
	typeDouble
	typeFloat
	typeLong
	typeShort
	typeJSON
	typeOM
)

var propTypes = map[string]propType{
	"STRING": typeString, "INTEGER": typeInteger, "BOOLEAN": typeBoolean,
	"DOUBLE": typeDouble, "FLOAT": typeFloat, "LONG": typeLong, "SHORT": typeShort,
	"JSON": typeJSON, "OM": typeOM,
}

// convert validates and normalises v for type t.
func (t propType) convert(v string) (string, error) {
	switch t {
	case typeInteger:
		return convertInt(v, 32)
	case typeLong:
		return convertInt(v, 64)
	case typeShort:
		return convertInt(v, 16)
	case typeBoolean:
		return strconv.FormatBool(trueExplicitly(v)), nil
	case typeDouble:
		return convertFloat(v, 64)
	case typeFloat:
		return convertFloat(v, 32)
	case typeJSON:
		if !json.Valid([]byte(v)) {
			return "", errors.New("not valid JSON")
		}
		return v, nil
	case typeOM:
		if err := checkXML(v); err != nil {
			return "", err
		}
	}
	return v, nil
}

func convertInt(v string, bits int) (string, error) {
	n, err := strconv.ParseInt(v, 10, bits)
	if err != nil {
		return "", fmt.Errorf("%q is not a %d-bit integer", v, bits)
	}
	return strconv.FormatInt(n, 10), nil
}

// trueExplicitly is Axis2's JavaUtils.isTrueExplicitly: only "true", "yes"
// (any case) and "1" are true.
func trueExplicitly(v string) bool {
	return strings.EqualFold(v, "true") || strings.EqualFold(v, "yes") || v == "1"
}

// convertFloat parses like Java's Double.parseDouble and prints like
// Double.toString / Float.toString: "1.0", "0.5", "1.0E7", "1.0E-4".
func convertFloat(v string, bits int) (string, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), bits)
	if err != nil {
		return "", fmt.Errorf("%q is not a number", v)
	}
	return javaFloat(f, bits), nil
}

func javaFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a == 0 || (a >= 1e-3 && a < 1e7) {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, bits) // 1E+07, 1.5E-04
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// checkXML reports whether s is one well-formed XML element (type OM).
func checkXML(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(t)) != "" {
				return errors.New("not well-formed XML: text outside the root element")
			}
		}
	}
	if roots != 1 {
		return errors.New("not well-formed XML: want exactly one root element")
	}
	return nil
}
