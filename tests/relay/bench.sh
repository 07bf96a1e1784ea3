#!/usr/bin/env bash
# bench.sh [N...]: the relay under 1, 4 and 8 concurrent Chromium
# publishers (default "1 4 8"), each on its own stream, on the same
# loopback setup as the relay suite (tests/relay/harness.sh).  A
# benchmark, not a test: not part of make test, nothing is asserted, and
# the publishers share the machine's cores with the relay (8 Chromiums on
# 2 cores mostly measure Chromium), so read the numbers as one run's.
#
# Per round it prints: POST -> 201 and POST -> connected (median / max
# over the publishers), POST -> first RTMP bytes at the Cloudflare
# stand-in, the relay's CPU (all whip processes, % of one CPU, over the
# steady part of the run) and RSS (sum of whip processes: idle before the
# round, peak during it), per session too, the box's CPU busy %, and how
# many sessions left a playable local recording and Cloudflare push.
#
#   BENCH_SECONDS=15   the measured window: from the moment every
#                      publisher is connected until they all DELETE
#   BENCH_TSV=FILE     also append each round to FILE, tab-separated:
#                      N, POST->201, POST->conn, POST->RTMP (each
#                      "median / max" ms), relay CPU %, CPU %/session,
#                      RSS kB idle, peak, +per session, box busy,
#                      outputs ok (make bench with RELAY=1 reads it)
#   KEEP=1             keep the temp dir
#   BUILD, CHROMIUM, RELAY_MEDIA_TIMEOUT as for run.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
# shellcheck source=tests/relay/harness.sh
. "$here/harness.sh"

rounds=("$@")
[ ${#rounds[@]} -gt 0 ] || rounds=(1 4 8)
secs=${BENCH_SECONDS:-15}

bench_finish() {
	type _relay_case_exit >/dev/null 2>&1 && _relay_case_exit
	harness_teardown
}
trap bench_finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

harness_setup vigil-relay-bench || { echo "bench: setup failed: $HARNESS_ERROR" >&2; exit 1; }
echo "bench: nginx $BASE, rtmp 127.0.0.1:$RTMP_PORT, $(nproc) CPUs, $secs s per publisher"

# The case helpers (api, json, fail; publish; whip_*; proc_*).
export CASE_NAME=bench
# shellcheck source=tests/integration/lib.sh
. "$root/tests/integration/lib.sh"
# shellcheck source=tests/relay/lib.sh
. "$here/lib.sh"
trap bench_finish EXIT
set +e

whip_all() {
	{ whip_master; whip_workers; } | grep .
}
sum_ticks() {
	local p t=0 v
	for p in $(whip_all); do
		v=$(proc_ticks "$p") && t=$((t + v))
	done
	echo $t
}
sum_rss() {
	local p t=0 v
	for p in $(whip_all); do
		v=$(proc_rss "$p") && [ -n "$v" ] && t=$((t + v))
	done
	echo $t
}
# busy and total jiffies of the whole box
box_jiffies() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i;
	    print t - $5 - $6, t }' /proc/stat
}
median_max() {
	sort -n | awk '{ a[NR] = $1 } END {
	    if (NR == 0) { print "n/a"; exit }
	    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
	    printf "%.0f / %.0f", m, a[NR] }'
}

printf '\n%-3s %-17s %-17s %-17s %-14s %-15s %-22s %-9s %s\n' N \
    'POST->201 ms' 'POST->conn ms' 'POST->RTMP ms' 'relay CPU %' \
    'CPU %/session' 'RSS kB idle/peak/+per' 'box busy' 'outputs ok'
