package jsontext

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/ohler55/ojg"
	"github.com/ohler55/ojg/oj"
)

var writers = sync.Pool{New: func() any {
	o := ojg.DefaultOptions
	o.Sort = true // Go maps have no order; sorted keys keep output stable
	return &oj.Writer{Options: o}
}}

// Value renders a JSON value the way Synapse's JSONPath string value does:
// strings plain, integral numbers without a fraction, nil as "null",
// objects and arrays as compact JSON with sorted keys. It is here, below
// mediation, so that the ${...} language (mediation/exprlang) can write
// values as mediation.JSONText (which forwards here) does.
func Value(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e18 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case map[string]any, []any:
		w := writers.Get().(*oj.Writer)
		defer writers.Put(w)
		return w.JSON(v)
	}
	return fmt.Sprint(v)
}
