package gateway

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLimitedBody(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		limit    int64
		wantOver bool
	}{
		{"under", "abc", 4, false},
		{"at the limit", "abcd", 4, false},
		{"over", "abcde", 4, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &limitedBody{r: strings.NewReader(c.body), left: c.limit}
			got, err := io.ReadAll(l)
			if l.over != c.wantOver {
				t.Fatalf("over = %v, want %v (read %q, err %v)", l.over, c.wantOver, got, err)
			}
			if c.wantOver && !errors.Is(err, errBodyOverLimit) {
				t.Errorf("err = %v, want errBodyOverLimit", err)
			}
			if !c.wantOver && (err != nil || string(got) != c.body) {
				t.Errorf("read %q, %v; want %q", got, err, c.body)
			}
		})
	}
}
