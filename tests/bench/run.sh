#!/usr/bin/env bash
# run.sh: every seqgate speed figure in one command. Builds seqgate, then runs
# ../shared/bench/compare.sh (seqgate beside nginx, HAProxy, Caddy and Go's
# reverse proxy, same pinned CPUs, one run) with our three scenarios, the Go
# benchmarks, json.sh (JSON rewrite), the scale tool and rss.sh, and ends
# with the issue-7 target table, then issue 18's (targets/: target, figure
# reached, met). Results land in tests/bench/out/ (targets-STAMP.md holds
# both tables). About
# 20 minutes; QUICK=1 runs compare.sh and the Go benchmarks only (~8 min).
# The fasthttp floor (fastproxy/: a fasthttp server + HostClient, nothing
# else) is measured in every run: compare.sh's pass scenario once more with
# it as the gateway (out/floor-STAMP.*), and in xml.sh (issue 18's xml
# scenario: XPath filter + XML payloadFactory in, JSON answer written as XML
# out; out/xml-STAMP.*). SKIP_FLOOR=1 and SKIP_XML=1 leave them out.
# Knobs are compare.sh's (DURATION, WARMUP, CONNS, SYSTEMS, SCENARIOS) plus
# SKIP_GO_BENCH=1 and QUICK=1.
# Needs the peers: ../shared/bench/setup-peers.sh (once per machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
[ -x "$shared/bench/compare.sh" ] || { echo "run.sh: $shared/bench/compare.sh not found" >&2; exit 1; }
mkdir -p "$here/out"
(cd "$repo" && go build -o "$here/out/seqgate" ./cmd/seqgate && go build -o "$here/out/fastproxy" ./tests/bench/fastproxy)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
export SEQGATE_BIN=$here/out/seqgate
export OURS_PATH=/bench/1.0.0/ OURS_HEADER='apikey: bench-key'
export OURS_CMD="$here/ours.sh pass" OURS_HEADERS_CMD="$here/ours.sh headers" OURS_MEDIATION_CMD="$here/ours.sh mediation"
export RESULTS_CSV=$here/out/compare-$stamp.csv
# compare.sh ends with status 1 when RESULTS_CSV lies outside its work dir
# (its last test); the table is complete then, so that status is not ours.
"$shared/bench/compare.sh" | tee "$here/out/compare-$stamp.md" || true
if [ "${SKIP_FLOOR:-0}" != 1 ]; then
	# the floor, through compare.sh's "ours" slot (same layout, same wrk runs)
	OURS_NAME=fastproxy OURS_CMD="'$here/out/fastproxy' -addr 127.0.0.1:\${OURS_PORT:-18090} -upstream \$BACKEND_URL" \
		SYSTEMS=ours SCENARIOS=pass RESULTS_CSV=$here/out/floor-$stamp.csv \
		"$shared/bench/compare.sh" | tee "$here/out/floor-$stamp.md" || true
fi
if [ "${SKIP_XML:-0}" != 1 ]; then
	RESULTS_CSV=$here/out/xml-$stamp.csv bash "$here/xml.sh" | tee "$here/out/xml-$stamp.md"
fi
if [ "${SKIP_GO_BENCH:-0}" != 1 ]; then
	(cd "$repo" && go test -run '^$' -bench . -benchmem -count=1 ./cmd/... ./mediation/... ./handlers/... ./sequences/... ./deploy/...) \
		| grep -E '^(Benchmark|ok|PASS|FAIL)' | tee "$here/out/gobench-$stamp.txt"
fi
if [ "${QUICK:-0}" != 1 ]; then
	unset RESULTS_CSV
	RESULTS_CSV=$here/out/json-$stamp.csv bash "$here/json.sh" | tee "$here/out/json-$stamp.md"
	(cd "$repo" && go run ./tests/bench/scale -bin "$SEQGATE_BIN") | tee "$here/out/scale-$stamp.md"
	bash "$here/rss.sh" | tee "$here/out/rss-$stamp.md"
fi
(cd "$repo" && go run ./tests/bench/targets -compare "$here/out/compare-$stamp.csv" -json "$here/out/json-$stamp.csv" \
	-gobench "$here/out/gobench-$stamp.txt" -scale "$here/out/scale-$stamp.md" -rss "$here/out/rss-$stamp.md" \
	-floor "$here/out/floor-$stamp.csv" -xml "$here/out/xml-$stamp.csv") \
	| tee "$here/out/targets-$stamp.md"
echo "results: $here/out/*-$stamp.*"
