# load-case.sh: make valgrind's load, run by tests/valgrind/run.sh as a
# case of tests/integration/run.sh (lib.sh sourced: BASE, RUNDIR, the
# fake providers, the test secrets), so the stack is the integration
# suite's own, each program started through STACK_WRAP.
#
# Each FastCGI program in VG_PROGRAMS in turn answers VG_REQUESTS
# requests of every kind it serves (tests/valgrind/load.mjs: good and
# bad, signed webhooks right and wrong, provider faults, 4xx garbage),
# each answer checked against its expected status.  The VmRSS of each of
# its workers is read after VG_CHECKPOINT answered requests and at the
# end; with VG_RSS_JUDGE=1 (the default) growth beyond
# VG_RSS_TOLERANCE_KB fails (run.sh sets 0 under valgrind, whose own
# bookkeeping grows the RSS: there it is only shown).  Then whip answers
# VG_WHIP_REQUESTS refusals (401/404/405/406/415/400: nothing reaches
# GStreamer), paced under nginx's 20 r/s for /whip/.  Results go to
# $VG_OUT (one JSON line per program) for run.sh's report.

: "${VG_OUT:?set by tests/valgrind/run.sh}"
programs=${VG_PROGRAMS-create-whip streams memorials session webhook-mux webhook-stream-status}
requests=${VG_REQUESTS:-10000}
# The first reading comes after a warm-up: SQLite's page cache (bounded,
# 2 MiB per connection by default) fills as the load's database grows,
# by up to ~0.9 MiB between the 1,000th and the 3,000th request.
checkpoint=${VG_CHECKPOINT:-3000}
tolerance=${VG_RSS_TOLERANCE_KB:-1024}
load=$IT_ROOT/tests/valgrind/load.mjs

# Tokens outlive the longest run.
VG_ADMIN=$(token --sub vg-admin --role admin --ttl 86400)
VG_OWNER=$(token --sub vg-owner --ttl 86400)
VG_OUTSIDER=$(token --sub vg-outsider --ttl 86400)
export VG_ADMIN VG_OWNER VG_OUTSIDER FAKE_URL VIGIL_DB
# Sign-in links: one per session cycle (of 13 kinds, 4 requests).
links=$((requests / 10 + 100))
node "$load" seed --base "$BASE" --out "$CASE_TMP/state.json" \
    --links "$links" || fail "seeding failed"

supervisor() {
	awk -v n="$1" '$1 == n { print $2 }' "$RUNDIR/pids"
}

bad=""
for p in $programs; do
	pid=$(supervisor "$p")
	[ -n "$pid" ] || fail "$p is not running"
	node "$load" run --base "$BASE" --state "$CASE_TMP/state.json" \
	    --program "$p" --requests "$requests" --checkpoint "$checkpoint" \
	    --pid "$pid" >"$CASE_TMP/$p.json" || bad="$bad $p"
	cat "$CASE_TMP/$p.json" >>"$VG_OUT"
	# Each worker: RSS at the checkpoint and at the end, same pid.
	jq -r '.rss | to_entries[] | "\(.key) \(.value | join(" "))"' \
	    "$CASE_TMP/$p.json" >"$CASE_TMP/$p.rss"
	[ -s "$CASE_TMP/$p.rss" ] || bad="$bad $p(no-rss)"
	while read -r wpid first last more; do
		if [ -z "$last" ] || [ -n "$more" ]; then
			echo "$p worker $wpid: RSS readings '$first $last $more':" \
			    "replaced or missing"
			bad="$bad $p(worker)"
			continue
		fi
		echo "$p worker $wpid: VmRSS ${first} kB after $checkpoint," \
		    "${last} kB after $requests requests ($((last - first)) kB)"
		[ "${VG_RSS_JUDGE:-1}" != 1 ] ||
		    [ $((last - first)) -le "$tolerance" ] ||
		    bad="$bad $p(rss+$((last - first))kB)"
	done <"$CASE_TMP/$p.rss"
done

# The relay warms up (plugins, the DTLS key) in ~11 s under valgrind on
# an idle box, more while the other programs start; its first worker may
# even miss the relay's own 30 s start bound and be replaced.  Wait for
# an answer before the load.
whip_ready() {
	local id
	id=$(jq -r '[.streams[] | select(.method == "whip_browser")][0].id' \
	    "$CASE_TMP/state.json")
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
	    -H "Authorization: Bearer $VG_OWNER" "$BASE/whip/$id/stats")" = 200 ]
}
if [ "${VG_WHIP_REQUESTS:-300}" -gt 0 ] && [ -n "$(supervisor whip)" ]; then
	deadline=$((SECONDS + 180))
	until whip_ready; do
		[ $SECONDS -lt $deadline ] || fail "whip did not answer in 180 s"
		sleep 1
	done
	# 18/s: nginx lets 20/s through to /whip/ (and a burst of 100).
	node "$load" run --base "$BASE" --state "$CASE_TMP/state.json" \
	    --program whip --requests "${VG_WHIP_REQUESTS:-300}" \
	    --concurrency 1 --rate 18 --checkpoint 0 \
	    >"$CASE_TMP/whip.json" || bad="$bad whip"
	cat "$CASE_TMP/whip.json" >>"$VG_OUT"
fi
[ -z "$bad" ] || fail "load failed:$bad (see the JSON lines above)"
