// Package docs checks the README against the real binary: every ```console
// example is run, in order, against a gateway in sample mode, and what it
// prints must be what the README shows, ids and dates aside. An example
// that drifts from the code fails here instead of misleading a newcomer.
package docs

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "docs", &binPath)) }

// step is one `$ command` of a console block and the output shown under it.
type step struct {
	line int    // README line of the command
	cmd  string // the command, continuation lines and heredocs included
	want []string
}

// parseConsole reads the ```console blocks of a Markdown file. A command
// starts with "$ "; it continues on lines ending in "\", while a single
// quote is open, and through a
// heredoc (<<'EOF' … EOF); the lines up to the next command or the end of
// the block are its output.
func parseConsole(text string) []step {
	var steps []step
	lines := strings.Split(text, "\n")
	in := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "```console"):
			in = true
			continue
		case in && strings.HasPrefix(l, "```"):
			in = false
			continue
		case !in:
			continue
		}
		if strings.HasPrefix(l, "$ ") {
			s := step{line: i + 1, cmd: strings.TrimPrefix(l, "$ ")}
			for (strings.HasSuffix(l, "\\") || strings.Count(s.cmd, "'")%2 == 1) && i+1 < len(lines) {
				i++
				l = lines[i]
				s.cmd += "\n" + l
			}
			if m := heredoc.FindStringSubmatch(s.cmd); m != nil {
				for i+1 < len(lines) {
					i++
					s.cmd += "\n" + lines[i]
					if lines[i] == m[1] {
						break
					}
				}
			}
			steps = append(steps, s)
			continue
		}
		if len(steps) > 0 {
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, l)
		}
	}
	for i := range steps {
		steps[i].want = trimBlank(steps[i].want)
	}
	return steps
}

var heredoc = regexp.MustCompile(`<<-?'?(\w+)'?`)

func trimBlank(l []string) []string {
	for len(l) > 0 && strings.TrimSpace(l[len(l)-1]) == "" {
		l = l[:len(l)-1]
	}
	return l
}

// masks hide what differs on every run: dates, ids, lengths that depend
// on them or on the ports, curl's version.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?m)^Date: .*$`), "Date: <date>"},
	{regexp.MustCompile(`urn:uuid:[0-9a-f-]{36}`), "urn:uuid:<id>"},
	{regexp.MustCompile(`(?m)^Content-Length: \d+`), "Content-Length: <n>"},
	{regexp.MustCompile(`"Content-Length":"\d+"`), `"Content-Length":"<n>"`},
	{regexp.MustCompile(`curl/[0-9.]+`), "curl/<v>"},
	{regexp.MustCompile(`(?i)(X-RateLimit-Reset"?: "?)\d+`), "${1}<s>"}, // seconds left in the window
	{regexp.MustCompile(`(?m)^Retry-After: \d+`), "Retry-After: <s>"},
	{regexp.MustCompile(`"(ts|time|timestamp)":"[^"]*"`), `"$1":"<ts>"`},
}

