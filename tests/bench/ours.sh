#!/usr/bin/env bash
# ours.sh SCENARIO: serve one bench scenario on 127.0.0.1:$OURS_PORT in front of
# $BACKEND_URL (both exported by ../shared/bench/compare.sh). Scenarios:
#   pass       one API, auth off, no throttling, no sequences, usage events off
#   headers    global In adds X-Req-Added: 1, global Out adds X-Resp-Added: 1
#   mediation  the production chain: API-key auth, a tier that does not reject,
#              usage on (metrics + per-request JSON event), global and per-API In
#              and Out sequences of 5 mediators each (repo-chain/)
#   json       payloadFactory (json, 3 json-eval args) on the request body (repo-json/)
#   xml        XPath filter + payloadFactory (xml, 3 XPath args) on the request
#              body, the JSON answer written as XML (repo-xml/)
# OURS_ACCESS_LOG=<file> turns the access log on (json, written to <file>;
# OURS_ACCESS_FORMAT=combined for the other format), to measure its cost.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scen=${1:?scenario}
bin=${SEQGATE_BIN:-$here/out/seqgate}
work=${BENCH_WORK:-$(mktemp -d)}
events=false repo=$here/repo-empty auth=none tier=Unlimited
case $scen in
	pass) ;;
	headers) repo=$here/repo-headers ;;
	mediation) repo=$here/repo-chain auth=apikey events=true tier=Bench ;;
	json) repo=$here/repo-json ;;
	xml) repo=$here/repo-xml ;;
	*) echo "ours.sh: unknown scenario $scen" >&2; exit 2 ;;
esac
mkdir -p "$here/repo-empty"
cat >"$work/ours-$scen.yaml" <<YAML
listen: { http: "127.0.0.1:${OURS_PORT:-18090}", admin: "127.0.0.1:${OURS_ADMIN_PORT:-18091}" }
repository: $repo
log: { level: info }
lifecycle: { drain_delay: 0s }
usage: { events: $events }
tiers: [ { name: Bench, requests: 1000000000, unit: 1m } ]
applications: [ { name: BenchApp, id: "1", consumer_key: bench-ck, user: bench, keys: [ bench-key ] } ]
apis:
  - provider: admin
    name: Bench
    version: 1.0.0
    context: /bench
    auth: $auth
    tier: $tier
    backend: [ "$BACKEND_URL" ]
YAML
if [ -n "${OURS_ACCESS_LOG:-}" ]; then
	echo "access_log: { enabled: true, output: \"$OURS_ACCESS_LOG\", format: ${OURS_ACCESS_FORMAT:-json} }" >>"$work/ours-$scen.yaml"
fi
exec "$bin" run -config "$work/ours-$scen.yaml"
