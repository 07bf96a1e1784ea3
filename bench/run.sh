#!/usr/bin/env bash
# run.sh: Vigil's benchmark (make bench; bench/README.md).  Starts its own
# stack on loopback exactly like tests/integration/run.sh (temp dir, fresh
# database, the fake providers, tools/stack.sh) with nginx's rate limits
# relaxed, measures, prints a table of RATIOS taken in this one run, and
# stops everything.  Nothing here is a pass/fail on wall-clock time: the
# "target" column says whether a ratio met its goal, the exit status only
# whether the run itself worked (every request answered, nothing lost).
#
#   1. listing: GET /api/streams?memorialId=M&limit=50 (50 streams)
#      with wrk at 1, 16 and 64 connections, each against nginx serving
#      the same bytes as a static file (/media/bench-*.json): anonymous
#      (the public view, from nginx's 1 s micro-cache: what viewers get)
#      and with the owner's token (the full view, never cached: the
#      program's own throughput)
#   2. webhooks: signed Mux events/s, 4 keep-alive senders (wrk,
#      bench/webhooks.lua; the events made first by bench/webhooks.mjs),
#      every 200 checked against the rows it must have left
#   3. create-whip with the fake providers answering after D ms: median
#      wall time against the critical path (obs 2·D, whip_browser D)
#   4. VmRSS of each streams worker at idle and after the listing load
#   5. the full view at 64 connections with each of BENCH_WORKERS
#   6. with RELAY=1, the relay: tests/relay/bench.sh 1 4 8 (Chromium
#      publishers), CPU and RSS per publisher, POST -> first RTMP byte
# Next to each rate, the CPU it cost per request (utime + stime from
# /proc of nginx and of the program; wrk's from /usr/bin/time), which a
# busy shared machine disturbs far less than the rates.
#
# Settings (environment):
#   BENCH_DURATION=10s     each wrk run
#   BENCH_THREADS=2        wrk -t
#   BENCH_EVENTS=20000     webhook events; BENCH_EVENT_SECONDS=60 caps it
#   BENCH_SENDERS=4        concurrent webhook senders
#   BENCH_RSS_REQUESTS=100000   listing requests before RSS is read again
#   BENCH_DELAY_MS=200     the providers' delay for create-whip (D)
#   BENCH_CREATES=10       create-whip runs per method
#   BENCH_WORKERS="2 4"    -w for each program (the first is the main run)
#   BENCH_OUT=FILE         also write the table (Markdown) to FILE
#   RELAY=1                also run the relay's bench (tests/relay/bench.sh,
#                          BENCH_RELAY_ROUNDS="1 4 8", its BENCH_SECONDS)
#   KEEP=1                 keep the temp dir (logs, database, wrk output)
#   BUILD=build            where the programs and the CLI are
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1
stack=$root/tools/stack.sh

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
EVENTS=${BENCH_EVENTS:-20000}
EVENT_SECONDS=${BENCH_EVENT_SECONDS:-60}
SENDERS=${BENCH_SENDERS:-4}
RSS_REQUESTS=${BENCH_RSS_REQUESTS:-100000}
DELAY_MS=${BENCH_DELAY_MS:-200}
CREATES=${BENCH_CREATES:-10}
WORKERS=${BENCH_WORKERS:-2 4}
NSTREAMS=50
RELAY=${RELAY:-0}
RELAY_ROUNDS=${BENCH_RELAY_ROUNDS:-1 4 8}

# Only the bench configuration reaches the programs (as run.sh does).
for v in $(compgen -v | grep -E '^(VIGIL_|JWT_|CLOUDFLARE_|MUX_)'); do
	unset "$v"
done
unset SESSION_COOKIE

