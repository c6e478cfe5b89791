// Command targets turns one run of tests/bench/run.sh into the issue-7
// target table, then the issue-18 one: each target, the figure reached at
// 16 / 64 / 256 connections (or the one figure it has) and whether it is
// met. It reads the files run.sh leaves in tests/bench/out: compare.sh's
// CSV, json.sh's CSV, the Go benchmark lines, the markdown tables of the
// scale tool and rss.sh (their rows are copied: those tools judge their own
// targets), and for issue 18 the fasthttp floor's CSV (compare.sh's pass
// with fastproxy in the ours slot) and xml.sh's CSV. A file that is missing
// (a step that was skipped) gives "not run"; a file that lacks a row the
// target needs says what is missing, with "–" for met.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

var concs = []string{"16", "64", "256"}

func main() {
	compare := flag.String("compare", "", "compare.sh CSV")
	jsonCSV := flag.String("json", "", "json.sh CSV")
	gobench := flag.String("gobench", "", "go test -bench output")
	scale := flag.String("scale", "", "scale tool output")
	rss := flag.String("rss", "", "rss.sh output")
	floor := flag.String("floor", "", "compare.sh CSV of the fasthttp floor (fastproxy as ours, pass)")
	xml := flag.String("xml", "", "xml.sh CSV")
	flag.Parse()
	cmp, gb := readCSV(*compare), readFile(*gobench)
	t := &table{}
	t.compare(cmp)
	t.json(readCSV(*jsonCSV))
	t.chain(gb)
	t.copyRows("10,000 sequences (go run ./tests/bench/scale)", readFile(*scale))
	t.copyRows("RSS over 5 minutes (rss.sh)", readFile(*rss))
	t.write(os.Stdout)
	fmt.Println()
	fmt.Println("## Issue 18: XML at the pace of JSON, CPU per request near the fasthttp floor")
	fmt.Println()
	issue18(cmp, readCSV(*floor), readCSV(*xml), gb).write18(os.Stdout)
}

type table struct{ rows [][3]string }

func (t *table) add(target, measured string, met bool, ran bool) {
	switch {
	case !ran:
		t.rows = append(t.rows, [3]string{target, "not run", "–"})
	case met:
		t.rows = append(t.rows, [3]string{target, measured, "yes"})
	default:
		t.rows = append(t.rows, [3]string{target, measured, "**no**"})
	}
}

// rows is a CSV as maps keyed by its header.
type rows []map[string]string

func readCSV(path string) rows {
	b := readFile(path)
	if b == "" {
		return nil
	}
	recs, err := csv.NewReader(strings.NewReader(b)).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil
	}
	var out rows
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, k := range recs[0] {
			if i < len(r) {
				m[k] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}

func readFile(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// get is column col of the row of system/scenario at conc, as a number.
func (r rows) get(system, scenario, conc, col string) (float64, bool) {
	for _, m := range r {
		if m["system"] == system && (scenario == "" || m["scenario"] == scenario) && m["conc"] == conc {
			v, err := strconv.ParseFloat(m[col], 64)
			return v, err == nil
		}
	}
	return 0, false
}

// ratios is a/b per concurrency; ok is false when a figure is missing.
func ratios(r rows, aSys, aScen, bSys, bScen string) (rs []float64, ok bool) {
	for _, c := range concs {
		a, okA := r.get(aSys, aScen, c, "rps")
		b, okB := r.get(bSys, bScen, c, "rps")
		if !okA || !okB || b == 0 {
			return nil, false
		}
		rs = append(rs, a/b)
	}
	return rs, true
}

func joinRatios(rs []float64) string {
	s := make([]string, len(rs))
	for i, v := range rs {
		s[i] = fmt.Sprintf("%.2f", v)
	}
	return strings.Join(s, " / ")
}

func all(rs []float64, min float64) bool {
	for _, v := range rs {
		if v < min {
			return false
		}
	}
	return true
}

func (t *table) ratioRow(target string, r rows, aSys, aScen, bSys, bScen string, min float64) {
	rs, ok := ratios(r, aSys, aScen, bSys, bScen)
	t.add(target, joinRatios(rs), ok && all(rs, min), ok)
}

func (t *table) compare(r rows) {
	t.ratioRow("`pass` ≥ 0.9× nginx", r, "ours", "pass", "nginx", "pass", 0.9)
	t.ratioRow("`headers` ≥ 0.85× nginx `headers`", r, "ours", "headers", "nginx", "headers", 0.85)
	t.ratioRow("`headers` ≥ 2.5× Caddy `headers`", r, "ours", "headers", "caddy", "headers", 2.5)
	t.ratioRow("`mediation` ≥ 0.75× nginx `pass`", r, "ours", "mediation", "nginx", "pass", 0.75)
	ours, ok1 := r.get("ours", "mediation", "64", "p99_ms")
	ngx, ok2 := r.get("nginx", "pass", "64", "p99_ms")
	t.add("`mediation` p99 ≤ nginx `pass` p99 + 1 ms at 64 connections",
		fmt.Sprintf("%.1f ms vs %.1f ms (+%.1f ms)", ours, ngx, ours-ngx), ours <= ngx+1, ok1 && ok2)
}

func (t *table) json(r rows) {
	t.ratioRow("JSON rewrite (1 KiB POST) ≥ 0.5× nginx `pass` (json.sh)", r, "ours-json", "", "nginx", "", 0.5)
}

var benchLine = regexp.MustCompile(`^BenchmarkChain-\d+\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

func (t *table) chain(out string) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := benchLine.FindStringSubmatch(sc.Text()); m != nil {
			b, _ := strconv.Atoi(m[1])
			a, _ := strconv.Atoi(m[2])
			t.add("header-only production chain ≤ 20 allocs, ≤ 4 KiB per request (`BenchmarkChain`)",
				fmt.Sprintf("%d allocs, %d B", a, b), a <= 20 && b <= 4096, true)
			return
		}
	}
	t.add("header-only production chain ≤ 20 allocs, ≤ 4 KiB per request (`BenchmarkChain`)", "", false, false)
}

// copyRows copies the judged rows ("| target | measured | yes/no |") of a
// tool's own table.
func (t *table) copyRows(what, out string) {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(f) != 3 {
			continue
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if f[2] != "yes" && f[2] != "no" && f[2] != "**no**" {
			continue
		}
		t.add(f[0], f[1], f[2] == "yes", true)
		n++
	}
	if n == 0 {
		t.add(what, "", false, false)
	}
}

func (t *table) write(w io.Writer) {
	fmt.Fprintln(w, "| target (issue 7) | reached (16 / 64 / 256 connections where it applies) | met |")
	t.writeRows(w)
}

// write18 is the issue-18 table, with a note on what its Go figures are.
func (t *table) write18(w io.Writer) {
	fmt.Fprintln(w, "| target (issue 18) | reached (16 / 64 / 256 connections where it applies) | met |")
	t.writeRows(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The Go benchmark figures are wall-clock ns/op from `go test -bench` (other load on the machine raises them);")
	fmt.Fprintln(w, "CPU per request is the proxy's user+sys time over the requests wrk completed.")
}

func (t *table) writeRows(w io.Writer) {
	fmt.Fprintln(w, "|---|---|---|")
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s | %s | %s |\n", r[0], r[1], r[2])
	}
}
