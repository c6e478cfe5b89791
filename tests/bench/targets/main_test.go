package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTable builds the table from one real run's files (testdata: the
// 2026-11-26 03:31 run) and checks the rows that matter.
func TestTable(t *testing.T) {
	tb := &table{}
	tb.compare(readCSV("testdata/compare.csv"))
	tb.json(readCSV("testdata/json.csv"))
	tb.chain(readFile("testdata/gobench.txt"))
	tb.copyRows("scale", readFile("testdata/scale.md"))
	tb.copyRows("rss", readFile("testdata/rss.md"))
	tb.copyRows("missing", readFile("testdata/nothing-here.md"))
	var out bytes.Buffer
	tb.write(&out)
	for _, want := range []string{
		"| `pass` ≥ 0.9× nginx | 0.84 / 0.98 / 0.70 | **no** |",
		"| `headers` ≥ 2.5× Caddy `headers` | 1.87 / 2.15 / 3.08 | **no** |",
		"| `mediation` ≥ 0.75× nginx `pass` | 0.62 / 0.64 / 0.48 | **no** |",
		"| `mediation` p99 ≤ nginx `pass` p99 + 1 ms at 64 connections | 27.9 ms vs 16.4 ms (+11.6 ms) | **no** |",
		"| JSON rewrite (1 KiB POST) ≥ 0.5× nginx `pass` (json.sh) | 0.40 / 0.52 / 0.51 | **no** |",
		"(`BenchmarkChain`) | 6 allocs, 57 B | yes |",
		"| CPU per request, all 4 runs together, within 10% | 70.3 µs vs 73.3 µs (-4.2%) | yes |",
		"(+8.3%), max 52.7 MiB | yes |",
		"| missing | not run | – |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMissingFiles: a run without json.sh or the Go benchmarks says so.
func TestMissingFiles(t *testing.T) {
	tb := &table{}
	tb.compare(readCSV(""))
	tb.json(readCSV("testdata/none.csv"))
	tb.chain("")
	var out bytes.Buffer
	tb.write(&out)
	if n := strings.Count(out.String(), "not run"); n != 7 {
		t.Errorf("%d rows say not run, want 7:\n%s", n, out.String())
	}
}