for n in "${rounds[@]}"; do
	dir=$CASE_TMP/round-$n
	mkdir -p "$dir"
	relay_memorial		# a memorial per round: its live count is ours
	sids=() keys=() outs=() errs=() pids=()
	for i in $(seq "$n"); do
		new_stream "Bench $n/$i"
		sids+=("$SID")
		keys+=("$CF_KEY")
		_publish_files
		outs+=("$PUB_OUT")
		errs+=("$PUB_ERR")
		printf '%s %s\n' "$WHIP_URL" "$PTOKEN" >"$dir/stream.$i"
	done
	watch=$dir/first-bytes
	globs=()
	for k in "${keys[@]}"; do
		globs+=("$RTMP_DIR/rec/live/$k-*.flv")
	done
	watch_first_bytes "$watch" "${globs[@]}"
	rss_idle=$(sum_rss)
	# Every publisher holds its media until the round's window is over.
	stop=$dir/stop
	for i in $(seq "$n"); do
		read -r url tok <"$dir/stream.$i"
		node "$PUBLISH" --whip "$url" --token "$tok" \
		    --seconds "$((secs + 120))" --hold-until "$stop" \
		    --connect-timeout 40 >"${outs[$((i - 1))]}" \
		    2>"${errs[$((i - 1))]}" </dev/null &
		pids+=("$!")
	done
	# Steady state: every publisher connected (or finished).
	for _ in $(seq 900); do
		c=0
		for e in "${errs[@]}"; do
			grep -qE '"event":"(connected|done)"' "$e" && c=$((c + 1))
		done
		[ "$c" -ge "$n" ] && break
		sleep 0.1
	done
	sleep 1
	t0=$(now_ms)
	k0=$(sum_ticks)
	read -r b0 j0 < <(box_jiffies)
	peak=$(sum_rss)
	for _ in $(seq "$secs"); do
		sleep 1
		r=$(sum_rss)
		[ "$r" -le "$peak" ] || peak=$r
	done
	k1=$(sum_ticks)
	t1=$(now_ms)
	read -r b1 j1 < <(box_jiffies)
	live=$(curl -sS --max-time 10 -H "Authorization: Bearer $(token --sub "$OWNER")" \
	    "$BASE/api/streams?memorialId=$MID&status=live&limit=100" |
	    jq '.streams | length' 2>/dev/null || echo '?')
	: >"$stop"
	for p in "${pids[@]}"; do
		wait "$p"
	done
	cpu=$(cpu_percent "$k0" "$k1" "$((t1 - t0))")
	per=$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.1f", c / n }')
	busy=$(awk -v b="$((b1 - b0))" -v j="$((j1 - j0))" 'BEGIN { if (j > 0) printf "%.0f%%", b * 100 / j; else print "n/a" }')
	p201=$(for o in "${outs[@]}"; do jq -r '.post201Ms // empty' "$o"; done | median_max)
	pconn=$(for o in "${outs[@]}"; do jq -r '.connectedMs // empty' "$o"; done | median_max)
	prtmp=$(for i in $(seq "$n"); do
		e=$(jq -r '.postEpochMs // empty' "${outs[$((i - 1))]}")
		t=$(awk -v k="${keys[$((i - 1))]}" 'index($1, "/" k "-") { print $2; exit }' "$watch" 2>/dev/null)
		[ -n "$e" ] && [ -n "$t" ] && echo $((t - e))
	done | median_max)
	ok=0
	statuses=""
	for i in $(seq "$n"); do
		o=${outs[$((i - 1))]}
		statuses="$statuses $(jq -r '.status' "$o" 2>/dev/null || echo '?')"
		part=$(local_parts "${sids[$((i - 1))]}" | tail -n 1)
		cf=$(rtmp_files live "${keys[$((i - 1))]}" | tail -n 1)
		[ "$(jq -r .ok "$o" 2>/dev/null)" = true ] && [ -n "$part" ] &&
		    [ -n "$cf" ] && probe "$part" && [ "$(codecs)" = "aac h264" ] &&
		    probe "$cf" && [ "$(codecs)" = "aac h264" ] && ok=$((ok + 1))
	done
	printf '%-3s %-17s %-17s %-17s %-14s %-15s %-22s %-9s %s\n' "$n" \
	    "$p201" "$pconn" "$prtmp" "$cpu" "$per" \
	    "$rss_idle/$peak/+$(( (peak - rss_idle) / n ))" "$busy" \
	    "$ok/$n (POST:$statuses; live at the end: $live)"
	[ -z "${BENCH_TSV:-}" ] ||
	    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" \
	    "$p201" "$pconn" "$prtmp" "$cpu" "$per" "$rss_idle" "$peak" \
	    "$(( (peak - rss_idle) / n ))" "$busy" "$ok" >>"$BENCH_TSV"
	# Let the relay settle between rounds.
	sleep 3
done
echo
echo "bench: POST->201 and POST->conn from the browser (median / max); POST->RTMP: first FLV bytes > 13 B at the Cloudflare stand-in; CPU over the steady window (all publishers connected, before DELETE), % of one CPU, all whip processes; RSS summed over whip processes."