export BUILD=${BUILD:-build}
case $BUILD in /*) build=$BUILD ;; *) build=$root/$BUILD ;; esac

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

PATH=$PATH:/usr/sbin:/sbin
for tool in wrk curl jq sqlite3 nginx node awk; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "$tool is missing: run tools/deps.sh test"
done
for p in streams create-whip webhook-mux webhook-stream-status; do
	[ -x "$build/cgi-bin/$p" ] || die "$build/cgi-bin/$p is not built: run make"
done
[ -x "$build/vigil" ] || die "$build/vigil is not built: run make"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
mkdir -p "$tmp/log" "$tmp/wrk"
export RUNDIR=$tmp/run
failures=0
# shellcheck source=tests/testenv.sh
. "$root/tests/testenv.sh"

finish() {
	"$stack" stop "$RUNDIR" >/dev/null 2>&1 || true
	testenv_fake_stop
	if [ "${KEEP:-0}" = 1 ]; then
		echo "bench: files kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() {
	printf 'bench: %s\n' "$*" >&2
}

# A problem with the run itself (not a slow number): reported, exit 1.
problem() {
	say "PROBLEM: $*"
	failures=$((failures + 1))
}

# ------------------------------------------------------------ the stack

testenv_fake_start "$tmp" || die "$TESTENV_ERROR"
testenv_config "$tmp" rtmp://127.0.0.1:1935/app || die "$TESTENV_ERROR"
# Rate limits far above anything one machine can send, so they never
# cap a measurement; the production values are tools/stack.sh's.
export NGINX_CREATE_RATE=100000r/s NGINX_CREATE_BURST=100000
export NGINX_WEBHOOK_RATE=100000r/s NGINX_WEBHOOK_BURST=100000

# start_stack WORKERS: the stack with -w WORKERS, on a free port.
start_stack() {
	export VIGIL_WORKERS=$1
	testenv_stack_start "$RUNDIR" "$tmp/log/stack.err" ||
	    die "stack: $TESTENV_ERROR"
}

stop_stack() {
	"$stack" stop "$RUNDIR" >/dev/null 2>&1 || true
}

fake_config() {
	curl -fsS --max-time 10 -H 'Content-Type: application/json' \
	    -d "$1" "$FAKE_URL/_fake/config" >/dev/null ||
	    die "fake config $1 failed"
}

# The workers of program NAME (children of its supervisor), one a line.
workers_of() {
	local sup
	sup=$(awk -v n="$1" '$1 == n { print $2 }' "$RUNDIR/pids")
	[ -n "$sup" ] || return 0
	ps -o pid= --ppid "$sup" | tr -d ' ' | sort -n
}

# "pid:rssKiB ..." for NAME's workers.
rss_of() {
	local pid out=""
	for pid in $(workers_of "$1"); do
		out="$out $pid:$(awk '/^VmRSS:/ { print $2 }' \
		    "/proc/$pid/status" 2>/dev/null || echo '?')"
	done
	printf '%s\n' "${out# }"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
read -r main_workers _ <<<"$WORKERS"
start_stack "$main_workers"
say "nginx $BASE, fake providers $FAKE_URL, workers $main_workers, tmp $tmp"

# ------------------------------------------------------------ seed

MEM=bench-memorial
vigil=$build/vigil
"$vigil" memorial add --id "$MEM" --title "In loving memory of A. Bench" \
    --owner bench-owner >/dev/null || die "vigil memorial add failed"
"$vigil" memorial add --id bench-webhooks --title "Webhook target" \
    --owner bench-owner >/dev/null || die "vigil memorial add failed"
OWNER=$("$vigil" token --sub bench-owner --ttl 3600) || die "vigil token failed"
fake_config '{"delayMs":0}'
timeout 300 node bench/seed.mjs --base "$BASE" --token "$OWNER" \
    --memorial "$MEM" --streams "$NSTREAMS" >&2 ||
    die "seeding the listing memorial failed"
# Ten streams of their own for the webhook load, so it does not change
# the listing.
timeout 120 node bench/seed.mjs --base "$BASE" --token "$OWNER" \
    --memorial bench-webhooks --streams 10 --out "$tmp/wh-streams" >&2 ||
    die "seeding the webhook streams failed"

LIST_PATH="/api/streams?memorialId=$MEM&limit=$NSTREAMS"
STATIC_PATH=/media/bench-listing.json
FULL_STATIC_PATH=/media/bench-listing-full.json
OWNER_H="Authorization: Bearer $OWNER"
curl -fsS --max-time 10 -o "$VIGIL_MEDIA_DIR/bench-listing.json" \
    "$BASE$LIST_PATH" || die "GET $LIST_PATH failed"
# The owner's full view: what the program itself serves at each request.
curl -fsS --max-time 10 -H "$OWNER_H" \
    -o "$VIGIL_MEDIA_DIR/bench-listing-full.json" "$BASE$LIST_PATH" ||
    die "GET $LIST_PATH (owner) failed"
grep -q '"whipUrl"' "$VIGIL_MEDIA_DIR/bench-listing-full.json" ||
    die "the owner's listing is not the full view"
! grep -q '"whipUrl"' "$VIGIL_MEDIA_DIR/bench-listing.json" ||
    die "the anonymous listing is the full view"
curl -fsS --max-time 10 -o "$tmp/static-full.json" "$BASE$FULL_STATIC_PATH" ||
    die "GET $FULL_STATIC_PATH failed"
cmp -s "$tmp/static-full.json" "$VIGIL_MEDIA_DIR/bench-listing-full.json" ||
    die "the static copy differs from the full view"
FULL_BYTES=$(wc -c <"$VIGIL_MEDIA_DIR/bench-listing-full.json")
n=$(jq '.streams | length' "$VIGIL_MEDIA_DIR/bench-listing.json")
[ "$n" = "$NSTREAMS" ] || die "the listing has $n streams, not $NSTREAMS"
nrec=$(jq '[.streams[].recordingSources[].recordings[]] | length' \
    "$VIGIL_MEDIA_DIR/bench-listing.json" 2>/dev/null || echo '?')
curl -fsS --max-time 10 -o "$tmp/static.json" "$BASE$STATIC_PATH" ||
    die "GET $STATIC_PATH failed"
cmp -s "$tmp/static.json" "$VIGIL_MEDIA_DIR/bench-listing.json" ||
    die "the static copy differs from the listing"
LIST_BYTES=$(wc -c <"$VIGIL_MEDIA_DIR/bench-listing.json")
say "listing: $n streams, $nrec recordings, $LIST_BYTES bytes (full view $FULL_BYTES)"

# ------------------------------------------------------------ CPU

# The machine is shared: wall-clock rates move with whatever else runs.
# CPU time spent per request moves much less, so next to each rate we
# give the CPU it took (utime + stime from /proc, clock ticks).
TCK=$(getconf CLK_TCK)

# ticks NAME: CPU ticks of program NAME (the supervisor and its workers;
# for nginx, the master and its workers) so far.
ticks() {
	local sup pid s t=0
	sup=$(awk -v n="$1" '$1 == n { print $2 }' "$RUNDIR/pids")
	[ -n "$sup" ] || { echo 0; return; }
	for pid in $sup $(ps -o pid= --ppid "$sup"); do
		s=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- $s
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}

# us_per TICKS|SECONDS N [s]: microseconds of CPU per request.
us_per() {
	awk -v t="$1" -v n="$2" -v unit="${3:-ticks}" -v tck="$TCK" 'BEGIN {
	    if (n + 0 == 0) { print "?"; exit }
	    s = unit == "s" ? t : t / tck
	    printf "%.0f", s * 1e6 / n }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || b + 0 == 0)
	    print "?"; else printf "%.2f", a / b }'
}

# ------------------------------------------------------------ wrk

# wrk_run NAME CONNS PATH [APP] [wrk args...]: one wrk run.  Sets RPS,
# P99 (ms), REQS, and the CPU per request in µs of nginx (CPU_NGINX), of
# program APP (CPU_APP) and of wrk itself (CPU_CLIENT).  Socket errors
# or non-2xx answers are a problem with the run.
wrk_run() {
	local name=$1 c=$2 path=$3 app=${4:-} out t n0 a0 n1 a1
	shift 3
	[ $# -eq 0 ] || shift
	out=$tmp/wrk/$name.txt
	t=$THREADS
	[ "$c" -ge "$t" ] || t=$c
	n0=$(ticks nginx)
	a0=0
	[ -z "$app" ] || a0=$(ticks "$app")
	timeout 400 /usr/bin/time -f '%U %S' -o "$out.time" \
	    wrk -t"$t" -c"$c" --timeout 10s --latency "$@" "$BASE$path" \
	    >"$out" 2>&1 ||
	    problem "wrk $name failed: $(tail -n 3 "$out")"
	n1=$(ticks nginx)
	a1=0
	[ -z "$app" ] || a1=$(ticks "$app")
	RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	REQS=$(awk '/ requests in / { print $1 }' "$out")
	P99=$(awk '$1 == "99%" {
	    v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
	    if (u == "us") v /= 1000; else if (u == "s") v *= 1000
	    else if (u == "m") v *= 60000
	    printf "%.2f", v }' "$out")
	RPS=${RPS:-0} REQS=${REQS:-0} P99=${P99:-?}
	CPU_NGINX=$(us_per $((n1 - n0)) "$REQS")
	CPU_APP=$(us_per $((a1 - a0)) "$REQS")
	CPU_CLIENT=$(us_per "$(awk '{ print $1 + $2 }' "$out.time" 2>/dev/null ||
	    echo 0)" "$REQS" s)
	if grep -qE 'Non-2xx|Socket errors' "$out"; then
		problem "wrk $name: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ')"
	fi
	say "$(printf '%-14s c=%-3s %9s req/s  p99 %8s ms  CPU µs/req: nginx %s%s, wrk %s' \
	    "$name" "$c" "$RPS" "$P99" "$CPU_NGINX" \
	    "${app:+, $app $CPU_APP}" "$CPU_CLIENT")"
}

# ------------------------------------------------------------ RSS idle

curl -fsS --max-time 10 -o /dev/null "$BASE$LIST_PATH" ||
    problem "GET $LIST_PATH failed"
RSS_IDLE=$(rss_of streams)

# ------------------------------------------------------------ 1 listing

# Listings the streams program itself answered (200), from its log:
# nginx's access log also counts those served from the micro-cache.
served() {
	grep -c ' streams: GET /api/streams 200$' "$RUNDIR/log/streams.log" ||
	    true
}

declare -A L_RPS L_P99 L_NG L_APP L_REQS L_ANS S_RPS S_P99 S_NG
declare -A F_RPS F_P99 F_NG F_APP FS_RPS FS_P99 FS_NG
for c in 1 16 64; do
	wrk_run "static-c$c" "$c" "$STATIC_PATH" "" -d"$DURATION"
	S_RPS[$c]=$RPS S_P99[$c]=$P99 S_NG[$c]=$CPU_NGINX
	a0=$(served)
	wrk_run "listing-c$c" "$c" "$LIST_PATH" streams -d"$DURATION"
	L_RPS[$c]=$RPS L_P99[$c]=$P99 L_NG[$c]=$CPU_NGINX L_APP[$c]=$CPU_APP
	L_REQS[$c]=$REQS L_ANS[$c]=$(($(served) - a0))
	wrk_run "static-full-c$c" "$c" "$FULL_STATIC_PATH" "" -d"$DURATION"
	FS_RPS[$c]=$RPS FS_P99[$c]=$P99 FS_NG[$c]=$CPU_NGINX
	wrk_run "full-c$c" "$c" "$LIST_PATH" streams -d"$DURATION" -H "$OWNER_H"
	F_RPS[$c]=$RPS F_P99[$c]=$P99 F_NG[$c]=$CPU_NGINX F_APP[$c]=$CPU_APP
done

# ------------------------------------------------------------ media

# A 2 s HLS segment at ~2.4 Mb/s (600 KiB) in a stream's directory, where
# nginx first asks the streams program whether the caller may watch
# (auth_request; the anonymous answer kept 1 s per stream), against the
# same bytes straight under /media/ (asked nothing), at 64 connections;
# then a signed-in viewer, whose every fetch is asked.
MEDIA_ID=$(jq -r '.streams[0].id' "$VIGIL_MEDIA_DIR/bench-listing.json")
mkdir -p "$VIGIL_MEDIA_DIR/$MEDIA_ID"
head -c 614400 /dev/urandom >"$VIGIL_MEDIA_DIR/bench-seg.ts"
cp "$VIGIL_MEDIA_DIR/bench-seg.ts" "$VIGIL_MEDIA_DIR/$MEDIA_ID/bench-seg.ts"
asked() {
	grep -c ' streams: GET /_vigil/media-access 204$' \
	    "$RUNDIR/log/streams.log" || true
}
wrk_run media-static 64 /media/bench-seg.ts "" -d"$DURATION"
MS_RPS=$RPS MS_P99=$P99 MS_NG=$CPU_NGINX
a0=$(asked)
wrk_run media-anon 64 "/media/$MEDIA_ID/bench-seg.ts" streams -d"$DURATION"
MA_RPS=$RPS MA_P99=$P99 MA_NG=$CPU_NGINX MA_APP=$CPU_APP MA_REQS=$REQS
MA_ASKED=$(($(asked) - a0))
wrk_run media-signed-in 64 "/media/$MEDIA_ID/bench-seg.ts" streams \
    -d"$DURATION" -H "Cookie: session=$OWNER"
MC_RPS=$RPS MC_P99=$P99 MC_NG=$CPU_NGINX MC_APP=$CPU_APP

# ------------------------------------------------------------ 4 RSS

RSS_WARM=$(rss_of streams)
SERVED_WARM=$(served)
# Top up to RSS_REQUESTS listings answered by the program (the full view:
# the anonymous one would come from the cache): each run lasts what the
# last rate says is left (2 to 120 s), at most 5 runs.
rate=${F_RPS[16]:-0}
for i in 1 2 3 4 5; do
	left=$((RSS_REQUESTS - $(served)))
	[ "$left" -gt 0 ] || break
	secs=$(awk -v l="$left" -v r="$rate" 'BEGIN { s = r > 0 ? l / r + 1 : 120
	    if (s < 2) s = 2; if (s > 120) s = 120; printf "%d", s }')
	wrk_run "listing-rss$i" 16 "$LIST_PATH" streams -d"${secs}s" -H "$OWNER_H"
	rate=$RPS
done
SERVED=$(served)
RSS_AFTER=$(rss_of streams)
say "streams workers VmRSS KiB: idle $RSS_IDLE, after $SERVED_WARM listings $RSS_WARM, after $SERVED $RSS_AFTER"

# ------------------------------------------------------------ 2 webhooks

# wrk sends the events (bench/webhooks.lua): SENDERS keep-alive
# connections over WH_T threads, each thread its own share of the events,
# each event once.  bench/webhooks.mjs makes them (bodies and signatures)
# before anything is measured, one file per wrk thread.  wrk gives each
# thread c/t connections, so WH_T divides SENDERS.
count() {
	sqlite3 "$VIGIL_DB" "$1"
}
WH_T=$THREADS
[ "$SENDERS" -ge "$WH_T" ] || WH_T=$SENDERS
[ $((SENDERS % WH_T)) -eq 0 ] || WH_T=1
# What webhooks.lua sends on a connection that has no event left after a
# socket error (never in a clean run): a static file, which adds no row.
printf 'webhooks.lua: not an event\n' >"$VIGIL_MEDIA_DIR/bench-webhooks-idle.txt"
timeout 300 node bench/webhooks.mjs --streams "$tmp/wh-streams" \
    --events "$EVENTS" --threads "$WH_T" --out "$tmp/wh-events" \
    2>"$tmp/log/webhooks.err" ||
    problem "webhooks.mjs failed: $(tail -n 3 "$tmp/log/webhooks.err")"
ev0=$(count "SELECT count(*) FROM webhook_events")
rec0=$(count "SELECT count(*) FROM recordings")
WH_RSS_BEFORE=$(rss_of webhook-mux)
WH_OUT=$tmp/wrk/webhooks.txt
n0=$(ticks nginx)
a0=$(ticks webhook-mux)
# Sending stops after EVENT_SECONDS (webhooks.lua); -d is only the cap,
# wrk ends as soon as every event sent is answered.
timeout $((EVENT_SECONDS + 120)) /usr/bin/time -f '%U %S' -o "$WH_OUT.time" \
    wrk -t"$WH_T" -c"$SENDERS" -d"$((EVENT_SECONDS + 30))s" --timeout 10s \
    -s bench/webhooks.lua "$BASE/api/webhooks/mux" \
    -- "$tmp/wh-events" "$WH_T" "$EVENT_SECONDS" >"$WH_OUT" 2>&1 ||
    problem "wrk webhooks failed: $(tail -n 3 "$WH_OUT")"
n1=$(ticks nginx)
a1=$(ticks webhook-mux)
WH=$(grep '^{' "$WH_OUT" | tail -n 1)
wh() {
	jq -r "$1" <<<"$WH" 2>/dev/null || echo '?'
}
ev1=$(count "SELECT count(*) FROM webhook_events")
rec1=$(count "SELECT count(*) FROM recordings")
WH_OK=$(wh .ok) WH_RATE=$(wh .rate) WH_SENT=$(wh .sent)
WH_EVENTS=$(wh .events) WH_ERRORS=$(wh .errors)
WH_EV=$((ev1 - ev0))
WH_REC=$((rec1 - rec0))
WH_NG=$(us_per $((n1 - n0)) "$WH_OK")
WH_APP=$(us_per $((a1 - a0)) "$WH_OK")
WH_CLIENT=$(us_per "$(awk '{ print $1 + $2 }' "$WH_OUT.time" 2>/dev/null ||
    echo 0)" "$WH_OK" s)
WH_SERVER=$(awk -v a="$WH_NG" -v b="$WH_APP" 'BEGIN { print a + b }')
# What the server alone could take on these two cores.
WH_CAP=$(awk -v s="$WH_SERVER" -v n="$(nproc)" 'BEGIN {
    if (s + 0 == 0) print "?"; else printf "%.0f", n * 1e6 / s }')
WH_RSS_AFTER=$(rss_of webhook-mux)
say "webhooks: ${WH:-no result from wrk}"
say "webhooks: rows added: webhook_events $WH_EV, recordings $WH_REC; CPU µs/event: nginx $WH_NG, webhook-mux $WH_APP, wrk $WH_CLIENT"
case $WH_OK in
'' | *[!0-9]*)
	problem "webhooks: no result from wrk: $(tail -n 3 "$WH_OUT")"
	WH_OK='?'
	;;
esac
if [ "$WH_OK" != "$WH_EV" ] || [ "$WH_OK" != "$WH_REC" ]; then
	problem "webhooks: $WH_OK acknowledged but $WH_EV events and $WH_REC recordings stored"
fi
if [ "$WH_OK" != "$WH_SENT" ] || [ "$WH_ERRORS" != 0 ]; then
	problem "webhooks: $WH_SENT sent, $WH_OK acknowledged ($(wh .statuses), errors $WH_ERRORS: $(wh .firstError))"
fi
[ "$WH_SENT" = "$WH_EVENTS" ] ||
    say "webhooks: $WH_SENT of $WH_EVENTS events sent in the ${EVENT_SECONDS} s allowed"

# ------------------------------------------------------------ 3 create-whip

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "?";
	    else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# create_times METHOD: BENCH_CREATES wall times (ms), one a line.
create_times() {
	local i code t
	for i in $(seq "$CREATES"); do
		t=$(curl -sS --max-time 30 -o "$tmp/create.out" \
		    -w '%{http_code} %{time_total}' \
		    -H "Authorization: Bearer $OWNER" \
		    -H 'Content-Type: application/json' \
		    -H "Idempotency-Key: bench-$1-$i-$RANDOM$RANDOM" \
		    -d "{\"memorialId\":\"bench-webhooks\",\"title\":\"Timed $i\",\"streamingMethod\":\"$1\",\"muxBackup\":true}" \
		    "$BASE/api/streams/create-whip") || t="000 0"
		code=${t%% *}
		if [ "$code" != 201 ]; then
			problem "create-whip $1: $code $(head -c 300 "$tmp/create.out")"
			continue
		fi
		awk -v s="${t#* }" 'BEGIN { printf "%.1f\n", s * 1000 }'
	done
}

fake_config '{"delayMs":0}'
C0_OBS=$(create_times obs | median)
C0_WHIP=$(create_times whip_browser | median)
fake_config "{\"delayMs\":$DELAY_MS}"
C_OBS=$(create_times obs | median)
C_WHIP=$(create_times whip_browser | median)
fake_config '{"delayMs":0}'
say "create-whip median ms: obs $C_OBS (D=0: $C0_OBS), whip_browser $C_WHIP (D=0: $C0_WHIP)"

# ------------------------------------------------------------ 5 workers

# Each worker count on a fresh stack, static and the full view (what
# the workers serve; the anonymous listing would come from nginx's
# cache) back to back.
declare -A W_RPS W_P99 W_APP WS_RPS
for w in $WORKERS; do
	stop_stack
	start_stack "$w"
	curl -fsS --max-time 10 -o /dev/null -H "$OWNER_H" "$BASE$LIST_PATH" ||
	    problem "listing with $w workers failed"
	wrk_run "static-full-w$w" 64 "$FULL_STATIC_PATH" "" -d"$DURATION"
	WS_RPS[$w]=$RPS
	wrk_run "full-w$w" 64 "$LIST_PATH" streams -d"$DURATION" -H "$OWNER_H"
	W_RPS[$w]=$RPS W_P99[$w]=$P99 W_APP[$w]=$CPU_APP
done
stop_stack

if grep -qE 'worker .* (killed|exited)' "$RUNDIR"/log/*.log 2>/dev/null; then
	problem "a worker died: $(grep -hE 'worker .* (killed|exited)' "$RUNDIR"/log/*.log | head -3)"
fi

# ------------------------------------------------------------ 6 relay

# RELAY=1: the relay's own bench (its own stack, Chromium publishers),
# one tab-separated line per round (tests/relay/bench.sh, BENCH_TSV).
if [ "$RELAY" = 1 ]; then
	say "relay: tests/relay/bench.sh $RELAY_ROUNDS"
	: >"$tmp/relay.tsv"
	# shellcheck disable=SC2086
	BENCH_TSV=$tmp/relay.tsv timeout 1800 tests/relay/bench.sh \
	    $RELAY_ROUNDS >"$tmp/log/relay.out" 2>&1 ||
	    problem "tests/relay/bench.sh failed: $(tail -n 5 "$tmp/log/relay.out")"
	sed 's/^/relay: /' "$tmp/log/relay.out" >&2
	while IFS=$'\t' read -r n _ _ _ _ _ _ _ _ _ ok; do
		[ "$ok" = "$n" ] ||
		    problem "relay: $ok of $n publishers left both outputs"
	done <"$tmp/relay.tsv"
fi

# ------------------------------------------------------------ the table

ok_if() {
	awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
	    if (v == "?" || v == "") { print "?"; exit }
	    if ((op == ">=" && v + 0 >= t + 0) || (op == "<=" && v + 0 <= t + 0))
		print "met"; else print "NOT met" }'
}

# rss_ratio BEFORE AFTER ("pid:kib" lists): the largest after/before of
# one worker; "replaced" when a worker is not the same process any more.
rss_ratio() {
	awk -v b="$1" -v a="$2" 'BEGIN {
	    nb = split(b, B, " "); na = split(a, A, " ")
	    for (i = 1; i <= nb; i++) { split(B[i], f, ":"); kb[f[1]] = f[2] }
	    if (na == 0 || na != nb) { print "replaced"; exit }
	    m = 0
	    for (i = 1; i <= na; i++) { split(A[i], f, ":")
		if (!(f[1] in kb) || kb[f[1]] + 0 == 0) { print "replaced"; exit }
		r = f[2] / kb[f[1]]; if (r > m) m = r }
	    printf "%.3f\n", m }'
}

# The CPU cost of one answer, static over listing: what the throughput
# ratio would be if the server had the machine to itself.
cost() {
	awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'
}
crit_obs=$((2 * DELAY_MS))
crit_whip=$DELAY_MS
r64=$(ratio "${L_RPS[64]}" "${S_RPS[64]}")
r_obs=$(ratio "$C_OBS" "$crit_obs")
r_whip=$(ratio "$C_WHIP" "$crit_whip")
r_wh=$(ratio "$WH_RATE" "${F_RPS[16]}")
rss_growth=$(rss_ratio "$RSS_WARM" "$RSS_AFTER")

{
	echo "Vigil bench $(date -u +%FT%TZ): $(nproc) CPUs, load average $LOAD0 at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end; $main_workers workers; wrk -t$THREADS -d$DURATION"
	echo "Listing: $NSTREAMS streams, $nrec recordings, $LIST_BYTES bytes of JSON (the owner's full view: $FULL_BYTES). CPU: µs per request of nginx + the FastCGI program (utime+stime)."
	echo "Anonymous: the public view, from nginx's 1 s micro-cache (what viewers get); full view: the owner's token, never cached (the program's own throughput). Each against the same bytes as a static file."
	echo
	echo "| measure | value | reference | ratio | target |"
	echo "|---|---|---|---|---|"
	for c in 1 16 64; do
		t="-"
		[ "$c" != 64 ] || t="≥ 0.50: $(ok_if "$r64" 0.5 '>=')"
		echo "| listing anonymous c=$c: req/s (p99 ms) | ${L_RPS[$c]} (${L_P99[$c]}) | static ${S_RPS[$c]} (${S_P99[$c]}) | $(ratio "${L_RPS[$c]}" "${S_RPS[$c]}") | $t |"
	done
	c=64
	echo "| listing anonymous c=64: server CPU µs/req | nginx ${L_NG[$c]} + streams ${L_APP[$c]}; the program answered ${L_ANS[$c]} of ${L_REQS[$c]} | static: nginx ${S_NG[$c]} | $(ratio "${S_NG[$c]}" "$(cost "${L_NG[$c]}" "${L_APP[$c]}")") | (cost ratio) |"
	for c in 1 16 64; do
		echo "| full view (token, uncached) c=$c: req/s (p99 ms) | ${F_RPS[$c]} (${F_P99[$c]}) | static ${FS_RPS[$c]} (${FS_P99[$c]}) | $(ratio "${F_RPS[$c]}" "${FS_RPS[$c]}") | - |"
	done
	echo "| full view c=64: server CPU µs/req | nginx ${F_NG[$c]} + streams ${F_APP[$c]} | static: nginx ${FS_NG[$c]} | $(ratio "${FS_NG[$c]}" "$(cost "${F_NG[$c]}" "${F_APP[$c]}")") | (cost ratio) |"
	echo "| media segment (600 KiB), anonymous, c=64: req/s (p99 ms) | $MA_RPS ($MA_P99); CPU µs/req nginx $MA_NG + streams $MA_APP; the program was asked $MA_ASKED times of $MA_REQS | the same file, not asked: $MS_RPS ($MS_P99); nginx $MS_NG | $(ratio "$MA_RPS" "$MS_RPS") | - |"
	echo "| media segment, signed in (asked every time), c=64: req/s (p99 ms) | $MC_RPS ($MC_P99); CPU µs/req nginx $MC_NG + streams $MC_APP | not asked: $MS_RPS | $(ratio "$MC_RPS" "$MS_RPS") | - |"
	for w in $WORKERS; do
		echo "| full view c=64, $w workers: req/s (p99 ms) | ${W_RPS[$w]:-?} (${W_P99[$w]:-?}); streams ${W_APP[$w]:-?} µs/req | static ${WS_RPS[$w]:-?} | $(ratio "${W_RPS[$w]:-?}" "${WS_RPS[$w]:-?}") | - |"
	done
	echo "| webhooks, $SENDERS senders (wrk -t$WH_T -c$SENDERS): events/s | $WH_RATE ($WH_OK of $WH_SENT in $(wh .seconds) s) | full view c=16: ${F_RPS[16]} req/s | $r_wh | ≥ 2000/s: $(ok_if "$WH_RATE" 2000 '>=') |"
	echo "| webhooks: CPU µs/event | nginx $WH_NG + webhook-mux $WH_APP; client (wrk) $WH_CLIENT | server alone on $(nproc) CPUs: $WH_CAP events/s | - | - |"
	echo "| webhooks: rows per 200 (zero lost) | webhook_events +$WH_EV, recordings +$WH_REC | $WH_OK answered 200 | $(ratio "$WH_EV" "$WH_OK") | 1.00: $( [ "$WH_OK" = "$WH_EV" ] && [ "$WH_OK" = "$WH_REC" ] && echo met || echo 'NOT met') |"
	echo "| create-whip obs + Mux, D=$DELAY_MS ms: median ms | $C_OBS (D=0: $C0_OBS) | critical path 2·D = $crit_obs | $r_obs | ≤ 1.05: $(ok_if "$r_obs" 1.05 '<=') |"
	echo "| create-whip whip_browser + Mux: median ms | $C_WHIP (D=0: $C0_WHIP) | critical path D = $crit_whip | $r_whip | ≤ 1.05: $(ok_if "$r_whip" 1.05 '<=') |"
	echo "| streams workers VmRSS KiB (pid:KiB) after $SERVED listings | $RSS_AFTER | after $SERVED_WARM: $RSS_WARM (idle: $RSS_IDLE) | $rss_growth | no growth: $(ok_if "$rss_growth" 1.05 '<=') |"
	echo "| webhook-mux workers VmRSS KiB after $WH_OK events | $WH_RSS_AFTER | before: $WH_RSS_BEFORE | $(rss_ratio "$WH_RSS_BEFORE" "$WH_RSS_AFTER") | - |"
	if [ "$RELAY" = 1 ]; then
		echo
		echo "Relay (RELAY=1: tests/relay/bench.sh $RELAY_ROUNDS; headless Chromium publishers on the same CPUs; CPU in % of one CPU over the steady window, all whip processes)."
		echo
		echo "| publishers | relay CPU % (per publisher) | RSS KiB idle → peak (+ per publisher) | POST → first RTMP byte ms (median / max) | POST → connected ms (median / max) | box busy | outputs ok |"
		echo "|---|---|---|---|---|---|---|"
		while IFS=$'\t' read -r n _ pconn prtmp cpu per idle peak plus busy ok; do
			echo "| $n | $cpu ($per) | $idle → $peak (+$plus) | $prtmp | $pconn | $busy | $ok/$n |"
		done <"$tmp/relay.tsv"
		[ -s "$tmp/relay.tsv" ] || echo "| - | the relay bench produced no rounds | - | - | - | - | - |"
	fi
} >"$tmp/table.md"

cat "$tmp/table.md"
[ -z "${BENCH_OUT:-}" ] || cp "$tmp/table.md" "$BENCH_OUT"
if [ $failures != 0 ]; then
	say "$failures problem(s) with the run itself (see above)"
	exit 1
fi
exit 0
