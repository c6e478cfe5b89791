#!/usr/bin/env bash
# xml.sh: the XML target of issue 18 in one run — seqgate with repo-xml (In:
# an XPath <filter> and an XML payloadFactory with 3 XPath args on a 1 KiB
# XML POST body; Out: the backend's JSON answer written as XML) beside nginx
# passing the same POST and the fasthttp floor (fastproxy/: a fasthttp
# server + HostClient, nothing else). json.sh's layout and columns.
#   fastproxy  the floor: what fasthttp alone costs per proxied request
#   ours-pass  seqgate, no sequences (ours.sh pass)
#   ours-xml   seqgate with repo-xml (ours.sh xml)
# Absent systems (nginx not installed) are skipped with a note. The last
# rows give each system's CPU per request over the floor's (same POST). Before
# measuring, each system gets one request with "X-Echo: 1" (the backend
# answers the body it received): the passers must pass the body unchanged,
# ours-xml must have rewritten it; ours-xml's normal answer must be XML.
# Knobs (env): DURATION=10 WARMUP=2 CONNS="16 64 256" SUT_CPU=0 LOADGEN_CPU=1
#   SYSTEMS="nginx fastproxy ours-pass ours-xml" PORT_BASE=19400 KEEP_WORK=0 RESULTS_CSV=<path>
#   SEQGATE_BIN=<binary> (default: built from this checkout)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SYSTEMS=${SYSTEMS:-"nginx fastproxy ours-pass ours-xml"}
. "$here/lib.sh"
post_env xml 19400
BODY=$here/xml-body.xml
# What repo-xml's payloadFactory makes of xml-body.xml.
WANT='<order xmlns=""><id>ord-20261125-000042</id><customer>Ada Lovelace</customer><total>1234.5</total></order>'
trap cleanup EXIT
trap 'exit 130' INT TERM

launch_fastproxy() {
	(cd "$repo" && go build -o "$WORK/fastproxy" ./tests/bench/fastproxy) || { log "skip fastproxy: build failed"; return 1; }
	start fastproxy "$WORK/fastproxy" -addr "127.0.0.1:$FAST_PORT" -upstream "$BACKEND_URL"
	SUT_PID=$STARTED_PID SUT_URL="http://127.0.0.1:$FAST_PORT/"
}

# verify SYSTEM URL: the pre-flight echo request.
verify() {
	local got want
	got=$(curl -s --max-time 2 -H 'X-Echo: 1' -H 'Content-Type: application/xml' --data-binary "@$BODY" "$2")
	if [ "$1" = ours-xml ]; then want=$WANT; else want=$(cat "$BODY"); fi
	if [ "$got" != "$want" ]; then log "$1 pre-flight: backend saw ${got:0:200}"; echo "FAIL(body)"; return; fi
	if [ "$1" = ours-xml ]; then
		got=$(curl -s --max-time 2 -H 'Content-Type: application/xml' --data-binary "@$BODY" "$2")
		case $got in '<jsonObject>'*) ;; *) log "$1 pre-flight: answer not XML: ${got:0:200}"; echo "FAIL(answer)"; return ;; esac
	fi
	echo ok
}

REQUEST="POST 1 KiB XML"

launch_system() {
	case $1 in
		nginx) launch_nginx ;;
		fastproxy) launch_fastproxy ;;
		ours-pass) launch_ours pass ;;
		ours-xml) launch_ours xml ;;
		*) die "unknown system $1" ;;
	esac
}

main() {
	post_bench application/xml
	floor_rows
	log "CSV: $RESULTS_CSV"
}

# floor_rows: the same POST's CPU per request over the fasthttp floor's, per
# concurrency (issue 18: ours-pass within 10%), from the CSV.
floor_rows() {
	echo; echo "| system over the floor (same POST) | cpu_us/req | over |"; echo "|---|---|---:|"
	awk -F, 'NR > 1 { cpu[$1 "," $2] = $8; conc[$2] = 1 }
		END { for (c in conc) { f = cpu["fastproxy," c]; if (f == "" || f == "n/a") continue
			for (s in cpu) { split(s, k, ","); if (k[2] != c || k[1] == "fastproxy" || cpu[s] == "n/a") continue
				printf "| %s, %s conns | %s vs %s cpu_us/req | %+.1f%% |\n", k[1], c, cpu[s], f, (cpu[s] / f - 1) * 100 } } }' "$RESULTS_CSV" | sort -t, -k1,1 -k2,2n
}

main "$@"