func normalise(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// match compares output lines with the README's: a line "..." stands for
// any number of lines, and "..." inside a line for any text.
func match(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for k := 0; k <= len(got); k++ {
			if match(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	if len(got) == 0 || !lineMatch(want[0], got[0]) {
		return false
	}
	return match(want[1:], got[1:])
}

func lineMatch(want, got string) bool {
	if !strings.Contains(want, "...") {
		return want == got
	}
	parts := strings.Split(want, "...")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// sample is the README's world: a working folder holding ./seqgate (this
// tree's binary), ./samples (the repository's), and ./seqgate-samples, the
// gateway's sample-mode folder, with the README's ports swapped for free
// ones.
type sample struct {
	dir                  string
	http, admin, backend string // host:port the test uses
	httpR, adminR, backR string // what the README writes
}

func TestREADMEExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("SKIPPED LOUDLY: curl is not installed and the README's examples are curl commands")
	}
	root, _ := filepath.Abs("../..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	steps := parseConsole(string(readme))
	if len(steps) < 20 {
		t.Fatalf("found %d console steps in README.md: the parser or the README changed", len(steps))
	}
	s := startSample(t, root)
	status, wrote := 0, false
	for _, st := range steps {
		if strings.HasPrefix(st.cmd, "go build -o seqgate ./cmd/seqgate") {
			continue // ./seqgate is already this tree's binary
		}
		prev := status
		var got []string
		got, status = s.run(st.cmd, prev)
		want := trimBlank(strings.Split(normalise(strings.Join(st.want, "\n")), "\n"))
		// A command after one that wrote a sequence file may run before the
		// watcher deployed it (the README says "within about a second"):
		// it is tried again for up to 10 s.
		for deadline := time.Now().Add(10 * time.Second); wrote && len(st.want) > 0 && !match(want, got) && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
			got, status = s.run(st.cmd, prev)
		}
		wrote = heredoc.MatchString(st.cmd)
		if len(st.want) > 0 && !match(want, got) { // a command shown without output is only run
			t.Errorf("README.md:%d: $ %s\nREADME shows:\n%s\nthe gateway printed:\n%s", st.line, st.cmd,
				strings.Join(st.want, "\n"), strings.Join(got, "\n"))
		}
	}
}

// run runs a README command in the sample folder with bash and returns its
// output (stdout and stderr, as a terminal shows them), normalised, and
// its exit status. "(exit prev);" gives it the previous command's status,
// so the README's `echo $?` reads what it shows.
func (s *sample) run(command string, prev int) ([]string, int) {
	cmd := exec.Command("bash", "-c", fmt.Sprintf("(exit %d); %s", prev, s.rewrite(command)))
	cmd.Dir = s.dir
	// CURL_HOME's .curlrc turns off the progress meter, which curl shows
	// only when its output is not a terminal.
	cmd.Env = append(os.Environ(), "PATH="+s.dir+":"+os.Getenv("PATH"), "CURL_HOME="+s.dir)
	out, _ := cmd.CombinedOutput()
	text := normalise(s.back(strings.ReplaceAll(string(out), "\r\n", "\n")))
	return trimBlank(strings.Split(text, "\n")), cmd.ProcessState.ExitCode()
}

// rewrite points a README command at the test's ports.
func (s *sample) rewrite(cmd string) string {
	r := strings.NewReplacer("localhost:"+portOf(s.httpR), "localhost:"+portOf(s.http), s.httpR, s.http,
		s.adminR, s.admin, s.backR, s.backend)
	return r.Replace(cmd)
}

// back writes the README's ports in place of the test's in an output.
func (s *sample) back(out string) string {
	return strings.NewReplacer("localhost:"+portOf(s.http), "localhost:"+portOf(s.httpR),
		s.http, s.httpR, s.admin, s.adminR, s.backend, s.backR).Replace(out)
}

func portOf(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

func startSample(t *testing.T, root string) *sample {
	t.Helper()
	s := &sample{dir: t.TempDir(), httpR: "127.0.0.1:8280", adminR: "127.0.0.1:9765", backR: "127.0.0.1:9000"}
	if err := os.Symlink(binPath, filepath.Join(s.dir, "seqgate")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "samples"), filepath.Join(s.dir, "samples")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, ".curlrc"), []byte("no-progress-meter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(s.dir, "seqgate-samples")
	if err := copyTree(filepath.Join(root, "samples", "repository"), filepath.Join(work, "repository")); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(root, "samples", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 0; attempt < 5; attempt++ {
		s.http, s.admin, s.backend = testbin.FreePort(t), testbin.FreePort(t), testbin.FreePort(t)
		c := strings.NewReplacer(`":8280"`, fmt.Sprintf("%q", s.http), s.adminR, s.admin, s.backR, s.backend).Replace(string(cfg)) +
			"\nlifecycle: { drain_delay: 0s }   # tests/docs: stop at once on SIGTERM\n"
		if !strings.Contains(c, s.http) || !strings.Contains(c, s.admin) || !strings.Contains(c, s.backend) {
			t.Fatal("samples/config.yaml no longer names :8280, 127.0.0.1:9765 and 127.0.0.1:9000: update this test")
		}
		if err := os.WriteFile(filepath.Join(work, "config.yaml"), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv("SEQGATE_SAMPLE_BACKEND", s.backend)
		if _, ok := testbin.Launch(t, binPath, s.admin, "run", "-workdir", work); ok {
			return s
		}
	}
	t.Fatal("no free ports in 5 attempts")
	return nil
}

func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
