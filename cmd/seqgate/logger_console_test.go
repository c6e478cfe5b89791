package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

// TestConsoleEscapesControls: in console format a message with CR/LF or
// an escape sequence stays on one line, escaped; plain text is untouched.
func TestConsoleEscapesControls(t *testing.T) {
	cases := map[string]string{
		"plain":                         "plain",
		"a\nb\r\nc":                     `a\nb\r\nc`,
		"tab\there":                     `tab\there`,
		"esc \x1b[31mred":               `esc \x1b[31mred`,
		"del \x7f nel \u0085 ls \u2028": `del \x7f nel \u0085 ls \u2028`,
		"héllo ✓":                       "héllo ✓",
	}
	for in, want := range cases {
		if got := escapeControls(in); got != want {
			t.Errorf("escapeControls(%q) = %q, want %q", in, got, want)
		}
	}
	var out bytes.Buffer
	log, err := newLoggerTo(config.Log{Level: "info", Format: "console", Unbuffered: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	log.With().Info("Payload: x\n2026-01-01T00:00:00.000Z\tINFO\tforged")
	if n := strings.Count(out.String(), "\n"); n != 1 || !strings.Contains(out.String(), `x\n2026`) {
		t.Errorf("console output %q: want one line with the newline escaped", out.String())
	}
}
