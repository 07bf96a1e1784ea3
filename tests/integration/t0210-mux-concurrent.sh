# t0210-mux-concurrent: deliveries that arrive at once are all kept.
# Four senders in parallel each POST 50 distinct signed
# asset.live_stream_completed events (200 assets over two streams) to
# /api/webhooks/mux, where two FastCGI processes write one SQLite
# database at the same time.  Every answer is 200 (none 503: busy is
# waited out), and exactly 200 webhook_events rows and 200 ready
# recording rows exist afterwards, each with its own duration: nothing
# lost, nothing doubled.  The time taken is printed (not asserted).

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
S1=$SID M1=$MUX_ID
wh_new_stream obs
S2=$SID M2=$MUX_ID

SENDERS=4 PER=50
TOTAL=$((SENDERS * PER))
RUN=$(openssl rand -hex 6)
dir=$CASE_TMP/conc
mkdir -p "$dir"
# The events, made in one go (event n for stream 1 when n is even): the
# same shape as wh_mux_asset's, each with its own id, asset, duration
# and playback id.
jq -n -c --arg run "$RUN" --arg s1 "$S1" --arg m1 "$M1" --arg s2 "$S2" \
    --arg m2 "$M2" --argjson total "$TOTAL" '
    range(1; $total + 1) as $n
    | (if $n % 2 == 0 then [$s1, $m1] else [$s2, $m2] end) as [$sid, $ls]
    | {type: "video.asset.live_stream_completed",
       id: "\($run)-ev-\($n)", created_at: "2026-05-01T13:02:11.000000Z",
       object: {type: "asset", id: "C\($run)x\($n)"},
       environment: {name: "Test", id: "t3st01"}, attempts: [],
       data: {id: "C\($run)x\($n)", created_at: 1777636801,
         status: "ready", is_live: false, live_stream_id: $ls,
         passthrough: $sid, duration: ($n + 0.5),
         playback_ids: [{id: "P\($n)", policy: "public"}],
         recording_times: [{started_at: {seconds: 1777636803, nanos: 0},
           duration: ($n + 0.5), type: "content"}],
         progress: {state: "completed", progress: 100},
         ingest_type: "live_rtmp"}}' >"$dir/all"
[ "$(wc -l <"$dir/all")" = "$TOTAL" ] || fail "could not make the events"
t=$(date +%s)
n=0
while IFS= read -r line; do
	n=$((n + 1))
	f=$dir/ev.$n
	printf '%s\n' "$line" >"$f"
	read -r hex _ < <({ printf '%s.' "$t"; cat "$f"; } |
	    openssl dgst -sha256 -r -hmac "$MUX_WEBHOOK_SECRET")
	printf '%s t=%s,v1=%s\n' "$f" "$t" "$hex" >>"$dir/list.$(((n - 1) / PER + 1))"
done <"$dir/all"
# One of them checked against lib.sh's signer.
[ "$(sign_mux "$dir/ev.1" "$t")" = "$(cut -d' ' -f2 "$dir/list.1" | head -1)" ] ||
    fail "the signatures made here differ from sign_mux's"

send_all() {
	local f sig
	while read -r f sig; do
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 30 \
		    -H 'Content-Type: application/json' \
		    -H "Mux-Signature: $sig" --data-binary "@$f" \
		    "$BASE/api/webhooks/mux" || echo 000
	done <"$1"
}

t0=$(date +%s%N)
pids=()
for s in $(seq "$SENDERS"); do
	send_all "$dir/list.$s" >"$dir/codes.$s" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p"
done
t1=$(date +%s%N)
echo "concurrent: $TOTAL events by $SENDERS senders in $(((t1 - t0) / 1000000)) ms"

total=$(cat "$dir"/codes.* | wc -l)
ok=$(cat "$dir"/codes.* | grep -c '^200$' || true)
[ "$total" = $TOTAL ] || fail "only $total answers"
[ "$ok" = $TOTAL ] ||
    fail "$ok of $total answered 200; others: $(cat "$dir"/codes.* | grep -v '^200$' | sort | uniq -c | tr '\n' ' ')"

[ "$(db "SELECT count(*) FROM webhook_events WHERE provider = 'mux'
    AND event_id LIKE '$RUN-ev-%'")" = "$TOTAL" ] ||
    fail "webhook_events: $(db "SELECT count(*) FROM webhook_events WHERE event_id LIKE '$RUN-ev-%'") rows"
[ "$(db "SELECT count(*) FROM recordings WHERE stream_id IN ('$S1', '$S2')
    AND source = 'mux' AND state = 'ready'")" = $TOTAL ] ||
    fail "ready recordings: $(db "SELECT count(*) FROM recordings WHERE stream_id IN ('$S1', '$S2')")"
[ "$(db "SELECT count(DISTINCT duration) FROM recordings
    WHERE stream_id IN ('$S1', '$S2')")" = $TOTAL ] ||
    fail "durations got mixed up"
[ "$(db "SELECT count(*) FROM recordings WHERE stream_id = '$S1'")" = \
    $((TOTAL / 2)) ] || fail "the events went to the wrong streams"
# Informational: whether SQLite was busy along the way (waited out).
! grep -q 'db: busy' "$RUNDIR/log/webhook-mux.log" ||
    echo "note: SQLite was busy at times (waited out): $(grep -c 'db: busy' "$RUNDIR/log/webhook-mux.log")"
