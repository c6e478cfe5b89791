package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestREADMEContents: the README's table of contents lists every ## and ###
// heading, in order, with GitHub's anchors. When it fails, it prints the
// table to paste under "## Contents"; SEQGATE_UPDATE_CONTENTS=1 writes it.
func TestREADMEContents(t *testing.T) {
	root, _ := filepath.Abs("../..")
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	want := contents(text)
	start := strings.Index(text, "## Contents\n\n")
	if start < 0 {
		t.Fatalf("README.md has no \"## Contents\" section; paste this one after the introduction:\n\n%s", want)
	}
	body := text[start+len("## Contents\n\n"):]
	if end := strings.Index(body, "\n\n"); end >= 0 {
		body = body[:end+1]
	}
	if body != want && os.Getenv("SEQGATE_UPDATE_CONTENTS") == "1" {
		text = text[:start+len("## Contents\n\n")] + want + text[start+len("## Contents\n\n")+len(body):]
		if err := os.WriteFile(filepath.Join(root, "README.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if body != want {
		t.Errorf("README.md's contents do not match its headings; paste this under \"## Contents\":\n\n%s", want)
	}
}

// contents builds the table: "- [title](#anchor)" per ## heading, indented
// for ###, outside code fences, "Contents" itself left out.
func contents(text string) string {
	var b strings.Builder
	seen := map[string]int{}
	fence := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		level := 0
		switch {
		case strings.HasPrefix(l, "## "):
			level = 2
		case strings.HasPrefix(l, "### "):
			level = 3
		default:
			continue
		}
		title := strings.TrimSpace(l[level+1:])
		a := anchor(title)
		n := seen[a]
		seen[a]++
		if n > 0 {
			a += "-" + string(rune('0'+n))
		}
		if title == "Contents" {
			continue
		}
		b.WriteString(strings.Repeat("  ", level-2) + "- [" + linkText(title) + "](#" + a + ")\n")
	}
	return b.String()
}

var codeSpan = regexp.MustCompile("`([^`]*)`")

// linkText keeps a heading's code spans; brackets would end the link.
func linkText(title string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(title)
}

// anchor is GitHub's: lower case, punctuation dropped (but - and _),
// spaces to hyphens; code spans keep their text.
func anchor(title string) string {
	title = codeSpan.ReplaceAllString(title, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
